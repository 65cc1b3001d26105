// The write-ahead log: segmented files of CRC32C-framed records, group commit, and a
// per-database fsync policy. Layout: WALFormat.swift and docs/formats/wal.md.
//
// Group commit: appenders encode their record into a shared pending buffer under a lock.
// One of them, the leader, takes the whole buffer, writes it with one call and (policy
// `always`) syncs once for everybody, then wakes the appenders it covered. If records
// arrived meanwhile it hands leadership to the oldest waiting appender.
//
// Failure: any failed write or sync poisons the log: the failing batch and every later
// append get the error and nothing more is written until the database is reopened, when
// recovery decides from the files what is durable. A failed sync is never retried.
//
// Thread safety: all state is behind one lock; file I/O happens outside it, by the
// leader only.
import Synchronization

/// When the log makes records durable before an append returns.
public enum FsyncPolicy: Sendable, Hashable {
    /// An append returns after its record is synced to disk (the default).
    case always
    /// An append returns after its record is written to the operating system; the log is
    /// synced every `milliseconds` in the background. Survives a process crash; a power
    /// loss may drop the last interval.
    case interval(milliseconds: Int)
    /// An append returns after its record is written to the operating system; the log is
    /// synced only on flush and close.
    case none
}

/// Options of a write-ahead log.
public struct WALOptions: Sendable {
    /// The durability of appends.
    public var fsync: FsyncPolicy = .always
    /// A new segment file starts once the current one passes this size.
    public var segmentSize = 64 << 20
    /// Open even if a segment is damaged before its tail: the damaged part and everything
    /// after it is dropped, and the recovery report says what.
    public var repair = false
    /// Keep at least this many bytes of already-flushed WAL (newest segments first) instead
    /// of deleting it at once, so that replicas that fall behind can still be served from
    /// the log. 0 (the default) releases everything flushed.
    public var retainedBytes = 0

    public init(fsync: FsyncPolicy = .always, segmentSize: Int = 64 << 20, repair: Bool = false, retainedBytes: Int = 0) {
        self.fsync = fsync
        self.segmentSize = segmentSize
        self.repair = repair
        self.retainedBytes = retainedBytes
    }
}

/// What recovery found and did.
public struct WALRecovery: Sendable {
    /// The last valid LSN in the log (0 for an empty log).
    public var lastLSN: LSN = 0
    /// Records replayed (those after the `replayAfter` LSN).
    public var replayedRecords = 0
    /// A torn tail that was cut off: the file, the offset it was cut at, the bytes dropped.
    public var truncatedTail: (file: String, offset: Int, bytes: Int)?
    /// With `repair`: the damage that was dropped, and how many bytes.
    public var repairedDamage: (error: StorageError, droppedBytes: Int)?
}

/// A write-ahead log in one directory.
public final class WriteAheadLog: Sendable {
    struct Segment: Sendable {
        var firstLSN: LSN
        var path: String
    }

    enum WaitResult { case done, lead }

    struct Waiter {
        var lsn: LSN
        var continuation: CheckedContinuation<WaitResult, any Error>
    }

    struct State {
        var nextLSN: LSN
        var writtenLSN: LSN
        var durableLSN: LSN
        var pending = ByteWriter()
        var pendingFirstLSN: LSN = 0
        var leading = false
        var waiters: [Waiter] = []
        var failure: StorageError?
        var closed = false
        var segments: [Segment]
        var activeHandle: (any FileHandle)?
        var activeSize: Int
        var syncs = SyncStatistics()
    }

    public let directory: String
    public let options: WALOptions
    let fileSystem: any FileSystem
    let state: Mutex<State>
    /// Held around file I/O on the active segment (the leader's writes and syncs, the
    /// interval sync), so a sync never races a segment roll.
    let io = Mutex(())
    let syncTask = Mutex<Task<Void, Never>?>(nil)

