// The embedding facade: a Sundial database opened on a directory.
import Logging
import Synchronization

/// A Sundial database in one directory.
///
/// ```swift
/// let db = try await Database.open(at: "./sundial-data")
/// let result = try await db.write(lineProtocol: "cpu,host=a usage=0.5 1700000000000000000")
/// for try await batch in try db.scan(table: "cpu", timeRange: start..<end) {
///     print(batch.tags, batch.times.count)
/// }
/// try await db.close()
/// ```
///
/// A `Database` is `Sendable`: share one instance between tasks. Writes are durable when
/// they return (per ``DatabaseConfiguration/fsync``); reads see a consistent snapshot.
/// Only one process may open a directory at a time.
public final class Database: Sendable {
    public typealias Configuration = DatabaseConfiguration

    /// The directory the database lives in.
    public let path: String
    /// What opening found and repaired.
    public let recovery: RecoveryReport
    let engine: StorageEngine
    /// The inverted tag index, derived from the engine's series registry.
    let index: TagIndex
    /// SQL over the engine and the index.
    let sql: QueryEngine
    let logger: Logger
    let maintenanceTask = Mutex<Task<Void, Never>?>(nil)

    init(path: String, engine: StorageEngine, recovery: RecoveryReport, logger: Logger, queryLimits: QueryLimits = QueryLimits()) {
        self.path = path
        self.engine = engine
        self.index = TagIndex(engine: engine)
        self.sql = QueryEngine(engine: engine, index: index, limits: queryLimits)
        self.recovery = recovery
        self.logger = logger
    }

    /// Opens (creating when needed) the database in `path`, recovering from the WAL.
    ///
    /// - Parameters:
    ///   - path: the data directory.
    ///   - configuration: durability, table defaults, maintenance.
    ///   - logger: where recovery and maintenance report (a torn WAL tail is logged at
    ///     warning level with its file, offset and size).
    /// - Throws: ``StorageError`` when a file is damaged (with file and offset) or I/O fails,
    ///   or when another process has the directory open.
    public static func open(at path: String, configuration: Configuration = Configuration(),
                            logger: Logger = Logger(label: "sundial")) async throws(StorageError) -> Database {
        let (engine, report) = try StorageEngine.open(directory: path, fileSystem: configuration.fileSystem,
                                                      options: configuration.storageOptions)
        if let torn = report.wal.truncatedTail {
            logger.warning("truncated a torn WAL tail", metadata: ["file": "\(torn.file)", "offset": "\(torn.offset)", "bytes": "\(torn.bytes)"])
        }
        if let repaired = report.wal.repairedDamage {
            logger.error("repair dropped damaged WAL data", metadata: ["error": "\(repaired.error)", "bytes": "\(repaired.droppedBytes)"])
        }
        if let torn = report.seriesLogTornTail {
            logger.warning("truncated a torn series log tail (the WAL replay re-registered its series)",
                           metadata: ["offset": "\(torn.offset)", "bytes": "\(torn.bytes)"])
        }
        if let damage = report.seriesLogRepaired {
            logger.error("repair rebuilt the series log from the segments and the WAL (the damaged one is SERIES.damaged)",
                         metadata: ["error": "\(damage)"])
        }
        for orphan in report.removedOrphans { logger.info("removed a file left by a crash", metadata: ["file": "\(orphan)"]) }
        logger.debug("opened database", metadata: ["path": "\(path)", "segments": "\(report.segments)",
                                                  "series": "\(report.series)", "replayed": "\(report.replayedRecords)"])
        let database = Database(path: path, engine: engine, recovery: report, logger: logger, queryLimits: configuration.queryLimits)
        if let interval = configuration.maintenanceInterval { database.startMaintenance(every: interval) }
        return database
    }

