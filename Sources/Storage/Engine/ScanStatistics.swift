// What a scan has read, for EXPLAIN ANALYZE.

/// Counts of what a `ScanCursor` has read so far.
public struct ScanStatistics: Sendable, Hashable {
    /// Partitions entered.
    public var partitions = 0
    /// Segments of those partitions that overlap the time range (each may be read for
    /// several series).
    public var segments = 0
    /// Column blocks whose timestamps were decoded (the zone maps skip the others).
    public var blocks = 0
    /// Series that gave at least one row (a series in several partitions counts once
    /// per partition).
    public var series = 0
    /// Rows returned.
    public var rows = 0

    public init() {}
}
