// An in-memory file system for durability tests, in the manner of LevelDB's
// fault_injection_test: it tracks what would survive a power loss — file contents as of
// their last `sync()`, directory entries as of their directory's last `syncDirectory` —
// and can fail the Nth write or sync, tear unsynced writes, or run out of space.
//
// Thread safety: one lock around all state; handles and mappings hold only ids.
import Synchronization
import SundialStorage

/// A fault-injecting, in-memory `FileSystem`.
public final class FaultInjectingFileSystem: FileSystem, Sendable {
    /// Faults to inject. Call numbers count from 1 over the file system's lifetime.
    public struct Faults: Sendable {
        /// Fail the Nth `sync()` with an I/O error (and every sync after it when `sticky`).
        public var failSync: Int?
        /// Fail the Nth `write` with an I/O error, writing nothing.
        public var failWrite: Int?
        /// Make the Nth `write` short: half its bytes land, then it fails with an I/O error.
        public var shortWrite: Int?
        /// Fail every `syncDirectory` from the Nth call on.
        public var failDirectorySync: Int?
        /// Keep failing after the first injected sync failure (a disk that went bad).
        public var sticky = false
        /// The most bytes all files may hold; writes past it fail with `.diskFull`.
        public var quota: Int?

        public init() {}
    }

    struct Node {
        var current: [UInt8] = []
        var durable: [UInt8] = []
    }

    struct State {
        var nodes: [Int: Node] = [:]
        var nextNode = 1
        var entries: [String: Int] = [:]
        var durableEntries: [String: Int] = [:]
        var directories: Set<String> = ["/"]
        var faults = Faults()
        var writes = 0
        var syncs = 0
        var directorySyncs = 0
        var syncFailed = false
        /// Bumped by a power loss; handles from before it are dead.
        var generation = 0
        var locks: Set<String> = []

        var usedBytes: Int { entries.values.reduce(0) { $0 + (nodes[$1]?.current.count ?? 0) } }
    }

    let state = Mutex(State())

    public init() {}

    /// The faults in force; change them at any time.
    public var faults: Faults {
        get { state.withLock { $0.faults } }
        set { state.withLock { $0.faults = newValue } }
    }

    /// How many `write`, `sync` and `syncDirectory` calls were made.
    public var callCounts: (writes: Int, syncs: Int, directorySyncs: Int) {
        state.withLock { ($0.writes, $0.syncs, $0.directorySyncs) }
    }

    /// Simulates a power loss: every file reverts to its last synced contents and every
    /// directory to its last synced entries. With `tearUnsyncedTail`, a file whose unsynced
    /// bytes extend its synced contents keeps `keep(unsyncedCount)` of them (a torn write),
    /// filled with `garbage` instead of the real bytes when it is set. Open handles die.
    public func simulatePowerLoss(tearUnsyncedTail keep: ((Int) -> Int)? = nil, garbage: UInt8? = nil) {
        state.withLock { s in
            for (id, node) in s.nodes {
                var survivor = node.durable
                if let keep, node.current.count > node.durable.count,
                   node.current.starts(with: node.durable) {
                    let extra = node.current.count - node.durable.count
                    let kept = Swift.max(0, Swift.min(extra, keep(extra)))
                    let tail = node.current[node.durable.count..<(node.durable.count + kept)]
                    survivor += garbage.map { Array(repeating: $0, count: kept) } ?? Array(tail)
                }
                s.nodes[id] = Node(current: survivor, durable: survivor)
            }
            s.entries = s.durableEntries
            let live = Set(s.entries.values)
            s.nodes = s.nodes.filter { live.contains($0.key) }
            s.generation += 1
            s.locks = []
            s.syncFailed = false
            s.faults = Faults()
        }
    }

    /// Simulates a process crash (kill -9): the page cache survives, so nothing is lost,
    /// but open handles die.
    public func simulateProcessCrash() {
        state.withLock { s in
            s.generation += 1
            s.locks = []
        }
    }

    /// The current bytes of a file (for corrupting it in tests).
    public func contents(of path: String) -> [UInt8]? {
        state.withLock { s in s.entries[path].flatMap { s.nodes[$0]?.current } }
    }

