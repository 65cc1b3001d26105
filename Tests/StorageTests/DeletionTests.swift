import Synchronization
import Testing
import SundialTestSupport
@testable import SundialStorage

/// DELETE and DROP TABLE in the engine: rows gone from the head and from segments at
/// once, kept gone across replay, power loss and compaction, which purges them.
@Suite struct DeletionTests {
    typealias T = StorageEngineTests
    static let base = T.base

    static func id(_ engine: StorageEngine, _ host: String, table: String = "cpu") -> SeriesID {
        let tableID = engine.catalog.table(table)!.id
        return engine.state.withLock { $0.registry.id(of: SeriesKey(table: tableID, key: SeriesKey.canonical([("host", host)]))) }!
    }

    @Test func deletesFromTheHeadAndFromSegmentsAndLaterWritesStay() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        try await engine.write(T.batch(host: "a", times: (0..<10).map { Self.base + $0 }, usage: (0..<10).map(Double.init)))
        try await engine.write(T.batch(host: "b", times: (0..<10).map { Self.base + $0 }, usage: (0..<10).map(Double.init)))
        try await engine.flush()
        try await engine.write(T.batch(host: "a", times: (10..<20).map { Self.base + $0 }, usage: (10..<20).map(Double.init)))
        // Rows 5...14 of a: half in a segment, half in the head.
        let outcome = try await engine.delete(Deletion(table: "cpu", timeRange: (Self.base + 5)...(Self.base + 14), series: [Self.id(engine, "a")]))
        #expect(outcome.rowsDeleted == 10)
        var rows = try T.all(engine)
        #expect(rows["a"]!.map(\.1) == [0, 1, 2, 3, 4, 15, 16, 17, 18, 19])
        #expect(rows["b"]!.count == 10, "another series keeps its rows")
        // A row written after the deletion at a deleted time is visible (with only its own values).
        try await engine.write(T.batch(host: "a", times: [Self.base + 7], usage: [70]))
        rows = try T.all(engine)
        #expect(rows["a"]!.map(\.1) == [0, 1, 2, 3, 4, 70, 15, 16, 17, 18, 19])
        // The same after a replay of the WAL (no flush), after a flush and reopen, and after compaction.
        try await engine.close(flush: false)
        let replayed = try T.open(fs)
        #expect(try T.all(replayed)["a"]!.map(\.1) == [0, 1, 2, 3, 4, 70, 15, 16, 17, 18, 19])
        try await replayed.close()
        let flushed = try T.open(fs)
        #expect(try T.all(flushed)["a"]!.map(\.1) == [0, 1, 2, 3, 4, 70, 15, 16, 17, 18, 19])
        #expect(flushed.state.withLock { $0.manifest.tombstones.count } == 1, "the tombstone is in the manifest until compaction")
        #expect(try await flushed.compact() >= 1, "a tombstone makes its segments due for compaction")
        #expect(flushed.state.withLock { ($0.manifest.tombstones.count, $0.tombstones.count) } == (0, 0), "compaction purged the rows")
        #expect(try T.all(flushed)["a"]!.map(\.1) == [0, 1, 2, 3, 4, 70, 15, 16, 17, 18, 19])
        #expect(flushed.statistics().tables[0].rows == 21, "the segments no longer hold the deleted rows")
        try flushed.verify()
    }

    @Test func deletingEverySeriesAndAllTime() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        for host in ["a", "b", "c"] { try await engine.write(T.batch(host: host, times: [Self.base, Self.base + T.hour * 30], usage: [1, 2])) }
        try await engine.flush()
        try await engine.write(T.batch(host: "d", times: [Self.base + 1], usage: [3]))
        #expect(try await engine.delete(Deletion(table: "cpu")).rowsDeleted == 7)
        #expect(try T.all(engine).isEmpty)
        #expect(try await engine.delete(Deletion(table: "cpu")).rowsDeleted == 0, "deleting again finds nothing")
        do {
            try await engine.delete(Deletion(table: "nope"))
            Issue.record("deleting from an unknown table must fail")
        } catch {
            #expect(error.code == .invalidArgument)
        }
    }

    @Test(arguments: ["flush.beforeSegmentRename", "flush.beforeManifest", "compaction.beforeManifest"])
    func crashAfterADeletionNeverBringsRowsBack(_ failpoint: String) async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs) { $0.failpoints = .at([failpoint]) }
        for i in 0..<3 {
            try await engine.write(T.batch(host: "a", times: [Self.base + Int64(i)], usage: [Double(i)]))
            if failpoint.hasPrefix("compaction") { try await engine.flush() }
        }
        try await engine.delete(Deletion(table: "cpu", timeRange: (Self.base + 1)...(Self.base + 1)))
        try await engine.write(T.batch(host: "a", times: [Self.base + 5], usage: [5]))
        do {
            if failpoint.hasPrefix("compaction") { _ = try await engine.compact() } else { try await engine.flush() }
            Issue.record("the failpoint must fail the maintenance step")
        } catch {}
        fs.simulatePowerLoss()
        let reopened = try T.open(fs)
        #expect(try T.all(reopened)["a"]!.map(\.1) == [0, 2, 5])
        try await reopened.flush()
        _ = try await reopened.compact()
        #expect(try T.all(reopened)["a"]!.map(\.1) == [0, 2, 5])
        try await reopened.close()
        #expect(try T.all(try T.open(fs))["a"]!.map(\.1) == [0, 2, 5])
    }

    @Test func powerLossRightAfterAnAcknowledgedDeletionKeepsItDeleted() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        try await engine.write(T.batch(host: "a", times: [Self.base, Self.base + 1], usage: [1, 2]))
        try await engine.flush()
        try await engine.write(T.batch(host: "a", times: [Self.base + 2], usage: [3]))
        try await engine.delete(Deletion(table: "cpu", timeRange: Self.base...(Self.base + 1)))
        fs.simulatePowerLoss(tearUnsyncedTail: { $0 / 2 }, garbage: 0xCD)
        let reopened = try T.open(fs)
        #expect(try T.all(reopened)["a"]!.map(\.1) == [3])
    }

    @Test func dropTableRemovesRowsSegmentsAndNameCanBeReused() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        try await engine.write(T.batch(host: "a", times: [Self.base], usage: [1]))
        try await engine.write(T.batch(host: "a", times: [Self.base], usage: [1], table: "mem"))
        try await engine.flush()
        try await engine.write(T.batch(host: "b", times: [Self.base + 1], usage: [2]))
        let oldID = engine.catalog.table("cpu")!.id
        let files = try fs.contentsOfDirectory("/db/tables/\(oldID)")
        #expect(!files.isEmpty)
        try await engine.dropTable("cpu")
        #expect(engine.catalog.table("cpu") == nil)
        #expect(try fs.contentsOfDirectory("/db/tables/\(oldID)").filter { $0.hasSuffix(SegmentFormat.suffix) }.isEmpty,
                "the dropped table's segment files are deleted")
        do {
            _ = try engine.scan(table: "cpu")
            Issue.record("a dropped table cannot be scanned")
        } catch {}
        // The name again, with another field type.
        try await engine.write(WriteBatch(table: "cpu", columns: [ColumnDefinition(name: "usage", type: .string)],
                                          series: [SeriesRows(tags: [("host", "a")], timestamps: [Self.base + 9], columns: [.string(["x"], valid: nil)])]))
        #expect(engine.catalog.table("cpu")!.id != oldID)
        var cursor = try engine.scan(table: "cpu")
        #expect(try cursor.next()?.times == [Self.base + 9])
        #expect(try cursor.next() == nil, "nothing of the old table shows")
        try await engine.close(flush: false)
        let reopened = try T.open(fs)
        #expect(try T.all(reopened, "mem")["a"]!.count == 1, "other tables are untouched")
        var again = try reopened.scan(table: "cpu")
        #expect(try again.next()?.times == [Self.base + 9])
        #expect(try again.next() == nil)
        try reopened.verify()
    }

    @Test func dropTableSurvivesACrashBeforeItsFlush() async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs) { $0.failpoints = Failpoints { $0 == "flush.beforeManifest" } }
        try await engine.write(T.batch(host: "a", times: [Self.base], usage: [1]))
        // The first flush fails at the manifest: do it through a healthy engine first.
        try await engine.close(flush: false)
        let healthy = try T.open(fs)
        try await healthy.flush()
        let id = healthy.catalog.table("cpu")!.id
        try await healthy.close()
        let failing = try T.open(fs) { $0.failpoints = .at(["flush.beforeManifest"]) }
        do {
            try await failing.dropTable("cpu")
            Issue.record("the drop's flush must fail at the failpoint")
        } catch {}
        fs.simulatePowerLoss()
        let reopened = try T.open(fs)
        #expect(reopened.catalog.table("cpu") == nil, "the logged drop replays")
        #expect(reopened.statistics().tables.isEmpty)
        try await reopened.flush()
        try await reopened.close()
        let last = try T.open(fs)
        #expect(last.catalog.table("cpu") == nil)
        #expect(!(try fs.contentsOfDirectory("/db/tables/\(id)")).contains { $0.hasSuffix(SegmentFormat.suffix) })
    }

    /// Writes racing DROP TABLE of their table: each write lands before the drop (and goes
    /// with the table) or after it (in the table created again) or fails — and a replay
    /// after power loss rebuilds exactly what was visible.
    @Test(arguments: [1, 2, 3])
    func writesRacingDropTableReplayToWhatWasVisible(_ round: Int) async throws {
        let fs = FaultInjectingFileSystem()
        let engine = try T.open(fs)
        try await engine.write(T.batch(host: "seed", times: [Self.base], usage: [0]))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<4 {
                group.addTask {
                    for i in 0..<60 {
                        _ = try? await engine.write(T.batch(host: "w\(w)", times: [Self.base + Int64(i)], usage: [Double(i)]))
                    }
                }
            }
            group.addTask {
                for _ in 0..<2 {
                    try? await Task.sleep(for: .milliseconds(round))
                    try? await engine.dropTable("cpu")
                }
            }
            try await group.waitForAll()
        }
        let visible = engine.catalog.table("cpu") == nil ? [:] : try T.all(engine)
        fs.simulatePowerLoss()
        let reopened = try T.open(fs)
        let replayed = reopened.catalog.table("cpu") == nil ? [:] : try T.all(reopened)
        #expect(replayed.keys.sorted() == visible.keys.sorted())
        for (host, rows) in visible { #expect(replayed[host]?.map(\.0) == rows.map(\.0), "\(host)") }
        try await reopened.flush()
        try reopened.verify()
    }

    /// A write held between admission and its WAL append while DROP TABLE runs: the drop
    /// waits for it, so it is logged before the drop and goes with the table — live and
    /// after a replay (without the wait it would be logged after the drop: gone from the
    /// head, but back on replay, or a series-id conflict stopping the open).
    @Test func dropTableWaitsForAWriteAlreadyAdmitted() async throws {
        let fs = FaultInjectingFileSystem()
        let holds = Atomic<Int>(0)
        let open = { () throws -> StorageEngine in
            try T.open(fs) { options in
                options.afterAdmission = { table in
                    guard table == "cpu", holds.add(1, ordering: .relaxed).oldValue == 1 else { return }
                    try? await Task.sleep(for: .milliseconds(200))  // the second write to cpu is held
                }
            }
        }
        let engine = try open()
        try await engine.write(T.batch(host: "a", times: [Self.base], usage: [1]))
        async let held = engine.write(T.batch(host: "b", times: [Self.base + 1], usage: [2]))
        try await Task.sleep(for: .milliseconds(50))
        try await engine.dropTable("cpu")
        _ = try await held
        #expect(engine.catalog.table("cpu") == nil, "the held write landed before the drop and went with the table")
        fs.simulatePowerLoss()
        let reopened = try T.open(fs)
        #expect(reopened.catalog.table("cpu") == nil, "and the replay agrees")
        try reopened.verify()
    }

    @Test func deletionAndTombstoneFormatsRoundTripAndRejectDamage() throws {
        let deletion = Deletion(table: "cpu", timeRange: -5...9, series: [9, 3, 300_000])
        #expect(deletion.series == [3, 9, 300_000])
        #expect(try Deletion.decode(deletion.encode()) == deletion)
        #expect(try Deletion.decode(Deletion(table: "x").encode()) == Deletion(table: "x"))
        let bytes = deletion.encode()
        for length in 0..<bytes.count {
            #expect(throws: StorageError.self) { try Deletion.decode(Array(bytes[..<length])) }
        }
        #expect(throws: StorageError.self) { try Deletion.decode(bytes + [0]) }
        var reversed = ByteWriter(capacity: 16)
        reversed.writeString("t")
        reversed.writeZigZag(9)
        reversed.writeZigZag(1)
        reversed.writeUInt8(0)
        #expect(throws: StorageError.self) { try Deletion.decode(reversed.bytes) }
        var manifest = Manifest()
        manifest.tombstones = [Tombstone(lsn: 7, tableID: 2, timeRange: 0...10, series: nil, coversBelow: 4),
                               Tombstone(lsn: 9, tableID: 2, timeRange: .min ... .max, series: [1, 2], coversBelow: 5)]
        #expect(try Manifest.decode(manifest.encode(), path: "m") == manifest)
    }

    /// Random writes, deletions, flushes, compactions and reopenings against a model.
    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func randomOperationsMatchAModel(_ seed: UInt64) async throws {
        var rng = SplitMix(seed)
        let fs = FaultInjectingFileSystem()
        var engine = try T.open(fs) { $0.rowsPerBlock = 8 }
        var model: [String: [Int64: Double]] = [:]
        let hosts = ["a", "b", "c", "d"]
        var value = 0.0
        for step in 0..<60 {
            switch rng.next() % 10 {
            case 0..<5:
                let host = hosts[Int(rng.next() % 4)]
                let times = (0..<Int(1 + rng.next() % 12)).map { _ in Self.base + Int64(rng.next() % 40) * T.hour }
                var unique: [Int64: Double] = [:]
                for t in times { value += 1; unique[t] = value }
                let sorted = unique.keys.sorted()
                try await engine.write(T.batch(host: host, times: sorted, usage: sorted.map { unique[$0]! }))
                for t in sorted { model[host, default: [:]][t] = unique[t] }
            case 5, 6:
                let low = Self.base + Int64(rng.next() % 40) * T.hour
                let high = low + Int64(rng.next() % 20) * T.hour
                var chosen: [String]? = nil
                if rng.next() % 3 != 0 { chosen = hosts.filter { _ in rng.next() % 2 == 0 } }
                let ids = chosen?.compactMap { host -> SeriesID? in
                    guard let table = engine.catalog.table("cpu") else { return nil }
                    return engine.state.withLock { $0.registry.id(of: SeriesKey(table: table.id, key: SeriesKey.canonical([("host", host)]))) }
                }
                guard engine.catalog.table("cpu") != nil else { continue }
                var expected = 0
                for host in chosen ?? hosts { for t in (model[host] ?? [:]).keys where (low...high).contains(t) { model[host]![t] = nil; expected += 1 } }
                let outcome = try await engine.delete(Deletion(table: "cpu", timeRange: low...high, series: ids))
                #expect(outcome.rowsDeleted == expected, "seed \(seed) step \(step): rows deleted")
            case 7:
                try await engine.flush()
            case 8:
                _ = try await engine.compact(minimumSegments: 2)
            default:
                if rng.next() % 2 == 0 {
                    try await engine.close(flush: rng.next() % 2 == 0)
                } else {
                    fs.simulatePowerLoss()
                }
                engine = try T.open(fs) { $0.rowsPerBlock = 8 }
            }
            guard engine.catalog.table("cpu") != nil else { continue }
            let rows = try T.all(engine)
            for host in hosts {
                let expected = (model[host] ?? [:]).sorted { $0.key < $1.key }
                let got = rows[host] ?? []
                #expect(got.map(\.0) == expected.map(\.key), "seed \(seed) step \(step): times of \(host)")
                #expect(got.map(\.1) == expected.map(\.value), "seed \(seed) step \(step): values of \(host)")
            }
            // The last point read (newest row per series and partition) agrees with the model.
            let range = (Self.base + T.hour * Int64(rng.next() % 20))..<(Self.base + T.hour * Int64(20 + rng.next() % 30))
            var newest: [String: [Int64]] = [:]
            var cursor = try engine.scan(table: "cpu", columns: ["usage"], timeRange: range, newestFirst: true, newestOnly: true)
            while let batch = try cursor.next() {
                #expect(batch.rowCount == 1)
                newest[batch.tags[0].value, default: []].append(batch.times[0])
                guard case .double(let v, _) = batch.columns[0] else { continue }
                #expect(model[batch.tags[0].value]?[batch.times[0]] == v[0], "seed \(seed) step \(step): newest value")
            }
            for host in hosts {
                var perPartition: [Int64: Int64] = [:]
                for t in (model[host] ?? [:]).keys where range.contains(t) {
                    let day = t - t % TableOptions.day
                    perPartition[day] = max(perPartition[day] ?? .min, t)
                }
                #expect(newest[host] ?? [] == perPartition.sorted { $0.key > $1.key }.map(\.value),
                        "seed \(seed) step \(step): newest rows of \(host)")
            }
        }
        try engine.verify()
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
