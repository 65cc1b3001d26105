// Running a `QueryPlan`: the scan's series batches become column batches (time, tags as
// constant columns, fields), flow through the filter, and then either stream straight to
// the projection (a plain SELECT, stopping at LIMIT) or are folded into a hash
// aggregation, after which HAVING, the projection, DISTINCT, ORDER BY and LIMIT run over
// the (usually small) grouped result.
import SundialIndex
import SundialStorage
/// Executes plans against a storage engine and its tag index.
final class QueryExecutor: @unchecked Sendable {
    let plan: QueryPlan
    let engine: StorageEngine
    let index: TagIndex
    let context: EvaluationContext
    let limits: QueryLimits
    /// When the query started (a derived table's executor shares its query's).
    let started: ContinuousClock.Instant
    /// The query's memory account (shared with its derived tables' executors).
    let memory: QueryMemory
    /// What each step did, for EXPLAIN ANALYZE.
    var profile = ExecutionProfile()
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
    /// A task of a parallel aggregation: what it stops for (see QueryExecutor+Parallel).
    var signal: ParallelSignal?
    /// What the tasks of a parallel aggregation read, added up.
    var parallelStatistics: ScanStatistics?

    init(plan: QueryPlan, engine: StorageEngine, index: TagIndex, context: EvaluationContext, limits: QueryLimits,
         memory: QueryMemory? = nil, started: ContinuousClock.Instant = .now, profiling: Bool = false) {
        self.plan = plan
        self.engine = engine
        self.index = index
        self.context = context
        self.limits = limits
        self.memory = memory ?? QueryMemory(limit: limits.maxMemoryBytes)
        self.started = started
        self.profile.timed = profiling
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
            throw QueryError(.limitExceeded, "the query ran longer than its time limit of \(timeout) (QueryLimits.timeout)")
        }
        if Task.isCancelled || signal?.isCancelled == true { throw QueryError(.limitExceeded, "the query was cancelled") }
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
        if inner == nil {
            inner = QueryExecutor(plan: derived.plan, engine: engine, index: index, context: context, limits: limits,
                                  memory: memory, started: started, profiling: profile.timed)
            profile.started = true
        }
        while true {
            let clock = profile.clock()
            let next = try inner!.next()
            profile.subquery.time += clock.elapsed
            guard let batch = next else { return nil }
            profile.subquery.rowsOut += batch.count
            let visible = derived.plan.visibleCount
            var input = batch.columns.count == visible ? batch : Batch(columns: Array(batch.columns.prefix(visible)), count: batch.count)
            if let filter = plan.filter { input = try filtered(input, filter) }
            if input.count > 0 { return input }
        }
    }

    /// `keeping` for the WHERE filter, counted and timed.
    func filtered(_ batch: Batch, _ condition: BoundExpr) throws(QueryError) -> Batch {
        let clock = profile.clock()
        let kept = try keeping(batch, condition)
        profile.filter.rowsIn += batch.count
        profile.filter.rowsOut += kept.count
        profile.filter.time += clock.elapsed
        return kept
    }

    /// The next input batch in the scan layout, filtered; nil at the end.
    func nextInput() throws(QueryError) -> Batch? {
        if let derived = plan.scan.derived { return try nextDerived(derived) }
        if cursor == nil {
            let clock = profile.clock()
            cursor = try openScan()
            profile.scan.time += clock.elapsed
            profile.started = true
        }
        while true {
            try checkTime()
            // Another task of a parallel aggregation failed: its error is the query's.
            if signal?.failed.load(ordering: .relaxed) == true { return nil }
            let clock = profile.clock()
            let next: SeriesBatch?
            do { next = try cursor!.next() } catch { throw QueryError(.storage, error.description) }
            guard let series = next else {
                profile.scan.time += clock.elapsed
                return nil
            }
            if lastPoint && series.seriesID != currentSeries {
                // The previous series is finished: its newest rows have been seen.
                if let previous = currentSeries, currentContributed { completedSeries.insert(previous) }
                if !expectedSeries.isEmpty && completedSeries.isSuperset(of: expectedSeries) { return nil }
                currentSeries = series.seriesID
                currentContributed = false
            }
            var batch = convert(series)
            profile.scan.time += clock.elapsed
            profile.scan.rowsOut += batch.count
            if let filter = plan.filter { batch = try filtered(batch, filter) }
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
                profile.limit.rowsIn += out.count
                if let limit = plan.limit, produced + out.count >= limit {
                    out = out.gathered(Array(0..<(limit - produced)))
                    finished = true
                }
                produced += out.count
                profile.limit.rowsOut += out.count
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
        let clock = profile.clock()
        var columns: [Vector] = []
        for p in plan.projections { columns.append(try Evaluator.evaluate(p, batch, context)) }
        profile.project.rowsIn += batch.count
        profile.project.rowsOut += batch.count
        profile.project.time += clock.elapsed
        return Batch(columns: columns, count: batch.count)
    }
}
