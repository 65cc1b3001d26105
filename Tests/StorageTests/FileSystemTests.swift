import Testing
import SundialTestSupport
@testable import SundialStorage

/// The contract the engine relies on, checked against the real and the in-memory file system.
@Suite struct FileSystemContractTests {
    static func withEach(_ body: (any FileSystem, String) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try body(PosixFileSystem(), directory.path)
        let memory = FaultInjectingFileSystem()
        try memory.createDirectory("/db")
        try body(memory, "/db")
    }

    @Test func writeReadSizeTruncate() throws {
        try Self.withEach { fs, root in
            let path = FilePath.join(root, "a.bin")
            let handle = try fs.open(path, mode: .createNew)
            try Array("hello world".utf8).withBytes { (raw) throws(StorageError) in try handle.write(raw, at: 0) }
            try Array("W".utf8).withBytes { (raw) throws(StorageError) in try handle.write(raw, at: 6) }
            try Array("!".utf8).withBytes { (raw) throws(StorageError) in try handle.write(raw, at: 13) }
            #expect(try handle.size() == 14)
            try handle.sync()
            #expect(try fs.readFile(path) == Array("hello World".utf8) + [0, 0, UInt8(ascii: "!")])
            try handle.truncate(to: 5)
            try handle.close()
            #expect(try fs.readFile(path) == Array("hello".utf8))
            #expect(try fs.fileSize(path) == 5)
            let mapped = try fs.map(path)
            #expect(Array(mapped.bytes) == Array("hello".utf8))
            #expect(throws: StorageError.self) { _ = try fs.open(path, mode: .createNew) }
        }
    }

    @Test func directoriesRenameRemove() throws {
        try Self.withEach { fs, root in
            try fs.createDirectory(FilePath.join(root, "x/y"))
            #expect(fs.exists(FilePath.join(root, "x/y")))
            try fs.writeFileAtomically(FilePath.join(root, "x/m"), [1, 2, 3])
            try fs.writeFileAtomically(FilePath.join(root, "x/m"), [4, 5])
            #expect(try fs.readFile(FilePath.join(root, "x/m")) == [4, 5])
            #expect(try fs.contentsOfDirectory(FilePath.join(root, "x")) == ["m", "y"])
            try fs.rename(FilePath.join(root, "x/m"), to: FilePath.join(root, "x/n"))
            #expect(!fs.exists(FilePath.join(root, "x/m")))
            try fs.removeFile(FilePath.join(root, "x/n"))
            #expect(try fs.contentsOfDirectory(FilePath.join(root, "x")) == ["y"])
            #expect(throws: StorageError.self) { _ = try fs.open(FilePath.join(root, "missing"), mode: .read) }
            let empty = FilePath.join(root, "empty")
            try fs.open(empty, mode: .createNew).close()
            #expect(try fs.map(empty).bytes.count == 0)
        }
    }
}

@Suite struct FaultInjectingFileSystemTests {
    func write(_ handle: any FileHandle, _ text: String, at offset: Int) throws {
        try Array(text.utf8).withBytes { (raw) throws(StorageError) in try handle.write(raw, at: offset) }
    }

    @Test func powerLossKeepsOnlySyncedData() throws {
        let fs = FaultInjectingFileSystem()
        try fs.createDirectory("/d")
        let handle = try fs.open("/d/f", mode: .createNew)
        try write(handle, "synced", at: 0)
        try handle.sync()
        try fs.syncDirectory("/d")
        try write(handle, " lost", at: 6)
        let other = try fs.open("/d/unsynced-entry", mode: .createNew)
        try write(other, "x", at: 0)
        try other.sync()  // contents synced, but the directory entry never was
        fs.simulatePowerLoss()
        #expect(fs.contents(of: "/d/f") == Array("synced".utf8))
        #expect(!fs.exists("/d/unsynced-entry"))
        #expect(throws: StorageError.self) { try handle.sync() }
    }

    @Test func renameIsDurableOnlyAfterDirectorySync() throws {
        let fs = FaultInjectingFileSystem()
        try fs.createDirectory("/d")
        try fs.writeFileAtomically("/d/manifest", [1])
        let next = try fs.open("/d/manifest.tmp", mode: .createNew)
        try [2].withBytes { (raw) throws(StorageError) in try next.write(raw, at: 0) }
        try next.sync()
        try fs.rename("/d/manifest.tmp", to: "/d/manifest")
        fs.simulatePowerLoss()
        #expect(fs.contents(of: "/d/manifest") == [1])
    }

    @Test func tornTailKeepsAPrefixOfTheUnsyncedBytes() throws {
        let fs = FaultInjectingFileSystem()
        try fs.createDirectory("/d")
        let handle = try fs.open("/d/wal", mode: .createNew)
        try write(handle, "AAAA", at: 0)
        try handle.sync()
        try fs.syncDirectory("/d")
        try write(handle, "BBBBBBBB", at: 4)
        fs.simulatePowerLoss(tearUnsyncedTail: { $0 / 2 })
        #expect(fs.contents(of: "/d/wal") == Array("AAAABBBB".utf8))
        let second = try fs.open("/d/wal", mode: .readWrite)
        try write(second, "CCCC", at: 8)
        fs.simulatePowerLoss(tearUnsyncedTail: { $0 }, garbage: 0)
        #expect(fs.contents(of: "/d/wal") == Array("AAAABBBB".utf8) + [0, 0, 0, 0])
    }

    @Test func injectedFailures() throws {
        let fs = FaultInjectingFileSystem()
        try fs.createDirectory("/d")
        let handle = try fs.open("/d/f", mode: .createNew)
        var faults = FaultInjectingFileSystem.Faults()
        faults.failSync = 1
        faults.sticky = true
        faults.shortWrite = 2
        fs.faults = faults
        try write(handle, "one", at: 0)
        #expect(throws: StorageError.self) { try write(handle, "twotwo", at: 3) }
        #expect(fs.contents(of: "/d/f") == Array("onetwo".utf8))
        #expect(throws: StorageError.self) { try handle.sync() }
        #expect(throws: StorageError.self) { try handle.sync() }  // sticky: a bad disk stays bad

        let quota = FaultInjectingFileSystem()
        try quota.createDirectory("/q")
        var limited = FaultInjectingFileSystem.Faults()
        limited.quota = 10
        quota.faults = limited
        let q = try quota.open("/q/f", mode: .createNew)
        try write(q, "0123456789", at: 0)
        do {
            try write(q, "x", at: 10)
            Issue.record("wrote past the quota")
        } catch {
            #expect((error as? StorageError)?.code == .diskFull)
        }
        try q.truncate(to: 5)
        try write(q, "abc", at: 5)  // space freed: writes work again
    }
}
