// Shared machinery for the table-driven codec tests: datasets of every shape, and a
// round trip that also checks nothing is written past `count` in the output.
import Testing
import SundialWorkloads
@testable import SundialStorage

/// A named input column.
struct Dataset<Value>: CustomStringConvertible, Sendable where Value: Sendable {
    var name: String
    var values: [Value]
    var description: String { "\(name) (\(values.count))" }
}

enum Datasets {
    static let boundaryCounts = [0, 1, 2, 3, 127, 128, 129, 255, 256, 257, 1000, 4097]

    static func int64() -> [Dataset<Int64>] {
        var rng = SplitMix64(seed: 1)
        var sets: [Dataset<Int64>] = []
        sets.append(Dataset(name: "empty", values: []))
        sets.append(Dataset(name: "one", values: [42]))
        sets.append(Dataset(name: "one min", values: [.min]))
        sets.append(Dataset(name: "constant", values: Array(repeating: -7, count: 1000)))
        sets.append(Dataset(name: "monotone", values: (0..<1000).map { Int64($0) * 3 + 5 }))
        sets.append(Dataset(name: "decreasing", values: (0..<1000).map { 1_000_000 - Int64($0) * 11 }))
        sets.append(Dataset(name: "random", values: (0..<1000).map { _ in Int64(bitPattern: rng.next()) }))
        sets.append(Dataset(name: "small random", values: (0..<1000).map { _ in Int64(rng.next() % 50) - 25 }))
        sets.append(Dataset(name: "extremes", values: [.min, .max, 0, -1, 1, .min, .min, .max, .max, 0, .min + 1, .max - 1]))
        sets.append(Dataset(name: "alternating extremes", values: (0..<300).map { $0 % 2 == 0 ? .min : .max }))
        sets.append(Dataset(name: "long runs", values: (0..<5000).map { Int64($0 / 700) * 1_000_003 }))
        sets.append(Dataset(name: "runs of extremes", values: (0..<900).map { $0 / 300 == 1 ? .max : .min }))
        sets.append(Dataset(name: "counter with resets", values: (0..<2000).map { Int64($0 % 333) * 17 }))
        sets.append(Dataset(name: "random walk", values: {
                var x: Int64 = 0
                return (0..<3000).map { _ in x += Int64(rng.next() % 7) - 3; return x }
            }()))
        for count in boundaryCounts {
            sets.append(Dataset(name: "straddling \(count)", values: (0..<count).map { _ in Int64(rng.next() % 1_000_000) }))
        }
        return sets
    }

    static func timestamps() -> [Dataset<Int64>] {
        let start = TSBSDevops.defaultStart
        var rng = SplitMix64(seed: 2)
        var sets = int64()
        sets += [
            Dataset(name: "regular 10s", values: (0..<8640).map { start + Int64($0) * 10_000_000_000 }),
            Dataset(name: "jittered", values: RandomColumns.jitteredTimestamps(count: 5000, start: start, interval: 1_000_000_000, jitter: 2_000_000, seed: 3)),
            Dataset(name: "duplicates", values: (0..<1000).map { start + Int64($0 / 4) * 1000 }),
            Dataset(name: "decreasing irregular", values: (0..<1000).map { _ in start - Int64(rng.next() % 1_000_000_000_000) }),
            Dataset(name: "regular with gaps", values: (0..<3000).map { start + Int64($0) * 1000 + ($0 > 1500 ? 86_400_000_000_000 : 0) }),
            Dataset(name: "wrapping deltas", values: [.max, .min, .max, 0, .min, .max - 5, .min + 5]),
        ]
        return sets
    }

