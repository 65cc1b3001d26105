// What a grouped, sorted or distinct query does after its input: the sort buffer,
// DISTINCT and DISTINCT ON / LATEST ON, OFFSET and LIMIT over the buffered rows.
import SundialStorage

extension QueryExecutor {
    /// Everything for a grouped, sorted or distinct query: rows in their final order.
    /// ORDER BY, or the DISTINCT ON columns when there is none (so the kept row of each
    /// group is well defined).
    var sortKeys: [SortKey] {
        plan.orderBy.isEmpty ? (plan.distinctOn ?? []).map { SortKey(column: $0, descending: false, nullsFirst: false) } : plan.orderBy
    }

    /// Whether row `a` sorts before row `b` (nil when they tie), on sort-key values.
    static func precedes(_ a: [SQLValue], _ b: [SQLValue], _ keys: [SortKey]) -> Bool? {
        for (k, key) in keys.enumerated() {
            let x = a[k], y = b[k]
            if x.isNull || y.isNull {
                if x.isNull && y.isNull { continue }
                return x.isNull == key.nullsFirst
            }
            let c = SQLValue.compare(x, y) ?? 0
            if c != 0 { return key.descending ? c > 0 : c < 0 }
        }
        return nil
    }

    /// DISTINCT ON without sorting every row: the first row in ORDER BY order of each
    /// group is kept as rows stream by (a run of rows with equal ON values, as a series
    /// batch is, costs one comparison per row and one hash lookup per run).
    func latestPerGroup(_ on: [Int], _ keys: [SortKey]) throws(QueryError) -> Batch {
        var best: [[SQLValue]: (sort: [SQLValue], row: [SQLValue])] = [:]
        var reservation = MemoryReservation(memory, plan.scan.derived == nil && lastPoint ? "LATEST ON" : "DISTINCT ON")
        let clock = profile.clock()
        let before = profile.inputTime + profile.project.time
        while let input = try nextInput() {
            let out = try project(input)
            profile.distinct.rowsIn += out.count
            var i = 0
            while i < out.count {
                var j = i + 1
                while j < out.count && on.allSatisfy({ out.columns[$0].rowsEqual(j, j - 1) }) { j += 1 }
                var winner = i
                var winnerKeys: [SQLValue]
                if lastPoint {
                    // A run is one series' rows in ascending time: its last row is newest.
                    winner = j - 1
                    winnerKeys = keys.map { out.columns[$0.column].value(at: winner) }
                } else {
                    winnerKeys = keys.map { out.columns[$0.column].value(at: i) }
                    for r in (i + 1)..<j {
                        let candidate = keys.map { out.columns[$0.column].value(at: r) }
                        if Self.precedes(candidate, winnerKeys, keys) == true { winner = r; winnerKeys = candidate }
                    }
                }
                let group = on.map { out.columns[$0].value(at: winner) }
                if let current = best[group], Self.precedes(winnerKeys, current.sort, keys) != true {
                    // The kept row stays.
                } else {
                    let row = out.row(winner)
                    if best[group] == nil {
                        try reservation.add(MemoryEstimate.of(group) + MemoryEstimate.of(winnerKeys) + MemoryEstimate.of(row) + MemoryEstimate.hashEntry)
                    }
                    best[group] = (winnerKeys, row)
                }
                i = j
            }
        }
        let winners = Array(best.values.map(\.row))
        profile.distinct.rowsOut = winners.count
        profile.distinct.time = clock.elapsed - (profile.inputTime + profile.project.time - before)
        let columns = plan.projections.enumerated().map { (c, p) in Vector.build(winners.map { $0[c] }, type: p.type) }
        return Batch(columns: columns, count: winners.count)
    }

