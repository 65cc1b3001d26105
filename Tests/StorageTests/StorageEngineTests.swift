import Testing
import SundialTestSupport
@testable import SundialStorage

@Suite struct StorageEngineTests {
    static let hour: Int64 = 3_600_000_000_000
    static let base: Int64 = 1_700_000_000_000_000_000 - 1_700_000_000_000_000_000 % TableOptions.day

    static func batch(host: String, times: [Int64], usage: [Double], table: String = "cpu") -> WriteBatch {
        WriteBatch(table: table, columns: [ColumnDefinition(name: "usage", type: .double)],
                   series: [SeriesRows(tags: [("host", host)], timestamps: times, columns: [.double(usage, valid: nil)])])
    }

    static func open(_ fs: any FileSystem, _ configure: (inout StorageOptions) -> Void = { _ in }) throws -> StorageEngine {
        var options = StorageOptions()
        configure(&options)
        return try StorageEngine.open(directory: "/db", fileSystem: fs, options: options).0
    }

    static func all(_ engine: StorageEngine, _ table: String = "cpu", range: Range<Int64>? = nil) throws -> [String: [(Int64, Double?)]] {
        var cursor = try engine.scan(table: table, columns: ["usage"], timeRange: range)
        var out: [String: [(Int64, Double?)]] = [:]
        while let batch = try cursor.next() {
            guard case .double(let values, let valid) = batch.columns[0] else { continue }
            let host = batch.tags.first { $0.key == "host" }!.value
            for i in batch.times.indices { out[host, default: []].append((batch.times[i], valid?[i] == false ? nil : values[i])) }
        }
        return out
    }

    @Test func writeScanFlushReopen() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try Self.open(fs)
        try await engine.write(Self.batch(host: "a", times: [Self.base + 30, Self.base + 10, Self.base + 20], usage: [3, 1, 2]))
        try await engine.write(Self.batch(host: "b", times: [Self.base + 5], usage: [9]))
        var rows = try Self.all(engine)
        #expect(rows["a"]!.map(\.0) == [Self.base + 10, Self.base + 20, Self.base + 30], "out-of-order rows come back sorted")
        #expect(rows["a"]!.map(\.1) == [1, 2, 3])
        try await engine.flush()
        try await engine.write(Self.batch(host: "a", times: [Self.base + 40], usage: [4]))
        rows = try Self.all(engine)
        #expect(rows["a"]!.count == 4)
        try await engine.close()

