// The write-ahead log: round trips, segments, group commit, and every named corruption
// and failure case (LevelDB's log_test.cc is the model).
import Testing
import SundialTestSupport
@testable import SundialStorage

@Suite struct WriteAheadLogTests {
    static let directory = "/db/wal"

    func makeFS() throws -> FaultInjectingFileSystem {
        let fs = FaultInjectingFileSystem()
        try fs.createDirectory(Self.directory)
        return fs
    }

    func payload(_ i: Int, size: Int? = nil) -> [UInt8] {
        let n = size ?? (i * 37 % 300)
        return (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) }
    }

    @discardableResult
    func open(_ fs: any FileSystem, options: WALOptions = WALOptions(), after: LSN = 0) throws -> (WriteAheadLog, WALRecovery, [WALRecord]) {
        var records: [WALRecord] = []
        let (log, recovery) = try WriteAheadLog.open(directory: Self.directory, fileSystem: fs, options: options,
                                                    replayAfter: after) { records.append($0) }
        return (log, recovery, records)
    }

    func onlySegment(_ fs: FaultInjectingFileSystem) throws -> String {
        let names = try fs.contentsOfDirectory(Self.directory).filter { $0.hasSuffix(".wal") }
        #expect(names.count == 1)
        return FilePath.join(Self.directory, names[0])
    }

    @Test func emptyLog() throws {
        let fs = try makeFS()
        let (log, recovery, records) = try open(fs)
        #expect(records.isEmpty)
        #expect(recovery.lastLSN == 0)
        #expect(log.nextLSN == 1)
        try log.close()
        let (again, _, _) = try open(fs)
        #expect(again.nextLSN == 1)
    }

    @Test func recordsRoundTripAcrossReopen() async throws {
        let fs = try makeFS()
        let (log, _, _) = try open(fs)
        for i in 1...50 {
            let lsn = try await log.append(kind: UInt8(i % 4), payload: payload(i))
            #expect(lsn == LSN(i))
        }
        _ = try await log.append(kind: 9, payload: [])
        _ = try await log.append(kind: 9, payload: payload(0, size: 100_000))
        try log.close()
        let (reopened, recovery, records) = try open(fs)
        #expect(recovery.lastLSN == 52)
        #expect(recovery.truncatedTail == nil)
        #expect(records.count == 52)
        #expect(records[0] == WALRecord(lsn: 1, kind: 1, payload: payload(1)))
        #expect(records[50].payload.isEmpty)
        #expect(records[51].payload == payload(0, size: 100_000))
        #expect(try await reopened.append(kind: 1, payload: [1]) == 53)
        let (_, _, tail) = try open(fs, after: 50)
        #expect(tail.map(\.lsn) == [51, 52, 53])
    }

    @Test func segmentsRollAndRelease() async throws {
        let fs = try makeFS()
        let (log, _, _) = try open(fs, options: WALOptions(segmentSize: 1000))
        for i in 1...60 { _ = try await log.append(kind: 1, payload: payload(i, size: 100)) }
        let segments = log.segmentPaths
        #expect(segments.count > 5)
        try log.release(upTo: 30)
        let remaining = log.segmentPaths
        #expect(remaining.count < segments.count)
        // Every record above the released LSN is still there.
        let firstKept = WALFormat.firstLSN(ofSegmentNamed: FilePath.name(of: remaining[0]))!
        #expect(firstKept <= 31)
        try log.close()
        let (_, recovery, records) = try open(fs, options: WALOptions(segmentSize: 1000), after: 30)
        #expect(recovery.lastLSN == 60)
        #expect(records.map(\.lsn) == Array(31...60))
    }

    @Test func groupCommitSharesSyncs() async throws {
        let fs = try makeFS()
        let (log, _, _) = try open(fs)
        let count = 400
        let lsns = try await withThrowingTaskGroup(of: LSN.self) { group in
            for i in 0..<count { group.addTask { try await log.append(kind: 1, payload: self.payload(i)) } }
            var all: [LSN] = []
            for try await lsn in group { all.append(lsn) }
            return all
        }
        #expect(Set(lsns) == Set((1...LSN(count))))
        let syncs = fs.callCounts.syncs
        #expect(syncs <= count + 1)
        fs.simulatePowerLoss()
        let (_, recovery, records) = try open(fs)
        #expect(recovery.lastLSN == LSN(count))
        #expect(records.count == count)
    }

    // MARK: Power loss and torn writes

    @Test func acknowledgedRecordsSurvivePowerLoss() async throws {
        for policy in [FsyncPolicy.always, .none, .interval(milliseconds: 5)] {
            let fs = try makeFS()
            let (log, _, _) = try open(fs, options: WALOptions(fsync: policy))
            for i in 1...20 { _ = try await log.append(kind: 1, payload: payload(i)) }
            try log.sync()
            let durable = log.durableLSN
            #expect(durable == 20)
            _ = try await log.append(kind: 1, payload: payload(21))
            fs.simulatePowerLoss()
            let (_, recovery, records) = try open(fs, options: WALOptions(fsync: policy))
            #expect(recovery.lastLSN >= durable)
            #expect(Array(records.prefix(20)).map(\.payload) == (1...20).map { payload($0) })
        }
    }

    @Test(arguments: [1, 7, 17, 18, 40, 100, 299])
    func tornTailIsTruncated(_ keep: Int) async throws {
        let fs = try makeFS()
        let (log, _, _) = try open(fs, options: WALOptions(fsync: .none))
        for i in 1...10 { _ = try await log.append(kind: 1, payload: payload(i, size: 50)) }
        try log.sync()
        _ = try await log.append(kind: 1, payload: payload(11, size: 300))
        _ = try await log.append(kind: 1, payload: payload(12, size: 300))
        fs.simulatePowerLoss(tearUnsyncedTail: { min($0 - 1, keep) })
        let (reopened, recovery, records) = try open(fs)
        #expect(records.count == 10 || records.count == 11)
        #expect(records.prefix(10).map(\.payload) == (1...10).map { payload($0, size: 50) })
        #expect(recovery.truncatedTail != nil)
        #expect(try await reopened.append(kind: 2, payload: [7]) == LSN(records.count + 1))
        try reopened.close()
        let (_, again, final) = try open(fs)
        #expect(again.truncatedTail == nil)
        #expect(final.last?.payload == [7])
    }

    @Test func garbageAndZeroTailsAreTruncated() async throws {
        for garbage: UInt8 in [0, 0xFF, 0x5A] {
            let fs = try makeFS()
            let (log, _, _) = try open(fs, options: WALOptions(fsync: .none))
            for i in 1...5 { _ = try await log.append(kind: 1, payload: payload(i)) }
            try log.sync()
            _ = try await log.append(kind: 1, payload: payload(6, size: 200))
            fs.simulatePowerLoss(tearUnsyncedTail: { $0 }, garbage: garbage)
            let (_, recovery, records) = try open(fs)
            #expect(records.count == 5)
            #expect(recovery.truncatedTail?.bytes ?? 0 > 0)
        }
    }

    @Test func crashWhileCreatingASegmentLosesNothingAcknowledged() async throws {
        let fs = try makeFS()
        let (log, _, _) = try open(fs)
        for i in 1...3 { _ = try await log.append(kind: 1, payload: payload(i)) }
        try log.close()
        // A new segment whose header never reached the disk.
        let path = FilePath.join(Self.directory, WALFormat.segmentName(firstLSN: 4))
        let handle = try fs.open(path, mode: .createNew)
        try [1, 2, 3].withBytes { (raw) throws(StorageError) in try handle.write(raw, at: 0) }
        let (reopened, recovery, records) = try open(fs)
        #expect(records.count == 3)
        #expect(recovery.truncatedTail?.file == path)
        #expect(!fs.exists(path))
        #expect(try await reopened.append(kind: 1, payload: []) == 4)
    }

    // MARK: Named corruption cases

    func logWith(_ count: Int, segmentSize: Int = 64 << 20) async throws -> FaultInjectingFileSystem {
        let fs = try makeFS()
        let (log, _, _) = try open(fs, options: WALOptions(segmentSize: segmentSize))
        for i in 1...count { _ = try await log.append(kind: 1, payload: payload(i, size: 64)) }
        try log.close()
        return fs
    }

    func recordOffset(_ index: Int) -> Int { WALFormat.segmentHeaderSize + index * (WALFormat.recordHeaderSize + 64) }

    func expectOpenFails(_ fs: FaultInjectingFileSystem, _ code: StorageError.Code, at offset: Int, file: String) {
        do {
            try open(fs)
            Issue.record("a damaged log opened")
        } catch let error as StorageError {
            #expect(error.code == code, "\(error)")
            #expect(error.offset == offset, "\(error)")
            #expect(error.file == file, "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func checksumMismatchInTheMiddleIsAnError() async throws {
        let fs = try await logWith(10)
        let path = try onlySegment(fs)
        var bytes = fs.contents(of: path)!
        bytes[recordOffset(4) + 30] ^= 1
        fs.setContents(of: path, bytes)
        expectOpenFails(fs, .checksumMismatch, at: recordOffset(4), file: path)
    }

    @Test func badLengthInTheMiddleIsAnError() async throws {
        let fs = try await logWith(10)
        let path = try onlySegment(fs)
        var bytes = fs.contents(of: path)!
        bytes[recordOffset(3) + 3] = 0x7F
        fs.setContents(of: path, bytes)
        expectOpenFails(fs, .corrupt, at: recordOffset(3), file: path)
    }

    @Test func checksumMismatchInTheLastRecordIsATornTail() async throws {
        let fs = try await logWith(10)
        let path = try onlySegment(fs)
        var bytes = fs.contents(of: path)!
        bytes[recordOffset(9) + 40] ^= 1
        fs.setContents(of: path, bytes)
        let (_, recovery, records) = try open(fs)
        #expect(records.count == 9)
        #expect(recovery.truncatedTail?.offset == recordOffset(9))
    }

    @Test func damagedHeaderBeforeRecordsIsAnError() async throws {
        let fs = try await logWith(5)
        let path = try onlySegment(fs)
        var bytes = fs.contents(of: path)!
        bytes[2] ^= 0xFF
        fs.setContents(of: path, bytes)
        expectOpenFails(fs, .corrupt, at: 0, file: path)
    }

    @Test func missingSegmentIsAnError() async throws {
        let fs = try await logWith(40, segmentSize: 1000)
        let names = try fs.contentsOfDirectory(Self.directory)
        #expect(names.count >= 3)
        try fs.removeFile(FilePath.join(Self.directory, names[1]))
        expectOpenFails(fs, .corrupt, at: 0, file: FilePath.join(Self.directory, names[2]))
    }

    @Test func repairDropsDamageAndSaysWhat() async throws {
        let fs = try await logWith(10)
        let path = try onlySegment(fs)
        var bytes = fs.contents(of: path)!
        bytes[recordOffset(4) + 30] ^= 1
        fs.setContents(of: path, bytes)
        let (log, recovery, records) = try open(fs, options: WALOptions(repair: true))
        #expect(records.count == 4)
        #expect(recovery.repairedDamage?.error.offset == recordOffset(4))
        #expect(recovery.repairedDamage?.droppedBytes == bytes.count - recordOffset(4))
        #expect(try await log.append(kind: 1, payload: []) == 5)
    }

    // MARK: Failures

    @Test func failedSyncIsNeverAcknowledgedAndPoisonsTheLog() async throws {
        let fs = try makeFS()
        let (log, _, _) = try open(fs)
        _ = try await log.append(kind: 1, payload: payload(1))
        var faults = FaultInjectingFileSystem.Faults()
        faults.failSync = fs.callCounts.syncs + 1
        fs.faults = faults
        await #expect(throws: StorageError.self) { _ = try await log.append(kind: 1, payload: payload(2)) }
        fs.faults = FaultInjectingFileSystem.Faults()  // the disk "recovers": we must still refuse
        await #expect(throws: StorageError.self) { _ = try await log.append(kind: 1, payload: payload(3)) }
        #expect(throws: StorageError.self) { try log.sync() }
        fs.simulatePowerLoss()
        let (reopened, _, records) = try open(fs)
        #expect(records.first?.payload == payload(1))
        #expect(records.count <= 2)
        #expect(try await reopened.append(kind: 1, payload: []) == LSN(records.count + 1))
    }

    @Test func shortWriteIsRecoveredAsATornTail() async throws {
        let fs = try makeFS()
        let (log, _, _) = try open(fs)
        for i in 1...5 { _ = try await log.append(kind: 1, payload: payload(i)) }
        var faults = FaultInjectingFileSystem.Faults()
        faults.shortWrite = fs.callCounts.writes + 1
        fs.faults = faults
        await #expect(throws: StorageError.self) { _ = try await log.append(kind: 1, payload: payload(6, size: 200)) }
        fs.simulateProcessCrash()
        let (_, recovery, records) = try open(fs)
        #expect(records.count == 5)
        #expect(recovery.truncatedTail != nil)
    }

    @Test func diskFullIsAClearErrorAndWritesResumeOnceSpaceIsFreed() async throws {
        let fs = try makeFS()
        let (log, _, _) = try open(fs)
        _ = try await log.append(kind: 1, payload: payload(1))
        var faults = FaultInjectingFileSystem.Faults()
        faults.quota = 600
        fs.faults = faults
        do {
            _ = try await log.append(kind: 1, payload: payload(2, size: 1000))
            Issue.record("wrote past a full disk")
        } catch {
            #expect(error.code == .diskFull)
        }
        fs.faults = FaultInjectingFileSystem.Faults()
        try? log.close()
        let (reopened, _, records) = try open(fs)
        #expect(records.map(\.payload) == [payload(1)])
        #expect(try await reopened.append(kind: 1, payload: payload(2, size: 1000)) == 2)
    }
}