    func materialize() throws(QueryError) -> [Batch] {
        var rows: Batch
        if let keys = plan.groupKeys {
            var grouped = try aggregate(keys)
            if let fill = plan.fill {
                let clock = profile.clock()
                profile.fill.rowsIn = grouped.count
                grouped = try Filler.fill(grouped, plan: fill, keyCount: keys.count, memory: memory)
                profile.fill.rowsOut = grouped.count
                profile.fill.time = clock.elapsed
            }
            if let having = plan.having {
                let clock = profile.clock()
                profile.having.rowsIn = grouped.count
                grouped = try keeping(grouped, having)
                profile.having.rowsOut = grouped.count
                profile.having.time = clock.elapsed
            }
            rows = try project(grouped)
        } else if let on = plan.distinctOn {
            rows = try latestPerGroup(on, sortKeys)
        } else {
            // The sort buffer: the projected rows, appended batch by batch.
            var buffer = MemoryReservation(memory, plan.orderBy.isEmpty ? "DISTINCT" : "sort")
            var collected: Batch?
            while let input = try nextInput() {
                let out = try project(input)
                if (collected?.count ?? 0) + out.count > limits.maxBufferedRows {
                    throw QueryError(.limitExceeded, "sorting or DISTINCT needs more than \(limits.maxBufferedRows) rows (the per-query limit)")
                }
                try buffer.add(MemoryEstimate.of(out))
                if collected == nil { collected = out } else { collected!.append(out) }
            }
            rows = collected ?? Batch.concatenate([], types: plan.projections.map(\.type))
        }
        var sorting = MemoryReservation(memory, "sort")
        try sorting.add(rows.count * MemoryLayout<Int>.stride)
        var order = Array(0..<rows.count)
        let keys = sortKeys
        var clock = profile.clock()
        profile.sort.rowsIn = rows.count
        if !keys.isEmpty {
            // Sort keys are read once per row, not once per comparison.
            try sorting.add(rows.count * (MemoryEstimate.arrayHeader + keys.count * MemoryEstimate.value))
            let values = (0..<rows.count).map { row in keys.map { rows.columns[$0.column].value(at: row) } }
            order.sort { a, b in Self.precedes(values[a], values[b], keys) ?? (a < b) }
        }
        profile.sort.time = clock.elapsed
        if plan.distinct || plan.distinctOn != nil {
            clock = profile.clock()
            if plan.distinct { profile.distinct.rowsIn = order.count }
            let columns = plan.distinctOn ?? Array(0..<plan.visibleCount)
            var seen = Set<[SQLValue]>()
            var reservation = MemoryReservation(memory, "DISTINCT")
            var kept: [Int] = []
            kept.reserveCapacity(order.count)
            for row in order {
                let key = columns.map { rows.columns[$0].value(at: row) }
                if seen.insert(key).inserted {
                    try reservation.add(MemoryEstimate.of(key) + MemoryEstimate.hashEntry)
                    kept.append(row)
                }
            }
            order = kept
            if plan.distinct { profile.distinct.time = clock.elapsed }
            profile.distinct.rowsOut = order.count
        }
        profile.sort.rowsOut = order.count
        if !plan.finalOrder.isEmpty {
            // LATEST ON … ORDER BY: the newest rows, then the user's order.
            clock = profile.clock()
            let keys = plan.finalOrder
            try sorting.add(rows.count * (MemoryEstimate.arrayHeader + keys.count * MemoryEstimate.value))
            let values = (0..<rows.count).map { row in keys.map { rows.columns[$0.column].value(at: row) } }
            order.sort { a, b in Self.precedes(values[a], values[b], keys) ?? (a < b) }
            profile.sort.time += clock.elapsed
        }
        let start = min(plan.offset, order.count)
        let end = plan.limit.map { min(order.count, start + $0) } ?? order.count
        let picked = Array(order[start..<end])
        profile.limit.rowsIn = order.count
        profile.limit.rowsOut = picked.count
        guard picked.count <= limits.maxResultRows else {
            throw QueryError(.limitExceeded, "the result has more than \(limits.maxResultRows) rows (the per-query limit)")
        }
        var out: [Batch] = []
        var offset = 0
        var result = MemoryReservation(memory, "the result buffer")
        while offset < picked.count {
            let chunk = Array(picked[offset..<min(offset + 8192, picked.count)])
            out.append(rows.gathered(chunk))
            try result.add(MemoryEstimate.of(out[out.count - 1]))
            offset += chunk.count
        }
        return out
    }
}


extension Batch {
    /// Batches of the same layout, one after the other.
    static func concatenate(_ parts: [Batch], types: [SQLType]) -> Batch {
        guard let first = parts.first else {
            return Batch(columns: types.map { Vector(type: $0, values: .nulls($0.storage, count: 0)) }, count: 0)
        }
        var columns = first.columns
        for part in parts.dropFirst() {
            for c in columns.indices { columns[c].values.append(part.columns[c].values) }
        }
        return Batch(columns: columns, count: parts.reduce(0) { $0 + $1.count })
    }

    /// Appends the rows of a batch of the same layout.
    mutating func append(_ other: Batch) {
        for c in columns.indices { columns[c].values.append(other.columns[c].values) }
        count += other.count
    }
}
