// EXPLAIN ANALYZE: what each step of a running query did. Row counts are kept always
// (an integer add per batch); times only when the executor is profiling, since reading
// the clock per batch costs more than a tiny series batch does.
//
// Times are exclusive (the step's own work); `PlanDescription` adds them up the plan
// tree to print inclusive times, as PostgreSQL does.
import SundialStorage

/// The rows in and out of one step, and the time spent in it.
struct StepFigures: Sendable {
    var rowsIn = 0
    var rowsOut = 0
    var time: Duration = .zero
}

/// What one executor's steps did (a derived table's executor has its own).
struct ExecutionProfile: Sendable {
    /// Whether times are measured.
    var timed = false
    /// The scan's time and rows out; what it read is the cursor's `ScanStatistics`.
    var scan = StepFigures()
    /// Rows from the derived table, and the time spent in its executor (inclusive).
    var subquery = StepFigures()
    var filter = StepFigures()
    var aggregate = StepFigures()
    var fill = StepFigures()
    var having = StepFigures()
    var project = StepFigures()
    var distinct = StepFigures()
    var sort = StepFigures()
    var limit = StepFigures()
    /// The parts a parallel aggregation cut its scan into, and the threads that folded
    /// them (0: the calling thread alone).
    var parallelParts = 0
    var parallelThreads = 0
    /// Whether the step ran at all (a derived table or a scan that was never opened).
    var started = false

    /// The time of the steps below the projection that feed a grouping step.
    var inputTime: Duration { scan.time + subquery.time + filter.time }

    /// Now, when timing.
    @inline(__always)
    func clock() -> ContinuousClock.Instant? { timed ? ContinuousClock.now : nil }
}

extension Optional where Wrapped == ContinuousClock.Instant {
    /// The time since this instant (zero when not timing).
    @inline(__always)
    var elapsed: Duration { map { $0.duration(to: .now) } ?? .zero }
}
