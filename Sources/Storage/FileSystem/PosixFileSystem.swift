// The real file system: POSIX calls through Glibc, files memory-mapped read-only.
//
// Thread safety: stateless; handles wrap a file descriptor whose calls (pread, pwrite,
// fdatasync) are safe to issue concurrently.
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating system's file system.
public struct PosixFileSystem: FileSystem {
    public init() {}

    static func failure(_ call: String, _ path: String, _ code: Int32 = errno) -> StorageError {
        let text = String(cString: strerror(code))
        let kind: StorageError.Code = code == ENOSPC || code == EDQUOT ? .diskFull : .io
        return StorageError(kind, "\(call) failed: \(text) (errno \(code))", file: path)
    }

    public func open(_ path: String, mode: FileOpenMode) throws(StorageError) -> any FileHandle {
        let flags: Int32 = switch mode {
        case .read: O_RDONLY
        case .readWrite: O_RDWR | O_CREAT
        case .createNew: O_RDWR | O_CREAT | O_EXCL
        }
        var fd: Int32
        repeat { fd = Glibc.open(path, flags | O_CLOEXEC, 0o644) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw Self.failure("open", path) }
        return PosixFileHandle(path: path, descriptor: fd)
    }

    public func map(_ path: String) throws(StorageError) -> any MappedFile {
        try PosixMappedFile(path: path)
    }

    public func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    public func contentsOfDirectory(_ path: String) throws(StorageError) -> [String] {
        guard let directory = opendir(path) else { throw Self.failure("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func createDirectory(_ path: String) throws(StorageError) {
        if exists(path) { return }
        let parent = FilePath.directory(of: path)
        if parent != path && parent != "." && parent != "/" && !exists(parent) { try createDirectory(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw Self.failure("mkdir", path) }
    }

    public func removeFile(_ path: String) throws(StorageError) {
        guard unlink(path) == 0 else { throw Self.failure("unlink", path) }
    }

    public func rename(_ source: String, to destination: String) throws(StorageError) {
        guard Glibc.rename(source, destination) == 0 else { throw Self.failure("rename to \(destination)", source) }
    }

    public func syncDirectory(_ path: String) throws(StorageError) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.failure("open directory", path) }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw Self.failure("fsync directory", path) }
    }

    public func lockExclusively(_ path: String) throws(StorageError) -> any FileLock {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.failure("open", path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            Glibc.close(fd)
            if code == EWOULDBLOCK {
                throw StorageError(.io, "the database is in use by another process (lock held)", file: path)
            }
            throw Self.failure("flock", path, code)
        }
        return PosixFileLock(descriptor: fd)
    }

    public func fileSize(_ path: String) throws(StorageError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Self.failure("stat", path) }
        return Int(info.st_size)
    }
}

/// A held `flock`.
final class PosixFileLock: FileLock, @unchecked Sendable {
    private let descriptor: Int32
    private let released = Mutex(false)

    init(descriptor: Int32) { self.descriptor = descriptor }

    func release() {
        let first = released.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { Glibc.close(descriptor) }
    }

    deinit { release() }
}

/// A file descriptor.
final class PosixFileHandle: FileHandle, @unchecked Sendable {
    let path: String
    // Written only by close(); the engine never closes a handle that is in use.
    private var descriptor: Int32

    init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { if descriptor >= 0 { Glibc.close(descriptor) } }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(StorageError) {
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw PosixFileSystem.failure("pwrite", path)
            }
            done += n
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(StorageError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = pread(descriptor, buffer.baseAddress!, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw PosixFileSystem.failure("pread", path) }
        }
    }

    func sync() throws(StorageError) {
        // No retry on failure: after a failed fdatasync the page cache may have dropped the
        // dirty pages, and a second call could report success for data that is gone.
        guard fdatasync(descriptor) == 0 else { throw PosixFileSystem.failure("fdatasync", path) }
    }

    func truncate(to size: Int) throws(StorageError) {
        guard ftruncate(descriptor, off_t(size)) == 0 else { throw PosixFileSystem.failure("ftruncate", path) }
    }

    func size() throws(StorageError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw PosixFileSystem.failure("fstat", path) }
        return Int(info.st_size)
    }

    func close() throws(StorageError) {
        guard descriptor >= 0 else { return }
        let fd = descriptor
        descriptor = -1
        guard Glibc.close(fd) == 0 else { throw PosixFileSystem.failure("close", path) }
    }
}

/// A read-only memory mapping of a whole file. An empty file maps to an empty buffer.
final class PosixMappedFile: MappedFile, @unchecked Sendable {
    let path: String
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws(StorageError) {
        self.path = path
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PosixFileSystem.failure("open", path) }
        defer { Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PosixFileSystem.failure("fstat", path) }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), address != MAP_FAILED else {
            throw PosixFileSystem.failure("mmap", path)
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