        let reopened = try Self.open(fs)
        rows = try Self.all(reopened)
        #expect(rows["a"]!.map(\.1) == [1, 2, 3, 4])
        #expect(rows["b"]!.map(\.1) == [9])
        #expect(try Self.all(reopened, range: (Self.base + 15)..<(Self.base + 35))["a"]!.map(\.1) == [2, 3])
        try reopened.verify()
    }

    @Test func duplicatesLastWriteWinsFieldByField() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try Self.open(fs)
        let t = Self.base + 100
        try await engine.write(WriteBatch(table: "cpu", columns: [ColumnDefinition(name: "usage", type: .double), ColumnDefinition(name: "n", type: .bigint)],
                                          series: [SeriesRows(tags: [("host", "a")], timestamps: [t], columns: [.double([1], valid: nil), .bigint([7], valid: nil)])]))
        try await engine.flush()
        try await engine.write(Self.batch(host: "a", times: [t], usage: [2]))  // no "n": keeps 7
        var cursor = try engine.scan(table: "cpu", timeRange: nil)
        let batch = try #require(try cursor.next())
        #expect(batch.times == [t])
        #expect(batch.columns[0] == .double([2], valid: nil))
        #expect(batch.columns[1] == .bigint([7], valid: nil))
        // The same after replay and after compaction.
        try await engine.close()
        let reopened = try Self.open(fs)
        try await reopened.flush()
        #expect(try await reopened.compact(minimumSegments: 2) == 1)
        var again = try reopened.scan(table: "cpu")
        let merged = try #require(try again.next())
        #expect(merged.columns[0] == .double([2], valid: nil))
        #expect(merged.columns[1] == .bigint([7], valid: nil))
    }

    @Test func schemaOnWriteAndTypeConflicts() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try Self.open(fs)
        try await engine.write(Self.batch(host: "a", times: [Self.base], usage: [1]))
        try await engine.write(WriteBatch(table: "cpu", columns: [ColumnDefinition(name: "temp", type: .bigint)],
                                          series: [SeriesRows(tags: [("host", "a"), ("dc", "x")], timestamps: [Self.base + 1], columns: [.bigint([5], valid: nil)])]))
        let table = try #require(engine.catalog.table("cpu"))
        #expect(table.columns.map(\.name) == ["time", "host", "usage", "dc", "temp"])
        await #expect(throws: StorageError.self) {
            try await engine.write(WriteBatch(table: "cpu", columns: [ColumnDefinition(name: "usage", type: .string)],
                                              series: [SeriesRows(tags: [("host", "a")], timestamps: [Self.base + 2], columns: [.string(["x"], valid: nil)])]))
        }
        await #expect(throws: StorageError.self) {
            try await engine.write(WriteBatch(table: "cpu", columns: [ColumnDefinition(name: "host", type: .double)],
                                              series: [SeriesRows(tags: [], timestamps: [Self.base + 2], columns: [.double([1], valid: nil)])]))
        }
        // The schema survives a crash before any flush (schema records are in the WAL).
        fs.simulatePowerLoss()
        let reopened = try Self.open(fs)
        #expect(reopened.catalog.table("cpu")?.columns.map(\.name) == ["time", "host", "usage", "dc", "temp"])
    }

    @Test func acknowledgedWritesSurvivePowerLossAtEveryStage() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try Self.open(fs) { $0.flushRows = 50 }
        var ledger: [Int64: Double] = [:]
        for i in 0..<200 {
            let t = Self.base + Int64(i) * Self.hour / 4
            try await engine.write(Self.batch(host: "a", times: [t], usage: [Double(i)]))
            ledger[t] = Double(i)
            if i % 37 == 0 { try await engine.flush() }
        }
        fs.simulatePowerLoss(tearUnsyncedTail: { $0 / 2 }, garbage: 0xAB)
        let reopened = try Self.open(fs)
        let rows = try Self.all(reopened)["a"] ?? []
        #expect(rows.count == ledger.count)
        for (t, v) in rows { #expect(ledger[t] == v) }
    }

    @Test(arguments: ["flush.beforeSegmentRename", "flush.beforeManifest"])
    func crashAtFlushFailpointsLosesNothing(_ failpoint: String) async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try Self.open(fs) { $0.failpoints = .at([failpoint]) }
        for i in 0..<20 { try await engine.write(Self.batch(host: "h\(i % 3)", times: [Self.base + Int64(i)], usage: [Double(i)])) }
        await #expect(throws: StorageError.self) { try await engine.flush() }
        // Still readable; writes refused until reopened.
        #expect(try Self.all(engine).values.reduce(0) { $0 + $1.count } == 20)
        await #expect(throws: StorageError.self) { try await engine.write(Self.batch(host: "x", times: [Self.base], usage: [0])) }
        fs.simulatePowerLoss()
        let reopened = try Self.open(fs)
        #expect(try Self.all(reopened).values.reduce(0) { $0 + $1.count } == 20)
        try await reopened.flush()
        #expect(try Self.all(reopened).values.reduce(0) { $0 + $1.count } == 20)
    }

    @Test func failedFsyncIsNeverAcknowledged() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try Self.open(fs)
        try await engine.write(Self.batch(host: "a", times: [Self.base], usage: [1]))
        var faults = FaultInjectingFileSystem.Faults()
        faults.failSync = fs.callCounts.syncs + 1
        fs.faults = faults
        await #expect(throws: StorageError.self) { try await engine.write(Self.batch(host: "a", times: [Self.base + 1], usage: [2])) }
        fs.faults = FaultInjectingFileSystem.Faults()
        await #expect(throws: StorageError.self) { try await engine.write(Self.batch(host: "a", times: [Self.base + 2], usage: [3])) }
        #expect(try Self.all(engine)["a"]!.map(\.1) == [1], "an unacknowledged write is not visible")
        fs.simulatePowerLoss()
        let reopened = try Self.open(fs)
        let rows = try Self.all(reopened)["a"]!
        #expect(rows.first?.1 == 1)
        #expect(rows.count <= 2)
    }

    @Test func compactionMergesAPartitionsSegmentsWithoutChangingAnswers() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try Self.open(fs)
        for round in 0..<5 {
            for h in 0..<3 {
                let times = (0..<50).map { Self.base + Int64(round * 50 + $0) * 1_000_000_000 }
                try await engine.write(Self.batch(host: "h\(h)", times: times, usage: times.map { Double($0 % 1000) }))
            }
            try await engine.flush()
        }
        let before = try Self.all(engine)
        let segmentsBefore = engine.statistics().tables[0].segments
        #expect(segmentsBefore == 5)
        var held = try engine.scan(table: "cpu")  // a reader holding the old segments
        #expect(try await engine.compact() == 1)
        #expect(engine.statistics().tables[0].segments == 1)
        let after = try Self.all(engine)
        #expect(after.keys.sorted() == before.keys.sorted())
        for key in before.keys { #expect(after[key]!.map(\.0) == before[key]!.map(\.0)) }
        var count = 0
        while let batch = try held.next() { count += batch.rowCount }  // old files still readable
        #expect(count == 750)
        try await engine.close()
        let reopened = try Self.open(fs)
        #expect(try Self.all(reopened)["h1"]!.count == 250)
    }

    @Test func retentionDropsWholeOldPartitions() async throws {
        let fs = FaultInjectingFileSystem()
        let now = Self.base + 10 * TableOptions.day
        let engine = try Self.open(fs) { options in
            options.defaultTableOptions = TableOptions(partitionDuration: TableOptions.day, retention: 3 * TableOptions.day)
            options.now = { now }
        }
        for day in 0..<10 {
            try await engine.write(Self.batch(host: "a", times: [Self.base + Int64(day) * TableOptions.day + 5], usage: [Double(day)]))
            if day % 2 == 0 { try await engine.flush() }
        }
        try await engine.enforceRetention()
        let days = try Self.all(engine)["a"]!.map(\.1!)
        #expect(days == [7, 8, 9])
        try await engine.close()
        #expect(try Self.all(try Self.open(fs))["a"]!.map(\.1!) == [7, 8, 9])
    }

    @Test func readersDuringWritesFlushAndCompactionSeeConsistentData() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try Self.open(fs)
        let writers = 4, perWriter = 60
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in 0..<perWriter {
                        try await engine.write(Self.batch(host: "w\(w)", times: [Self.base + Int64(i)], usage: [Double(i)]))
                    }
                }
            }
            group.addTask {
                for _ in 0..<6 { try await engine.flush(); try await engine.compact(minimumSegments: 2) }
            }
            group.addTask {
                for _ in 0..<40 {
                    // Every snapshot: each writer's rows are a prefix 0..<k with matching values.
                    for (_, rows) in try Self.all(engine) {
                        for (k, row) in rows.enumerated() {
                            #expect(row.0 == Self.base + Int64(k))
                            #expect(row.1 == Double(k))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try Self.all(engine)
        #expect(final.count == writers)
        #expect(final.values.allSatisfy { $0.count == perWriter })
    }
}

@Suite struct EngineFailpointTests {
    typealias T = StorageEngineTests

    func populate(_ engine: StorageEngine) async throws {
        for round in 0..<4 {
            let times = (0..<20).map { T.base + Int64(round * 20 + $0) }
            try await engine.write(T.batch(host: "a", times: times, usage: times.map { Double($0 % 100) }))
            try await engine.flush()
        }
    }

    @Test(arguments: ["compaction.beforeSegmentRename", "compaction.beforeManifest"])
    func crashMidCompactionKeepsEveryRow(_ failpoint: String) async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs) { $0.failpoints = .at([failpoint]) }
        try await populate(engine)
        await #expect(throws: StorageError.self) { try await engine.compact(minimumSegments: 2) }
        #expect(try T.all(engine)["a"]!.count == 80)
        fs.simulatePowerLoss()
        let reopened = try T.open(fs)
        #expect(try T.all(reopened)["a"]!.count == 80)
        #expect(reopened.statistics().tables[0].segments == 4)
        try await reopened.compact(minimumSegments: 2)
        #expect(try T.all(reopened)["a"]!.count == 80)
        try reopened.verify()
    }

    @Test func crashMidRetentionLeavesTheOldOrTheNewState() async throws {
        let fs = FaultInjectingFileSystem()
        let now = T.base + 10 * TableOptions.day
        let engine = try T.open(fs) { options in
            options.defaultTableOptions = TableOptions(partitionDuration: TableOptions.day, retention: 2 * TableOptions.day)
            options.now = { now }
            options.failpoints = .at(["retention.beforeManifest"])
        }
        for day in 0..<10 {
            try await engine.write(T.batch(host: "a", times: [T.base + Int64(day) * TableOptions.day], usage: [Double(day)]))
            try await engine.flush()
        }
        await #expect(throws: StorageError.self) { try await engine.enforceRetention() }
        fs.simulatePowerLoss()
        let reopened = try T.open(fs) { options in options.now = { now } }
        #expect(try T.all(reopened)["a"]!.count == 10, "the manifest was not replaced: nothing is gone")
    }

    @Test(arguments: [0, 1, 8, 17, 40, 90, 1000])
    func powerLossAfterWALAppendBeforeSyncIsAllOrNothing(_ keep: Int) async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs) { $0.wal.fsync = .none }
        try await engine.write(T.batch(host: "a", times: [T.base, T.base + 1, T.base + 2], usage: [1, 2, 3]))
        try await engine.flush()  // durable
        try await engine.write(T.batch(host: "a", times: [T.base + 10, T.base + 11, T.base + 12, T.base + 13], usage: [4, 5, 6, 7]))
        fs.simulatePowerLoss(tearUnsyncedTail: { min($0, keep) })
        let reopened = try T.open(fs)
        let count = try T.all(reopened)["a"]!.count
        #expect(count == 3 || count == 7, "a torn batch is never half applied (found \(count) rows)")
    }
}

