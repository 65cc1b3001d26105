// Running a `QueryPlan`: the scan's series batches become column batches (time, tags as
// constant columns, fields), flow through the filter, and then either stream straight to
// the projection (a plain SELECT, stopping at LIMIT) or are folded into a hash
// aggregation, after which HAVING, the projection, DISTINCT, ORDER BY and LIMIT run over
// the (usually small) grouped result.
import SundialIndex
import SundialStorage

/// Per-query limits; each is a clear error when reached.
public struct QueryLimits: Sendable {
    /// The most result rows a query may return.
    public var maxResultRows = 10_000_000
    /// The most groups an aggregation may hold (a proxy for its memory).
    public var maxGroups = 5_000_000
    /// The most rows a sort or DISTINCT may hold.
    public var maxBufferedRows = 50_000_000
    /// When set, the query fails once it has run this long.
    public var timeout: Duration?

    public init() {}
}

/// Executes plans against a storage engine and its tag index.
final class QueryExecutor: @unchecked Sendable {
    let plan: QueryPlan
    let engine: StorageEngine
    let index: TagIndex
    let context: EvaluationContext
    let limits: QueryLimits
    let started = ContinuousClock.now
    var cursor: ScanCursor?
    var finished = false
    var produced = 0
    var skipped = 0
    var buffered: [Batch]?
    /// Last point (DISTINCT ON tags ORDER BY tags, time DESC): partitions are read newest
    /// first and the scan stops once every series has given its newest row.
    var lastPoint = false
    var expectedSeries: Set<SeriesID> = []
    var completedSeries: Set<SeriesID> = []
    var currentSeries: SeriesID?
    var currentContributed = false

    init(plan: QueryPlan, engine: StorageEngine, index: TagIndex, context: EvaluationContext, limits: QueryLimits) {
        self.plan = plan
        self.engine = engine
        self.index = index
        self.context = context
        self.limits = limits
        self.lastPoint = Self.isLastPoint(plan)
    }

    /// Whether the plan asks for the newest row per group of tags: DISTINCT ON tag
    /// columns, ordered by those columns and then by time descending.
    static func isLastPoint(_ plan: QueryPlan) -> Bool {
        guard let on = plan.distinctOn, plan.groupKeys == nil, plan.orderBy.count == on.count + 1 else { return false }
        guard Set(plan.orderBy.prefix(on.count).map(\.column)) == Set(on) else { return false }
        for column in on {
            guard case .column(let i, _, _) = plan.projections[column], i >= 1, i <= plan.scan.tagCount else { return false }
        }
        let last = plan.orderBy[on.count]
        guard last.descending, case .column(0, .timestamp, _) = plan.projections[last.column] else { return false }
        return true
    }

    var streams: Bool {
        plan.groupKeys == nil && plan.orderBy.isEmpty && !plan.distinct && plan.distinctOn == nil
    }

    func checkTime() throws(QueryError) {
        if let timeout = limits.timeout, started.duration(to: .now) > timeout {
            throw QueryError(.limitExceeded, "the query ran longer than its time limit (\(timeout))")
        }
        if Task.isCancelled { throw QueryError(.limitExceeded, "the query was cancelled") }
    }

    func openScan() throws(QueryError) -> ScanCursor {
        let scan = plan.scan
        var series: [SeriesID]?
        if !scan.tagPredicates.isEmpty {
            series = index.select(table: scan.table.name, scan.tagPredicates) ?? []
        }
        if lastPoint {
            expectedSeries = Set(series ?? index.select(table: scan.table.name, []) ?? [])
        }
        do {
            return try engine.scan(table: scan.table.name, columns: scan.fields, timeRange: scan.timeRange?.isEmpty == true ? 0..<0 : scan.timeRange,
                                   series: series, batchRows: 8192, newestFirst: lastPoint,
                                   newestOnly: lastPoint && plan.filter == nil)
        } catch {
            throw QueryError(.storage, error.description)
        }
    }

    /// The executor of a derived table's query.
    var inner: QueryExecutor?