    /// Replaces the bytes of a file, durably (a corruption "on disk").
    public func setContents(of path: String, _ bytes: [UInt8]) {
        state.withLock { s in
            guard let id = s.entries[path] else { return }
            s.nodes[id] = Node(current: bytes, durable: bytes)
        }
    }

    // MARK: FileSystem

    static func missing(_ path: String) -> StorageError {
        StorageError(.io, "no such file or directory (errno 2)", file: path)
    }

    public func open(_ path: String, mode: FileOpenMode) throws(StorageError) -> any FileHandle {
        let result: Result<(Int, Int), StorageError> = state.withLock { s in
            guard s.directories.contains(FilePath.directory(of: path)) else { return .failure(Self.missing(path)) }
            if let id = s.entries[path] {
                if case .createNew = mode { return .failure(StorageError(.io, "file exists (errno 17)", file: path)) }
                return .success((id, s.generation))
            }
            if case .read = mode { return .failure(Self.missing(path)) }
            let id = s.nextNode
            s.nextNode += 1
            s.nodes[id] = Node()
            s.entries[path] = id
            return .success((id, s.generation))
        }
        let (id, generation) = try result.get()
        return Handle(fileSystem: self, path: path, node: id, generation: generation)
    }

    public func map(_ path: String) throws(StorageError) -> any MappedFile {
        let bytes: [UInt8]? = state.withLock { s in s.entries[path].flatMap { s.nodes[$0]?.current } }
        guard let bytes else { throw Self.missing(path) }
        return Mapping(path: path, bytes: bytes)
    }

    public func exists(_ path: String) -> Bool {
        state.withLock { $0.entries[path] != nil || $0.directories.contains(path) }
    }

    public func contentsOfDirectory(_ path: String) throws(StorageError) -> [String] {
        let result: [String]? = state.withLock { s in
            guard s.directories.contains(path) else { return nil }
            let files = s.entries.keys.filter { FilePath.directory(of: $0) == path }
            let subdirectories = s.directories.filter { $0 != path && FilePath.directory(of: $0) == path }
            return (files + subdirectories).map { FilePath.name(of: $0) }.sorted()
        }
        guard let result else { throw Self.missing(path) }
        return result
    }

    public func createDirectory(_ path: String) throws(StorageError) {
        state.withLock { s in
            var current = path
            while current != "/" && current != "." && !s.directories.contains(current) {
                s.directories.insert(current)
                current = FilePath.directory(of: current)
            }
        }
    }

    public func removeFile(_ path: String) throws(StorageError) {
        let removed = state.withLock { s in s.entries.removeValue(forKey: path) != nil }
        guard removed else { throw Self.missing(path) }
    }

    public func rename(_ source: String, to destination: String) throws(StorageError) {
        let moved = state.withLock { s -> Bool in
            guard let id = s.entries.removeValue(forKey: source) else { return false }
            s.entries[destination] = id
            return true
        }
        guard moved else { throw Self.missing(source) }
    }

    public func syncDirectory(_ path: String) throws(StorageError) {
        let failure: StorageError? = state.withLock { s in
            s.directorySyncs += 1
            if let n = s.faults.failDirectorySync, s.directorySyncs >= n {
                return StorageError(.io, "injected directory fsync failure (errno 5)", file: path)
            }
            s.durableEntries = s.durableEntries.filter { FilePath.directory(of: $0.key) != path }
            for (name, id) in s.entries where FilePath.directory(of: name) == path {
                s.durableEntries[name] = id
            }
            return nil
        }
        if let failure { throw failure }
    }

    public func fileSize(_ path: String) throws(StorageError) -> Int {
        let size: Int? = state.withLock { s in s.entries[path].flatMap { s.nodes[$0]?.current.count } }
        guard let size else { throw Self.missing(path) }
        return size
    }

    public func lockExclusively(_ path: String) throws(StorageError) -> any FileLock {
        let taken = state.withLock { s -> Bool in
            if s.locks.contains(path) { return false }
            s.locks.insert(path)
            if s.entries[path] == nil {
                let id = s.nextNode
                s.nextNode += 1
                s.nodes[id] = Node()
                s.entries[path] = id
            }
            return true
        }
        guard taken else { throw StorageError(.io, "the database is in use by another process (lock held)", file: path) }
        return Lock(fileSystem: self, path: path)
    }

