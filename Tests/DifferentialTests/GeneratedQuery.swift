// The generator's model of a query: small enough to shrink, rich enough to cover the
// SELECT grammar Sundial supports. `GeneratedQuery+SQL.swift` prints it in Sundial's
// dialect and, translated to PostgreSQL's semantics, in DuckDB's.
import Sundial

/// The type of a generated expression (Sundial's SQL types).
enum ValueType: String, CaseIterable, Hashable {
    case double, bigint, boolean, string, timestamp, interval

    var isNumeric: Bool { self == .double || self == .bigint }
}

/// How a timestamp or interval literal is spelled in Sundial's dialect.
enum LiteralStyle: Hashable {
    /// `TIMESTAMP '…'`, `INTERVAL '…'`.
    case typed
    /// `'…'`, which the binder coerces next to a TIMESTAMP (or as a time_bucket width).
    case text
    /// A duration literal (`90m`, `1h`) for intervals; RFC 3339 text for timestamps.
    case compact
}

enum GeneratedLiteral: Hashable {
    case null
    case bigint(Int64)
    case double(Double)
    case string(String)
    case boolean(Bool)
    /// Nanoseconds since the epoch (whole microseconds).
    case timestamp(Int64, LiteralStyle)
    /// Nanoseconds, or months when `months` is set.
    case interval(Int64, months: Int64, LiteralStyle)
}

/// An aggregate call.
struct GeneratedAggregate: Hashable {
    enum Kind: String, Hashable {
        case countStar, count, sum, avg, min, max, first, last
        case stddev, variance, stddevSamp = "stddev_samp", varianceSamp = "var_samp"
        case stddevPop = "stddev_pop", variancePop = "var_pop"
        case percentileDisc = "percentile_disc", percentileCont = "percentile_cont"
    }

    var kind: Kind
    var arguments: [GeneratedExpr]
    var distinct = false
    var fraction: Double?
    var type: ValueType
}