    /// The next batch of a derived table (its visible columns).
    func nextDerived(_ derived: DerivedPlan) throws(QueryError) -> Batch? {
        if inner == nil { inner = QueryExecutor(plan: derived.plan, engine: engine, index: index, context: context, limits: limits) }
        while let batch = try inner!.next() {
            let visible = derived.plan.visibleCount
            var input = batch.columns.count == visible ? batch : Batch(columns: Array(batch.columns.prefix(visible)), count: batch.count)
            if let filter = plan.filter { input = try keeping(input, filter) }
            if input.count > 0 { return input }
        }
        return nil
    }

    /// The next input batch in the scan layout, filtered; nil at the end.
    func nextInput() throws(QueryError) -> Batch? {
        if let derived = plan.scan.derived { return try nextDerived(derived) }
        if cursor == nil { cursor = try openScan() }
        while true {
            try checkTime()
            let next: SeriesBatch?
            do { next = try cursor!.next() } catch { throw QueryError(.storage, error.description) }
            guard let series = next else { return nil }
            if lastPoint && series.seriesID != currentSeries {
                // The previous series is finished: its newest rows have been seen.
                if let previous = currentSeries, currentContributed { completedSeries.insert(previous) }
                if !expectedSeries.isEmpty && completedSeries.isSuperset(of: expectedSeries) { return nil }
                currentSeries = series.seriesID
                currentContributed = false
            }
            var batch = convert(series)
            if let filter = plan.filter { batch = try keeping(batch, filter) }
            if batch.count == 0 { continue }
            currentContributed = true
            return batch
        }
    }

    /// The rows of `batch` for which `condition` is true (not false, not NULL).
    func keeping(_ batch: Batch, _ condition: BoundExpr) throws(QueryError) -> Batch {
        let mask = try Evaluator.evaluate(condition, batch, context)
        guard case .boolean(let keep, let valid) = mask.values else { return batch.gathered([]) }
        var indices: [Int] = []
        indices.reserveCapacity(batch.count)
        for i in 0..<batch.count where keep[i] && (valid?[i] ?? true) { indices.append(i) }
        return indices.count == batch.count ? batch : batch.gathered(indices)
    }

    /// A series batch in the scan layout: time, every tag (constant over the batch, NULL
    /// when the series lacks it), the fields read.
    func convert(_ series: SeriesBatch) -> Batch {
        let n = series.rowCount
        var columns: [Vector] = [Vector(type: .timestamp, values: .bigint(series.times, valid: nil))]
        for name in plan.scan.names[1..<(1 + plan.scan.tagCount)] {
            let value = series.tags.first { $0.key == name }?.value
            columns.append(Vector.constant(value.map { .string($0) } ?? .null, type: .string, count: n))
        }
        for (k, values) in series.columns.enumerated() {
            columns.append(Vector(type: plan.scan.types[1 + plan.scan.tagCount + k], values: values))
        }
        return Batch(columns: columns, count: n)
    }

    /// The next output batch (visible and hidden columns), or nil at the end.
    func next() throws(QueryError) -> Batch? {
        if finished { return nil }
        if streams {
            while let input = try nextInput() {
                var out = try project(input)
                // OFFSET, then LIMIT, as rows stream.
                if skipped < plan.offset {
                    let skip = min(plan.offset - skipped, out.count)
                    skipped += skip
                    if skip == out.count { continue }
                    out = out.gathered(Array(skip..<out.count))
                }
                if let limit = plan.limit, produced + out.count >= limit {
                    out = out.gathered(Array(0..<(limit - produced)))
                    finished = true
                }
                produced += out.count
                if produced > limits.maxResultRows {
                    throw QueryError(.limitExceeded, "the result has more than \(limits.maxResultRows) rows (the per-query limit)")
                }
                if out.count > 0 { return out }
                if finished { return nil }
            }
            finished = true
            return nil
        }
        if buffered == nil { buffered = try materialize() }
        guard !buffered!.isEmpty else { finished = true; return nil }
        return buffered!.removeFirst()
    }

