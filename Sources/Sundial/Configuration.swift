// How a database is opened.

/// Settings for ``Database/open(at:configuration:)``.
///
/// ```swift
/// var configuration = Database.Configuration()
/// configuration.fsync = .interval(milliseconds: 100)
/// let db = try await Database.open(at: "./data", configuration: configuration)
/// ```
public struct DatabaseConfiguration: Sendable {
    /// When a write is durable before it returns. `.always` (the default) survives power
    /// loss; `.interval` and `.none` survive a process crash only.
    public var fsync: FsyncPolicy = .always
    /// Options of tables created by schema on write (partition width, retention).
    public var defaultTableOptions = TableOptions()
    /// Flush the in-memory head to segments past this many rows…
    public var flushRows = 500_000
    /// …or once its oldest write is this old.
    public var flushAge: Duration = .seconds(600)
    /// The most series a table may have (the cardinality guard). A write that would add a
    /// series past it fails for that series (its lines are reported) and the rest of the
    /// write goes through. Guards memory and the index against a tag that is really an id.
    public var maxSeriesPerTable = 1_000_000
    /// Per-table series limits replacing `maxSeriesPerTable` (table name → maximum).
    public var seriesLimits: [String: Int] = [:]
    /// How often background maintenance (age flush, retention, compaction) runs; nil disables it.
    public var maintenanceInterval: Duration? = .seconds(10)
    /// Open even when the WAL is damaged before its tail, dropping the damage (reported in
    /// ``Database/recovery``). Off by default: damage is an error naming file and offset.
    public var repair = false
    /// The file system (tests inject a fault-injecting one).
    public var fileSystem: any FileSystem = PosixFileSystem()
    /// Storage engine options not covered above.
    public var storage = StorageOptions()
    /// Per-query limits of ``Database/query(_:parameters:scope:)``: result rows, groups,
    /// buffered rows and time (the server sets its per-query timeout here).
    public var queryLimits = QueryLimits()

    public init() {}

    var storageOptions: StorageOptions {
        var options = storage
        options.wal.fsync = fsync
        options.wal.repair = repair
        options.defaultTableOptions = defaultTableOptions
        options.flushRows = flushRows
        options.flushAge = flushAge
        options.maxSeriesPerTable = maxSeriesPerTable
        options.seriesLimits = seriesLimits
        return options
    }
}
