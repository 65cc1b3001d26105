import Testing
import SundialWorkloads
@testable import SundialIndex
import SundialStorage

@Suite struct InvertedIndexTests {
    /// Property: for random series and predicates, the index answers what a brute-force
    /// filter over the series answers.
    @Test(arguments: 0..<25)
    func matchesBruteForce(_ seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 11)
        var registry = SeriesRegistry()
        var index = InvertedIndex()
        var all: [(id: SeriesID, table: UInt32, tags: [(key: String, value: String)])] = []
        let keys = ["host", "dc", "env", "team"]
        let values = ["a", "ab", "abc", "b", "bc", "c", ""]
        for _ in 0..<(50 + Int(rng.next() % 400)) {
            var tags: [(key: String, value: String)] = []
            for key in keys where rng.next() % 4 != 0 {
                let value = values[Int(rng.next() % UInt64(values.count - 1))]
                tags.append((key, value))
            }
            let key = SeriesKey(table: UInt32(1 + rng.next() % 2), key: SeriesKey.canonical(tags))
            guard registry.id(of: key) == nil else { continue }
            let id = registry.assign(key)
            all.append((id, key.table, tags))
        }
        // Half the seeds add out of id order (a replay of concurrent writers).
        for series in seed % 2 == 0 ? all : all.shuffled(using: &rng) {
            index.add(series.id, table: series.table, tags: series.tags)
        }
        index.sortNewValues()
        for _ in 0..<40 {
            let table = UInt32(1 + rng.next() % 2)
            var predicates: [TagPredicate] = []
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let key = keys[Int(rng.next() % UInt64(keys.count))]
                let v = values[Int(rng.next() % UInt64(values.count))]
                let matcher: TagMatcher = switch rng.next() % 7 {
                case 0: .equal(v)
                case 1: .notEqual(v)
                case 2: .in([v, values[Int(rng.next() % 3)]])
                case 3: .notIn([v])
                case 4: .regex(try! BoundedRegex(rng.next() % 2 == 0 ? "a?b+c?|" + v : v + "b*c?"))
                case 5: .notRegex(try! BoundedRegex("[ab]+"))
                default: .prefix(String(v.prefix(1)))
                }
                predicates.append(TagPredicate(key, matcher))
            }
            let expected = all.filter { series in
                series.table == table && predicates.allSatisfy { $0.matches(series.tags) }
            }.map(\.id).sorted()
            #expect(index.select(table: table, predicates).ids == expected, "\(predicates)")
        }
    }

    @Test func listingForPickers() {
        var index = InvertedIndex()
        for h in 0..<100 {
            index.add(SeriesID(h), table: 1, tags: [("host", "host_\(h)"), ("region", h % 2 == 0 ? "eu" : "us")])
            if h == 49 { index.sortNewValues() }  // half sorted in, half pending
        }
        #expect(index.tagKeys(table: 1) == ["host", "region"])
        #expect(index.tagValues(table: 1, key: "region") == ["eu", "us"])
        #expect(index.tagValues(table: 1, key: "host", prefix: "host_9", limit: 3) == ["host_9", "host_90", "host_91"])
        #expect(index.seriesCount(table: 1) == 100)
        #expect(index.select(table: 1, [TagPredicate("region", .equal("eu")), TagPredicate("host", .prefix("host_1"))]).count == 5)
        index.sortNewValues()
        #expect(index.tagValues(table: 1, key: "host", prefix: "host_9", limit: 3) == ["host_9", "host_90", "host_91"])
        #expect(index.tagValues(table: 1, key: "host").count == 100)
        #expect(index.tagValues(table: 2, key: "host").isEmpty)
        #expect(index.valueCount(table: 1, key: "host") == 100)
        // Missing tags have the empty value: `!= ""` selects the series that have the tag.
        index.add(100, table: 1, tags: [("region", "eu")])
        #expect(index.select(table: 1, [TagPredicate("host", .notEqual(""))]).count == 100)
        #expect(index.select(table: 1, [TagPredicate("host", .equal(""))]).ids == [100])
        #expect(index.select(table: 1, [TagPredicate("host", .notEqual("host_3"))]).count == 100)
    }
}