    func project(_ batch: Batch) throws(QueryError) -> Batch {
        var columns: [Vector] = []
        for p in plan.projections { columns.append(try Evaluator.evaluate(p, batch, context)) }
        return Batch(columns: columns, count: batch.count)
    }

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
        while let input = try nextInput() {
            let out = try project(input)
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
                    best[group] = (winnerKeys, out.row(winner))
                }
                i = j
            }
        }
        let winners = Array(best.values.map(\.row))
        let columns = plan.projections.enumerated().map { (c, p) in Vector.build(winners.map { $0[c] }, type: p.type) }
        return Batch(columns: columns, count: winners.count)
    }

    func materialize() throws(QueryError) -> [Batch] {
        var rows: Batch
        if let keys = plan.groupKeys {
            var grouped = try aggregate(keys)
            if let fill = plan.fill { grouped = try Filler.fill(grouped, plan: fill, keyCount: keys.count) }
            if let having = plan.having { grouped = try keeping(grouped, having) }
            rows = try project(grouped)
        } else if let on = plan.distinctOn {
            rows = try latestPerGroup(on, sortKeys)
        } else {
            var parts: [Batch] = []
            var total = 0
            while let input = try nextInput() {
                let out = try project(input)
                total += out.count
                if total > limits.maxBufferedRows {
                    throw QueryError(.limitExceeded, "sorting or DISTINCT needs more than \(limits.maxBufferedRows) rows (the per-query limit)")
                }
                parts.append(out)
            }
            rows = Batch.concatenate(parts, types: plan.projections.map(\.type))
        }
        var order = Array(0..<rows.count)
        let keys = sortKeys
        if !keys.isEmpty {
            // Sort keys are read once per row, not once per comparison.
            let values = (0..<rows.count).map { row in keys.map { rows.columns[$0.column].value(at: row) } }
            order.sort { a, b in Self.precedes(values[a], values[b], keys) ?? (a < b) }
        }
        if plan.distinct || plan.distinctOn != nil {
            let columns = plan.distinctOn ?? Array(0..<plan.visibleCount)
            var seen = Set<[SQLValue]>()
            order = order.filter { row in seen.insert(columns.map { rows.columns[$0].value(at: row) }).inserted }
        }
        if !plan.finalOrder.isEmpty {
            // LATEST ON … ORDER BY: the newest rows, then the user's order.
            let keys = plan.finalOrder
            let values = (0..<rows.count).map { row in keys.map { rows.columns[$0.column].value(at: row) } }
            order.sort { a, b in Self.precedes(values[a], values[b], keys) ?? (a < b) }
        }
        let start = min(plan.offset, order.count)
        let end = plan.limit.map { min(order.count, start + $0) } ?? order.count
        let picked = Array(order[start..<end])
        guard picked.count <= limits.maxResultRows else {
            throw QueryError(.limitExceeded, "the result has more than \(limits.maxResultRows) rows (the per-query limit)")
        }
        var out: [Batch] = []
        var offset = 0
        while offset < picked.count {
            let chunk = Array(picked[offset..<min(offset + 8192, picked.count)])
            out.append(rows.gathered(chunk))
            offset += chunk.count
        }
        return out
    }

    /// Hash aggregation: every input batch's key vectors give each row a group number;
    /// the aggregate states fold their argument vectors by group.
    func aggregate(_ keys: [BoundExpr]) throws(QueryError) -> Batch {
        let states = plan.aggregates.map { $0.makeState() }
        var groupIndex: [[SQLValue]: Int] = [:]
        var groupKeys: [[SQLValue]] = []
        var singleIndex: [SQLValue: Int] = [:]
        while let input = try nextInput() {
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
                            singleIndex[v] = groupKeys.count
                            groups[i] = groupKeys.count
                            groupKeys.append([v])
                        }
                        continue
                    }
                    for k in keys.indices { key[k] = keyVectors[k].value(at: i) }
                    if let g = groupIndex[key] { groups[i] = g } else {
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
        return Batch(columns: columns, count: groupKeys.count)
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
}