/// A generated expression.
indirect enum GeneratedExpr: Hashable {
    case column(String, ValueType)
    case literal(GeneratedLiteral, ValueType)
    /// `$n` in Sundial (the value passed as parameter n), the literal in DuckDB.
    case parameter(Int, GeneratedLiteral, ValueType)
    case negate(GeneratedExpr)
    case not(GeneratedExpr)
    /// `+ - * / %` with the result type.
    case arithmetic(String, GeneratedExpr, GeneratedExpr, ValueType)
    /// `= <> < <= > >=`.
    case comparison(String, GeneratedExpr, GeneratedExpr)
    /// `AND`, `OR`.
    case logical(String, GeneratedExpr, GeneratedExpr)
    case isNull(GeneratedExpr, negated: Bool)
    case inList(GeneratedExpr, [GeneratedExpr], negated: Bool)
    case between(GeneratedExpr, GeneratedExpr, GeneratedExpr, negated: Bool)
    case like(GeneratedExpr, String, negated: Bool)
    case regex(GeneratedExpr, String, negated: Bool)
    /// `CASE WHEN c THEN r … [ELSE e] END`.
    case searchedCase([GeneratedExpr], [GeneratedExpr], GeneratedExpr?, ValueType)
    /// `CASE x WHEN v THEN r … [ELSE e] END`.
    case simpleCase(GeneratedExpr, [GeneratedExpr], [GeneratedExpr], GeneratedExpr?, ValueType)
    /// `CAST(x AS t)` or `x::t`.
    case cast(GeneratedExpr, ValueType, colons: Bool)
    /// A scalar function by its Sundial name.
    case function(String, [GeneratedExpr], ValueType)
    /// `a || b`.
    case concatenate(GeneratedExpr, GeneratedExpr)
    case extract(String, GeneratedExpr)
    /// `time_bucket(width, ts[, origin])`; the width is an interval literal.
    case timeBucket(GeneratedLiteral, GeneratedExpr, origin: GeneratedExpr?)
    case dateTrunc(String, GeneratedExpr)
    /// The `i`-th GROUP BY key (printed as that key's expression).
    case key(Int, ValueType)
    case aggregate(GeneratedAggregate)

    var type: ValueType {
        switch self {
        case .column(_, let t), .literal(_, let t), .parameter(_, _, let t), .arithmetic(_, _, _, let t), .searchedCase(_, _, _, let t),
             .simpleCase(_, _, _, _, let t), .cast(_, let t, _), .function(_, _, let t), .key(_, let t):
            t
        case .negate(let e): e.type
        case .not, .comparison, .logical, .isNull, .inList, .between, .like, .regex: .boolean
        case .concatenate: .string
        case .extract: .double
        case .timeBucket, .dateTrunc: .timestamp
        case .aggregate(let a): a.type
        }
    }

    /// The direct subexpressions (aggregate arguments included).
    var children: [GeneratedExpr] {
        switch self {
        case .column, .literal, .parameter, .key: []
        case .negate(let e), .not(let e), .isNull(let e, _), .like(let e, _, _), .regex(let e, _, _), .cast(let e, _, _),
             .extract(_, let e), .dateTrunc(_, let e):
            [e]
        case .arithmetic(_, let a, let b, _), .comparison(_, let a, let b), .logical(_, let a, let b), .concatenate(let a, let b): [a, b]
        case .inList(let e, let list, _): [e] + list
        case .between(let a, let b, let c, _): [a, b, c]
        case .searchedCase(let c, let r, let e, _): c + r + (e.map { [$0] } ?? [])
        case .simpleCase(let x, let v, let r, let e, _): [x] + v + r + (e.map { [$0] } ?? [])
        case .function(_, let args, _): args
        case .timeBucket(_, let t, let origin): [t] + (origin.map { [$0] } ?? [])
        case .aggregate(let a): a.arguments
        }
    }

    /// The expression with its direct subexpressions replaced, in `children` order.
    func replacingChildren(_ new: [GeneratedExpr]) -> GeneratedExpr {
        var it = new.makeIterator()
        func next() -> GeneratedExpr { it.next()! }
        switch self {
        case .column, .literal, .parameter, .key: return self
        case .negate: return .negate(next())
        case .not: return .not(next())
        case .isNull(_, let n): return .isNull(next(), negated: n)
        case .like(_, let p, let n): return .like(next(), p, negated: n)
        case .regex(_, let p, let n): return .regex(next(), p, negated: n)
        case .cast(_, let t, let c): return .cast(next(), t, colons: c)
        case .extract(let f, _): return .extract(f, next())
        case .dateTrunc(let u, _): return .dateTrunc(u, next())
        case .arithmetic(let op, _, _, let t): return .arithmetic(op, next(), next(), t)
        case .comparison(let op, _, _): return .comparison(op, next(), next())
        case .logical(let op, _, _): return .logical(op, next(), next())
        case .concatenate: return .concatenate(next(), next())
        case .inList(_, let list, let n): let e = next(); return .inList(e, list.map { _ in next() }, negated: n)
        case .between(_, _, _, let n): return .between(next(), next(), next(), negated: n)
        case .searchedCase(let c, let r, let e, let t):
            let cs = c.map { _ in next() }, rs = r.map { _ in next() }
            return .searchedCase(cs, rs, e.map { _ in next() }, t)
        case .simpleCase(_, let v, let r, let e, let t):
            let x = next()
            let vs = v.map { _ in next() }, rs = r.map { _ in next() }
            return .simpleCase(x, vs, rs, e.map { _ in next() }, t)
        case .function(let name, let args, let t): return .function(name, args.map { _ in next() }, t)
        case .timeBucket(let w, _, let origin): return .timeBucket(w, next(), origin: origin.map { _ in next() })
        case .aggregate(var a): a.arguments = a.arguments.map { _ in next() }; return .aggregate(a)
        }
    }

    /// Smaller expressions of the same type: a same-typed subexpression in place of the
    /// whole, or a child shrunk in place.
    var shrinks: [GeneratedExpr] {
        var out: [GeneratedExpr] = []
        // An aggregate's arguments read rows: they cannot stand in for it.
        if case .aggregate = self {} else {
            for child in children where child.type == type { out.append(child) }
        }
        let kids = children
        for (i, child) in kids.enumerated() {
            for smaller in child.shrinks {
                var copy = kids
                copy[i] = smaller
                out.append(replacingChildren(copy))
            }
        }
        return out
    }

    /// Whether the value's last digits may depend on the order rows are aggregated in: a
    /// variance or standard deviation, or a sum or average of terms that are not exact
    /// (quotients, logarithms, roots, epoch seconds).
    var dependsOnRowOrder: Bool {
        if case .aggregate(let a) = self {
            switch a.kind {
            case .stddev, .variance, .stddevSamp, .varianceSamp, .stddevPop, .variancePop: return true
            case .sum, .avg: return a.arguments.contains { $0.isInexact }
            default: return a.arguments.contains { $0.dependsOnRowOrder }
            }
        }
        return children.contains { $0.dependsOnRowOrder }
    }

    /// Whether computing the value may round (beyond the exact sums of the data's
    /// quarter multiples).
    var isInexact: Bool {
        switch self {
        case .arithmetic("/", _, _, .double), .extract: return true
        case .function(let name, _, _) where ["ln", "sqrt"].contains(name): return true
        default: return children.contains { $0.isInexact }
        }
    }

    /// Whether `extract(field FROM …)` appears in the expression.
    func mentions(extract field: String) -> Bool {
        if case .extract(field, _) = self { return true }
        return children.contains { $0.mentions(extract: field) }
    }

    var containsAggregate: Bool {
        if case .aggregate = self { return true }
        return children.contains { $0.containsAggregate }
    }

    /// Whether the expression reads the `time` column directly.
    var isTimeColumn: Bool {
        if case .column("time", _) = self { return true }
        return false
    }
}

