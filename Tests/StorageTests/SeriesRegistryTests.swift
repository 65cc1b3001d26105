import Testing
import SundialTestSupport
import SundialWorkloads
@testable import SundialStorage

@Suite struct SeriesKeyTests {
    @Test(arguments: [
        [(String, String)](),
        [("host", "a")],
        [("b", "2"), ("a", "1")],
        [("k:1;", "v;2:"), ("12", "345"), ("ünï", "çødé ✓"), ("x", String(repeating: "y", count: 300))],
    ])
    func canonicalKeysParseBack(_ pairs: [(String, String)]) {
        let tags = pairs.map { (key: $0.0, value: $0.1) }
        let key = SeriesKey.canonical(tags)
        let parsed = SeriesKey.tags(ofCanonical: key)
        #expect(parsed.map { $0.map(\.key) } == tags.sorted { $0.key < $1.key }.map(\.key))
        #expect(parsed.map { $0.map(\.value) } == tags.sorted { $0.key < $1.key }.map(\.value))
        #expect(SeriesKey.canonical(parsed ?? []) == key)
        #expect(SeriesKey.isCanonical(key))
    }

    @Test(arguments: ["x", "1:a", "1:a1:b", "2:a1:b;", "1:a1:b;;", ":a0:;", "99999999999:a1:b;",
                      "01:a1:b;", "1:b1:x;1:a1:y;"])
    func malformedKeysAreRejected(_ key: String) {
        #expect(SeriesKey.tags(ofCanonical: key) == nil)
        #expect(!SeriesKey.isCanonical(key))
    }

    @Test func registryRefusesConflictingRegistrations() throws {
        var registry = SeriesRegistry()
        let a = SeriesKey(table: 1, key: SeriesKey.canonical([("host", "a"), ("dc", "x")]))
        let sameAsA = SeriesKey(table: 1, key: SeriesKey.canonical([("dc", "x"), ("host", "a")]))
        let otherTable = SeriesKey(table: 2, key: a.key)
        #expect(registry.assign(a) == 0)
        #expect(registry.id(of: sameAsA) == 0, "tag order does not matter")
        #expect(registry.id(of: otherTable) == nil, "a series belongs to one table")
        try registry.register(5, otherTable)  // replayed with a gap: fine
        #expect(registry.nextID == 6, "the next id is past every id seen: none is reused")
        try registry.register(5, otherTable)  // the same pair again: a no-op
        #expect(throws: StorageError.self) { try registry.register(7, a) }          // a key with a second id
        #expect(throws: StorageError.self) { try registry.register(0, otherTable) } // an id with a second key
        #expect(registry.count == 2)
        #expect(registry.count(table: 1) == 1)
        #expect(registry.count(table: 2) == 1)
        #expect(registry.registrations(from: 0).map(\.id) == [0, 5])
    }
}

@Suite struct SeriesLogFormatTests {
    static func sample(_ n: Int) -> [SeriesRegistration] {
        (0..<n).map { (i: Int) -> SeriesRegistration in
            let dc: String = i % 2 == 0 ? "eu" : "ü✓"
            let tags: [(key: String, value: String)] = [("host", "h\(i)"), ("dc", dc)]
            return SeriesRegistration(id: SeriesID(i * 3), table: UInt32(1 + i % 2), key: SeriesKey.canonical(tags))
        }
    }

    static func file(_ registrations: [SeriesRegistration]) -> ([UInt8], [Int]) {
        var writer = ByteWriter()
        writer.writeBytes(SeriesLogFormat.encodeHeader())
        var starts: [Int] = []
        for registration in registrations {
            starts.append(writer.count)
            SeriesLogFormat.encode([registration], into: &writer)
        }
        return (writer.bytes, starts)
    }

    static func decode(_ bytes: [UInt8]) throws(StorageError) -> SeriesLogFormat.Decoded {
        try bytes.withBytes { (raw) throws(StorageError) in try SeriesLogFormat.decode(raw) }
    }

    @Test func roundTrip() throws {
        let registrations = Self.sample(50)
        let (bytes, _) = Self.file(registrations)
        let decoded = try Self.decode(bytes)
        #expect(decoded.registrations == registrations)
        #expect(decoded.validLength == bytes.count && !decoded.tornTail)
    }

    /// Every truncation is a torn tail: the whole records before the cut survive.
    @Test func everyTruncationIsATornTail() throws {
        let (bytes, starts) = Self.file(Self.sample(6))
        for cut in 0..<bytes.count {
            let decoded = try Self.decode(Array(bytes[0..<cut]))
            let whole = starts.filter { start in starts.first { $0 > start }.map { $0 <= cut } ?? (bytes.count <= cut) }.count
            #expect(decoded.registrations.count == whole, "cut at \(cut)")
        }
    }