    func startMaintenance(every interval: Duration) {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                do throws(StorageError) { try await self.engine.maintain() } catch {
                    self.logger.error("background maintenance failed", metadata: ["error": "\(error)"])
                }
            }
        }
        maintenanceTask.withLock { $0 = task }
    }

    /// Flushes what is in memory to segments (unless `flush` is false: the WAL then holds
    /// it for the next open to replay), stops maintenance and closes the files.
    public func close(flush: Bool = true) async throws(StorageError) {
        maintenanceTask.withLock { $0?.cancel() }
        try await engine.close(flush: flush)
    }

    // MARK: Writing

    /// The outcome of a line protocol write.
    public struct WriteResult: Sendable {
        /// Rows written (the good lines).
        public var rowsWritten: Int
        /// Every rejected line, with its line, column and reason.
        public var errors: [LineProtocolError]
        /// The LSN of the last batch written (0 when nothing was).
        public var lsn: LSN
    }

    /// Writes InfluxDB line protocol. Good lines are written even when others are bad; each
    /// bad line is reported (as InfluxDB does). A line whose field type conflicts with its
    /// table's column (or with an earlier line of the same write) is rejected.
    ///
    /// - Parameters:
    ///   - lineProtocol: one point per line.
    ///   - precision: the unit of the timestamps.
    ///   - defaultTime: the time of lines without one (now by default).
    /// - Throws: ``StorageError`` only when the write itself fails (I/O); bad lines are
    ///   returned in ``WriteResult/errors``.
    @discardableResult
    public func write(lineProtocol: String, precision: TimePrecision = .nanoseconds,
                      defaultTime: Int64? = nil) async throws(StorageError) -> WriteResult {
        try await write(lineProtocolBytes: Array(lineProtocol.utf8), precision: precision, defaultTime: defaultTime)
    }

    /// Writes InfluxDB line protocol given as bytes (see ``write(lineProtocol:precision:defaultTime:)``).
    ///
    /// - Parameter admit: when given, asked about each parsed point before anything is
    ///   written; a non-nil answer rejects that line with the answer as its reason (the
    ///   server checks a workspace-scoped credential's tenant tag this way).
    @discardableResult
    public func write(lineProtocolBytes bytes: [UInt8], precision: TimePrecision = .nanoseconds,
                      defaultTime: Int64? = nil,
                      admit: (@Sendable (Point) -> String?)? = nil) async throws(StorageError) -> WriteResult {
        let now = defaultTime ?? engine.options.now()
        let parsed = LineProtocolParser(precision: precision).parse(bytes, defaultTime: now)
        var converter = LineProtocolBatcher(catalog: engine.catalog)
        var refused: [LineProtocolError] = []
        for (point, line) in zip(parsed.points, parsed.lines) {
            if let admit, let reason = admit(point) {
                refused.append(LineProtocolError(line: line, column: 1, message: reason))
                continue
            }
            converter.add(point, line: line)
        }
        var errors = parsed.errors + refused + converter.errors
        var written = 0
        var lsn: LSN = 0
        for (batch, lines) in converter.batches() {
            do throws(StorageError) {
                let outcome = try await engine.write(batch)
                if outcome.rowsWritten > 0 { lsn = outcome.lsn }
                written += outcome.rowsWritten
                for (series, error) in outcome.rejected {
                    errors += lines[series].map { LineProtocolError(line: $0, column: 1, message: error.message) }
                }
            } catch where error.code == .invalidArgument || error.code == .limitExceeded {
                errors += lines.joined().map { LineProtocolError(line: $0, column: 1, message: error.message) }
            }
        }
        errors.sort { $0.line < $1.line }
        return WriteResult(rowsWritten: written, errors: errors, lsn: lsn)
    }

    /// Writes a columnar batch (the fastest way in). The table and new columns are created
    /// on first write.
    /// - Returns: the batch's LSN, rows written, and the series refused because their
    ///   table reached its series limit (``StorageOptions/maxSeriesPerTable``; the batch's
    ///   other series are written).
    /// - Throws: ``StorageError``: `.invalidArgument` for a malformed batch or a type
    ///   conflict (nothing is written), or an I/O error (not acknowledged).
    @discardableResult
    public func write(_ batch: WriteBatch) async throws(StorageError) -> WriteOutcome {
        try await engine.write(batch)
    }

    // MARK: Schema

    /// Creates a table with explicit columns and options (tables are also created by the
    /// first write to them). Creating an existing table with the same definition is a no-op.
    public func createTable(_ name: String, columns: [ColumnDefinition], options: TableOptions = TableOptions()) async throws(StorageError) {
        let all = columns.first?.type == .timestamp ? columns : [ColumnDefinition(name: "time", type: .timestamp)] + columns
        try await engine.changeSchema(.createTable(name: name, options: options, columns: all))
    }

    /// Sets or clears a table's retention (nanoseconds).
    public func setRetention(table: String, _ retention: Int64?) async throws(StorageError) {
        try await engine.changeSchema(.setRetention(table: table, retention: retention))
    }

    /// The tables and their columns.
    public var tables: [TableSchema] { engine.catalog.tables.values.sorted { $0.name < $1.name } }

    // MARK: Reading

    /// The rows of `table` in `timeRange` as an asynchronous sequence of per-series column
    /// batches, from a snapshot taken now.
    /// - Parameters:
    ///   - columns: the field columns to read (all when nil).
    ///   - timeRange: nanoseconds, half-open (all time when nil).
    ///   - predicates: tag predicates, all of which a series must satisfy. The tag index
    ///     answers them with series ids first, so only those series' row ranges are read.
    ///     A series without a tag has the empty value for it (`host != "a"` matches it).
    /// - Throws: `.invalidArgument` for an unknown table or column.
    public func scan(table: String, columns: [String]? = nil, timeRange: Range<Int64>? = nil,
                     where predicates: [TagPredicate] = []) throws(StorageError) -> ScanSequence {
        var series: [SeriesID]?
        if !predicates.isEmpty {
            guard let ids = index.select(table: table, predicates) else { throw StorageError(.invalidArgument, "no table \"\(table)\"") }
            series = ids
        }
        return ScanSequence(cursor: try engine.scan(table: table, columns: columns, timeRange: timeRange, series: series))
    }

    // MARK: SQL

    /// Runs one SQL statement: a SELECT (rows stream as column batches), EXPLAIN, DDL,
    /// INSERT or SHOW. The dialect is described in `docs/sql.md`.
    ///
    /// ```swift
    /// let result = try await db.query(
    ///     "SELECT time_bucket('1 hour', time) AS hour, avg(usage_user) FROM cpu WHERE hostname = $1 GROUP BY hour ORDER BY hour",
    ///     parameters: [.string("host_7")])
    /// for try await batch in result { … }
    /// ```
    /// - Parameters:
    ///   - parameters: values of `$1`, `$2`, … (bound as values, never spliced into the text).
    ///   - scope: confines the statement to one workspace's rows (the server passes the
    ///     caller's workspace).
    /// - Throws: ``QueryError`` with line:column for bad SQL, unknown names or types.
    public func query(_ sql: String, parameters: [SQLValue] = [], scope: QueryScope = .unrestricted) async throws(QueryError) -> QueryResult {
        try await self.sql.execute(sql, parameters: parameters, scope: scope)
    }

    /// Deletes the rows of `table` with a time in `timeRange`, of the series matching
    /// every predicate (all series without predicates), as SQL's DELETE does: durably,
    /// gone from every read at once, purged from segments by compaction.
    /// - Returns: the number of rows deleted.
    /// - Throws: `.invalidArgument` for an unknown table.
    @discardableResult
    public func delete(from table: String, timeRange: ClosedRange<Int64> = Int64.min...Int64.max,
                       where predicates: [TagPredicate] = []) async throws(StorageError) -> Int {
        try await sql.delete(from: table, timeRange: timeRange, where: predicates)
    }

    /// Drops a table with its rows and segments (SQL's DROP TABLE).
    /// - Throws: `.invalidArgument` for an unknown table.
    public func dropTable(_ name: String) async throws(StorageError) {
        try await engine.dropTable(name)
    }

    // MARK: Series and tags

    /// The ids of the series of `table` matching every predicate, ascending.
    /// - Throws: `.invalidArgument` for an unknown table.
    public func series(of table: String, where predicates: [TagPredicate] = []) throws(StorageError) -> [SeriesID] {
        guard let ids = index.select(table: table, predicates) else { throw StorageError(.invalidArgument, "no table \"\(table)\"") }
        return ids
    }

    /// The tag keys of `table`, sorted (for a dashboard's picker).
    public func tagKeys(of table: String) -> [String] { index.tagKeys(table: table) }

    /// The values of tag `key` in `table`, sorted, those starting with `prefix`, at most `limit`.
    public func tagValues(of table: String, key: String, prefix: String = "", limit: Int = 1000) -> [String] {
        index.tagValues(table: table, key: key, prefix: prefix, limit: limit)
    }

    /// The number of series of `table` (0 for an unknown table).
    public func seriesCount(of table: String) -> Int { index.seriesCount(table: table) }

    /// The tags of a series, sorted by key (nil for an unknown id).
    public func tags(ofSeries id: SeriesID) -> [(key: String, value: String)]? {
        engine.seriesKey(of: id).flatMap { SeriesKey.tags(ofCanonical: $0.key) }
    }

    /// Bytes the tag index holds in memory (an estimate; the registry's share is in
    /// ``statistics()``).
    public var indexMemoryBytes: Int { index.memoryBytes }

    // MARK: Maintenance

    /// Writes everything in memory to segments.
    public func flush() async throws(StorageError) { try await engine.flush() }
    /// Merges small segments (see ``StorageOptions/compactionThreshold``).
    @discardableResult public func compact() async throws(StorageError) -> Int { try await engine.compact() }
    /// Drops partitions past their table's retention.
    @discardableResult public func enforceRetention() async throws(StorageError) -> Int { try await engine.enforceRetention() }
    /// Rows, series, partitions, segments and bytes per table.
    public func statistics() -> StorageEngine.Statistics { engine.statistics() }
    /// Checks every checksum. - Throws: the first damage, with file and offset.
    public func verify() throws(StorageError) { try engine.verify() }
}

/// The batches of a scan, as an `AsyncSequence`.
public struct ScanSequence: AsyncSequence, Sendable {
    public typealias Element = SeriesBatch
    let cursor: ScanCursor

    public struct AsyncIterator: AsyncIteratorProtocol {
        var cursor: ScanCursor
        public mutating func next() async throws -> SeriesBatch? {
            try cursor.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(cursor: cursor) }
}