extension GeneratedLiteral {
    /// The literal as a parameter value.
    var value: SQLValue {
        switch self {
        case .null: .null
        case .bigint(let v): .bigint(v)
        case .double(let v): .double(v)
        case .string(let v): .string(v)
        case .boolean(let v): .boolean(v)
        case .timestamp(let v, _): .timestamp(v)
        case .interval(let v, _, _): .interval(v)
        }
    }
}

/// A generated SELECT over the one table.
struct GeneratedQuery {
    struct SelectItem {
        var expr: GeneratedExpr
        var alias: String?
    }

    enum Distinct {
        case none, rows
        /// DISTINCT ON the select items at these positions.
        case on([Int])
    }

    /// How GROUP BY names a key.
    enum KeyReference {
        case expression
        /// The alias of the select item at this position.
        case alias(Int)
        /// The 1-based position of this select item.
        case ordinal(Int)
    }

    struct OrderItem {
        enum Target {
            case ordinal(Int)
            case alias(Int)
            case expression(GeneratedExpr)
        }
        var target: Target
        /// nil: no ASC/DESC keyword (ascending).
        var descending: Bool?
        /// nil: no NULLS clause (PostgreSQL's default: NULLs sort as the largest values).
        var nullsFirst: Bool?

        var isDescending: Bool { descending ?? false }
        var effectiveNullsFirst: Bool { nullsFirst ?? isDescending }
    }

    enum FillStrategy: Hashable {
        case null, previous, linear
        case value(Double)
    }

    struct Fill {
        var strategy: FillStrategy
        /// The WHERE bounds the buckets fill: `time >= low AND time < high`, in ns.
        var low: Int64
        var high: Int64
    }

    enum Spelling { case plain, quoted, uppercase }

    /// `SELECT *` (the select items are then the table's columns, in order).
    var star = false
    /// `SELECT q.*`: the table's name or alias, or (rarely) a wrong name both must reject.
    var starQualifier: String?
    var spelling = Spelling.plain
    var select: [SelectItem] = []
    var tableAlias: String?
    var distinct: Distinct = .none
    var conjuncts: [GeneratedExpr] = []
    /// Grouping keys; nil for a query without GROUP BY (it may still aggregate).
    var groupKeys: [GeneratedExpr]?
    var keyReferences: [KeyReference] = []
    var fill: Fill?
    var having: GeneratedExpr?
    /// LATEST ON time PARTITION BY these tags.
    var latestOn: [String]?
    var orderBy: [OrderItem] = []
    var limit: Int?
    var offset: Int?

