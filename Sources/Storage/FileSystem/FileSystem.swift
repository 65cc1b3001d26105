// The file-system abstraction the engine does all its I/O through.
//
// Production uses `PosixFileSystem`; tests use the fault-injecting file system in
// SundialTestSupport, which keeps only what was synced (file contents after
// `FileHandle.sync()`, directory entries after `FileSystem.syncDirectory(_:)`), and can
// fail the Nth write or sync, tear writes, or run out of space. The contract below is
// what the engine relies on for durability; both implementations honour it.
//
// - `write(_:at:)` writes every byte or throws; a short write is retried inside.
// - `sync()` makes the file's contents durable. After a failed sync the handle's state is
//   unknown: the engine never retries a failed sync into success (a later sync may
//   report success for pages the kernel already dropped, as PostgreSQL learned).
// - `rename(_:to:)` is atomic; it is durable after `syncDirectory` of the directory.
// - A newly created file's directory entry is durable after `syncDirectory`.

/// How to open a file.
public enum FileOpenMode: Sendable {
    /// Read only; the file must exist.
    case read
    /// Read and write; create the file when missing.
    case readWrite
    /// Read and write; the file must not exist yet.
    case createNew
}

/// An open file. Offsets are absolute; there is no file position.
public protocol FileHandle: AnyObject, Sendable {
    /// The path the file was opened with.
    var path: String { get }
    /// Writes all of `bytes` at `offset`, extending the file as needed.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError)
    /// Reads up to `buffer.count` bytes at `offset`; returns the count read (0 at end of file).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError) -> Int
    /// Makes the file's contents durable (fdatasync).
    func sync() throws(StorageError)
    /// Cuts or extends the file to `size` bytes.
    func truncate(to size: Int) throws(StorageError)
    /// The file's current size.
    func size() throws(StorageError) -> Int
    /// Closes the file; further calls fail.
    func close() throws(StorageError)
}

/// A read-only view of a whole file: memory-mapped by `PosixFileSystem`, a copy in memory
/// for the in-memory test file system. Immutable, so it can be shared across threads.
public protocol MappedFile: AnyObject, Sendable {
    /// The path that was mapped.
    var path: String { get }
    /// The file's bytes; valid while this object is alive.
    var bytes: UnsafeRawBufferPointer { get }
}

/// Everything the engine does to files and directories.
public protocol FileSystem: Sendable {
    /// Opens (or creates, per `mode`) the file at `path`.
    func open(_ path: String, mode: FileOpenMode) throws(StorageError) -> any FileHandle
    /// Maps a whole file read-only.
    func map(_ path: String) throws(StorageError) -> any MappedFile
    /// Whether a file or directory exists at `path`.
    func exists(_ path: String) -> Bool
    /// The names (not paths) of the entries of a directory, sorted.
    func contentsOfDirectory(_ path: String) throws(StorageError) -> [String]
    /// Creates a directory (and its parents); succeeds when it exists already.
    func createDirectory(_ path: String) throws(StorageError)
    /// Removes a file.
    func removeFile(_ path: String) throws(StorageError)
    /// Atomically renames `source` to `destination`, replacing it.
    func rename(_ source: String, to destination: String) throws(StorageError)
    /// Makes the directory's entries (creations, renames, removals) durable.
    func syncDirectory(_ path: String) throws(StorageError)
    /// The size of the file at `path`.
    func fileSize(_ path: String) throws(StorageError) -> Int
    /// Takes an exclusive lock on the file at `path` (creating it), held until the returned
    /// object is released or the process exits.
    /// - Throws: `.io` when another process or opener holds it.
    func lockExclusively(_ path: String) throws(StorageError) -> any FileLock
}

/// An exclusive lock on a file (see ``FileSystem/lockExclusively(_:)``).
public protocol FileLock: AnyObject, Sendable {
    /// Releases the lock (also done on deinit).
    func release()
}

extension FileSystem {
    /// Reads a whole (small) file into memory.
    public func readFile(_ path: String) throws(StorageError) -> [UInt8] {
        let handle = try open(path, mode: .read)
        defer { try? handle.close() }
        let size = try handle.size()
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = try bytes.withMutableBytes { (raw) throws(StorageError) -> Int in
                try handle.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]), at: done)
            }
            if n == 0 { break }
            done += n
        }
        return Array(bytes[0..<done])
    }

    /// Writes `bytes` to `path` durably and atomically: a temporary file is written and
    /// synced, renamed over `path`, and the directory is synced.
    public func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws(StorageError) {
        let temporary = path + ".tmp"
        if exists(temporary) { try removeFile(temporary) }
        let handle = try open(temporary, mode: .createNew)
        do throws(StorageError) {
            try bytes.withBytes { (raw) throws(StorageError) in try handle.write(raw, at: 0) }
            try handle.sync()
            try handle.close()
        } catch {
            try? handle.close()
            try? removeFile(temporary)
            throw error
        }
        try rename(temporary, to: path)
        try syncDirectory(FilePath.directory(of: path))
    }
}

/// Path helpers (no Foundation).
public enum FilePath {
    /// The directory part of `path` ("." when it has none).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`.
    public static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `value` in decimal, zero-padded to 20 digits, so file names sort in numeric order.
    public static func paddedNumber(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// `directory` joined with `name`.
    public static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
