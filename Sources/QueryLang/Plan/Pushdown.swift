// Pushdown: WHERE conjuncts the storage engine and the tag index can answer exactly.
// `time` compared with a constant becomes the scan's time range; a tag compared with
// constants becomes an index predicate. SQL's NULL rule is kept: a series without the
// tag has NULL there, which no comparison accepts — so `host <> 'a'` becomes "has a host
// and it is not 'a'" (the index alone would also match series without a host).
import SundialIndex

enum Pushdown {
    /// The time range a conjunct on column 0 (`time`) allows, if it is one.
    static func timeRange(_ e: BoundExpr) -> Range<Int64>? {
        guard case .binary(let op, let a, let b, _) = e else { return nil }
        var (column, value, operation) = (a, b, op)
        if case .literal = a {
            (column, value) = (b, a)
            switch op {
            case .less: operation = .greater
            case .lessOrEqual: operation = .greaterOrEqual
            case .greater: operation = .less
            case .greaterOrEqual: operation = .lessOrEqual
            default: break
            }
        }
        guard case .column(0, .timestamp, _) = column, case .timestamp(let t)? = value.constantValue else { return nil }
        switch operation {
        case .greaterOrEqual: return t..<Int64.max
        case .greater: return t == .max ? t..<t : (t + 1)..<Int64.max
        case .less: return Int64.min..<t
        case .lessOrEqual: return t == .max ? Int64.min..<t : Int64.min..<(t + 1)
        case .equal: return t == .max ? t..<t : t..<(t + 1)
        default: return nil
        }
    }

    static func intersect(_ a: Range<Int64>?, _ b: Range<Int64>) -> Range<Int64> {
        guard let a else { return b }
        let low = max(a.lowerBound, b.lowerBound)
        let high = min(a.upperBound, b.upperBound)
        return low <= high ? low..<high : low..<low
    }

    /// The index predicate a conjunct on a tag column is, if it is one.
    static func tagPredicate(_ e: BoundExpr, tagColumns: Range<Int>) -> TagPredicate? {
        func tag(_ x: BoundExpr) -> String? {
            if case .column(let i, _, let name) = x, tagColumns.contains(i) { return name }
            return nil
        }
        switch e {
        case .binary(let op, let a, let b, _) where op == .equal || op == .notEqual:
            let (column, constant) = tag(a) != nil ? (a, b) : (b, a)
            guard let name = tag(column), case .string(let v)? = constant.constantValue, !v.isEmpty else { return nil }
            return TagPredicate(name, op == .equal ? .equal(v) : .notIn([v, ""]))
        case .inList(let a, let values, let negated):
            guard let name = tag(a) else { return nil }
            var strings: [String] = []
            for v in values {
                switch v {
                case .string(let s): if !s.isEmpty { strings.append(s) }
                case .null: if negated { return nil }  // NOT IN (…, NULL) is never true: leave it to the filter
                default: return nil
                }
            }
            return TagPredicate(name, negated ? .notIn(strings + [""]) : .in(strings))
        case .isNull(let a, let negated):
            guard let name = tag(a) else { return nil }
            return TagPredicate(name, negated ? .notEqual("") : .equal(""))
        case .like(let a, let pattern, false):
            guard let name = tag(a), let prefix = pattern.literalPrefixOnly, !prefix.isEmpty else { return nil }
            return TagPredicate(name, .prefix(prefix))
        case .regex(let a, let regex, false):
            // `~` searches; the index matches whole values: wrap the pattern. A pattern that
            // accepts the empty value would let series without the tag (NULL) through.
            guard let name = tag(a), let whole = try? BoundedRegex(".*(?:" + regex.pattern + ").*"), !whole.fullMatch("") else { return nil }
            return TagPredicate(name, .regex(whole))
        default:
            return nil
        }
    }
}

extension LikePattern {
    /// `abc%`: the prefix, when the pattern is a literal followed by one trailing `%`.
    var literalPrefixOnly: String? {
        guard pieces.last == .any else { return nil }
        var prefix = ""
        for piece in pieces.dropLast() {
            guard case .literal(let c) = piece else { return nil }
            prefix.append(c)
        }
        return prefix
    }
}