    /// The query's shape, for statistics.
    var kind: String {
        if fill != nil { return "FILL" }
        if latestOn != nil { return "LATEST ON" }
        if case .on = distinct { return "DISTINCT ON" }
        return isAggregate ? "aggregate" : "select"
    }

    /// Whether the query aggregates (GROUP BY, or an aggregate in SELECT, HAVING or ORDER BY).
    var isAggregate: Bool {
        groupKeys != nil || having != nil || select.contains { $0.expr.containsAggregate }
            || orderBy.contains { if case .expression(let e) = $0.target { e.containsAggregate } else { false } }
    }

    /// The select item an ORDER BY target names, if it names one.
    func selectIndex(_ target: OrderItem.Target) -> Int? {
        switch target {
        case .ordinal(let i), .alias(let i): i
        case .expression(let e): select.firstIndex { $0.expr == e }
        }
    }

    /// Whether ORDER BY fixes the order of every row (ties only between identical rows).
    var orderIsTotal: Bool {
        if isAggregate && (groupKeys ?? []).isEmpty { return true }  // one row
        let ordered = Set(orderBy.compactMap { item -> GeneratedExpr? in
            switch item.target {
            case .ordinal(let i), .alias(let i): select[i].expr
            case .expression(let e): e
            }
        })
        if latestOn != nil {
            // One row per partition; ordering by every partition tag (LATEST ON's default
            // order when there is no ORDER BY) fixes it.
            return orderBy.isEmpty || latestOn!.allSatisfy { tag in ordered.contains { $0 == .column(tag, .string) } }
        }
        if orderBy.isEmpty { return false }
        if let keys = groupKeys {
            return keys.indices.allSatisfy { k in ordered.contains(.key(k, keys[k].type)) }
        }
        if case .rows = distinct { return select.allSatisfy { ordered.contains($0.expr) } }
        if case .on(let on) = distinct {
            // One row per DISTINCT ON value, and it leads the order.
            return on.allSatisfy { ordered.contains(select[$0].expr) }
        }
        return ordered.contains(.column("time", .timestamp))
    }

    /// How to compare this query's answers (see `ResultComparison.Order`).
    var order: ResultComparison.Order {
        if limitsUnorderedRows { return .some(limit: limit, offset: offset ?? 0) }
        guard orderIsTotal else { return .partial(orderedColumns) }
        let visible = orderedColumns
        if !orderBy.isEmpty && visible.count == orderBy.count { return .total(keys: visible) }
        // A hidden DOUBLE key may tie within the tolerance and flip: order by what shows.
        let hiddenDouble = orderBy.contains { item in
            if case .expression(let e) = item.target, selectIndex(item.target) == nil { e.type == .double } else { false }
        }
        return hiddenDouble ? .partial(visible) : .total(keys: nil)
    }

    /// LIMIT or OFFSET without an ORDER BY that fixes the order: any rows will do.
    var limitsUnorderedRows: Bool { (limit != nil || offset != nil) && !orderIsTotal }

    /// The values of `$1`, `$2`, … (NULL for numbers no longer used after shrinking).
    var parameters: [SQLValue] {
        var found: [Int: SQLValue] = [:]
        func collect(_ e: GeneratedExpr) {
            if case .parameter(let n, let value, _) = e { found[n] = value.value }
            e.children.forEach(collect)
        }
        select.forEach { collect($0.expr) }
        conjuncts.forEach(collect)
        groupKeys?.forEach(collect)
        having.map(collect)
        for item in orderBy { if case .expression(let e) = item.target { collect(e) } }
        return (1..<((found.keys.max() ?? 0) + 1)).map { found[$0] ?? .null }
    }

    /// Output columns whose values ORDER BY fixes in sequence (the leading ORDER BY items
    /// that are select items), for queries whose order is not total.
    var orderedColumns: [Int] {
        var out: [Int] = []
        for item in orderBy {
            guard let i = selectIndex(item.target) else { break }
            out.append(i)
        }
        return out
    }
}
