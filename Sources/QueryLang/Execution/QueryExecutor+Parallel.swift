// Parallel hash aggregation over a table. The scan is cut (`ScanCursor.split`) into
// contiguous runs of its visiting order — partitions in time order, series in id order —
// of about equal rows: `partsPerThread` per thread, none smaller than
// `QueryLimits.minimumRowsPerTask`. `QueryLimits.parallelism` threads (Dispatch workers
// and the calling thread) claim the parts one at a time, each folded into a `GroupTable`
// of its own. The tables then merge in part order, which gives the serial table: the
// same groups in the same order, the same first/last row on ties, the same exact
// percentile lists. Only float sums (and avg, variance) of groups whose rows span several
// parts may differ in the last bits, their additions being grouped differently.
//
// The parts share the query's memory account (behind a lock), its start time (timeout)
// and the cancellation of the Swift task the query runs in; the first part to fail stops
// the others at their next batch. Their EXPLAIN ANALYZE figures add up: rows and scan
// statistics are summed, step times are divided by the thread count (wall time, as the
// threads run side by side).
import Dispatch
import SundialStorage
import Synchronization

/// What the tasks of a parallel aggregation watch: whether a task failed, and the Swift
/// task the query runs in (its cancellation flag is read from the worker threads; the
/// handle is used only while that task waits for them).
final class ParallelSignal: @unchecked Sendable {
    let failed = Atomic<Bool>(false)
    private let task: UnsafeCurrentTask?
    /// The next part no thread has taken.
    private let next = Atomic<Int>(0)

    init(task: UnsafeCurrentTask?) { self.task = task }

    var isCancelled: Bool { task?.isCancelled ?? false }

    /// A part for the calling thread, nil once all are taken (or a part failed).
    func claim(below count: Int) -> Int? {
        guard !failed.load(ordering: .relaxed) else { return nil }
        let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return k < count ? k : nil
    }
}

/// One part of a parallel aggregation. Touched by the thread that claimed it only while
/// the threads run, and by the query's thread only before and after.
final class AggregationTask: @unchecked Sendable {
    let executor: QueryExecutor
    let table: GroupTable
    var reservation: MemoryReservation
    var error: QueryError?

    init(_ executor: QueryExecutor, _ table: GroupTable) {
        self.executor = executor
        self.table = table
        self.reservation = MemoryReservation(executor.memory, "hash aggregation")
    }
}

extension QueryExecutor {
    /// Parts per thread a scan is cut into (when it is large enough). Measured on TSBS
    /// devops (2 cores, with other processes busy): 4 parts per thread were slower than 1
    /// (groupby-orderby-limit 7.8 against 6.4 ms, double-groupby-5 20.3 against 18.3 ms),
    /// each part paying for its own groups (all 1,440 minutes in every part) and merge.
    static let partsPerThread = 1

    /// The scan cut into parts for a parallel aggregation, or nil when the aggregation
    /// runs on the calling thread (the scan is then open as `cursor`).
    func parallelParts() throws(QueryError) -> [ScanCursor]? {
        guard limits.parallelism > 1, plan.scan.derived == nil, !lastPoint, cursor == nil else { return nil }
        let clock = profile.clock()
        let whole = try openScan()
        let parts = whole.split(into: limits.parallelism * Self.partsPerThread, minimumRows: limits.minimumRowsPerTask)
        profile.scan.time += clock.elapsed
        profile.started = true
        guard parts.count > 1 else {
            cursor = whole
            return nil
        }
        return parts
    }

    /// Folds the parts on up to `parallelism` threads and merges their tables in part order.
    func aggregateInParallel(_ keys: [BoundExpr], _ parts: [ScanCursor],
                             _ reservation: inout MemoryReservation) throws(QueryError) -> GroupTable {
        let tasks = parts.map { part in
            let executor = QueryExecutor(plan: plan, engine: engine, index: index, context: context, limits: limits,
                                         memory: memory, started: started, profiling: profile.timed)
            executor.cursor = part
            executor.profile.started = true
            return AggregationTask(executor, GroupTable(keyCount: keys.count, aggregates: plan.aggregates))
        }
        let threads = min(limits.parallelism, tasks.count)
        withUnsafeCurrentTask { current in
            let signal = ParallelSignal(task: current)
            for task in tasks { task.executor.signal = signal }
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while let k = signal.claim(below: tasks.count) {
                    let task = tasks[k]
                    do throws(QueryError) { try task.executor.accumulate(keys, into: task.table, &task.reservation) } catch {
                        task.error = error
                        signal.failed.store(true, ordering: .relaxed)
                    }
                }
            }
        }
        collectFigures(tasks.map(\.executor), threads: threads)
        if let error = tasks.lazy.compactMap(\.error).first { throw error }
        let clock = profile.clock()
        let table = tasks[0].table
        for task in tasks.dropFirst() {
            try table.merge(task.table)
            if table.count > limits.maxGroups { throw tooManyGroups }
        }
        // The tasks' tables give way to the merged one.
        for task in tasks { task.reservation.release() }
        try reservation.resize(to: table.memoryBytes)
        profile.aggregate.time += clock.elapsed
        return table
    }

    /// The parts' EXPLAIN ANALYZE figures: rows and scan statistics summed, the times of
    /// the steps below the aggregation divided by the thread count (they ran side by side).
    func collectFigures(_ workers: [QueryExecutor], threads n: Int) {
        var read = ScanStatistics()
        for worker in workers {
            let p = worker.profile
            profile.scan.rowsOut += p.scan.rowsOut
            profile.scan.time += p.scan.time / n
            profile.filter.rowsIn += p.filter.rowsIn
            profile.filter.rowsOut += p.filter.rowsOut
            profile.filter.time += p.filter.time / n
            profile.aggregate.rowsIn += p.aggregate.rowsIn
            if let s = worker.cursor?.statistics {
                read.partitions += s.partitions
                read.segments += s.segments
                read.blocks += s.blocks
                read.series += s.series
                read.rows += s.rows
            }
        }
        parallelStatistics = read
        profile.parallelParts = workers.count
        profile.parallelThreads = n
    }

    /// What the scan read (all tasks' reads, for a parallel aggregation).
    var scanStatistics: ScanStatistics? { parallelStatistics ?? cursor?.statistics }
}
