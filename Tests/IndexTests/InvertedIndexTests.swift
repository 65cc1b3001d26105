import Testing
import SundialWorkloads
@testable import SundialIndex

@Suite struct SeriesRegistryTests {
    @Test func idsAreDenseStableAndNeverReused() {
        var registry = SeriesRegistry()
        let a = SeriesKey(table: 1, tags: [("host", "a"), ("dc", "x")])
        let sameAsA = SeriesKey(table: 1, tags: [("dc", "x"), ("host", "a")])
        let b = SeriesKey(table: 1, tags: [("host", "b")])
        let otherTable = SeriesKey(table: 2, tags: [("host", "a"), ("dc", "x")])
        #expect(registry.register(a) == (0, true))
        #expect(registry.register(b) == (1, true))
        #expect(registry.register(sameAsA) == (0, false), "tag order does not matter")
        #expect(registry.register(otherTable) == (2, true))
        #expect(registry.key(of: 1) == b)
        #expect(registry.count == 3)
        // Replaying the same keys in the same order gives the same ids.
        var replayed = SeriesRegistry()
        for key in registry.allKeys { _ = replayed.register(key) }
        for key in registry.allKeys { #expect(replayed.id(of: key) == registry.id(of: key)) }
    }
}

@Suite struct InvertedIndexTests {
    /// Property: for random series and predicates, the index answers what a brute-force
    /// filter over the series answers.
    @Test(arguments: 0..<25)
    func matchesBruteForce(_ seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 11)
        var registry = SeriesRegistry()
        var index = InvertedIndex()
        let keys = ["host", "dc", "env", "team"]
        let values = ["a", "ab", "abc", "b", "bc", "c", ""]
        for _ in 0..<(50 + Int(rng.next() % 400)) {
            var tags: [(key: String, value: String)] = []
            for key in keys where rng.next() % 4 != 0 {
                let value = values[Int(rng.next() % UInt64(values.count - 1))]
                tags.append((key, value))
            }
            let key = SeriesKey(table: UInt32(1 + rng.next() % 2), tags: tags)
            let (id, created) = registry.register(key)
            if created { index.add(id, key) }
        }
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
                case 4: .regex(try! BoundedRegex("a?b+c?|" + v))
                case 5: .notRegex(try! BoundedRegex("[ab]+"))
                default: .prefix(String(v.prefix(1)))
                }
                predicates.append(TagPredicate(key, matcher))
            }
            let expected = registry.allKeys.enumerated().filter { _, key in
                key.table == table && predicates.allSatisfy { p in
                    p.matcher.matches(key.tags.first { $0.key == p.key }?.value ?? "")
                }
            }.map { SeriesID($0.offset) }
            #expect(index.select(table: table, predicates).ids == expected, "\(predicates)")
        }
    }

    @Test func listingForPickers() {
        var registry = SeriesRegistry()
        var index = InvertedIndex()
        for h in 0..<100 {
            let key = SeriesKey(table: 1, tags: [("host", "host_\(h)"), ("region", h % 2 == 0 ? "eu" : "us")])
            let (id, _) = registry.register(key)
            index.add(id, key)
        }
        #expect(index.tagKeys(table: 1) == ["host", "region"])
        #expect(index.tagValues(table: 1, key: "region") == ["eu", "us"])
        #expect(index.tagValues(table: 1, key: "host", prefix: "host_9", limit: 3) == ["host_9", "host_90", "host_91"])
        #expect(index.seriesCount(table: 1) == 100)
        #expect(index.select(table: 1, [TagPredicate("region", .equal("eu")), TagPredicate("host", .prefix("host_1"))]).count == 5)
    }
}
