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

    init(plan: QueryPlan, engine: StorageEngine, index: TagIndex, context: EvaluationContext, limits: QueryLimits) {
        self.plan = plan
        self.engine = engine
        self.index = index
        self.context = context
        self.limits = limits
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
        do {
            return try engine.scan(table: scan.table.name, columns: scan.fields, timeRange: scan.timeRange?.isEmpty == true ? 0..<0 : scan.timeRange,
                                   series: series, batchRows: 8192)
        } catch {
            throw QueryError(.storage, error.description)
        }
    }

    /// The next input batch in the scan layout, filtered; nil at the end.
    func nextInput() throws(QueryError) -> Batch? {
        if cursor == nil { cursor = try openScan() }
        while true {
            try checkTime()
            let next: SeriesBatch?
            do { next = try cursor!.next() } catch { throw QueryError(.storage, error.description) }
            guard let series = next else { return nil }
            var batch = convert(series)
            if let filter = plan.filter {
                let mask = try Evaluator.evaluate(filter, batch, context)
                guard case .boolean(let keep, let valid) = mask.values else { continue }
                var indices: [Int] = []
                indices.reserveCapacity(batch.count)
                for i in 0..<batch.count where keep[i] && (valid?[i] ?? true) { indices.append(i) }
                if indices.isEmpty { continue }
                if indices.count < batch.count { batch = batch.gathered(indices) }
            }
            return batch
        }
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
    func materialize() throws(QueryError) -> [Batch] {
        var rows: Batch
        if let keys = plan.groupKeys {
            var grouped = try aggregate(keys)
            if let fill = plan.fill { grouped = try Filler.fill(grouped, plan: fill, keyCount: keys.count) }
            if let having = plan.having {
                let mask = try Evaluator.evaluate(having, grouped, context)
                grouped = grouped.gathered((0..<grouped.count).filter { mask.value(at: $0) == .boolean(true) })
            }
            rows = try project(grouped)
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
        let keys = plan.orderBy.isEmpty ? (plan.distinctOn ?? []).map { SortKey(column: $0, descending: false, nullsFirst: false) } : plan.orderBy
        Self.sort(&order, rows, plan.distinctOrder ?? keys)
        if plan.distinct || plan.distinctOn != nil {
            let columns = plan.distinctOn ?? Array(0..<plan.visibleCount)
            var seen = Set<[SQLValue]>()
            order = order.filter { row in seen.insert(columns.map { rows.columns[$0].value(at: row) }).inserted }
        }
        if plan.distinctOrder != nil { Self.sort(&order, rows, keys) }
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

    /// Sorts row numbers by `keys` (ties keep the earlier row first).
    static func sort(_ order: inout [Int], _ rows: Batch, _ keys: [SortKey]) {
        guard !keys.isEmpty else { return }
        let sortColumns = keys.map { rows.columns[$0.column] }
        order.sort { a, b in
            for (k, key) in keys.enumerated() {
                let x = sortColumns[k].value(at: a), y = sortColumns[k].value(at: b)
                if x.isNull || y.isNull {
                    if x.isNull && y.isNull { continue }
                    return x.isNull == key.nullsFirst
                }
                let c = SQLValue.compare(x, y) ?? 0
                if c != 0 { return key.descending ? c > 0 : c < 0 }
            }
            return a < b
        }
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
            if keys.count == 1 {
                for i in 0..<input.count {
                    let v = keyVectors[0].value(at: i)
                    if let g = singleIndex[v] { groups[i] = g } else {
                        singleIndex[v] = groupKeys.count
                        groups[i] = groupKeys.count
                        groupKeys.append([v])
                    }
                }
            } else if !keys.isEmpty {
                var key = [SQLValue](repeating: .null, count: keys.count)
                for i in 0..<input.count {
                    for k in keys.indices { key[k] = keyVectors[k].value(at: i) }
                    if let g = groupIndex[key] { groups[i] = g } else {
                        groupIndex[key] = groupKeys.count
                        groups[i] = groupKeys.count
                        groupKeys.append(key)
                    }
                }
            } else if groupKeys.isEmpty {
                groupKeys.append([])
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
            columns.append(Vector.build((0..<groupKeys.count).map { state.result($0) }, type: aggregate.type))
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
