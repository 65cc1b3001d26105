// The aggregates that keep one row's value per group: min/max (the extreme value) and
// first/last (the value at the smallest / largest time). Ties keep the row the serial
// scan meets first (min, max, first) or last (last); merging partial states in input
// order keeps that rule, so a parallel aggregation picks the serial answer's row.

/// min/max. DOUBLE extremes are kept unboxed (a value and a flag per group); other
/// types as values.
final class ExtremeState: AggregateState {
    let max: Bool
    let type: SQLType
    /// Whether the extremes are DOUBLE and kept in `doubles` / `present`.
    let typed: Bool
    var doubles: [Double] = []
    var present: [Bool] = []
    var best: [SQLValue] = []

    init(max: Bool, type: SQLType) {
        self.max = max
        self.type = type
        self.typed = type == .double
    }

    func reserve(_ groupCount: Int) {
        if typed {
            guard doubles.count < groupCount else { return }
            present.append(contentsOf: repeatElement(false, count: groupCount - doubles.count))
            doubles.append(contentsOf: repeatElement(0, count: groupCount - doubles.count))
        } else if best.count < groupCount {
            best += [SQLValue](repeating: .null, count: groupCount - best.count)
        }
    }

    /// Whether `x` replaces `current` (never on a tie: the earlier row stays).
    @inline(__always)
    func beats(_ x: SQLValue, _ current: SQLValue) -> Bool {
        if current.isNull { return true }
        if case .double(let a) = x, case .double(let b) = current { return beats(a, b) }
        guard let c = SQLValue.compare(x, current) else { return false }
        return max ? c > 0 : c < 0
    }

    /// The same for doubles (NaN sorts above every number).
    @inline(__always)
    func beats(_ x: Double, _ current: Double) -> Bool {
        let c = SQLValue.compareDoubles(x, current)
        return max ? c > 0 : c < 0
    }

    /// Folds `x` into group `g` of the typed slots.
    @inline(__always)
    func fold(_ x: Double, _ g: Int) {
        if !present[g] || beats(x, doubles[g]) {
            doubles[g] = x
            present[g] = true
        }
    }

    override func update(_ groups: [Int], groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard let values else { return }
        reserve(groupCount)
        if typed {
            if case .double(let v, let valid) = values.values {
                for (i, g) in groups.enumerated() where valid?[i] ?? true { fold(v[i], g) }
            } else {
                for (i, g) in groups.enumerated() { if let x = values.value(at: i).doubleValue { fold(x, g) } }
            }
            return
        }
        for (i, g) in groups.enumerated() where values.isValid(i) {
            let x = values.value(at: i)
            if beats(x, best[g]) { best[g] = x }
        }
    }

    /// A double column without NULLs, run by run: each run's extreme in a register (the
    /// first of equal values, as row by row), then against the group's.
    override func update(runs: GroupRuns, groupCount: Int, _ values: Vector?, _ times: Vector?) throws(QueryError) {
        guard typed, let values, case .double(let v, nil) = values.values else {
            return try update(runs.rows, groupCount: groupCount, values, times)
        }
        reserve(groupCount)
        let max = self.max
        doubles.withUnsafeMutableBufferPointer { d in
            present.withUnsafeMutableBufferPointer { p in
                v.withUnsafeBufferPointer { x in
                    runs.forEach { g, rows in
                        var best = x[rows.lowerBound]
                        for i in (rows.lowerBound + 1)..<rows.upperBound {
                            let c = SQLValue.compareDoubles(x[i], best)
                            if max ? c > 0 : c < 0 { best = x[i] }
                        }
                        let c = SQLValue.compareDoubles(best, d[g])
                        if !p[g] || (max ? c > 0 : c < 0) {
                            d[g] = best
                            p[g] = true
                        }
                    }
                }
            }
        }
    }

    override func merge(_ other: AggregateState, _ map: [Int], groupCount: Int) throws(QueryError) {
        guard let other = other as? ExtremeState else { return }
        reserve(groupCount)
        if typed {
            for g in 0..<other.present.count where other.present[g] { fold(other.doubles[g], map[g]) }
            return
        }
        for (g, x) in other.best.enumerated() where !x.isNull && beats(x, best[map[g]]) { best[map[g]] = x }
    }

    override func result(_ g: Int) throws(QueryError) -> SQLValue {
        if typed { return g < present.count && present[g] ? .double(doubles[g]) : .null }
        return g < best.count ? best[g] : .null
    }

    override var memoryBytes: Int { typed ? doubles.count * 9 : best.count * MemoryEstimate.value }
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