    /// A flipped bit in the last record is a torn tail; in an earlier record it is
    /// corruption reported at that record's offset; in the header, at the header.
    @Test func everyBitFlipIsDetected() throws {
        let registrations = Self.sample(4)
        let (bytes, starts) = Self.file(registrations)
        for offset in 0..<bytes.count {
            var damaged = bytes
            damaged[offset] ^= 0x10
            let record = starts.lastIndex { $0 <= offset }
            do {
                let decoded = try Self.decode(damaged)
                // Only damage to the last record can pass as a torn tail.
                #expect(record == starts.count - 1, "flip at \(offset) accepted")
                #expect(decoded.tornTail && decoded.registrations == Array(registrations.prefix(3)))
            } catch {
                if let record {
                    #expect(record < starts.count - 1 || error.code == .corrupt, "flip at \(offset)")
                    #expect(error.offset.map { $0 >= starts[record] } ?? false, "flip at \(offset): \(error)")
                } else {
                    #expect(error.offset.map { $0 < SeriesLogFormat.headerSize } ?? false)
                }
            }
        }
    }
}

@Suite struct SeriesRegistryDurabilityTests {
    typealias T = StorageEngineTests
    static func batch(_ hosts: [String], at time: Int64) -> WriteBatch {
        WriteBatch(table: "cpu", columns: [ColumnDefinition(name: "usage", type: .double)],
                   series: hosts.map { SeriesRows(tags: [("host", $0), ("dc", "x")], timestamps: [time], columns: [.double([1], valid: nil)]) })
    }

    /// Every registered id as (table, key).
    static func ids(_ engine: StorageEngine) -> [SeriesID: SeriesKey] {
        var out: [SeriesID: SeriesKey] = [:]
        for registration in engine.seriesRegistrations(from: 0).registrations {
            out[registration.id] = SeriesKey(table: registration.table, key: registration.key)
        }
        return out
    }

    /// Concurrent writers register series in one order and log them in another; after
    /// power loss at any stage (nothing flushed, some flushed, all flushed) every key
    /// maps to the id it had, and new series get new ids.
    @Test(arguments: [0, 1, 2])
    func idsSurvivePowerLossAndReplay(_ flushes: Int) async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        for round in 0..<3 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<8 {
                    group.addTask {
                        _ = try await engine.write(Self.batch((0..<5).map { "r\(round)w\(w)h\($0)" } + ["shared\(w % 3)"], at: T.base + Int64(round)))
                    }
                }
                try await group.waitForAll()
            }
            if round < flushes { try await engine.flush() }
        }
        let before = Self.ids(engine)
        #expect(before.count == 3 * 8 * 5 + 3)
        fs.simulatePowerLoss()
        let reopened = try T.open(fs)
        #expect(Self.ids(reopened) == before)
        // Ids only grow: a new series gets an id above every earlier one.
        try await reopened.write(Self.batch(["new"], at: T.base))
        let after = Self.ids(reopened)
        let newID = try #require(after.first { $0.value.key.contains("new") }?.key)
        #expect(before.keys.allSatisfy { $0 < newID })
        try await reopened.flush()
        try reopened.verify()
    }

    @Test func crashBeforeTheSeriesLogLosesNothing() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs) { $0.failpoints = .at(["flush.beforeSeriesLog"]) }
        for i in 0..<10 { try await engine.write(Self.batch(["h\(i)"], at: T.base + Int64(i))) }
        let before = Self.ids(engine)
        await #expect(throws: StorageError.self) { try await engine.flush() }
        fs.simulatePowerLoss()
        let reopened = try T.open(fs)
        #expect(Self.ids(reopened) == before)
        #expect(try T.all(reopened).count == 10)
        try await reopened.flush()
        try reopened.verify()
    }

    /// A crash in the middle of a series log append leaves a torn tail: cut at open, and
    /// the series it held are registered again from the WAL with the same ids.
    @Test(arguments: [1, 9, 30, 200])
    func tornSeriesLogAppendIsCutAndReplayed(_ keep: Int) async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        try await engine.write(Self.batch(["a", "b"], at: T.base))
        try await engine.flush()
        try await engine.write(Self.batch(["c", "d", "e"], at: T.base + 1))
        let before = Self.ids(engine)
        // What a torn append looks like: part of the next records after the synced ones.
        let path = "/db/" + SeriesLogFormat.fileName
        let synced = try #require(fs.contents(of: path))
        var writer = ByteWriter()
        SeriesLogFormat.encode(engine.seriesRegistrations(from: 2).registrations, into: &writer)
        fs.setContents(of: path, synced + writer.bytes.prefix(min(keep, writer.count - 1)))
        fs.simulatePowerLoss()
        let (reopened, report) = try StorageEngine.open(directory: "/db", fileSystem: fs)
        #expect(report.seriesLogTornTail.map { $0.offset >= synced.count && $0.offset < synced.count + keep } == true)
        #expect(Self.ids(reopened) == before)
        #expect(try T.all(reopened).count == 5)
        try await reopened.flush()
        try reopened.verify()
    }

    @Test func damagedSeriesLogIsReportedWithFileAndOffset() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        for i in 0..<5 {
            try await engine.write(Self.batch(["h\(i)"], at: T.base + Int64(i)))
            try await engine.flush()
        }
        try await engine.close()
        let path = "/db/" + SeriesLogFormat.fileName
        var bytes = try #require(fs.contents(of: path))
        bytes[SeriesLogFormat.headerSize + 10] ^= 0xFF  // inside the first of five records
        fs.setContents(of: path, bytes)
        do throws(StorageError) {
            _ = try StorageEngine.open(directory: "/db", fileSystem: fs)
            Issue.record("opened a database with a damaged series log")
        } catch {
            #expect(error.code == .corrupt)
            #expect(error.file == path)
            #expect(error.offset == SeriesLogFormat.headerSize)
        }
    }
}

