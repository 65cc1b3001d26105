// Hash aggregation: group numbers per row from the key vectors, aggregate states folded
// per batch.
import SundialStorage

extension QueryExecutor {
    /// Hash aggregation: every input batch's key vectors give each row a group number;
    /// the aggregate states fold their argument vectors by group.
    func aggregate(_ keys: [BoundExpr]) throws(QueryError) -> Batch {
        let states = plan.aggregates.map { $0.makeState() }
        var groupIndex: [[SQLValue]: Int] = [:]
        var groupKeys: [[SQLValue]] = []
        var singleIndex: [SQLValue: Int] = [:]
        // Memory: the groups' keys (counted as each group is added) and the states.
        var reservation = MemoryReservation(memory, "hash aggregation")
        var keyBytes = 0
        let clock = profile.clock()
        let inputBefore = profile.inputTime
        while let input = try nextInput() {
            profile.aggregate.rowsIn += input.count
            let keyVectors = try keys.map { (k) throws(QueryError) -> Vector in try Evaluator.evaluate(k, input, context) }
            var groups = [Int](repeating: 0, count: input.count)
            if keys.isEmpty {
                if groupKeys.isEmpty { groupKeys.append([]) }
            } else {
                // Rows of a series batch come in time order and tags are constant over it:
                // a row whose keys equal the previous row's joins its group without hashing.
                var key = [SQLValue](repeating: .null, count: keys.count)
                for i in 0..<input.count {
                    if i > 0 && keyVectors.allSatisfy({ $0.rowsEqual(i, i - 1) }) {
                        groups[i] = groups[i - 1]
                        continue
                    }
                    if keys.count == 1 {
                        let v = keyVectors[0].value(at: i)
                        if let g = singleIndex[v] { groups[i] = g } else {
                            keyBytes += 2 * MemoryEstimate.of(v) + MemoryEstimate.arrayHeader + MemoryEstimate.hashEntry
                            singleIndex[v] = groupKeys.count
                            groups[i] = groupKeys.count
                            groupKeys.append([v])
                        }
                        continue
                    }
                    for k in keys.indices { key[k] = keyVectors[k].value(at: i) }
                    if let g = groupIndex[key] { groups[i] = g } else {
                        keyBytes += MemoryEstimate.of(key) + MemoryEstimate.hashEntry
                        groupIndex[key] = groupKeys.count
                        groups[i] = groupKeys.count
                        groupKeys.append(key)
                    }
                }
            }
            if groupKeys.count > limits.maxGroups {
                throw QueryError(.limitExceeded, "the aggregation has more than \(limits.maxGroups) groups (the per-query limit)")
            }
            for (aggregate, state) in zip(plan.aggregates, states) {
                let values = try aggregate.argument.map { (a) throws(QueryError) -> Vector in try Evaluator.evaluate(a, input, context) }
                let times = try aggregate.time.map { (t) throws(QueryError) -> Vector in try Evaluator.evaluate(t, input, context) }
                try state.update(groups, groupCount: groupKeys.count, values, times)
            }
            var stateBytes = 0
            for state in states { stateBytes += state.memoryBytes }
            try reservation.resize(to: keyBytes + stateBytes)
        }
        // An aggregate without GROUP BY has one row even over no input.
        if keys.isEmpty && groupKeys.isEmpty { groupKeys.append([]) }
        var columns: [Vector] = []
        for (k, key) in keys.enumerated() { columns.append(Vector.build(groupKeys.map { $0[k] }, type: key.type)) }
        for (aggregate, state) in zip(plan.aggregates, states) {
            var values: [SQLValue] = []
            values.reserveCapacity(groupKeys.count)
            for g in 0..<groupKeys.count { values.append(try state.result(g)) }
            columns.append(Vector.build(values, type: aggregate.type))
        }
        let grouped = Batch(columns: columns, count: groupKeys.count)
        profile.aggregate.rowsOut = grouped.count
        profile.aggregate.time = clock.elapsed - (profile.inputTime - inputBefore)
        // The groups now live in the result batch; the hash table and states are freed.
        try reservation.add(MemoryEstimate.of(grouped))
        return grouped
    }
}
