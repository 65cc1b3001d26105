// The aggregates that keep one row's value per group: min/max (the extreme value) and
// first/last (the value at the smallest / largest time). Ties keep the row the serial
// scan meets first (min, max, first) or last (last); merging partial states in input
// order keeps that rule, so a parallel aggregation picks the serial answer's row.

final class ExtremeState: AggregateState {
    let max: Bool
    let type: SQLType
    var best: [SQLValue] = []

    init(max: Bool, type: SQLType) {
        self.max = max
        self.type = type
    }

    func reserve(_ groupCount: Int) {
        if best.count < groupCount { best += [SQLValue](repeating: .null, count: groupCount - best.count) }
    }

    /// Whether `x` replaces `current` (never on a tie: the earlier row stays).
    @inline(__always)
    func beats(_ x: SQLValue, _ current: SQLValue) -> Bool {
        if current.isNull { return true }
        if case .double(let a) = x, case .double(let b) = current {
            let c = SQLValue.compareDoubles(a, b)
            return max ? c > 0 : c < 0
        }
        guard let c = SQLValue.compare(x, current) else { return false }
        return max ? c > 0 : c < 0
    }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values else { return }
        reserve(groupCount)
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
            if beats(x, best[g]) { best[g] = x }
        }
    }

    override func merge(_ other: AggregateState, _ map: [Int], groupCount: Int) throws(QueryError) {
        guard let other = other as? ExtremeState else { return }
        reserve(groupCount)
        for (g, x) in other.best.enumerated() where !x.isNull && beats(x, best[map[g]]) { best[map[g]] = x }
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

    func reserve(_ groupCount: Int) {
        let grow = groupCount - times.count
        guard grow > 0 else { return }
        times += [Int64](repeating: 0, count: grow)
        seen += [Bool](repeating: false, count: grow)
        values += [SQLValue](repeating: .null, count: grow)
    }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values, let times else { return }
        reserve(groupCount)
        guard case .bigint(let t, let tv) = times.values else { throw QueryError(.type, "first/last need a TIMESTAMP ordering argument") }
        for (i, g) in groups.enumerated() where tv?[i] ?? true {
            if !seen[g] || (last ? t[i] >= self.times[g] : t[i] < self.times[g]) {
                seen[g] = true
                self.times[g] = t[i]
                self.values[g] = values.value(at: i)
            }
        }
    }

    override func merge(_ other: AggregateState, _ map: [Int], groupCount: Int) throws(QueryError) {
        guard let other = other as? FirstLastState else { return }
        reserve(groupCount)
        for g in 0..<other.seen.count where other.seen[g] {
            let t = map[g]
            // `other` saw later rows: a tie goes to it for last, stays here for first.
            if !seen[t] || (last ? other.times[g] >= times[t] : other.times[g] < times[t]) {
                seen[t] = true
                times[t] = other.times[g]
                values[t] = other.values[g]
            }
        }
    }

    override func result(_ g: Int) throws(QueryError) -> SQLValue { g < values.count ? values[g] : .null }
    override var memoryBytes: Int { times.count * (9 + MemoryEstimate.value) }
}