extension SeriesRegistryDurabilityTests {
    /// A damaged or stale series log stops the open (an id could be reused otherwise);
    /// `repair` rebuilds it from the segments' series directories and the WAL.
    @Test(arguments: ["damaged", "stale"])
    func repairRebuildsTheSeriesLog(_ kind: String) async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        for i in 0..<4 {
            try await engine.write(Self.batch(["h\(i)", "shared"], at: T.base + Int64(i)))
            try await engine.flush()
        }
        try await engine.write(Self.batch(["tail"], at: T.base + 9))  // in the WAL only
        let before = Self.ids(engine)
        try await engine.close(flush: false)
        let path = "/db/" + SeriesLogFormat.fileName
        var bytes = try #require(fs.contents(of: path))
        if kind == "damaged" { bytes[SeriesLogFormat.headerSize + 9] ^= 0x55 } else { bytes = Array(bytes.prefix(SeriesLogFormat.headerSize)) }
        fs.setContents(of: path, bytes)
        #expect(throws: StorageError.self) { _ = try T.open(fs) }
        let (repaired, report) = try StorageEngine.open(directory: "/db", fileSystem: fs, options: {
            var options = StorageOptions()
            options.wal.repair = true
            return options
        }())
        #expect(report.seriesLogRepaired != nil)
        #expect(fs.exists(path + ".damaged"))
        #expect(Self.ids(repaired) == before)
        #expect(try T.all(repaired).count == 6)
        try repaired.verify()
        try await repaired.close()
        // The rebuilt log opens without repair.
        #expect(Self.ids(try T.open(fs)) == before)
    }
}

@Suite struct CardinalityGuardTests {
    typealias T = StorageEngineTests

    @Test func newSeriesPastTheLimitAreRefusedAndTheRestIsWritten() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs) { $0.maxSeriesPerTable = 3; $0.seriesLimits = ["mem": 1] }
        let outcome = try await engine.write(SeriesRegistryDurabilityTests.batch(["a", "b", "c", "d", "e"], at: T.base))
        #expect(outcome.rowsWritten == 3)
        #expect(outcome.rejected.map(\.series) == [3, 4])
        #expect(outcome.rejected.allSatisfy { $0.error.code == .limitExceeded && $0.error.message.contains("limit of 3 series") })
        #expect(outcome.rejected.first?.error.message.contains("host=d") == true)
        // Known series still write; new ones are still refused, after a reopen too.
        let again = try await engine.write(SeriesRegistryDurabilityTests.batch(["a", "f"], at: T.base + 1))
        #expect(again.rowsWritten == 1 && again.rejected.map(\.series) == [1])
        try await engine.close()
        let reopened = try T.open(fs) { $0.maxSeriesPerTable = 3; $0.seriesLimits = ["mem": 1] }
        #expect(try await reopened.write(SeriesRegistryDurabilityTests.batch(["g"], at: T.base)).rejected.count == 1)
        #expect(try T.all(reopened).keys.sorted() == ["a", "b", "c"])
        #expect(try T.all(reopened)["a"]?.count == 2)
        // A per-table limit replaces the default.
        let mem = WriteBatch(table: "mem", columns: [ColumnDefinition(name: "used", type: .double)],
                             series: ["x", "y"].map { SeriesRows(tags: [("host", $0)], timestamps: [T.base], columns: [.double([1], valid: nil)]) })
        let memOutcome = try await reopened.write(mem)
        #expect(memOutcome.rowsWritten == 1 && memOutcome.rejected.map(\.series) == [1])
        #expect(reopened.seriesCount(table: "mem") == 1 && reopened.seriesCount(table: "cpu") == 3)
    }
}