    final class Lock: FileLock, Sendable {
        let fileSystem: FaultInjectingFileSystem
        let path: String
        init(fileSystem: FaultInjectingFileSystem, path: String) {
            self.fileSystem = fileSystem
            self.path = path
        }
        func release() { _ = fileSystem.state.withLock { $0.locks.remove(path) } }
        deinit { release() }
    }

    // MARK: Handles

    final class Handle: FileHandle, Sendable {
        let fileSystem: FaultInjectingFileSystem
        let path: String
        let node: Int
        let generation: Int
        let closed = Mutex(false)

        init(fileSystem: FaultInjectingFileSystem, path: String, node: Int, generation: Int) {
            self.fileSystem = fileSystem
            self.path = path
            self.node = node
            self.generation = generation
        }

        func withNode<R>(_ body: (inout State, inout Node) -> Result<R, StorageError>) throws(StorageError) -> R {
            guard !closed.withLock({ $0 }) else { throw StorageError(.closed, "file is closed", file: path) }
            let result: Result<R, StorageError> = fileSystem.state.withLock { s in
                guard s.generation == generation, var n = s.nodes[node] else {
                    return .failure(StorageError(.io, "file handle lost in a simulated crash", file: path))
                }
                let r = body(&s, &n)
                s.nodes[node] = n
                return r
            }
            return try result.get()
        }

        func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError) {
            let data = Array(bytes)
            try withNode { (s: inout State, n: inout Node) -> Result<Void, StorageError> in
                s.writes += 1
                if s.faults.failWrite == s.writes {
                    return .failure(StorageError(.io, "injected write failure (errno 5)", file: path))
                }
                var count = data.count
                var short = false
                if s.faults.shortWrite == s.writes { count /= 2; short = true }
                let grow = Swift.max(0, offset + count - n.current.count)
                if let quota = s.faults.quota, s.usedBytes + grow > quota {
                    return .failure(StorageError(.diskFull, "no space left on device (errno 28)", file: path))
                }
                if n.current.count < offset + count {
                    n.current += [UInt8](repeating: 0, count: offset + count - n.current.count)
                }
                n.current.replaceSubrange(offset..<(offset + count), with: data[0..<count])
                return short ? .failure(StorageError(.io, "injected short write (errno 5)", file: path)) : .success(())
            }
        }

        func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError) -> Int {
            try withNode { _, n in
                guard offset < n.current.count else { return .success(0) }
                let count = Swift.min(buffer.count, n.current.count - offset)
                n.current.withUnsafeBytes { raw in
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)]))
                }
                return .success(count)
            }
        }

        func sync() throws(StorageError) {
            try withNode { (s: inout State, n: inout Node) -> Result<Void, StorageError> in
                s.syncs += 1
                if let failAt = s.faults.failSync, s.syncs == failAt || (s.faults.sticky && s.syncFailed) {
                    s.syncFailed = true
                    return .failure(StorageError(.io, "injected fsync failure (errno 5)", file: path))
                }
                n.durable = n.current
                return .success(())
            }
        }

        func truncate(to size: Int) throws(StorageError) {
            try withNode { (_: inout State, n: inout Node) -> Result<Void, StorageError> in
                if size < n.current.count { n.current.removeLast(n.current.count - size) }
                else { n.current += [UInt8](repeating: 0, count: size - n.current.count) }
                return .success(())
            }
        }

        func size() throws(StorageError) -> Int {
            try withNode { _, n in .success(n.current.count) }
        }

        func close() throws(StorageError) {
            closed.withLock { $0 = true }
        }
    }

    final class Mapping: MappedFile, @unchecked Sendable {
        let path: String
        let storage: UnsafeMutableRawBufferPointer
        let bytes: UnsafeRawBufferPointer

        init(path: String, bytes source: [UInt8]) {
            self.path = path
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(source.count, 1), alignment: 16)
            source.withUnsafeBytes { if !$0.isEmpty { buffer.copyMemory(from: $0) } }
            storage = buffer
            bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: source.count)
        }

        deinit { storage.deallocate() }
    }
}