@Suite struct EngineDiskTests {
    typealias T = StorageEngineTests

    @Test func failedDirectorySyncDuringFlushLosesNothing() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        for i in 0..<30 { try await engine.write(T.batch(host: "a", times: [T.base + Int64(i)], usage: [Double(i)])) }
        var faults = FaultInjectingFileSystem.Faults()
        faults.failDirectorySync = fs.callCounts.directorySyncs + 1
        fs.faults = faults
        await #expect(throws: StorageError.self) { try await engine.flush() }
        fs.simulatePowerLoss()
        let reopened = try T.open(fs)
        #expect(try T.all(reopened)["a"]!.map(\.1!) == (0..<30).map(Double.init))
    }

    @Test func diskFullIsAClearErrorAndWritesWorkAgainOnceSpaceIsFreed() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        try await engine.write(T.batch(host: "a", times: [T.base], usage: [1]))
        var faults = FaultInjectingFileSystem.Faults()
        faults.quota = (fs.contents(of: "/db/wal/00000000000000000001.wal")?.count ?? 0) + 40
        fs.faults = faults
        do {
            try await engine.write(T.batch(host: "a", times: (1...200).map { T.base + Int64($0) }, usage: (1...200).map(Double.init)))
            Issue.record("a write past a full disk was acknowledged")
        } catch {
            #expect(error.code == .diskFull, "\(error)")
            #expect(error.message.contains("no space left"))
        }
        #expect(try T.all(engine)["a"]!.count == 1, "the failed write is not visible")
        fs.faults = FaultInjectingFileSystem.Faults()  // space freed
        fs.simulateProcessCrash()
        let reopened = try T.open(fs)
        #expect(try T.all(reopened)["a"]!.count == 1)
        try await reopened.write(T.batch(host: "a", times: [T.base + 1], usage: [2]))
        #expect(try T.all(reopened)["a"]!.count == 2)
    }
}
