// Parallel hash aggregation over a table. The scan is cut (`ScanCursor.split`) into
// contiguous runs of its visiting order — partitions in time order, series in id order —
// of about equal rows, at most `QueryLimits.parallelism` of them and none smaller than
// `QueryLimits.minimumRowsPerTask`; each run is read and folded by a task of its own into
// its own `GroupTable` on a Dispatch worker thread (the calling thread waits, taking a
// share). The tables then merge in run order, which gives the serial table: the same
// groups in the same order, the same first/last row on ties, the same exact percentile
// lists. Only float sums (and avg, variance) of groups whose rows span several runs may
// differ in the last bits, their additions being grouped differently.
//
// The tasks share the query's memory account (behind a lock), its start time (timeout)
// and the cancellation of the Swift task the query runs in; the first task to fail stops
// the others at their next batch. Their EXPLAIN ANALYZE figures add up: rows and scan
// statistics are summed, step times are averaged over the tasks (wall time, as the
// tasks run side by side).
import Dispatch
import SundialStorage
import Synchronization

/// What the tasks of a parallel aggregation watch: whether a task failed, and the Swift
/// task the query runs in (its cancellation flag is read from the worker threads; the
/// handle is used only while that task waits for them).
final class ParallelSignal: @unchecked Sendable {
    let failed = Atomic<Bool>(false)
    private let task: UnsafeCurrentTask?

    init(task: UnsafeCurrentTask?) { self.task = task }

    var isCancelled: Bool { task?.isCancelled ?? false }
}

/// One task of a parallel aggregation. Touched by its worker thread only while the
/// tasks run, and by the query's thread only before and after.
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
    /// The scan cut into parts for a parallel aggregation, or nil when the aggregation
    /// runs on the calling thread (the scan is then open as `cursor`).
    func parallelParts() throws(QueryError) -> [ScanCursor]? {
        guard limits.parallelism > 1, plan.scan.derived == nil, !lastPoint, cursor == nil else { return nil }
        let clock = profile.clock()
        let whole = try openScan()
        let parts = whole.split(into: limits.parallelism, minimumRows: limits.minimumRowsPerTask)
        profile.scan.time += clock.elapsed
        profile.started = true
        guard parts.count > 1 else {
            cursor = whole
            return nil
        }
        return parts
    }

    /// Folds each part in a task of its own and merges the tasks' tables in part order.
    func aggregateInParallel(_ keys: [BoundExpr], _ parts: [ScanCursor],
                             _ reservation: inout MemoryReservation) throws(QueryError) -> GroupTable {
        let tasks = parts.map { part in
            let executor = QueryExecutor(plan: plan, engine: engine, index: index, context: context, limits: limits,
                                         memory: memory, started: started, profiling: profile.timed)
            executor.cursor = part
            executor.profile.started = true
            return AggregationTask(executor, GroupTable(keyCount: keys.count, aggregates: plan.aggregates))
        }
        withUnsafeCurrentTask { current in
            let signal = ParallelSignal(task: current)
            for task in tasks { task.executor.signal = signal }
            DispatchQueue.concurrentPerform(iterations: tasks.count) { k in
                let task = tasks[k]
                do throws(QueryError) { try task.executor.accumulate(keys, into: task.table, &task.reservation) } catch {
                    task.error = error
                    signal.failed.store(true, ordering: .relaxed)
                }
            }
        }
        collectFigures(tasks.map(\.executor))
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

    /// The tasks' EXPLAIN ANALYZE figures: rows and scan statistics summed, the times of
    /// the steps below the aggregation averaged (the tasks ran side by side).
    func collectFigures(_ workers: [QueryExecutor]) {
        var read = ScanStatistics()
        let n = workers.count
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
        profile.tasks = n
    }

    /// What the scan read (all tasks' reads, for a parallel aggregation).
    var scanStatistics: ScanStatistics? { parallelStatistics ?? cursor?.statistics }
}
