// The storage engine: one database directory.
//
//   <data>/MANIFEST                      live segments, flushed LSN, catalog (Manifest.swift)
//   <data>/SERIES                        the series registry, append-only (SeriesLog.swift)
//   <data>/wal/<first LSN>.wal           the write-ahead log (WriteAheadLog.swift)
//   <data>/tables/<table id>/<id>.seg    segment files (SegmentWriter.swift)
//
// Write path: validate → (schema change: its own WAL record, durable and applied first)
// → series ids assigned in the registry (new series beyond the table's limit are refused)
// → WAL append (group commit, fsync policy) → apply to the head in LSN order → return.
// Applying in LSN order, after durability, means readers see only durable rows and a
// replay after a crash rebuilds exactly the head readers saw (duplicates resolve alike).
//
// Flush: the head is frozen (still visible to readers), written as one segment per
// partition, the manifest is replaced atomically with the new segments and the flushed
// LSN, then the frozen head is dropped and WAL segments below the LSN are released.
// Flush, compaction and retention run one at a time (`maintenance` lock).
//
// Reads take a snapshot under the lock: the segment list, frozen heads and the head
// (arrays shared copy-on-write). A segment file is deleted only when the last snapshot
// holding it is gone (`LiveSegment.deinit`).
//
// Failure: a failed WAL or manifest write poisons the engine: writes fail until it is
// reopened, and recovery decides what is durable.
import Synchronization

/// Options of the storage engine.
public struct StorageOptions: Sendable {
    /// WAL fsync policy, segment size, repair and retained bytes.
    public var wal = WALOptions()
    /// Flush the head once it holds this many rows…
    public var flushRows = 500_000
    /// …or about this many bytes…
    public var flushBytes = 64 << 20
    /// …or once its oldest unflushed write is this old (checked by `maintain()`).
    public var flushAge: Duration = .seconds(600)
    /// Rows per column block in segments.
    public var rowsPerBlock = SegmentFormat.defaultRowsPerBlock
    /// Options of tables created by schema on write.
    public var defaultTableOptions = TableOptions()
    /// The most columns (time, tags and fields) a table may have.
    public var maxColumnsPerTable = 1024
    /// The most series a table may have (the cardinality guard): a write that would add
    /// a series past it fails for that series, and the rest of its batch is written.
    public var maxSeriesPerTable = 1_000_000
    /// Per-table limits that replace `maxSeriesPerTable` (table name → maximum series).
    public var seriesLimits: [String: Int] = [:]
    /// Compact a partition once it has at least this many segments.
    public var compactionThreshold = 4
    /// Places to fail as if crashing there (tests only).
    public var failpoints = Failpoints.none
    /// Runs in `write` after a batch is admitted and before its WAL append, with the
    /// table's name (tests only: to hold a write at that point while something else runs).
    public var afterAdmission: (@Sendable (String) async -> Void)?
    /// The clock used for retention (ns since the epoch); tests replace it.
    public var now: @Sendable () -> Int64 = { SystemTime.nowNanoseconds() }

    public init() {}
}

/// What opening a database found and did.
public struct RecoveryReport: Sendable {
    public var wal = WALRecovery()
    /// Segment and temporary files no manifest referenced (left by a crash), removed.
    public var removedOrphans: [String] = []
    public var segments = 0
    /// Series registered (from the series log and the WAL).
    public var series = 0
    /// A torn tail cut off the series log (a crash during an append): offset and bytes.
    /// The WAL replay re-registered what it held.
    public var seriesLogTornTail: (offset: Int, bytes: Int)?
    /// With `repair`: the damage that made the series log unreadable. The log was set
    /// aside (`SERIES.damaged`) and rebuilt from the segments and the WAL.
    public var seriesLogRepaired: StorageError?
    public var replayedRecords: Int { wal.replayedRecords }
}

/// A segment the engine serves reads from; deleting its file waits for the last reader.
final class LiveSegment: Sendable {
    let entry: SegmentEntry
    let segment: Segment
    let fileSystem: any FileSystem
    let obsolete = Atomic<Bool>(false)
    /// The series ids of `segment.series`, ascending (the series directory is sorted by id).
    let ids: [SeriesID]

    init(entry: SegmentEntry, segment: Segment, fileSystem: any FileSystem) {
        self.entry = entry
        self.segment = segment
        self.fileSystem = fileSystem
        self.ids = segment.series.map(\.id)
    }

