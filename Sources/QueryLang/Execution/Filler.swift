// Gap filling: GROUP BY time_bucket(w, time), … FILL(strategy) adds the buckets between
// the WHERE bounds that have no rows, for every combination of the other keys, and
// gives their aggregate columns NULL, the previous bucket's value, a linear
// interpolation between the neighbours, or a constant.

enum Filler {
    static func fill(_ grouped: Batch, plan: FillPlan, keyCount: Int, memory: QueryMemory) throws(QueryError) -> Batch {
        let first = Functions.bucket(plan.range.lowerBound, width: plan.width, origin: Functions.defaultOrigin)
        let bucketCount = (plan.range.upperBound - first + plan.width - 1) / plan.width
        guard bucketCount <= 10_000_000 else {
            throw QueryError(.limitExceeded, "FILL would produce \(bucketCount) buckets per group (at most 10,000,000)")
        }
        // Rows by the other keys, then by bucket.
        var series: [[SQLValue]: [Int64: Int]] = [:]
        var order: [[SQLValue]] = []
        for i in 0..<grouped.count {
            var others: [SQLValue] = []
            for k in 0..<keyCount where k != plan.keyIndex { others.append(grouped.columns[k].value(at: i)) }
            guard case .timestamp(let bucket) = grouped.columns[plan.keyIndex].value(at: i) else { continue }
            if series[others] == nil { order.append(others) }
            series[others, default: [:]][bucket] = i
        }
        if order.isEmpty && keyCount == 1 { order.append([]) }
        // Every combination gets every bucket: account for the rows before building them.
        var reservation = MemoryReservation(memory, "gap filling")
        let (rows, overflow) = Int(bucketCount).multipliedReportingOverflow(by: max(order.count, 1))
        try reservation.add(overflow ? Int.max / 2 : rows * (grouped.columns.count * MemoryEstimate.value + MemoryEstimate.arrayHeader))
        let valueColumns = keyCount..<grouped.columns.count
        var builders = grouped.columns.map { VectorBuilder(type: $0.type) }
        for others in order {
            let rows = series[others] ?? [:]
            let present = rows.keys.sorted()
            var previous: [SQLValue]?
            for b in 0..<bucketCount {
                let bucket = first + b * plan.width
                var row: [SQLValue] = []
                var o = 0
                for k in 0..<keyCount {
                    if k == plan.keyIndex { row.append(.timestamp(bucket)) } else { row.append(others[o]); o += 1 }
                }
                if let i = rows[bucket] {
                    let values = valueColumns.map { grouped.columns[$0].value(at: i) }
                    previous = values
                    row += values
                } else {
                    for (c, column) in valueColumns.enumerated() {
                        switch plan.strategy {
                        case .null: row.append(.null)
                        case .value(let v): row.append(grouped.columns[column].type == .bigint ? .bigint(Int64(v.doubleValue ?? 0)) : v)
                        case .previous: row.append(previous?[c] ?? .null)
                        case .linear:
                            let before = present.last { $0 < bucket }
                            let after = present.first { $0 > bucket }
                            if let before, let after,
                               let y0 = grouped.columns[column].value(at: rows[before]!).doubleValue,
                               let y1 = grouped.columns[column].value(at: rows[after]!).doubleValue {
                                let fraction = Double(bucket - before) / Double(after - before)
                                row.append(.double(y0 + (y1 - y0) * fraction))
                            } else {
                                row.append(.null)
                            }
                        }
                    }
                }
                for (k, value) in row.enumerated() {
                    builders[k].append(try Scalar.cast(value, to: grouped.columns[k].type))
                }
            }
        }
        let columns = builders.map { $0.finish() }
        return Batch(columns: columns, count: columns.first?.count ?? 0)
    }
}
