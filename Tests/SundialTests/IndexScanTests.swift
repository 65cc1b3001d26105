import Testing
import SundialTestSupport
import SundialWorkloads
import Sundial

@Suite struct IndexScanTests {
    static let day: Int64 = 86_400_000_000_000

    /// Rows as (tags, time, usage) from a scan.
    static func rows(_ sequence: ScanSequence) async throws -> [String] {
        var out: [String] = []
        for try await batch in sequence {
            let tags = batch.tags.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            guard case .double(let values, _) = batch.columns[0] else { continue }
            for i in batch.times.indices { out.append("\(tags)@\(batch.times[i])=\(values[i])") }
        }
        return out.sorted()
    }

    /// Property: for random series spread over segments (flushed, compacted) and the head,
    /// and random tag predicates, a scan through the index returns exactly the rows a
    /// brute-force filter over a full scan returns.
    @Test(arguments: 0..<12)
    func indexedScansEqualBruteForce(_ seed: Int) async throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 7919 &+ 3)
        let fs = FaultInjectingFileSystem()
        var configuration = DatabaseTests.configuration(fs)
        configuration.flushRows = 1_000_000
        let db = try await Database.open(at: "/data", configuration: configuration)
        let keys = ["host", "dc", "env"]
        let values = ["a", "ab", "abc", "b", "bc", "c"]
        var allTags: [[(key: String, value: String)]] = []
        for _ in 0..<(20 + Int(rng.next() % 60)) {
            var tags: [(key: String, value: String)] = []
            for key in keys where rng.next() % 4 != 0 { tags.append((key, values[Int(rng.next() % UInt64(values.count))])) }
            allTags.append(tags)
        }
        for round in 0..<4 {
            var series: [SeriesRows] = []
            for tags in allTags where rng.next() % 3 != 0 {
                let times = (0..<(1 + Int(rng.next() % 4))).map { _ in Int64(rng.next() % 3) * Self.day + Int64(rng.next() % 1000) }
                series.append(SeriesRows(tags: tags, timestamps: times, columns: [.double(times.map { _ in Double(rng.next() % 100) }, valid: nil)]))
            }
            // Series with the same tags twice in one batch are one series: merge them first.
            var seen = Set<String>()
            series = series.filter { seen.insert(SeriesKey.canonical($0.tags)).inserted }
            _ = try await db.write(WriteBatch(table: "t", columns: [ColumnDefinition(name: "usage", type: .double)], series: series))
            if round < 3 { try await db.flush() }
            if round == 2 { _ = try await db.compact() }
        }
        let everything = try await Self.rows(try db.scan(table: "t"))
        for _ in 0..<30 {
            var predicates: [TagPredicate] = []
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let key = keys[Int(rng.next() % UInt64(keys.count))]
                let v = values[Int(rng.next() % UInt64(values.count))]
                let matcher: TagMatcher = switch rng.next() % 7 {
                case 0: .equal(v)
                case 1: .notEqual(v)
                case 2: .in([v, values[Int(rng.next() % 3)]])
                case 3: .notIn([v, ""])
                case 4: .regex(try BoundedRegex(rng.next() % 2 == 0 ? "a?b+c?|" + v : v + "b*c?"))
                case 5: .notRegex(try BoundedRegex("[ab]+"))
                default: .prefix(String(v.prefix(1)))
                }
                predicates.append(TagPredicate(key, matcher))
            }
            let range: Range<Int64>? = rng.next() % 2 == 0 ? nil : Self.day..<(2 * Self.day + 500)
            let expected = everything.filter { row in
                let halves = row.split(separator: "@", omittingEmptySubsequences: false)
                let parts = halves[0].split(separator: ",").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
                let tags = parts.filter { $0.count == 2 }.map { (key: $0[0], value: $0[1]) }
                let time = Int64(halves[1].split(separator: "=")[0])!
                return predicates.allSatisfy { $0.matches(tags) } && (range?.contains(time) ?? true)
            }
            let indexed = try await Self.rows(try db.scan(table: "t", timeRange: range, where: predicates))
            #expect(indexed == expected, "\(predicates) \(String(describing: range))")
        }
        try await db.close()
    }

    @Test func listingAndSeriesCounts() async throws {
        let fs = FaultInjectingFileSystem()
        let db = try await Database.open(at: "/data", configuration: DatabaseTests.configuration(fs))
        var text: [UInt8] = []
        TSBSDevops(hosts: 40).writeLineProtocol(points: 2) { text += $0 }
        _ = try await db.write(lineProtocolBytes: text)
        #expect(db.seriesCount(of: "cpu") == 40)
        #expect(db.tagKeys(of: "cpu") == TSBSDevops.tagKeys.sorted())
        #expect(db.tagValues(of: "cpu", key: "hostname", prefix: "host_1", limit: 3) == ["host_1", "host_10", "host_11"])
        #expect(db.tagValues(of: "nope", key: "hostname").isEmpty)
        let one = try db.series(of: "cpu", where: [TagPredicate("hostname", .equal("host_7"))])
        #expect(one.count == 1)
        #expect(db.tags(ofSeries: one[0])?.first { $0.key == "hostname" }?.value == "host_7")
        // After a reopen the index is rebuilt from the series log.
        try await db.close()
        let reopened = try await Database.open(at: "/data", configuration: DatabaseTests.configuration(fs))
        #expect(try reopened.series(of: "cpu", where: [TagPredicate("hostname", .equal("host_7"))]) == one)
        #expect(reopened.seriesCount(of: "cpu") == 40)
        let stats = reopened.statistics()
        #expect(stats.series == 40 && stats.seriesLogBytes > 40 * 20)
        #expect(reopened.indexMemoryBytes > 0)
        do {
            _ = try reopened.series(of: "nope")
            Issue.record("an unknown table must be an error")
        } catch {
            #expect(error.code == .invalidArgument)
        }
        try await reopened.close()
    }

    @Test func lineProtocolPastTheSeriesLimitReportsTheRefusedLines() async throws {
        let fs = FaultInjectingFileSystem()
        var configuration = DatabaseTests.configuration(fs)
        configuration.maxSeriesPerTable = 2
        let db = try await Database.open(at: "/data", configuration: configuration)
        let result = try await db.write(lineProtocol: """
            cpu,host=a usage=1 1
            cpu,host=b usage=2 2
            cpu,host=c usage=3 3
            cpu,host=a usage=4 4
            cpu,host=d usage=5 5
            mem,host=z used=1 1
            """)
        #expect(result.rowsWritten == 4)
        #expect(result.errors.map(\.line) == [3, 5])
        #expect(result.errors.allSatisfy { $0.message.contains("limit of 2 series") })
        #expect(db.seriesCount(of: "cpu") == 2)
        try await db.close()
    }
}
