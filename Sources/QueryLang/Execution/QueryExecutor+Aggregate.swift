// Hash aggregation: group numbers per row from the key vectors, aggregate states folded
// per batch into a `GroupTable`, on the calling thread or, for a large enough scan of a
// table, in parallel tasks over parts of the scan (see QueryExecutor+Parallel.swift).
import SundialStorage

extension QueryExecutor {
    /// Hash aggregation: every input batch's key vectors give each row a group number;
    /// the aggregate states fold their argument vectors by group.
    func aggregate(_ keys: [BoundExpr]) throws(QueryError) -> Batch {
        // Memory: the groups' keys (counted as each group is added) and the states.
        var reservation = MemoryReservation(memory, "hash aggregation")
        let clock = profile.clock()
        let inputBefore = profile.inputTime
        let table: GroupTable
        if let parts = try parallelParts() {
            table = try aggregateInParallel(keys, parts, &reservation)
        } else {
            table = GroupTable(keyCount: keys.count, aggregates: plan.aggregates)
            try accumulate(keys, into: table, &reservation)
        }
        // An aggregate without GROUP BY has one row even over no input.
        if keys.isEmpty && table.count == 0 { _ = table.group([]) }
        var columns: [Vector] = []
        for (k, key) in keys.enumerated() { columns.append(Vector.build(table.keys.map { $0[k] }, type: key.type)) }
        for (aggregate, state) in zip(plan.aggregates, table.states) {
            var values: [SQLValue] = []
            values.reserveCapacity(table.count)
            for g in 0..<table.count { values.append(try state.result(g)) }
            columns.append(Vector.build(values, type: aggregate.type))
        }
        let grouped = Batch(columns: columns, count: table.count)
        profile.aggregate.rowsOut = grouped.count
        profile.aggregate.time = clock.elapsed - (profile.inputTime - inputBefore)
        // The groups now live in the result batch; the hash table and states are freed.
        try reservation.add(MemoryEstimate.of(grouped))
        return grouped
    }

    /// Folds every input batch into `table`, accounting its memory in `reservation`.
    func accumulate(_ keys: [BoundExpr], into table: GroupTable, _ reservation: inout MemoryReservation) throws(QueryError) {
        let layout = GroupingLayout(keys, scan: plan.scan)
        while let input = try nextInput() {
            profile.aggregate.rowsIn += input.count
            let keyVectors = try keys.map { (k) throws(QueryError) -> Vector in try Evaluator.evaluate(k, input, context) }
            let runs = GroupRuns(starts: GroupRuns.starts(keyVectors, constant: layout.constant, rowCount: input.count),
                                 rowCount: input.count)
            table.assign(runs, keyVectors, layout)
            if table.count > limits.maxGroups { throw tooManyGroups }
            for (aggregate, state) in zip(plan.aggregates, table.states) {
                let values = try aggregate.argument.map { (a) throws(QueryError) -> Vector in try Evaluator.evaluate(a, input, context) }
                let times = try aggregate.time.map { (t) throws(QueryError) -> Vector in try Evaluator.evaluate(t, input, context) }
                try state.update(runs: runs, groupCount: table.count, values, times)
            }
            try reservation.resize(to: table.memoryBytes)
        }
    }

    var tooManyGroups: QueryError {
        QueryError(.limitExceeded, "the aggregation has more than \(limits.maxGroups) groups (the per-query limit)")
    }
}