    /// Opens the log in `directory` (creating it), validates every segment, cuts off a
    /// torn tail, and calls `replay` for every record with an LSN above `replayAfter`.
    ///
    /// - Throws: ``StorageError`` naming file and offset when a segment is damaged before
    ///   its tail (unless `options.repair`), or when I/O fails.
    public static func open(
        directory: String, fileSystem: any FileSystem, options: WALOptions = WALOptions(),
        replayAfter: LSN = 0, replay: (WALRecord) throws(StorageError) -> Void = { _ in }
    ) throws(StorageError) -> (WriteAheadLog, WALRecovery) {
        try fileSystem.createDirectory(directory)
        var segments: [Segment] = []
        for name in try fileSystem.contentsOfDirectory(directory) {
            if let lsn = WALFormat.firstLSN(ofSegmentNamed: name) {
                segments.append(Segment(firstLSN: lsn, path: FilePath.join(directory, name)))
            }
        }
        segments.sort { $0.firstLSN < $1.firstLSN }
        var recovery = WALRecovery()
        var expected: LSN? = nil
        var activeSize = 0
        var index = 0
        while index < segments.count {
            let segment = segments[index]
            let isLast = index == segments.count - 1
            if let expected, segment.firstLSN != expected {
                let error = StorageError(.corrupt, "segment starts at LSN \(segment.firstLSN), expected \(expected) (a segment is missing)",
                                         file: segment.path, offset: 0)
                guard options.repair else { throw error }
                try dropSegments(segments[index...], fileSystem: fileSystem, directory: directory, error: error, recovery: &recovery)
                segments.removeSubrange(index...)
                break
            }
            let mapped = try fileSystem.map(segment.path)
            let scan = WALSegmentScanner.scan(mapped.bytes, path: segment.path, firstLSN: segment.firstLSN)
            for record in scan.records where record.lsn > replayAfter {
                try replay(record)
                recovery.replayedRecords += 1
            }
            if let last = scan.records.last { recovery.lastLSN = last.lsn }
            expected = (scan.records.last?.lsn ?? (segment.firstLSN - 1)) + 1
            if let damage = scan.damage {
                let tornTail = isLast && !scan.validRecordAfterDamage
                if tornTail && scan.validLength < WALFormat.segmentHeaderSize {
                    // The crash hit while the segment was being created: nothing in it was acknowledged.
                    try fileSystem.removeFile(segment.path)
                    try fileSystem.syncDirectory(directory)
                    recovery.truncatedTail = (segment.path, 0, mapped.bytes.count)
                    segments.remove(at: index)
                    break
                }
                if tornTail {
                    try truncate(segment.path, to: scan.validLength, fileSystem: fileSystem)
                    recovery.truncatedTail = (segment.path, scan.validLength, mapped.bytes.count - scan.validLength)
                    activeSize = scan.validLength
                } else {
                    guard options.repair else { throw damage }
                    try truncate(segment.path, to: scan.validLength, fileSystem: fileSystem)
                    var dropped = mapped.bytes.count - scan.validLength
                    for later in segments[(index + 1)...] { dropped += (try? fileSystem.fileSize(later.path)) ?? 0 }
                    try dropSegments(segments[(index + 1)...], fileSystem: fileSystem, directory: directory, error: damage, recovery: &recovery)
                    recovery.repairedDamage = (damage, dropped)
                    segments.removeSubrange((index + 1)...)
                    activeSize = scan.validLength
                    break
                }
            } else if isLast {
                activeSize = mapped.bytes.count
            }
            index += 1
        }
        let next = (expected ?? (replayAfter + 1))
        let log = WriteAheadLog(directory: directory, fileSystem: fileSystem, options: options,
                                state: State(nextLSN: max(next, replayAfter + 1), writtenLSN: next - 1, durableLSN: next - 1,
                                             segments: segments, activeHandle: nil, activeSize: activeSize))
        if let last = segments.last {
            let handle = try fileSystem.open(last.path, mode: .readWrite)
            log.state.withLock { $0.activeHandle = handle }
        }
        log.startIntervalSync()
        return (log, recovery)
    }

    static func truncate(_ path: String, to size: Int, fileSystem: any FileSystem) throws(StorageError) {
        let handle = try fileSystem.open(path, mode: .readWrite)
        try handle.truncate(to: size)
        try handle.sync()
        try handle.close()
    }

    static func dropSegments(_ dropped: ArraySlice<Segment>, fileSystem: any FileSystem, directory: String,
                             error: StorageError, recovery: inout WALRecovery) throws(StorageError) {
        var bytes = 0
        for segment in dropped {
            bytes += (try? fileSystem.fileSize(segment.path)) ?? 0
            try fileSystem.removeFile(segment.path)
        }
        try fileSystem.syncDirectory(directory)
        if recovery.repairedDamage == nil { recovery.repairedDamage = (error, bytes) }
    }

