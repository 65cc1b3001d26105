// Aggregate functions and their per-group states. A state holds one slot per group in
// typed arrays; `update` takes a batch's group numbers and argument vectors and loops
// over them (one dynamic call per batch, none per row). `merge` folds another state of
// the same aggregate into this one (a parallel aggregation's partial states, merged in
// the order of the input runs they saw).

/// An aggregate function.
public enum AggregateKind: String, Sendable, Hashable {
    case countStar = "count(*)", count, sum, avg, min, max, first, last
    case stddev, variance, stddevPop = "stddev_pop", variancePop = "var_pop"
    case percentileDisc = "percentile_disc", percentileCont = "percentile_cont"
    case approxPercentile = "approx_percentile", approxCountDistinct = "approx_count_distinct"
}

/// A bound aggregate call: its function, argument(s) and result type.
public struct BoundAggregate: Sendable, Hashable, CustomStringConvertible {
    public var kind: AggregateKind
    public var argument: BoundExpr?
    /// The time argument of first/last.
    public var time: BoundExpr?
    public var distinct: Bool
    /// The fraction of percentile_disc / percentile_cont.
    public var fraction: Double?
    public var type: SQLType

    public var description: String {
        switch kind {
        case .countStar: return "count(*)"
        default:
            var args = [(distinct ? "DISTINCT " : "") + (argument?.description ?? "")]
            if let time { args.append(time.description) }
            if let fraction { args.append(SQLValue.format(fraction)) }
            return "\(kind.rawValue)(\(args.joined(separator: ", ")))"
        }
    }

    func makeState() -> AggregateState {
        switch kind {
        case .countStar, .count: distinct ? DistinctState(self) : CountState(star: kind == .countStar)
        case .sum, .avg, .stddev, .variance, .stddevPop, .variancePop:
            distinct ? DistinctState(self) : MomentsState(kind: kind, type: type)
        case .min, .max: ExtremeState(max: kind == .max, type: type)
        case .first, .last: FirstLastState(last: kind == .last, type: type)
        case .percentileDisc, .percentileCont: PercentileState(discrete: kind == .percentileDisc, fraction: fraction ?? 0.5, type: type)
        case .approxPercentile: ApproxPercentileState(fraction: fraction ?? 0.5)
        case .approxCountDistinct: ApproxDistinctState()
        }
    }
}

/// Per-group state of one aggregate.
class AggregateState {
    /// Folds rows into groups: `groups[i]` is row i's group (rows with a NULL argument are
    /// skipped by the states that ignore NULLs).
    func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {}
    /// Folds runs of rows into groups (see `GroupRuns`); by default row by row.
    func update(runs: GroupRuns, groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        try update(runs.rows, groupCount: groupCount, values, times)
    }
    /// Folds `other` (a state of the same aggregate over later input) into this one: its
    /// group `g` is group `map[g]` here; this state grows to `groupCount` groups.
    func merge(_ other: AggregateState, _ map: [Int], groupCount: Int) throws(QueryError) {}
    func result(_ group: Int) throws(QueryError) -> SQLValue { .null }
    /// The bytes the state holds (an estimate, see `QueryMemory`), read once per batch.
    var memoryBytes: Int { 0 }
}

final class CountState: AggregateState {
    let star: Bool
    var counts: [Int64] = []
    init(star: Bool) { self.star = star }

