import Testing
import SundialWorkloads
@testable import SundialQueryLang
import Sundial

@Suite struct SketchTests {
    /// Property: every quantile of a DDSketch is within its relative accuracy (1 %) of the
    /// exact value at that rank, for skewed, negative and mixed data; merging sketches of
    /// parts equals the sketch of the whole.
    @Test(arguments: 0..<8)
    func ddSketchQuantilesAreWithinOnePercent(_ seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 100)
        let n = 1 + Int(rng.next() % 20_000)
        let values: [Double] = (0..<n).map { _ in
            let u = Double(rng.next() % 1_000_000 + 1) / 1_000_000
            let magnitude = seed % 2 == 0 ? -100 * Foundationless.log(u) : u * 1e6
            return seed % 3 == 0 && rng.next() % 2 == 0 ? -magnitude : (rng.next() % 50 == 0 ? 0 : magnitude)
        }
        var whole = DDSketch()
        var left = DDSketch()
        var right = DDSketch()
        for (i, v) in values.enumerated() {
            whole.add(v)
            if i % 2 == 0 { left.add(v) } else { right.add(v) }
        }
        left.merge(right)
        #expect(left == whole)
        let sorted = values.sorted()
        for q in [0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1] {
            let exact = sorted[Int((q * Double(n - 1)).rounded(.down))]
            let estimate = whole.quantile(q)!
            #expect(abs(estimate - exact) <= DDSketch.alpha * abs(exact) + 1e-9, "q \(q): \(estimate) vs \(exact)")
        }
    }

    @Test(arguments: [1, 10, 1_000, 20_000, 200_000])
    func hyperLogLogEstimatesWithinItsError(_ distinct: Int) {
        var sketch = HyperLogLog()
        var parts = [HyperLogLog(), HyperLogLog()]
        for i in 0..<distinct {
            let h = HyperLogLog.hash(.string("host_\(i)"))
            sketch.add(hash: h)
            sketch.add(hash: h)  // duplicates do not count
            parts[i % 2].add(hash: h)
        }
        parts[0].merge(parts[1])
        #expect(parts[0] == sketch)
        // 4 standard errors (0.81 % each); small counts are exact-ish (linear counting).
        let error = abs(sketch.estimate - Double(distinct)) / Double(distinct)
        #expect(error <= (distinct < 1000 ? 0.01 : 0.033), "\(distinct): \(sketch.estimate)")
    }

    @Test func stableHashes() {
        // The same value hashes the same in every process (sketches merge across them).
        #expect(HyperLogLog.hash(.string("host_1")) == HyperLogLog.hash(.string("host_1")))
        #expect(HyperLogLog.hash(.double(0)) == HyperLogLog.hash(.double(-0.0)))
        #expect(HyperLogLog.hash(.bigint(1)) != HyperLogLog.hash(.timestamp(1)))
    }

    @Test func approximateAggregatesInSQL() async throws {
        let db = try await Database.open(at: "/data", configuration: DatabaseTests.configuration(.init()))
        var text: [UInt8] = []
        TSBSDevops(hosts: 30).writeLineProtocol(points: 200) { text += $0 }
        _ = try await db.write(lineProtocolBytes: text)
        let row = try await db.query("""
            SELECT approx_count_distinct(hostname), count(DISTINCT hostname), approx_percentile(usage_user, 0.9), percentile_disc(usage_user, 0.9) FROM cpu
            """).rows()[0]
        #expect(row[0] == row[1])
        let approx = try #require(row[2].doubleValue), exact = try #require(row[3].doubleValue)
        #expect(abs(approx - exact) <= 0.01 * exact + 1e-9)
        try await db.close()
    }
}