    init(directory: String, fileSystem: any FileSystem, options: WALOptions, state: State) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.options = options
        self.state = Mutex(state)
    }

    // MARK: Appending

    /// The LSN the next append will get.
    public var nextLSN: LSN { state.withLock { $0.nextLSN } }
    /// The highest LSN known to be synced to disk.
    public var durableLSN: LSN { state.withLock { $0.durableLSN } }

    /// Appends one record and returns its LSN once the fsync policy is satisfied.
    ///
    /// - Throws: ``StorageError`` when the record could not be made durable (nothing about
    ///   it may be assumed), or when the log is poisoned by an earlier failure or closed.
    public func append(kind: UInt8, payload: [UInt8]) async throws(StorageError) -> LSN {
        precondition(payload.count <= WALFormat.maxPayloadSize, "WAL payload larger than \(WALFormat.maxPayloadSize) bytes")
        let claim: Result<(LSN, Bool), StorageError> = state.withLock { s in
            if let failure = s.failure { return .failure(failure) }
            if s.closed { return .failure(StorageError(.closed, "the write-ahead log is closed", file: directory)) }
            let lsn = s.nextLSN
            s.nextLSN += 1
            if s.pending.count == 0 { s.pendingFirstLSN = lsn }
            payload.withUnsafeBytes { WALFormat.encodeRecord(lsn: lsn, kind: kind, payload: $0, into: &s.pending) }
            let lead = !s.leading
            if lead { s.leading = true }
            return .success((lsn, lead))
        }
        let (lsn, lead) = try claim.get()
        var leader = lead
        while true {
            if leader {
                try flushPending(until: lsn)
                return lsn
            }
            let result: WaitResult
            do {
                result = try await withCheckedThrowingContinuation { continuation in
                    state.withLock { s in
                        if let failure = s.failure { continuation.resume(throwing: failure) }
                        else if satisfied(lsn, s) { continuation.resume(returning: .done) }
                        else if !s.leading { s.leading = true; continuation.resume(returning: .lead) }
                        else { s.waiters.append(Waiter(lsn: lsn, continuation: continuation)) }
                    }
                }
            } catch let error as StorageError {
                throw error
            } catch {
                throw StorageError(.io, "\(error)")
            }
            if case .done = result { return lsn }
            leader = true
        }
    }

    func satisfied(_ lsn: LSN, _ s: State) -> Bool {
        if case .always = options.fsync { return s.durableLSN >= lsn }
        return s.writtenLSN >= lsn
    }

    /// As leader: write (and sync) pending batches until `lsn` is covered, then pass
    /// leadership on or give it up.
    func flushPending(until lsn: LSN) throws(StorageError) {
        while true {
            let batch: (bytes: [UInt8], first: LSN, last: LSN)? = state.withLock { s in
                guard s.pending.count > 0 else { return nil }
                let bytes = s.pending.bytes
                s.pending = ByteWriter(capacity: bytes.count)
                return (bytes, s.pendingFirstLSN, s.nextLSN - 1)
            }
            if let batch {
                do throws(StorageError) {
                    try io.withLock { (_) throws(StorageError) in
                        try writeBatch(batch.bytes, firstLSN: batch.first)
                        if case .always = options.fsync { try syncActive() }
                    }
                } catch {
                    poison(error)
                    throw error
                }
                state.withLock { s in
                    s.writtenLSN = batch.last
                    if case .always = options.fsync { s.durableLSN = batch.last }
                    resumeSatisfied(&s)
                }
            }
            let done: Bool = state.withLock { s in
                guard satisfied(lsn, s) else { return false }
                if s.pending.count > 0, let next = s.waiters.indices.min(by: { s.waiters[$0].lsn < s.waiters[$1].lsn }) {
                    s.waiters.remove(at: next).continuation.resume(returning: .lead)
                } else if s.pending.count > 0 {
                    return false
                } else {
                    s.leading = false
                }
                return true
            }
            if done { return }
        }
    }

    func resumeSatisfied(_ s: inout State) {
        var remaining: [Waiter] = []
        for waiter in s.waiters {
            if satisfied(waiter.lsn, s) { waiter.continuation.resume(returning: .done) } else { remaining.append(waiter) }
        }
        s.waiters = remaining
    }

    func poison(_ error: StorageError) {
        state.withLock { s in
            if s.failure == nil { s.failure = error }
            for waiter in s.waiters { waiter.continuation.resume(throwing: s.failure!) }
            s.waiters = []
            s.leading = false
        }
    }

    /// Writes encoded records, starting a new segment first when the active one is full.
    func writeBatch(_ bytes: [UInt8], firstLSN: LSN) throws(StorageError) {
        let (handle, size) = state.withLock { ($0.activeHandle, $0.activeSize) }
        var target = handle
        var offset = size
        if target == nil || size + bytes.count > options.segmentSize && size > WALFormat.segmentHeaderSize {
            if let handle {
                // Sync the finished segment whatever the policy: `sync()` covers only the
                // active segment, so everything before it must already be durable.
                try timedSync { () throws(StorageError) in try handle.sync() }
                try handle.close()
            }
            let path = FilePath.join(directory, WALFormat.segmentName(firstLSN: firstLSN))
            let created = try fileSystem.open(path, mode: .createNew)
            try WALFormat.encodeHeader(firstLSN: firstLSN).withBytes { (raw) throws(StorageError) in try created.write(raw, at: 0) }
            try created.sync()
            try fileSystem.syncDirectory(directory)
            state.withLock { s in
                s.segments.append(Segment(firstLSN: firstLSN, path: path))
                s.activeHandle = created
                s.activeSize = WALFormat.segmentHeaderSize
            }
            target = created
            offset = WALFormat.segmentHeaderSize
        }
        try bytes.withBytes { (raw) throws(StorageError) in try target!.write(raw, at: offset) }
        state.withLock { $0.activeSize = offset + bytes.count }
    }

    func syncActive() throws(StorageError) {
        guard let handle = state.withLock({ $0.activeHandle }) else { return }
        try timedSync { () throws(StorageError) in try handle.sync() }
    }

    // MARK: Sync, release, close

    /// Makes every record written so far durable (for `interval` and `none` policies; a
    /// no-op in effect for `always`).
    public func sync() throws(StorageError) {
        let (failure, written) = state.withLock { ($0.failure, $0.writtenLSN) }
        if let failure { throw failure }
        do throws(StorageError) {
            try io.withLock { (_) throws(StorageError) in try syncActive() }
        } catch {
            poison(error)
            throw error
        }
        state.withLock { s in s.durableLSN = max(s.durableLSN, written) }
    }

    func startIntervalSync() {
        guard case .interval(let milliseconds) = options.fsync else { return }
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(max(1, milliseconds)))
                guard let self else { return }
                if self.state.withLock({ $0.closed || $0.failure != nil }) { return }
                try? self.sync()
            }
        }
        syncTask.withLock { $0 = task }
    }

    /// Deletes whole segments all of whose records are at or below `lsn` (they were
    /// flushed to segments), keeping the newest `retainedBytes` of them. When every record
    /// appended so far is at or below `lsn` and nothing is retained, the active segment
    /// goes too and the next append starts a new one.
    public func release(upTo lsn: LSN) throws(StorageError) {
        let sizes: [String: Int] = options.retainedBytes > 0
            ? Dictionary(uniqueKeysWithValues: segmentPaths.map { ($0, (try? fileSystem.fileSize($0)) ?? 0) }) : [:]
        let (removable, retired): ([Segment], (any FileHandle)?) = io.withLock { _ in
            state.withLock { s in
                var out: [Segment] = []
                var i = 0
                var kept = s.segments.reduce(0) { $0 + (sizes[$1.path] ?? 0) }
                while i + 1 < s.segments.count && s.segments[i + 1].firstLSN <= lsn + 1 {
                    let size = sizes[s.segments[i].path] ?? 0
                    if options.retainedBytes > 0 && kept - size < options.retainedBytes { break }
                    kept -= size
                    out.append(s.segments[i])
                    i += 1
                }
                s.segments.removeFirst(i)
                var retired: (any FileHandle)?
                if options.retainedBytes == 0, s.nextLSN - 1 <= lsn, s.pending.count == 0, !s.leading, s.failure == nil, !s.closed,
                   let last = s.segments.last, s.activeHandle != nil {
                    retired = s.activeHandle
                    s.activeHandle = nil
                    s.activeSize = 0
                    out.append(last)
                    s.segments.removeLast()
                }
                return (out, retired)
            }
        }
        try retired?.close()
        guard !removable.isEmpty else { return }
        for segment in removable { try fileSystem.removeFile(segment.path) }
        try fileSystem.syncDirectory(directory)
    }

    /// The segment files in LSN order (for stats and replication).
    public var segmentPaths: [String] { state.withLock { $0.segments.map(\.path) } }

    /// Syncs what was written (unless the log is poisoned) and closes the active segment.
    public func close() throws(StorageError) {
        syncTask.withLock { $0?.cancel() }
        let (handle, failure) = state.withLock { s -> ((any FileHandle)?, StorageError?) in
            s.closed = true
            let handle = s.activeHandle
            s.activeHandle = nil
            return (handle, s.failure)
        }
        guard let handle else { return }
        if failure == nil { try handle.sync() }
        try handle.close()
    }
}