    /// The index in `segment.series` of series `id` (binary search), if the segment has it.
    func index(of id: SeriesID) -> Int? { ids.sortedIndex(of: id) }

    deinit {
        if obsolete.load(ordering: .acquiring) { try? fileSystem.removeFile(segment.path) }
    }
}

/// A Sundial database directory.
public final class StorageEngine: Sendable {
    enum PendingApply: Sendable {
        case batch(WriteBatch, [SeriesID])
        case schema(SchemaChange)
        case delete(Deletion)
    }

    /// What a read saw at one instant: the raw pieces a `ScanCursor` is built from.
    struct ReadState: Sendable {
        var catalog: Catalog
        var segments: [LiveSegment]
        var frozen: [Head]
        var head: Head
        var tombstones: [Tombstone]
    }

    struct State {
        var manifest: Manifest
        var catalog: Catalog
        var registry: SeriesRegistry
        var head = Head()
        var headSince: ContinuousClock.Instant?
        var frozen: [Head] = []
        var segments: [UInt64: LiveSegment] = [:]
        /// Deletions whose rows may still be in live segments (also in the manifest once
        /// it is next written).
        var tombstones: [Tombstone] = []
        /// Segments of dropped tables that the manifest still lists: deleted once a
        /// manifest without them is written.
        var droppedSegments: [LiveSegment] = []
        /// The state just before each deletion applied (for counting what it removed).
        var beforeDeletion: [LSN: ReadState] = [:]
        var nextApply: LSN
        var applyQueue: [LSN: PendingApply] = [:]
        var applyWaiters: [(lsn: LSN, continuation: CheckedContinuation<Void, Never>)] = []
        var failure: StorageError?
        var closed = false
        var flushScheduled = false
        /// Writes admitted per table id and not yet applied (DROP TABLE waits for them).
        var writesInFlight: [UInt32: Int] = [:]
        /// Tables a DROP TABLE is waiting to drop: new writes to them are refused.
        var dropping: Set<UInt32> = []
        /// Since open: flushes that wrote a manifest, partitions compacted, deletions applied.
        var flushes = 0
        var compactions = 0
        var deletions = 0
    }

    public let directory: String
    public let options: StorageOptions
    let fileSystem: any FileSystem
    let wal: WriteAheadLog
    let seriesLog: SeriesLog
    let state: Mutex<State>
    let directoryLock: any FileLock
    let schemaLock = AsyncSerialLock()
    let maintenance = AsyncSerialLock()

    var manifestPath: String { FilePath.join(directory, Manifest.fileName) }
    func tableDirectory(_ id: UInt32) -> String { FilePath.join(FilePath.join(directory, "tables"), String(id)) }
    func segmentPath(_ entry: SegmentEntry) -> String { FilePath.join(tableDirectory(entry.tableID), entry.fileName) }

    init(directory: String, fileSystem: any FileSystem, options: StorageOptions, wal: WriteAheadLog, seriesLog: SeriesLog,
         state: State, directoryLock: any FileLock) {
        self.directoryLock = directoryLock
        self.seriesLog = seriesLog
        self.directory = directory
        self.fileSystem = fileSystem
        self.options = options
        self.wal = wal
        self.state = Mutex(state)
    }

