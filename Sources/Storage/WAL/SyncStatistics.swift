// How long the WAL's fsyncs take: a count, a sum and a cumulative-ready histogram, for
// `sundial_wal_fsync_seconds` on /metrics and `sundial stats`. Recorded by the one
// thread that syncs at a time (the group-commit leader, the interval sync, a segment
// roll), under the WAL's state lock.

/// Durations of the WAL's syncs of its active segment.
public struct SyncStatistics: Sendable, Hashable {
    /// Upper bounds of the histogram's buckets, in nanoseconds (a last bucket, +Inf,
    /// holds the rest).
    public static let bucketBounds: [Int64] = [50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
                                               10_000_000, 25_000_000, 50_000_000, 100_000_000, 250_000_000, 1_000_000_000]
    /// Syncs recorded.
    public var count = 0
    /// Their total duration.
    public var totalNanoseconds: Int64 = 0
    /// The longest one.
    public var maxNanoseconds: Int64 = 0
    /// Syncs per bucket (not cumulative): `bucketBounds.count + 1` entries.
    public var buckets = [Int](repeating: 0, count: SyncStatistics.bucketBounds.count + 1)

    public init() {}

    mutating func record(_ nanoseconds: Int64) {
        count += 1
        totalNanoseconds &+= nanoseconds
        maxNanoseconds = max(maxNanoseconds, nanoseconds)
        buckets[Self.bucketBounds.firstIndex { nanoseconds <= $0 } ?? Self.bucketBounds.count] += 1
    }
}

extension WriteAheadLog {
    /// How long syncs of the log have taken since it was opened.
    public var syncStatistics: SyncStatistics { state.withLock { $0.syncs } }

    /// Runs `sync` (an fsync of a WAL file) and records its duration, failed or not.
    func timedSync(_ sync: () throws(StorageError) -> Void) throws(StorageError) {
        let started = ContinuousClock.now
        defer {
            let elapsed = started.duration(to: .now)
            let nanoseconds = elapsed.components.seconds &* 1_000_000_000 &+ elapsed.components.attoseconds / 1_000_000_000
            state.withLock { $0.syncs.record(nanoseconds) }
        }
        try sync()
    }
}
