// Removing rows from the head: a deletion takes the rows it covers out of the buffers at
// once (the head holds only rows written before it, as deletions apply in LSN order),
// and DROP TABLE takes a whole table.

extension Head {
    /// Removes the rows of table `tableID` that `deletion` covers; returns how many.
    /// Buffers are rewritten in place through the dictionaries (never copied out whole).
    mutating func remove(_ deletion: Deletion, tableID: UInt32) -> Int {
        guard let starts = tables[tableID]?.keys else { return 0 }
        var removed = 0
        for start in Array(starts) {
            let ids = deletion.series ?? Array(tables[tableID]![start]!.series.keys)
            for id in ids {
                guard let buffer = tables[tableID]![start]!.series[id] else { continue }
                var keep: [Int] = []
                keep.reserveCapacity(buffer.times.count)
                for (i, time) in buffer.times.enumerated() where !deletion.timeRange.contains(time) { keep.append(i) }
                let gone = buffer.times.count - keep.count
                guard gone > 0 else { continue }
                if keep.isEmpty {
                    tables[tableID]![start]!.series[id] = nil
                } else {
                    var kept = SeriesBuffer(tags: buffer.tags)
                    kept.times = keep.map { buffer.times[$0] }
                    for (name, values) in buffer.columns { kept.columns[name] = values.gathered(keep) }
                    tables[tableID]![start]!.series[id] = kept
                }
                tables[tableID]![start]!.rows -= gone
                rows -= gone
                approximateBytes = max(0, approximateBytes - gone * (16 + 9 * buffer.columns.count))
                removed += gone
            }
            if tables[tableID]![start]!.rows == 0 { tables[tableID]![start] = nil }
        }
        if tables[tableID]?.isEmpty == true { tables[tableID] = nil }
        return removed
    }

    /// Removes every row of table `tableID`.
    mutating func removeTable(_ tableID: UInt32) {
        guard let partitions = tables.removeValue(forKey: tableID) else { return }
        let gone = partitions.values.reduce(0) { $0 + $1.rows }
        rows -= gone
        approximateBytes = rows == 0 ? 0 : max(0, approximateBytes - gone * 16)
    }
}
