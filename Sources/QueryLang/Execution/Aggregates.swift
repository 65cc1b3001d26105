// Aggregate functions and their per-group states. A state holds one slot per group in
// typed arrays; `update` takes a batch's group numbers and argument vectors and loops
// over them (one dynamic call per batch, none per row).

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
    func result(_ group: Int) throws(QueryError) -> SQLValue { .null }
    /// The bytes the state holds (an estimate, see `QueryMemory`), read once per batch.
    var memoryBytes: Int { 0 }
}

final class CountState: AggregateState {
    let star: Bool
    var counts: [Int64] = []
    init(star: Bool) { self.star = star }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        if counts.count < groupCount { counts += [Int64](repeating: 0, count: groupCount - counts.count) }
        var counts = self.counts
        self.counts = []
        if star || values?.values.validity == nil {
            for g in groups { counts[g] += 1 }
        } else if let valid = values?.values.validity {
            for (i, g) in groups.enumerated() where valid[i] { counts[g] += 1 }
        }
        self.counts = counts
    }

    override func result(_ group: Int) throws(QueryError) -> SQLValue { .bigint(group < counts.count ? counts[group] : 0) }
    override var memoryBytes: Int { counts.count * 8 }
}

/// count, sum, avg, stddev and variance: count, sum and (for spread) Welford's running
/// mean and M2, numerically stable for large inputs.
final class MomentsState: AggregateState {
    let kind: AggregateKind
    let type: SQLType
    var counts: [Int64] = []
    var sums: [Double] = []
    var intSums: [Int64] = []
    var overflowed: [Bool] = []
    var means: [Double] = []
    var m2: [Double] = []

