import Testing
import SundialWorkloads
@testable import SundialIndex
import SundialStorage

@Suite struct PostingsTests {
    static func random(_ rng: inout SplitMix64, count: Int, universe: UInt32) -> Set<SeriesID> {
        var set = Set<SeriesID>()
        while set.count < min(count, Int(universe)) { set.insert(SeriesID(rng.next() % UInt64(universe))) }
        return set
    }

    @Test(arguments: [0, 1, 2, 127, 128, 129, 1000, 5000])
    func roundTripAndSeek(_ count: Int) {
        var rng = SplitMix64(seed: UInt64(count))
        let ids = Self.random(&rng, count: count, universe: 1_000_000).sorted()
        let postings = Postings(sorted: ids)
        #expect(postings.count == ids.count)
        #expect(postings.ids == ids)
        for _ in 0..<200 {
            let target = SeriesID(rng.next() % 1_000_001)
            var iterator = postings.makeIterator()
            let expected = ids.first { $0 >= target }
            #expect(iterator.seek(target) == expected)
            #expect(postings.contains(target) == ids.contains(target))
        }
    }

    /// Appending one id at a time (sealing blocks as they fill) builds the same set as
    /// building from the sorted array; out-of-order and repeated inserts keep it a set.
    @Test(arguments: [0, 1, 127, 128, 129, 300, 1000])
    func incrementalInsertsEqualBulkBuild(_ count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &+ 5)
        let ids = Self.random(&rng, count: count, universe: 100_000).sorted()
        var appended = Postings()
        for id in ids { appended.insert(id) }
        #expect(appended == Postings(sorted: ids))
        #expect(appended.ids == ids)
        #expect(appended.last == ids.last)
        var shuffled = Postings()
        for id in ids.shuffled(using: &rng) + ids.prefix(10) { shuffled.insert(id) }
        #expect(shuffled.ids == ids)
        #expect(shuffled.count == ids.count)
    }

    /// A union of many lists goes through the bitmap path.
    @Test func unionOfManyLists() {
        var rng = SplitMix64(seed: 99)
        let sets = (0..<40).map { _ in Self.random(&rng, count: Int(rng.next() % 500), universe: 50_000) }
        let expected = sets.reduce(Set<SeriesID>()) { $0.union($1) }.sorted()
        #expect(union(sets.map { Postings($0) }).ids == expected)
    }

    @Test func seekNeverMovesBackwardsAndInterleavesWithNext() {
        let postings = Postings(sorted: Array(stride(from: 0, to: 10_000, by: 3).map(SeriesID.init)))
        var iterator = postings.makeIterator()
        #expect(iterator.seek(100) == 102)
        #expect(iterator.seek(50) == 102)
        #expect(iterator.next() == 105)
        #expect(iterator.seek(9_998) == 9_999)
        #expect(iterator.next() == nil)
    }

    /// Property: the algebra equals the same operations on Sets.
    @Test(arguments: 0..<30)
    func algebraMatchesSets(_ seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &* 977)
        let universe = UInt32(1 + rng.next() % 20_000)
        let sets = (0..<(2 + Int(rng.next() % 3))).map { _ in Self.random(&rng, count: Int(rng.next() % 3000), universe: universe) }
        let lists = sets.map { Postings($0) }
        #expect(intersect(lists).ids == sets.dropFirst().reduce(sets[0]) { $0.intersection($1) }.sorted())
        #expect(union(lists).ids == sets.reduce(Set<SeriesID>()) { $0.union($1) }.sorted())
        #expect(difference(lists[0], lists[1]).ids == sets[0].subtracting(sets[1]).sorted())
    }

    @Test func denseRunsCompressWell() {
        let postings = Postings(sorted: Array(0..<100_000))
        #expect(postings.byteCount < 100_000 / 4, "\(postings.byteCount) bytes for 100k consecutive ids")
        #expect(intersect([]).count == 0)
        #expect(union([]).count == 0)
    }
}