    /// Opens (creating when needed) the database in `directory`: reads the manifest, maps
    /// its segments, removes files a crash left behind, and replays the WAL.
    public static func open(
        directory: String, fileSystem: any FileSystem = PosixFileSystem(), options: StorageOptions = StorageOptions()
    ) throws(StorageError) -> (StorageEngine, RecoveryReport) {
        try fileSystem.createDirectory(directory)
        let directoryLock = try fileSystem.lockExclusively(FilePath.join(directory, "LOCK"))
        var report = RecoveryReport()
        let manifestPath = FilePath.join(directory, Manifest.fileName)
        if fileSystem.exists(manifestPath + ".tmp") {
            try fileSystem.removeFile(manifestPath + ".tmp")
            report.removedOrphans.append(manifestPath + ".tmp")
        }
        let manifest = fileSystem.exists(manifestPath)
            ? try Manifest.decode(fileSystem.readFile(manifestPath), path: manifestPath) : Manifest()

        // Segments: open every live one; remove files no manifest references.
        var live: [UInt64: LiveSegment] = [:]
        let tablesDirectory = FilePath.join(directory, "tables")
        let referenced = Set(manifest.segments.map { FilePath.join(FilePath.join(tablesDirectory, String($0.tableID)), $0.fileName) })
        if fileSystem.exists(tablesDirectory) {
            for table in try fileSystem.contentsOfDirectory(tablesDirectory) {
                let tableDirectory = FilePath.join(tablesDirectory, table)
                var removed = false
                for name in try fileSystem.contentsOfDirectory(tableDirectory) {
                    let path = FilePath.join(tableDirectory, name)
                    if !referenced.contains(path) && (name.hasSuffix(SegmentFormat.suffix) || name.hasSuffix(".tmp")) {
                        try fileSystem.removeFile(path)
                        report.removedOrphans.append(path)
                        removed = true
                    }
                }
                if removed { try fileSystem.syncDirectory(tableDirectory) }
            }
        }
        for entry in manifest.segments {
            let path = FilePath.join(FilePath.join(tablesDirectory, String(entry.tableID)), entry.fileName)
            let segment = try Segment.open(path: path, fileSystem: fileSystem)
            guard segment.rowCount == entry.rows else {
                throw StorageError(.corrupt, "segment holds \(segment.rowCount) rows, the manifest says \(entry.rows)", file: path, offset: 0)
            }
            live[entry.id] = LiveSegment(entry: entry, segment: segment, fileSystem: fileSystem)
        }
        report.segments = live.count

        // The series registry as of the last flush (a superset of every id in a segment).
        var registry: SeriesRegistry
        let seriesLog: SeriesLog
        do throws(StorageError) {
            (seriesLog, registry, report.seriesLogTornTail) = try loadSeriesLog(directory: directory, fileSystem: fileSystem, segments: live)
        } catch where options.wal.repair && error.code != .io && error.code != .diskFull {
            // Repair: set the damaged log aside and rebuild the registry from the segments
            // (each series entry carries its id and tags); the WAL replay adds the rest.
            (seriesLog, registry) = try rebuildSeriesLog(directory: directory, fileSystem: fileSystem, segments: live)
            report.seriesLogRepaired = error
        }
        registry.persistedCount = registry.count

        // The catalog as of the manifest, then the WAL after the flushed LSN.
        var catalog = Catalog(tables: manifest.tables, nextTableID: manifest.nextTableID)
        var head = Head()
        var tombstones = manifest.tombstones
        let (wal, walReport) = try WriteAheadLog.open(
            directory: FilePath.join(directory, "wal"), fileSystem: fileSystem, options: options.wal,
            replayAfter: manifest.flushedLSN
        ) { (record) throws(StorageError) in
            switch record.kind {
            case WALRecordKind.schemaChange:
                let change = try SchemaChange.decode(record.payload)
                if case .dropTable(let name) = change, let table = catalog.table(name) {
                    head.removeTable(table.id)
                    tombstones.removeAll { $0.tableID == table.id }
                }
                try catalog.apply(change)
            case WALRecordKind.writeBatch:
                let (batch, ids) = try WriteBatch.decode(record.payload)
                // A batch is logged only after the schema it needs: replay it the same way.
                if let change = try catalog.changeNeeded(for: batch, defaultOptions: options.defaultTableOptions, maxColumns: Int.max) {
                    try catalog.apply(change)
                }
                let table = catalog.table(batch.table)!
                for (series, id) in zip(batch.series, ids) {
                    try registry.register(id, SeriesKey(table: table.id, key: SeriesKey.canonical(series.tags)))
                }
                head.apply(batch, ids: ids, table: table)
            case WALRecordKind.deletion:
                let deletion = try Deletion.decode(record.payload)
                guard let table = catalog.table(deletion.table) else {
                    throw StorageError(.corrupt, "a deletion of rows of table \"\(deletion.table)\", which does not exist", offset: nil)
                }
                _ = head.remove(deletion, tableID: table.id)
                // Every segment the manifest lists was written before the deletion (the
                // manifest's flushed LSN is below it); a tombstone it already holds stays.
                if !tombstones.contains(where: { $0.lsn == record.lsn }) {
                    let tombstone = Tombstone(lsn: record.lsn, tableID: table.id, timeRange: deletion.timeRange,
                                              series: deletion.series, coversBelow: manifest.nextSegmentID)
                    if live.values.contains(where: { tombstone.applies(to: $0.entry) }) { tombstones.append(tombstone) }
                }
            default:
                throw StorageError(.corrupt, "unknown WAL record kind \(record.kind)", offset: nil)
            }
        }
        report.wal = walReport
        report.series = registry.count
        // Segments of tables a replayed DROP TABLE removed: no longer read, deleted once
        // the next manifest no longer lists them.
        let liveTables = Set(catalog.tables.values.map(\.id))
        let dropped = live.values.filter { !liveTables.contains($0.entry.tableID) }
        for segment in dropped { live[segment.entry.id] = nil }
        var state = State(manifest: manifest, catalog: catalog, registry: registry, head: head,
                          headSince: head.rows > 0 ? .now : nil, segments: live,
                          nextApply: max(wal.nextLSN, manifest.flushedLSN + 1))
        state.tombstones = tombstones.filter { liveTables.contains($0.tableID) }
        state.droppedSegments = dropped
        let engine = StorageEngine(directory: directory, fileSystem: fileSystem, options: options, wal: wal,
                                   seriesLog: seriesLog, state: state, directoryLock: directoryLock)
        return (engine, report)
    }