    func reserve(_ groupCount: Int) {
        if counts.count < groupCount { counts.append(contentsOf: repeatElement(0, count: groupCount - counts.count)) }
    }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        reserve(groupCount)
        var counts = self.counts
        self.counts = []
        if star || values?.values.validity == nil {
            for g in groups { counts[g] += 1 }
        } else if let valid = values?.values.validity {
            for (i, g) in groups.enumerated() where valid[i] { counts[g] += 1 }
        }
        self.counts = counts
    }

    override func update(runs: GroupRuns, groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard star || values?.values.validity == nil else {
            return try update(runs.rows, groupCount: groupCount, values, times)
        }
        reserve(groupCount)
        counts.withUnsafeMutableBufferPointer { c in
            runs.forEach { g, rows in c[g] += Int64(rows.count) }
        }
    }

    override func merge(_ other: AggregateState, _ map: [Int], groupCount: Int) throws(QueryError) {
        guard let other = other as? CountState else { return }
        reserve(groupCount)
        for (g, count) in other.counts.enumerated() { counts[map[g]] += count }
    }

    override func result(_ group: Int) throws(QueryError) -> SQLValue { .bigint(group < counts.count ? counts[group] : 0) }
    override var memoryBytes: Int { counts.count * 8 }
}

/// count, sum, avg, stddev and variance: count, sum and (for spread) Welford's running
/// mean and M2, numerically stable for large inputs; partial states merge by Chan et
/// al.'s pairwise update. Integer sums are exact 128-bit sums (a wrapped 64-bit sum and
/// a carry count), so whether a sum fits BIGINT does not depend on the order of addition.
final class MomentsState: AggregateState {
    let kind: AggregateKind
    let type: SQLType
    var counts: [Int64] = []
    var sums: [Double] = []
    var intSums: [Int64] = []
    /// Multiples of 2^64 the integer sum wrapped by (up positive, down negative).
    var carries: [Int64] = []
    var means: [Double] = []
    var m2: [Double] = []

    /// Whether the integer sum is the result (sum of BIGINT or INTERVAL), and whether
    /// the spread (Welford's mean and M2) is: the arrays of the other parts stay empty.
    let exact: Bool
    let spread: Bool

    init(kind: AggregateKind, type: SQLType) {
        self.kind = kind
        self.type = type
        self.exact = kind == .sum && (type == .bigint || type == .interval)
        self.spread = kind != .sum && kind != .avg
    }

