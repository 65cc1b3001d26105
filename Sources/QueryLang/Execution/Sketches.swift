// Mergeable approximate aggregates.
//
// approx_percentile: a DDSketch (Masson, Rim, Lee, VLDB 2019). Values map to logarithmic
// buckets of ratio γ = (1 + α) / (1 − α); any quantile comes back within a relative error
// of α = 1 % of the true value of that rank. Negative values use a mirrored store, zero
// its own count. Sketches merge by adding bucket counts, so partial states (continuous
// aggregates, parallel partitions) combine exactly.
//
// approx_count_distinct: HyperLogLog with 2^14 registers (standard error 1.04/√16384 ≈
// 0.81 %), linear counting for small cardinalities (HLL++'s small-range correction), and a
// stable 64-bit hash of the value (so states computed in different processes merge).

/// A DDSketch with relative accuracy `alpha`.
struct DDSketch: Sendable, Hashable {
    static let alpha = 0.01
    static let gamma = (1 + alpha) / (1 - alpha)
    static let logGamma = Foundationless.log(gamma)
    /// The smallest magnitude given its own buckets; smaller values count as zero.
    static let minIndexable = 1e-9

    var positive: [Int32: UInt64] = [:]
    var negative: [Int32: UInt64] = [:]
    var zeros: UInt64 = 0
    var count: UInt64 = 0

    static func index(_ magnitude: Double) -> Int32 {
        Int32((Foundationless.log(magnitude) / logGamma).rounded(.up))
    }

    /// The value a bucket stands for: the point of least relative error in it.
    static func value(_ index: Int32) -> Double {
        2 * Foundationless.pow(gamma, Double(index)) / (gamma + 1)
    }

    mutating func add(_ x: Double) {
        guard x.isFinite else { return }
        count += 1
        if abs(x) < Self.minIndexable { zeros += 1 }
        else if x > 0 { positive[Self.index(x), default: 0] += 1 }
        else { negative[Self.index(-x), default: 0] += 1 }
    }

    mutating func merge(_ other: DDSketch) {
        for (k, v) in other.positive { positive[k, default: 0] += v }
        for (k, v) in other.negative { negative[k, default: 0] += v }
        zeros += other.zeros
        count += other.count
    }

    /// The value at quantile `q` (0…1), nil when empty.
    func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = UInt64((q * Double(count - 1)).rounded(.down))
        var seen: UInt64 = 0
        // Most negative first: negative buckets by descending magnitude.
        for k in negative.keys.sorted(by: >) {
            seen += negative[k]!
            if seen > rank { return -Self.value(k) }
        }
        seen += zeros
        if seen > rank { return 0 }
        for k in positive.keys.sorted() {
            seen += positive[k]!
            if seen > rank { return Self.value(k) }
        }
        return positive.keys.max().map(Self.value) ?? 0
    }
}

/// HyperLogLog with 2^14 registers.
struct HyperLogLog: Sendable, Hashable {
    static let precision = 14
    static let registerCount = 1 << precision
    var registers = [UInt8](repeating: 0, count: registerCount)

    mutating func add(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - Self.precision))
        let rest = hash << UInt64(Self.precision) | (1 << UInt64(Self.precision - 1))
        let rank = UInt8(rest.leadingZeroBitCount + 1)
        if rank > registers[index] { registers[index] = rank }
    }

    mutating func merge(_ other: HyperLogLog) {
        for i in registers.indices { registers[i] = max(registers[i], other.registers[i]) }
    }

    var estimate: Double {
        let m = Double(Self.registerCount)
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1 / Double(UInt64(1) << UInt64(r))
            if r == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        // Small range: linear counting is more accurate while registers are still empty.
        if zeros > 0 {
            let linear = m * Foundationless.log(m / Double(zeros))
            if linear <= 2.5 * m || raw <= 5 * m { return linear }
        }
        return raw
    }

    /// A stable 64-bit hash of a value (FNV-1a over its bytes, then a SplitMix64 finalizer).
    static func hash(_ value: SQLValue) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        func mix64(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { mix(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
        switch value {
        case .null: mix(0)
        case .bigint(let v): mix(1); mix64(UInt64(bitPattern: v))
        case .double(let v): mix(2); mix64((v == 0 ? 0 : v).bitPattern)
        case .boolean(let v): mix(3); mix(v ? 1 : 0)
        case .string(let v): mix(4); for b in v.utf8 { mix(b) }
        case .timestamp(let v): mix(5); mix64(UInt64(bitPattern: v))
        case .interval(let v): mix(6); mix64(UInt64(bitPattern: v))
        }
        var z = h &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class ApproxPercentileState: AggregateState {
    let fraction: Double
    var sketches: [DDSketch] = []
    /// Buckets over all sketches.
    var buckets = 0

    init(fraction: Double) { self.fraction = fraction }

    override var memoryBytes: Int { sketches.count * 2 * MemoryEstimate.arrayHeader + buckets * (12 + MemoryEstimate.hashEntry) }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values else { return }
        if sketches.count < groupCount { sketches += [DDSketch](repeating: DDSketch(), count: groupCount - sketches.count) }
        for (i, g) in groups.enumerated() where values.isValid(i) {
            guard let x = values.value(at: i).doubleValue else {
                throw QueryError(.type, "approx_percentile() needs a number, not \(values.type)")
            }
            let before = sketches[g].positive.count + sketches[g].negative.count
            sketches[g].add(x)
            buckets += sketches[g].positive.count + sketches[g].negative.count - before
        }
    }

    override func merge(_ other: AggregateState, _ map: [Int], groupCount: Int) throws(QueryError) {
        guard let other = other as? ApproxPercentileState else { return }
        if sketches.count < groupCount { sketches += [DDSketch](repeating: DDSketch(), count: groupCount - sketches.count) }
        for (g, sketch) in other.sketches.enumerated() where sketch.count > 0 {
            let t = map[g]
            let before = sketches[t].positive.count + sketches[t].negative.count
            sketches[t].merge(sketch)
            buckets += sketches[t].positive.count + sketches[t].negative.count - before
        }
    }

    override func result(_ g: Int) throws(QueryError) -> SQLValue {
        guard g < sketches.count, let q = sketches[g].quantile(fraction) else { return .null }
        return .double(q)
    }
}

final class ApproxDistinctState: AggregateState {
    var sketches: [HyperLogLog] = []

    override var memoryBytes: Int { sketches.count * (HyperLogLog.registerCount + MemoryEstimate.arrayHeader) }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values else { return }
        if sketches.count < groupCount { sketches += [HyperLogLog](repeating: HyperLogLog(), count: groupCount - sketches.count) }
        var previous: (Int, UInt64)?
        for (i, g) in groups.enumerated() where values.isValid(i) {
            // Runs of one value (a tag over a series batch) hash once.
            let h: UInt64
            if let (j, ph) = previous, values.rowsEqual(i, j) { h = ph } else { h = HyperLogLog.hash(values.value(at: i)) }
            previous = (i, h)
            sketches[g].add(hash: h)
        }
    }

    override func merge(_ other: AggregateState, _ map: [Int], groupCount: Int) throws(QueryError) {
        guard let other = other as? ApproxDistinctState else { return }
        if sketches.count < groupCount { sketches += [HyperLogLog](repeating: HyperLogLog(), count: groupCount - sketches.count) }
        for (g, sketch) in other.sketches.enumerated() { sketches[map[g]].merge(sketch) }
    }

    override func result(_ g: Int) throws(QueryError) -> SQLValue {
        guard g < sketches.count else { return .bigint(0) }
        return .bigint(Int64(sketches[g].estimate.rounded()))
    }
}