    /// Opens the series log and registers what it holds.
    /// Checks that the log covers the largest id of the segments (it always does unless
    /// the log was damaged or replaced: a missing id could be handed out again).
    static func loadSeriesLog(directory: String, fileSystem: any FileSystem, segments: [UInt64: LiveSegment])
        throws(StorageError) -> (SeriesLog, SeriesRegistry, (offset: Int, bytes: Int)?) {
        let (log, registrations, torn) = try SeriesLog.open(directory: directory, fileSystem: fileSystem)
        let registry: SeriesRegistry
        do {
            registry = try SeriesRegistry(registrations, log: log.path)
        } catch {
            try? log.close()
            throw error
        }
        if let top = segments.values.compactMap({ $0.ids.last }).max(), top >= registry.nextID {
            try? log.close()
            throw StorageError(.corrupt, "segments hold series id \(top) but the series log ends below it; open with repair to rebuild the log",
                               file: log.path)
        }
        return (log, registry, torn)
    }

    /// Rebuilds the series log from the series directories of `segments` (repair only):
    /// the damaged log is renamed to `SERIES.damaged`, a new one is written and synced.
    static func rebuildSeriesLog(directory: String, fileSystem: any FileSystem, segments: [UInt64: LiveSegment])
        throws(StorageError) -> (SeriesLog, SeriesRegistry) {
        let path = FilePath.join(directory, SeriesLogFormat.fileName)
        let aside = path + ".damaged"
        if fileSystem.exists(aside) { try fileSystem.removeFile(aside) }
        try fileSystem.rename(path, to: aside)
        try fileSystem.syncDirectory(directory)
        var registry = SeriesRegistry()
        for live in segments.values.sorted(by: { $0.entry.id < $1.entry.id }) {
            for series in live.segment.series {
                try registry.register(series.id, SeriesKey(table: live.entry.tableID, key: SeriesKey.canonical(series.tags)))
            }
        }
        let (log, _, _) = try SeriesLog.open(directory: directory, fileSystem: fileSystem)
        let all = registry.registrations(from: 0).sorted { $0.id < $1.id }
        try log.append(all)
        return (log, registry)
    }

    /// Flushes the head (unless `flush` is false: the WAL then holds it for the next
    /// open to replay) and closes the WAL. Further calls fail.
    public func close(flush: Bool = true) async throws(StorageError) {
        let failed = state.withLock { s -> StorageError? in
            if s.closed { return nil }
            return s.failure
        }
        if failed == nil && flush { try await self.flush() }
        state.withLock { $0.closed = true }
        defer { directoryLock.release() }
        try? seriesLog.close()
        try wal.close()
    }

    /// The tables and their columns.
    public var catalog: Catalog { state.withLock { $0.catalog } }

    func checkWritable() throws(StorageError) {
        let (failure, closed) = state.withLock { ($0.failure, $0.closed) }
        if let failure {
            throw StorageError(.closed, "the database refuses writes after an earlier failure (\(failure)); reopen it to recover",
                               file: failure.file, offset: failure.offset)
        }
        if closed { throw StorageError(.closed, "the database is closed") }
    }

    func poison(_ error: StorageError) {
        state.withLock { if $0.failure == nil { $0.failure = error } }
    }
}

/// Wall-clock time without Foundation.
enum SystemTime {
    static func nowNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