    init(kind: AggregateKind, type: SQLType) {
        self.kind = kind
        self.type = type
    }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values else { return }
        let grow = groupCount - counts.count
        if grow > 0 {
            counts += [Int64](repeating: 0, count: grow)
            sums += [Double](repeating: 0, count: grow)
            intSums += [Int64](repeating: 0, count: grow)
            overflowed += [Bool](repeating: false, count: grow)
            means += [Double](repeating: 0, count: grow)
            m2 += [Double](repeating: 0, count: grow)
        }
        let spread = kind != .sum && kind != .avg
        let valid = values.values.validity
        // The state's arrays move into locals for the loop: class properties accessed
        // per row would pay a dynamic exclusivity check each time.
        var counts = self.counts, sums = self.sums, intSums = self.intSums
        var overflowed = self.overflowed, means = self.means, m2 = self.m2
        self.counts = []; self.sums = []; self.intSums = []; self.overflowed = []; self.means = []; self.m2 = []
        defer {
            self.counts = counts; self.sums = sums; self.intSums = intSums
            self.overflowed = overflowed; self.means = means; self.m2 = m2
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
                let (sum, o) = intSums[g].addingReportingOverflow(v[i])
                intSums[g] = sum
                if o { overflowed[g] = true }
                sums[g] += Double(v[i])
                if spread { welford(g, Double(v[i])) }
            }
        default:
            throw QueryError(.type, "\(kind.rawValue) needs a number, not \(values.type)")
        }
    }


    override var memoryBytes: Int { counts.count * 41 }

    override func result(_ g: Int) throws(QueryError) -> SQLValue {
        guard g < counts.count, counts[g] > 0 else { return .null }
        let n = Double(counts[g])
        switch kind {
        case .sum:
            if type == .bigint {
                guard !overflowed[g] else { throw QueryError(.outOfRange, "sum() is out of range for BIGINT") }
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

final class ExtremeState: AggregateState {
    let max: Bool
    let type: SQLType
    var best: [SQLValue] = []

    init(max: Bool, type: SQLType) {
        self.max = max
        self.type = type
    }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values else { return }
        if best.count < groupCount { best += [SQLValue](repeating: .null, count: groupCount - best.count) }
        if case .double(let v, let valid) = values.values {
            // Typed loop for the common case; NaN sorts above every number.
            var best = self.best
            self.best = []
            defer { self.best = best }
            let max = self.max
            for (i, g) in groups.enumerated() where valid?[i] ?? true {
                guard case .double(let b) = best[g] else { best[g] = .double(v[i]); continue }
                let c = SQLValue.compareDoubles(v[i], b)
                if max ? c > 0 : c < 0 { best[g] = .double(v[i]) }
            }
            return
        }
        for (i, g) in groups.enumerated() where values.isValid(i) {
            let x = values.value(at: i)
            if best[g].isNull { best[g] = x; continue }
            if let c = SQLValue.compare(x, best[g]), max ? c > 0 : c < 0 { best[g] = x }
        }
    }

    override func result(_ g: Int) throws(QueryError) -> SQLValue { g < best.count ? best[g] : .null }
    override var memoryBytes: Int { best.count * MemoryEstimate.value }
}

/// first(x, time) / last(x, time): the value at the smallest / largest time (ties keep
/// the earlier row for first and the later row for last).
final class FirstLastState: AggregateState {
    let last: Bool
    let type: SQLType
    var times: [Int64] = []
    var seen: [Bool] = []
    var values: [SQLValue] = []

    init(last: Bool, type: SQLType) {
        self.last = last
        self.type = type
    }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values, let times else { return }
        let grow = groupCount - self.times.count
        if grow > 0 {
            self.times += [Int64](repeating: 0, count: grow)
            seen += [Bool](repeating: false, count: grow)
            self.values += [SQLValue](repeating: .null, count: grow)
        }
        guard case .bigint(let t, let tv) = times.values else { throw QueryError(.type, "first/last need a TIMESTAMP ordering argument") }
        for (i, g) in groups.enumerated() where tv?[i] ?? true {
            if !seen[g] || (last ? t[i] >= self.times[g] : t[i] < self.times[g]) {
                seen[g] = true
                self.times[g] = t[i]
                self.values[g] = values.value(at: i)
            }
        }
    }

    override func result(_ g: Int) throws(QueryError) -> SQLValue { g < values.count ? values[g] : .null }
    override var memoryBytes: Int { times.count * (9 + MemoryEstimate.value) }
}

/// Exact percentiles: every value of the group is kept and sorted once at the end.
final class PercentileState: AggregateState {
    let discrete: Bool
    let fraction: Double
    let type: SQLType
    var values: [[Double]] = []
    var raw: [[SQLValue]] = []
    /// Values kept, over all groups.
    var stored = 0

    init(discrete: Bool, fraction: Double, type: SQLType) {
        self.discrete = discrete
        self.fraction = fraction
        self.type = type
    }

    override func update(_ groups: [Int], groupCount: Int, _ vector: Vector?, _ times: Vector?) throws(QueryError) {
        guard let vector else { return }
        if values.count < groupCount {
            values += [[Double]](repeating: [], count: groupCount - values.count)
            raw += [[SQLValue]](repeating: [], count: groupCount - raw.count)
        }
        for (i, g) in groups.enumerated() where vector.isValid(i) {
            let v = vector.value(at: i)
            guard let d = v.doubleValue ?? v.int64Value.map(Double.init) else {
                throw QueryError(.type, "percentiles need a number or a timestamp, not \(vector.type)")
            }
            values[g].append(d)
            raw[g].append(v)
            stored += 1
        }
    }

    override var memoryBytes: Int { values.count * 2 * MemoryEstimate.arrayHeader + stored * (8 + MemoryEstimate.value) }

    override func result(_ g: Int) throws(QueryError) -> SQLValue {
        guard g < values.count, !values[g].isEmpty else { return .null }
        let order = values[g].indices.sorted { SQLValue.compareDoubles(values[g][$0], values[g][$1]) < 0 }
        let n = order.count
        if discrete {
            // The first value whose cumulative share reaches the fraction.
            let index = Swift.max(0, Swift.min(n - 1, Int((fraction * Double(n)).rounded(.up)) - 1))
            return raw[g][order[index]]
        }
        let position = fraction * Double(n - 1)
        let low = Int(position.rounded(.down))
        let high = Swift.min(low + 1, n - 1)
        let a = values[g][order[low]], b = values[g][order[high]]
        // On a row exactly, its value: interpolating would turn an infinite one into NaN
        // (∞ − ∞). PostgreSQL interpolates only between two rows, as here.
        let value = position == Double(low) ? a : a + (b - a) * (position - Double(low))
        return type == .timestamp ? .timestamp(Int64(value.rounded())) : .double(value)
    }
}

/// Any aggregate over DISTINCT values: the distinct values of each group are collected,
/// then fed to the plain aggregate.
final class DistinctState: AggregateState {
    let aggregate: BoundAggregate
    var sets: [Set<SQLValue>] = []
    /// Values kept, over all groups.
    var stored = 0

    init(_ aggregate: BoundAggregate) { self.aggregate = aggregate }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values else { return }
        if sets.count < groupCount { sets += [Set<SQLValue>](repeating: [], count: groupCount - sets.count) }
        for (i, g) in groups.enumerated() where values.isValid(i) {
            var v = values.value(at: i)
            if case .double(let d) = v, d == 0 { v = .double(0) }  // -0 and 0 are one value
            if sets[g].insert(v).inserted { stored += 1 }
        }
    }

    override var memoryBytes: Int { sets.count * MemoryEstimate.arrayHeader + stored * (MemoryEstimate.value + MemoryEstimate.hashEntry) }

    override func result(_ g: Int) throws(QueryError) -> SQLValue {
        guard g < sets.count else { return aggregate.kind == .count ? .bigint(0) : .null }
        var plain = aggregate
        plain.distinct = false
        let state = plain.makeState()
        let items = Array(sets[g])
        let vector = Vector.build(items, type: aggregate.argument?.type ?? .null)
        try state.update([Int](repeating: 0, count: items.count), groupCount: 1, vector, nil)
        return try state.result(0)
    }
}