    static func doubles() -> [Dataset<Double>] {
        var rng = SplitMix64(seed: 4)
        let specials: [Double] = [
            .nan, -.nan, Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0x7FF8_DEAD_BEEF_0001),
            Double(bitPattern: 0xFFF4_0000_0000_0000), 0.0, -0.0, .infinity, -.infinity,
            .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, Double.leastNormalMagnitude.nextDown,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .pi, 1e300, 1e-300, 9_007_199_254_740_993.0,
            Double(Int64.max), Double(Int64.min), 0.1, 0.2, 0.30000000000000004,
        ]
        let tsbs = TSBSDevops(hosts: 1, seed: 9).seriesColumns(host: 0, points: 8640).fields
        var sets: [Dataset<Double>] = []
        sets.append(Dataset(name: "empty", values: []))
        sets.append(Dataset(name: "one", values: [1.5]))
        sets.append(Dataset(name: "one NaN", values: [.nan]))
        sets.append(Dataset(name: "one -0", values: [-0.0]))
        sets.append(Dataset(name: "constant", values: Array(repeating: 36.6, count: 1000)))
        sets.append(Dataset(name: "specials", values: specials))
        sets.append(Dataset(name: "specials repeated", values: (0..<500).map { specials[$0 % specials.count] }))
        sets.append(Dataset(name: "monotone", values: (0..<1000).map { Double($0) * 0.25 }))
        sets.append(Dataset(name: "random", values: RandomColumns.doubles(count: 2000, seed: 5)))
        sets.append(Dataset(name: "random bit patterns", values: (0..<1000).map { _ in Double(bitPattern: rng.next()) }))
        sets.append(Dataset(name: "prices", values: RandomColumns.prices(count: 5000, seed: 6)))
        sets.append(Dataset(name: "tsbs usage_user", values: tsbs[0]))
        sets.append(Dataset(name: "tsbs usage_idle", values: tsbs[2]))
        sets.append(Dataset(name: "decimals with exceptions", values: (0..<2000).map { (i: Int) -> Double in
            if i % 97 == 0 { return .nan }
            if i % 89 == 0 { return -0.0 }
            return Double(i % 1000) / 100
        }))
        sets.append(Dataset(name: "large integers", values: (0..<500).map { Double(1 << 53) + Double($0 * 2) }))
        sets.append(Dataset(name: "mostly exceptions", values: (0..<500).map { $0 % 3 == 0 ? 1.25 : Double(bitPattern: rng.next()) }))
        sets.append(Dataset(name: "leading exceptions", values: [.nan, .infinity, -0.0] + (0..<300).map { Double($0) / 10 }))
        sets.append(Dataset(name: "subnormals", values: (0..<300).map { Double.leastNonzeroMagnitude * Double($0) }))
        sets.append(Dataset(name: "negative decimals", values: (0..<1000).map { -Double($0 % 321) / 8 }))
        for count in Datasets.boundaryCounts {
            sets.append(Dataset(name: "straddling \(count)", values: (0..<count).map { _ in Double(rng.next() % 10_000) / 100 }))
        }
        return sets
    }

    static func booleans() -> [Dataset<Bool>] {
        var rng = SplitMix64(seed: 7)
        var sets: [Dataset<Bool>] = []
        sets.append(Dataset(name: "empty", values: []))
        sets.append(Dataset(name: "one true", values: [true]))
        sets.append(Dataset(name: "one false", values: [false]))
        sets.append(Dataset(name: "all true", values: Array(repeating: true, count: 1000)))
        sets.append(Dataset(name: "alternating", values: (0..<1001).map { $0 % 2 == 0 }))
        sets.append(Dataset(name: "random", values: (0..<1000).map { _ in rng.next() & 1 == 1 }))
        sets.append(Dataset(name: "long runs", values: (0..<10_000).map { ($0 / 1234) % 2 == 0 }))
        for count in Datasets.boundaryCounts {
            sets.append(Dataset(name: "straddling \(count)", values: (0..<count).map { _ in rng.next() % 5 == 0 }))
        }
        return sets
    }

    static func tagIDs() -> [Dataset<UInt32>] {
        var rng = SplitMix64(seed: 8)
        var sets: [Dataset<UInt32>] = []
        sets.append(Dataset(name: "empty", values: []))
        sets.append(Dataset(name: "one", values: [3]))
        sets.append(Dataset(name: "extremes", values: [0, .max, 0, .max, .max, 1]))
        sets.append(Dataset(name: "sorted runs", values: (0..<10_000).map { UInt32($0 / 640) }))
        sets.append(Dataset(name: "random small", values: (0..<1000).map { _ in UInt32(rng.next() % 16) }))
        sets.append(Dataset(name: "random full", values: (0..<1000).map { _ in UInt32(truncatingIfNeeded: rng.next()) }))
        for count in Datasets.boundaryCounts {
            sets.append(Dataset(name: "straddling \(count)", values: (0..<count).map { _ in UInt32(rng.next() % 3000) }))
        }
        return sets
    }

    static func strings() -> [Dataset<String>] {
        var rng = SplitMix64(seed: 10)
        let sets: [Dataset<String>] = [
            Dataset(name: "empty", values: []),
            Dataset(name: "one empty string", values: [""]),
            Dataset(name: "one", values: ["hello"]),
            Dataset(name: "unicode", values: ["héllo", "日本語", "🙂🙃", "", "a\u{0}b", "\n\t\"\\"]),
            Dataset(name: "repetitive json", values: (0..<2000).map { "{\"user\":\"u\($0 % 50)\",\"ok\":true}" }),
            Dataset(name: "random bytes as text", values: (0..<300).map { _ in
                String(decoding: (0..<Int(rng.next() % 40)).map { _ in UInt8(0x20 + rng.next() % 90) }, as: UTF8.self)
            }),
            Dataset(name: "long value", values: [String(repeating: "abcdefghij", count: 10_000)]),
        ]
        return sets
    }
}

/// Encodes `values` with `codec`, decodes into a larger buffer filled with a sentinel,
/// and returns what was decoded (checking that nothing past `count` changed).
func roundTrip<C: ColumnCodec>(_ codec: C.Type, _ values: [C.Value], sentinel: C.Value,
                               same: (C.Value, C.Value) -> Bool) throws -> [C.Value] {
    let payload = C.encode(values)
    var output = [C.Value](repeating: sentinel, count: values.count + 3)
    try payload.withUnsafeBytes { raw in
        try output.withUnsafeMutableBufferPointer { out in
            try C.decode(raw, count: values.count, into: out)
        }
    }
    for k in values.count..<output.count {
        #expect(same(output[k], sentinel), "\(C.self) wrote past the end")
    }
    return Array(output[0..<values.count])
}

func bitwiseEqual(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

func bitsPerValue(_ bytes: Int, _ count: Int) -> Double {
    count == 0 ? 0 : Double(bytes * 8) / Double(count)
}
