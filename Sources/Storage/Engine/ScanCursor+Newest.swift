// The newest row of a series in one partition, without reading the whole partition: each
// segment is read from its last block backwards until a block holds a row inside the
// time range that no tombstone hides; each head buffer is searched for its newest time.
// The newest time over all sources wins, and the rows at that time are merged the way a
// full scan merges duplicates (older sources first, newer values win field by field).

extension ScanCursor {
    mutating func newestRow(of id: SeriesID, _ sources: [ScanSource]) throws(StorageError) -> SeriesBatch? {
        struct Candidate {
            var time: Int64
            var columns: [ColumnValues]
        }
        var candidates: [Candidate?] = Array(repeating: nil, count: sources.count)
        var tags: [(key: String, value: String)] = []
        var newest = Int64.min
        var found = false
        // Newest sources first: an older segment whose rows of the series all predate the
        // best row found so far is skipped without decoding (its directory has the
        // series' last time), and one whose newest row is older decodes no field.
        for n in sources.indices.reversed() {
            let source = sources[n]
            if let live = source.segment, let i = live.index(of: id) {
                if tags.isEmpty { tags = live.segment.series[i].tags }
                if found && live.segment.series[i].maxTime < newest { continue }
                let covering = source.tombstones.filter { $0.covers(series: id) }
                if let candidate = try newestInSegment(live.segment, i, covering, notBefore: found ? newest : nil) {
                    candidates[n] = Candidate(time: candidate.time, columns: candidate.columns)
                }
            } else if let head = source.head, let buffer = head.series[id] {
                if tags.isEmpty { tags = buffer.tags }
                var best: Int?
                for (r, t) in buffer.times.enumerated() where timeRange?.contains(t) ?? true {
                    // Equal times: the later row is newer (and merges over the earlier).
                    if best == nil || t >= buffer.times[best!] { best = r }
                }
                guard let best else { continue }
                let time = buffer.times[best]
                let rows = buffer.times.indices.filter { buffer.times[$0] == time }
                let columns = fields.map { field in
                    buffer.columns[field.name].map { $0.type == field.type ? $0.gathered(rows) : .nulls(field.type, count: rows.count) }
                        ?? .nulls(field.type, count: rows.count)
                }
                candidates[n] = Candidate(time: time, columns: columns)
            } else {
                continue
            }
            if let time = candidates[n]?.time, !found || time > newest {
                newest = time
                found = true
            }
        }
        guard found else { return nil }
        var times: [Int64] = []
        var columns = fields.map { ColumnValues.nulls($0.type, count: 0) }
        for candidate in candidates {
            guard let candidate, candidate.time == newest else { continue }
            let count = candidate.columns.first?.count ?? 1
            times += Array(repeating: newest, count: count)
            for c in columns.indices { columns[c].append(candidate.columns[c]) }
        }
        let (merged, values) = RowMerge.sortAndMerge(times: times, columns: columns)
        return SeriesBatch(table: table.name, seriesID: id, tags: tags, times: merged, columnNames: fields.map(\.name),
                           columns: values)
    }

    /// The newest row of series `index` of `segment` inside the time range that none of
    /// `tombstones` hides: its time and one value per field (nil as well when that row is
    /// older than `notBefore`: its fields are then not decoded).
    mutating func newestInSegment(_ segment: Segment, _ index: Int, _ tombstones: [Tombstone], notBefore: Int64?) throws(StorageError)
        -> (time: Int64, columns: [ColumnValues])? {
        let series = segment.series[index]
        let positions = segment.columnPositions
        let blocks = series.blocks[0]
        for b in blocks.indices.reversed() {
            let block = blocks[b]
            if let range = timeRange, let low = block.min, let high = block.max,
               Int64(bitPattern: high) < range.lowerBound || Int64(bitPattern: low) >= range.upperBound {
                continue
            }
            statistics.blocks += 1
            var times = [Int64](repeating: 0, count: block.rows)
            try times.withUnsafeMutableBufferPointer { (out) throws(StorageError) in try segment.readTimestamps(block, into: out) }
            var row: Int?
            for r in times.indices.reversed() {
                let t = times[r]
                if let range = timeRange, !range.contains(t) { continue }
                if tombstones.contains(where: { $0.timeRange.contains(t) }) { continue }
                row = r
                break
            }
            guard let row else { continue }
            if let notBefore, times[row] < notBefore { return nil }
            var columns: [ColumnValues] = []
            for field in fields {
                if let position = positions[field.name], segment.columns[position].type == field.type {
                    columns.append(try segment.readValues(series.blocks[position][b], type: field.type).slice(row..<(row + 1)))
                } else {
                    columns.append(.nulls(field.type, count: 1))
                }
            }
            return (times[row], columns)
        }
        return nil
    }
}
