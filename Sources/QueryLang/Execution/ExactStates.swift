// The aggregates that keep every value of a group: exact percentiles (values in input
// order, sorted once at the end) and DISTINCT aggregates (each group's set of values, fed
// to the plain aggregate at the end). Partial states merge by appending the later
// input's values and by set union.

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

    func reserve(_ groupCount: Int) {
        if values.count < groupCount {
            values += [[Double]](repeating: [], count: groupCount - values.count)
            raw += [[SQLValue]](repeating: [], count: groupCount - raw.count)
        }
    }

    override func update(_ groups: [Int], groupCount: Int, _ vector: Vector?, _ times: Vector?) throws(QueryError) {
        guard let vector else { return }
        reserve(groupCount)
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

    override func merge(_ other: AggregateState, _ map: [Int], groupCount: Int) throws(QueryError) {
        guard let other = other as? PercentileState else { return }
        reserve(groupCount)
        for g in 0..<other.values.count where !other.values[g].isEmpty {
            values[map[g]] += other.values[g]
            raw[map[g]] += other.raw[g]
        }
        stored += other.stored
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

    func reserve(_ groupCount: Int) {
        if sets.count < groupCount { sets += [Set<SQLValue>](repeating: [], count: groupCount - sets.count) }
    }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values else { return }
        reserve(groupCount)
        for (i, g) in groups.enumerated() where values.isValid(i) {
            var v = values.value(at: i)
            if case .double(let d) = v, d == 0 { v = .double(0) }  // -0 and 0 are one value
            if sets[g].insert(v).inserted { stored += 1 }
        }
    }

    override func merge(_ other: AggregateState, _ map: [Int], groupCount: Int) throws(QueryError) {
        guard let other = other as? DistinctState else { return }
        reserve(groupCount)
        for (g, set) in other.sets.enumerated() {
            for v in set where sets[map[g]].insert(v).inserted { stored += 1 }
        }
    }

    override var memoryBytes: Int { sets.count * MemoryEstimate.arrayHeader + stored * (MemoryEstimate.value + MemoryEstimate.hashEntry) }

    override func result(_ g: Int) throws(QueryError) -> SQLValue {
        guard g < sets.count else { return aggregate.kind == .count ? .bigint(0) : .null }
        var plain = aggregate
        plain.distinct = false
        let state = plain.makeState()
        // In value order: the plain aggregate's answer (a float sum's last bits) does not
        // depend on the order the set was built in.
        let items = sets[g].sorted { a, b in
            if case .double(let x) = a, case .double(let y) = b { return SQLValue.compareDoubles(x, y) < 0 }
            return (SQLValue.compare(a, b) ?? 0) < 0
        }
        let vector = Vector.build(items, type: aggregate.argument?.type ?? .null)
        try state.update([Int](repeating: 0, count: items.count), groupCount: 1, vector, nil)
        return try state.result(0)
    }
}