@Suite struct WALReleaseTests {
    @Test func releasingEverythingRetiresTheActiveSegment() async throws {
        let fs = FaultInjectingFileSystem()
        try fs.createDirectory("/db/wal")
        let (log, _) = try WriteAheadLog.open(directory: "/db/wal", fileSystem: fs)
        for _ in 0..<5 { _ = try await log.append(kind: 1, payload: [1, 2, 3]) }
        try log.release(upTo: 5)
        #expect(log.segmentPaths.isEmpty)
        #expect(try fs.contentsOfDirectory("/db/wal").isEmpty)
        #expect(try await log.append(kind: 1, payload: [4]) == 6)
        try log.close()
        var replayed: [LSN] = []
        let (reopened, _) = try WriteAheadLog.open(directory: "/db/wal", fileSystem: fs, replayAfter: 5) { replayed.append($0.lsn) }
        #expect(replayed == [6])
        #expect(reopened.nextLSN == 7)
        // An empty log after a full release continues from the flushed LSN.
        try reopened.release(upTo: 6)
        try reopened.close()
        let (fresh, _) = try WriteAheadLog.open(directory: "/db/wal", fileSystem: fs, replayAfter: 6)
        #expect(fresh.nextLSN == 7)
    }
}

@Suite struct WALRetentionTests {
    @Test func retainedBytesKeepFlushedSegmentsForReplicas() async throws {
        let fs = FaultInjectingFileSystem()
        try fs.createDirectory("/db/wal")
        let (log, _) = try WriteAheadLog.open(directory: "/db/wal", fileSystem: fs,
                                              options: WALOptions(segmentSize: 1000, retainedBytes: 3000))
        for _ in 0..<80 { _ = try await log.append(kind: 1, payload: [UInt8](repeating: 7, count: 100)) }
        let before = log.segmentPaths.count
        try log.release(upTo: 80)
        let kept = log.segmentPaths
        #expect(kept.count < before)
        let bytes = try kept.reduce(0) { $0 + (try fs.fileSize($1)) }
        #expect(bytes >= 3000)
        #expect(bytes < 3000 + 1200)
    }
}