    func reserve(_ groupCount: Int) {
        let grow = groupCount - counts.count
        guard grow > 0 else { return }
        counts.append(contentsOf: repeatElement(0, count: grow))
        sums.append(contentsOf: repeatElement(0, count: grow))
        if exact {
            intSums.append(contentsOf: repeatElement(0, count: grow))
            carries.append(contentsOf: repeatElement(0, count: grow))
        }
        if spread {
            means.append(contentsOf: repeatElement(0, count: grow))
            m2.append(contentsOf: repeatElement(0, count: grow))
        }
    }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values else { return }
        reserve(groupCount)
        let spread = self.spread, exact = self.exact
        let valid = values.values.validity
        // The state's arrays move into locals for the loop: class properties accessed
        // per row would pay a dynamic exclusivity check each time.
        var counts = self.counts, sums = self.sums, intSums = self.intSums
        var carries = self.carries, means = self.means, m2 = self.m2
        self.counts = []; self.sums = []; self.intSums = []; self.carries = []; self.means = []; self.m2 = []
        defer {
            self.counts = counts; self.sums = sums; self.intSums = intSums
            self.carries = carries; self.means = means; self.m2 = m2
        }
        func welford(_ g: Int, _ x: Double) {
            let delta = x - means[g]
            means[g] += delta / Double(counts[g])
            m2[g] += delta * (x - means[g])
        }
        switch values.values {
        case .double(let v, _) where !spread && valid == nil:
            // sum/avg of a column without NULLs: the tightest loop.
            counts.withUnsafeMutableBufferPointer { c in
                sums.withUnsafeMutableBufferPointer { s in
                    v.withUnsafeBufferPointer { x in
                        groups.withUnsafeBufferPointer { gs in
                            for i in 0..<gs.count {
                                let g = gs[i]
                                c[g] += 1
                                s[g] += x[i]
                            }
                        }
                    }
                }
            }
        case .double(let v, _):
            for (i, g) in groups.enumerated() where valid?[i] ?? true {
                counts[g] += 1
                sums[g] += v[i]
                if spread { welford(g, v[i]) }
            }
        case .bigint(let v, _):
            for (i, g) in groups.enumerated() where valid?[i] ?? true {
                counts[g] += 1
                if exact {
                    let (sum, o) = intSums[g].addingReportingOverflow(v[i])
                    intSums[g] = sum
                    if o { carries[g] += v[i] > 0 ? 1 : -1 }
                }
                sums[g] += Double(v[i])
                if spread { welford(g, Double(v[i])) }
            }
        default:
            throw QueryError(.type, "\(kind.rawValue) needs a number, not \(values.type)")
        }
    }

    /// sum/avg of a double column without NULLs, run by run: each run's values add up in
    /// four registers, then into the group's sum (the order of additions differs from
    /// row-by-row folding, so the last bits may too).
    override func update(runs: GroupRuns, groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values, !spread, case .double(let v, nil) = values.values else {
            return try update(runs.rows, groupCount: groupCount, values, times)
        }
        reserve(groupCount)
        counts.withUnsafeMutableBufferPointer { c in
            sums.withUnsafeMutableBufferPointer { s in
                v.withUnsafeBufferPointer { x in
                    runs.forEach { g, rows in
                        c[g] += Int64(rows.count)
                        s[g] += Self.sum(x, rows)
                    }
                }
            }
        }
    }

    @inline(__always)
    static func sum(_ x: UnsafeBufferPointer<Double>, _ rows: Range<Int>) -> Double {
        var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
        var i = rows.lowerBound
        let end = rows.upperBound
        while i + 4 <= end {
            a0 += x[i]
            a1 += x[i + 1]
            a2 += x[i + 2]
            a3 += x[i + 3]
            i += 4
        }
        while i < end {
            a0 += x[i]
            i += 1
        }
        return (a0 + a1) + (a2 + a3)
    }

    override func merge(_ other: AggregateState, _ map: [Int], groupCount: Int) throws(QueryError) {
        guard let other = other as? MomentsState else { return }
        reserve(groupCount)
        for g in 0..<other.counts.count where other.counts[g] > 0 {
            let t = map[g]
            if spread {
                if counts[t] == 0 {
                    means[t] = other.means[g]
                    m2[t] = other.m2[g]
                } else {
                    let a = Double(counts[t]), b = Double(other.counts[g])
                    let delta = other.means[g] - means[t]
                    means[t] += delta * (b / (a + b))
                    m2[t] += other.m2[g] + delta * delta * (a * b / (a + b))
                }
            }
            counts[t] += other.counts[g]
            sums[t] += other.sums[g]
            guard exact else { continue }
            let (sum, o) = intSums[t].addingReportingOverflow(other.intSums[g])
            intSums[t] = sum
            carries[t] += other.carries[g] + (o ? (other.intSums[g] > 0 ? 1 : -1) : 0)
        }
    }

    override var memoryBytes: Int { counts.count * (16 + (exact ? 16 : 0) + (spread ? 16 : 0)) }

    override func result(_ g: Int) throws(QueryError) -> SQLValue {
        guard g < counts.count, counts[g] > 0 else { return .null }
        let n = Double(counts[g])
        switch kind {
        case .sum:
            if type == .bigint {
                guard carries[g] == 0 else { throw QueryError(.outOfRange, "sum() is out of range for BIGINT") }
                return .bigint(intSums[g])
            }
            if type == .interval { return .interval(intSums[g]) }
            return .double(sums[g])
        case .avg: return .double(sums[g] / n)
        case .variance: return counts[g] < 2 ? .null : .double(m2[g] / (n - 1))
        case .stddev: return counts[g] < 2 ? .null : .double((m2[g] / (n - 1)).squareRoot())
        case .variancePop: return .double(m2[g] / n)
        case .stddevPop: return .double((m2[g] / n).squareRoot())
        default: return .null
        }
    }
}
