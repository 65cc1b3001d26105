// The limits a query runs under, each a `limitExceeded` error when reached, and how many
// threads it may use.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-query limits; each is a clear error when reached.
public struct QueryLimits: Sendable {
    /// The most result rows a query may return.
    public var maxResultRows = 10_000_000
    /// The most groups an aggregation may hold (a proxy for its memory).
    public var maxGroups = 5_000_000
    /// The most rows a sort or DISTINCT may hold.
    public var maxBufferedRows = 50_000_000
    /// The most memory a query's buffering operators may hold together, in bytes
    /// (default 1 GiB): hash aggregation groups and their aggregate states (exact
    /// percentiles and DISTINCT aggregates keep every value), the sort buffer, DISTINCT
    /// sets, DISTINCT ON / LATEST ON groups and gap filling. An estimate from sizes and
    /// counts, checked per batch; a query past it fails naming the operator.
    public var maxMemoryBytes = 1 << 30
    /// When set, the query fails once it has run this long. Checked between the scan's
    /// batches (every 8,192 rows of a series at most) and between a derived table's
    /// batches; the time of a derived table counts towards its query's.
    public var timeout: Duration?
    /// The most threads an aggregation over a table may read and fold its input with (the
    /// scan cut into a few contiguous parts of its partitions and series per thread); 1
    /// runs every query on the calling thread. The answer does not depend on it, except for
    /// the last bits of float sums and averages whose groups span several parts' rows (and
    /// of variances). Defaults to the active processor count.
    public var parallelism = QueryLimits.activeProcessorCount
    /// The fewest rows (estimated from the segments' block directories) worth a part of
    /// their own: a scan of fewer than twice as many runs on the calling thread.
    public var minimumRowsPerTask = 65_536

    public init() {}

    /// The processors available to this process (at least 1).
    public static var activeProcessorCount: Int {
        #if canImport(Glibc) || canImport(Darwin)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }

    /// Limits with the given memory limit and timeout, the others at their defaults.
    public init(maxMemoryBytes: Int = 1 << 30, timeout: Duration? = nil) {
        self.maxMemoryBytes = maxMemoryBytes
        self.timeout = timeout
    }
}
