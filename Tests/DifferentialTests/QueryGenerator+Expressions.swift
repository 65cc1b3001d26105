// Typed random expressions: leaves are columns (or, over groups, keys and aggregates)
// and literals; inner nodes are the operators and functions Sundial supports, combined
// the way its binder types them (BIGINT with DOUBLE is DOUBLE, TIMESTAMP − TIMESTAMP is
// an INTERVAL, …).

extension QueryGenerator {
    struct TimestampLiteral {
        var nanoseconds: Int64
        var expr: GeneratedExpr
    }

    static let columnsByType: [ValueType: [String]] = [
        .timestamp: ["time"], .string: ["host", "region", "env", "msg"], .double: ["usage", "temp"],
        .bigint: ["n"], .boolean: ["ok"], .interval: [],
    ]

    mutating func expr(_ type: ValueType, _ depth: Int, _ scope: Scope) -> GeneratedExpr {
        if depth <= 0 || chance(0.25) { return leaf(type, scope) }
        let d = depth - 1
        switch type {
        case .double: return doubleExpr(d, scope)
        case .bigint: return bigintExpr(d, scope)
        case .boolean: return booleanExpr(d, scope)
        case .string: return stringExpr(d, scope)
        case .timestamp: return timestampExpr(d, scope)
        case .interval: return intervalExpr(d, scope)
        }
    }

    mutating func leaf(_ type: ValueType, _ scope: Scope) -> GeneratedExpr {
        switch scope {
        case .row:
            let columns = Self.columnsByType[type]!
            if !columns.isEmpty && chance(0.8) { return .column(pick(columns), type) }
        case .group(let keys):
            let matching = keys.indices.filter { keys[$0].type == type }
            if !matching.isEmpty && chance(0.4) { let k = pick(matching); return .key(k, type) }
            if chance(0.7) { return .aggregate(aggregate(type)) }
        }
        return literal(type)
    }

    mutating func literal(_ type: ValueType) -> GeneratedExpr {
        let e = plainLiteral(type)
        guard chance(0.06), case .literal(let value, let t) = e else { return e }
        parameterCount += 1
        return .parameter(parameterCount, value, t)
    }

    mutating func plainLiteral(_ type: ValueType) -> GeneratedExpr {
        if type != .timestamp && type != .interval && chance(0.04) { return .literal(.null, type) }
        switch type {
        case .double: return .literal(.double(Double(int(-80...80)) / 4), .double)
        case .bigint: return .literal(.bigint(Int64(int(-10...10))), .bigint)
        case .boolean: return .literal(.boolean(chance(0.5)), .boolean)
        case .string: return .literal(.string(pick(DifferentialDataSet.hosts + DifferentialDataSet.messages + ["eu-west", "prod", "x", "none"])), .string)
        case .timestamp: return timestampLiteral().expr
        case .interval: return intervalLiteral()
        }
    }

    mutating func intervalLiteral() -> GeneratedExpr {
        let seconds: Int64 = pick([1, 30, 60, 300, 900, 3600, 5400, 10800, 86400, 172800])
        return .literal(.interval(seconds * 1_000_000_000, months: 0, pick([.typed, .compact])), .interval)
    }

    /// A timestamp in (or just around) the data's two days: a row's exact time, a whole
    /// hour, or any microsecond. A `coercible` one may be written as bare text, which
    /// means a timestamp only where the other operand is one (PostgreSQL's unknown type).
    mutating func timestampLiteral(coercible: Bool = false) -> TimestampLiteral {
        let t: Int64
        switch int(0...2) {
        case 0: t = pick(data.rows).time
        case 1: t = DifferentialDataSet.start + Int64(int(-2...50)) * 3_600_000_000_000
        default: t = DifferentialDataSet.start + Int64(rng.next() % UInt64(DifferentialDataSet.span / 1_000)) * 1_000
        }
        let style = coercible ? pick([LiteralStyle.typed, .typed, .text, .compact]) : .typed
        return TimestampLiteral(nanoseconds: t, expr: .literal(.timestamp(t, style), .timestamp))
    }

    /// A divisor that is never zero (so both engines answer instead of failing).
    mutating func nonZero(_ type: ValueType, _ depth: Int, _ scope: Scope) -> GeneratedExpr {
        if chance(0.5) {
            let v = pick([1, 2, 3, 4, 7, -1, -2, -3])
            return type == .double ? .literal(.double(Double(v) / 2), .double) : .literal(.bigint(Int64(v)), .bigint)
        }
        let one: GeneratedExpr = type == .double ? .literal(.double(1), .double) : .literal(.bigint(1), .bigint)
        return .arithmetic("+", .function("abs", [expr(type, depth, scope)], type), one, type)
    }

    /// An expression whose value both engines compute bit for bit, for rounding to an
    /// integer: not a variance or a sum of inexact terms, whose last digits depend on the
    /// order of the rows (a variance that is exactly 3249.5 in theory may round either way).
    mutating func exact(_ type: ValueType, _ d: Int, _ scope: Scope) -> GeneratedExpr {
        for _ in 0..<10 {
            let e = expr(type, d, scope)
            if !e.dependsOnRowOrder { return e }
        }
        return literal(type)
    }

    mutating func numeric(_ depth: Int, _ scope: Scope) -> GeneratedExpr {
        expr(chance(0.6) ? .double : .bigint, depth, scope)
    }

    mutating func doubleExpr(_ d: Int, _ scope: Scope) -> GeneratedExpr {
        switch int(0...15) {
        case 0, 1:
            let a = expr(.double, d, scope), b = numeric(d, scope)
            return chance(0.5) ? .arithmetic(pick(["+", "-", "*"]), a, b, .double) : .arithmetic(pick(["+", "-", "*"]), b, a, .double)
        case 2: return .arithmetic("/", numeric(d, scope), nonZero(.double, d, scope), .double)
        case 3: return .negate(expr(.double, d, scope))
        case 4:
            let name = pick(["abs", "floor", "ceil", "round"])
            return .function(name, [name == "abs" ? expr(.double, d, scope) : exact(.double, d, scope)], .double)
        case 14: return .function(pick(["floor", "ceil", "round"]), [expr(.bigint, d, scope)], .double)
        case 5: return .function("round", [exact(.double, d, scope), .literal(.bigint(Int64(int(0...2))), .bigint)], .double)
        case 6: return .function("sqrt", [.function("abs", [numeric(d, scope)], .double)], .double)
        case 7:
            let inner = GeneratedExpr.function("abs", [expr(.double, d, scope)], .double)
            return .function("ln", [.arithmetic("+", inner, .literal(.double(1), .double), .double)], .double)
        case 8:
            var args = [expr(.double, d, scope)]
            for _ in 0..<int(1...2) { args.append(numeric(d, scope)) }
            return .function(pick(["greatest", "least", "coalesce"]), shuffled(args), .double)
        case 9, 10: return caseExpr(.double, d, scope)
        case 11: return .cast(expr(.bigint, d, scope), .double, colons: chance(0.5))
        case 12: return .extract(pick(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECONDS", "MICROSECONDS", "EPOCH",
                                       "DOW", "ISODOW", "DOY", "QUARTER", "WEEK", "ISOYEAR", "DECADE", "CENTURY", "MILLENNIUM"]),
                                 expr(.timestamp, d, scope))
        case 13: return .function("coalesce", [expr(.double, d, scope), literal(.double)], .double)
        default: return leaf(.double, scope)
        }
    }

    mutating func bigintExpr(_ d: Int, _ scope: Scope) -> GeneratedExpr {
        switch int(0...12) {
        case 0, 1: return .arithmetic(pick(["+", "-", "*"]), expr(.bigint, d, scope), expr(.bigint, d, scope), .bigint)
        case 2, 3: return .arithmetic(pick(["/", "%"]), expr(.bigint, d, scope), nonZero(.bigint, d, scope), .bigint)
        case 4: return .negate(expr(.bigint, d, scope))
        case 5: return .function("abs", [expr(.bigint, d, scope)], .bigint)
        case 6: return .function(pick(["length", "char_length"]), [expr(.string, d, scope)], .bigint)
        case 7:
            // `usage` is always finite; anything else is clamped, so that no row (counted or
            // not, LIMIT 0 or not) fails: when an engine evaluates a failing expression is
            // its own business.
            if case .row = scope, chance(0.8) { return .cast(.column("usage", .double), .bigint, colons: chance(0.5)) }
            let clamped = GeneratedExpr.function("least", [
                .function("greatest", [exact(.double, d, scope), .literal(.double(-1e6), .double)], .double),
                .literal(.double(1e6), .double)], .double)
            return .cast(clamped, .bigint, colons: chance(0.5))
        case 8: return .cast(expr(.boolean, d, scope), .bigint, colons: false)
        case 9:
            let args = (0..<int(2...3)).map { _ in expr(.bigint, d, scope) }
            return .function(pick(["greatest", "least", "coalesce"]), args, .bigint)
        case 10, 11: return caseExpr(.bigint, d, scope)
        default: return leaf(.bigint, scope)
        }
    }

    mutating func comparable(_ d: Int, _ scope: Scope) -> (GeneratedExpr, GeneratedExpr) {
        switch int(0...6) {
        case 0, 1: return (numeric(d, scope), numeric(d, scope))
        case 2: return (expr(.string, d, scope), chance(0.6) ? literal(.string) : expr(.string, d, scope))
        case 3: return (expr(.timestamp, d, scope), chance(0.7) ? timestampLiteral(coercible: true).expr : expr(.timestamp, d, scope))
        case 4: return (expr(.boolean, d, scope), expr(.boolean, d, scope))
        case 5: return (expr(.interval, d, scope), intervalLiteral())
        default: return (expr(.bigint, d, scope), literal(.bigint))
        }
    }

    mutating func booleanExpr(_ d: Int, _ scope: Scope) -> GeneratedExpr {
        switch int(0...12) {
        case 0, 1, 2:
            let (a, b) = comparable(d, scope)
            let op = pick(["=", "<>", "<", "<=", ">", ">="])
            return chance(0.8) ? .comparison(op, a, b) : .comparison(op, b, a)
        case 3: return .logical(pick(["AND", "OR"]), expr(.boolean, d, scope), expr(.boolean, d, scope))
        case 4: return .not(expr(.boolean, d, scope))
        case 5: return .isNull(expr(pick(ValueType.allCases), d, scope), negated: chance(0.5))
        case 6:
            let type = pick([ValueType.bigint, .double, .string, .string])
            var list = (0..<int(1...4)).map { _ in literal(type) }
            if chance(0.15) { list.append(expr(type, d, scope)) }
            return .inList(expr(type, d, scope), list, negated: chance(0.4))
        case 7:
            let type = pick([ValueType.bigint, .double, .timestamp, .string])
            let (low, high) = type == .timestamp ? (timestampLiteral(coercible: true).expr, timestampLiteral(coercible: true).expr) : (literal(type), literal(type))
            return .between(expr(type, d, scope), low, high, negated: chance(0.3))
        case 8: return .like(expr(.string, d, scope), pick(Self.likePatterns), negated: chance(0.3))
        case 9: return .regex(expr(.string, d, scope), pick(Self.regexPatterns), negated: chance(0.3))
        case 10: return .cast(expr(.bigint, d, scope), .boolean, colons: chance(0.5))
        case 11: return caseExpr(.boolean, d, scope)
        default: return leaf(.boolean, scope)
        }
    }

    static let likePatterns = ["web%", "%1", "%-%", "w_b-%", "%", "", "%e%", "a_b", "50%", "E%", "%:%", "db_1", "DB%", "_", "%o%t"]
    static let regexPatterns = ["^web", "1$", "[0-9]", "e.r", "^(db|DB)", "B", "x*", "^$", ".", "_", "Err|err", "^[a-z]+$", "o{2}", "\\d+"]

    mutating func stringExpr(_ d: Int, _ scope: Scope) -> GeneratedExpr {
        switch int(0...9) {
        case 0: return .function(pick(["lower", "upper"]), [expr(.string, d, scope)], .string)
        case 1:
            var args = [expr(.string, d, scope), .literal(.bigint(Int64(int(0...4))), .bigint)]
            if chance(0.6) { args.append(.literal(.bigint(Int64(int(0...5))), .bigint)) }
            return .function(pick(["substr", "substring"]), args, .string)
        case 2:
            let args = (0..<int(2...3)).map { _ in expr(chance(0.8) ? .string : .bigint, d, scope) }
            return .function("concat", args, .string)
        case 3: return .concatenate(expr(.string, d, scope), expr(.string, d, scope))
        case 4: return .function("coalesce", [expr(.string, d, scope), literal(.string)], .string)
        case 5: return .cast(expr(chance(0.5) ? .bigint : .boolean, d, scope), .string, colons: chance(0.5))
        case 6, 7: return caseExpr(.string, d, scope)
        default: return leaf(.string, scope)
        }
    }

    mutating func timestampExpr(_ d: Int, _ scope: Scope) -> GeneratedExpr {
        switch int(0...7) {
        case 0, 1: return .timeBucket(bucketWidth(), expr(.timestamp, d, scope), origin: chance(0.2) ? timestampLiteral().expr : nil)
        case 2: return .dateTrunc(pick(["second", "minute", "hour", "day", "week", "month", "quarter", "year"]), expr(.timestamp, d, scope))
        case 3: return .arithmetic(pick(["+", "-"]), expr(.timestamp, d, scope), expr(.interval, d, scope), .timestamp)
        case 4: return .arithmetic("+", expr(.interval, d, scope), expr(.timestamp, d, scope), .timestamp)
        case 5: return .function(pick(["greatest", "least"]), [expr(.timestamp, d, scope), timestampLiteral().expr], .timestamp)
        case 6: return caseExpr(.timestamp, d, scope)
        default: return leaf(.timestamp, scope)
        }
    }

    mutating func intervalExpr(_ d: Int, _ scope: Scope) -> GeneratedExpr {
        switch int(0...5) {
        case 0, 1: return .arithmetic("-", expr(.timestamp, d, scope), expr(.timestamp, d, scope), .interval)
        case 5:
            // `time - '2016-02-29 …'`: text subtracted from a timestamp is a timestamp.
            let text = timestampLiteral(coercible: true).expr
            return chance(0.7) ? .arithmetic("-", expr(.timestamp, d, scope), text, .interval) : .arithmetic("-", text, expr(.timestamp, d, scope), .interval)
        case 2: return .arithmetic(pick(["+", "-"]), expr(.interval, d, scope), expr(.interval, d, scope), .interval)
        case 3: return .arithmetic("*", expr(.interval, d, scope), .literal(.bigint(Int64(int(-3...3))), .bigint), .interval)
        default: return leaf(.interval, scope)
        }
    }

    mutating func caseExpr(_ type: ValueType, _ d: Int, _ scope: Scope) -> GeneratedExpr {
        let count = int(1...3)
        let otherwise = chance(0.7) ? expr(type, d, scope) : nil
        if chance(0.3) {
            let subjectType = pick([ValueType.bigint, .string, .boolean])
            let subject = expr(subjectType, d, scope)
            let values = (0..<count).map { _ in literal(subjectType) }
            let results = (0..<count).map { _ in expr(type, d, scope) }
            return .simpleCase(subject, values, results, otherwise, type)
        }
        let conditions = (0..<count).map { _ in expr(.boolean, d, scope) }
        let results = (0..<count).map { _ in expr(type, d, scope) }
        return .searchedCase(conditions, results, otherwise, type)
    }

    // MARK: Aggregates

    /// An aggregate call returning `type`; its arguments read rows.
    mutating func aggregate(_ type: ValueType) -> GeneratedAggregate {
        let time = GeneratedExpr.column("time", .timestamp)
        // A bare NULL argument has no type in PostgreSQL (an error there).
        func argument(_ t: ValueType) -> GeneratedExpr {
            let e = chance(0.6) ? leaf(t, .row) : expr(t, int(1...2), .row)
            switch e {
            case .literal(.null, _), .parameter(_, .null, _): return Self.columnsByType[t]!.first.map { .column($0, t) } ?? e
            default: return e
            }
        }
        // Seconds since 1970 spread over a few minutes are ill-conditioned for a variance:
        // the rounding of each value (~1e-7 s) shows in the 8th digit, differently per engine.
        func spread() -> GeneratedExpr {
            var e = argument(chance(0.7) ? .double : .bigint)
            while e.mentions(extract: "EPOCH") { e = argument(.double) }
            return e
        }
        switch type {
        case .bigint:
            switch int(0...7) {
            case 0, 1: return GeneratedAggregate(kind: .countStar, arguments: [], type: .bigint)
            case 2: return GeneratedAggregate(kind: .count, arguments: [argument(pick(ValueType.allCases))], distinct: chance(0.4), type: .bigint)
            case 3: return GeneratedAggregate(kind: .sum, arguments: [argument(.bigint)], distinct: chance(0.2), type: .bigint)
            case 4, 5: return GeneratedAggregate(kind: chance(0.5) ? .min : .max, arguments: [argument(.bigint)], type: .bigint)
            case 6: return GeneratedAggregate(kind: chance(0.5) ? .first : .last, arguments: [argument(.bigint), time], type: .bigint)
            default: return GeneratedAggregate(kind: .percentileDisc, arguments: [argument(.bigint)], fraction: fraction(), type: .bigint)
            }
        case .double:
            switch int(0...8) {
            case 0, 1: return GeneratedAggregate(kind: .sum, arguments: [argument(.double)], distinct: chance(0.15), type: .double)
            case 2, 3: return GeneratedAggregate(kind: .avg, arguments: [argument(chance(0.7) ? .double : .bigint)], distinct: chance(0.15), type: .double)
            case 4: return GeneratedAggregate(kind: chance(0.5) ? .min : .max, arguments: [argument(.double)], type: .double)
            case 5:
                let kind = pick([GeneratedAggregate.Kind.stddev, .variance, .stddevSamp, .varianceSamp, .stddevPop, .variancePop])
                return GeneratedAggregate(kind: kind, arguments: [spread()], type: .double)
            case 6: return GeneratedAggregate(kind: .percentileCont, arguments: [argument(chance(0.7) ? .double : .bigint)], fraction: fraction(), type: .double)
            case 7: return GeneratedAggregate(kind: .percentileDisc, arguments: [argument(.double)], fraction: fraction(), type: .double)
            default: return GeneratedAggregate(kind: chance(0.5) ? .first : .last, arguments: [argument(.double), time], type: .double)
            }
        case .string, .boolean:
            if chance(0.3) { return GeneratedAggregate(kind: chance(0.5) ? .first : .last, arguments: [argument(type), time], type: type) }
            return GeneratedAggregate(kind: chance(0.5) ? .min : .max, arguments: [argument(type)], type: type)
        case .timestamp:
            switch int(0...3) {
            case 0: return GeneratedAggregate(kind: chance(0.5) ? .first : .last, arguments: [argument(.timestamp), time], type: .timestamp)
            case 1: return GeneratedAggregate(kind: .percentileDisc, arguments: [argument(.timestamp)], fraction: fraction(), type: .timestamp)
            default: return GeneratedAggregate(kind: chance(0.5) ? .min : .max, arguments: [argument(.timestamp)], type: .timestamp)
            }
        case .interval:
            return GeneratedAggregate(kind: chance(0.5) ? .min : .max, arguments: [.arithmetic("-", time, timestampLiteral().expr, .interval)], type: .interval)
        }
    }

    mutating func fraction() -> Double { pick([0, 0.1, 0.25, 0.5, 0.6, 0.9, 0.99, 1]) }

    // MARK: WHERE

    /// A WHERE conjunct: often one the planner pushes into the scan or the tag index.
    mutating func predicate() -> GeneratedExpr {
        switch int(0...5) {
        case 0, 1: return tagPredicate()
        case 2:
            let t = timestampLiteral(coercible: true)
            let op = pick([">=", ">", "<", "<=", "="])
            return chance(0.7) ? .comparison(op, .column("time", .timestamp), t.expr) : .comparison(op, t.expr, .column("time", .timestamp))
        default: return expr(.boolean, int(1...3), .row)
        }
    }

    mutating func tagPredicate() -> GeneratedExpr {
        let name = pick(["host", "region", "env"])
        let tag = GeneratedExpr.column(name, .string)
        // Mostly the tag's own values, sometimes another tag's or the empty string.
        let own = name == "host" ? DifferentialDataSet.hosts
            : (name == "region" ? DifferentialDataSet.regions : DifferentialDataSet.envs).compactMap { $0 }
        let values = own + own + DifferentialDataSet.hosts.prefix(2) + DifferentialDataSet.regions.compactMap { $0 } + [""]
        func value() -> GeneratedExpr { .literal(.string(values[Int(rng.next() % UInt64(values.count))]), .string) }
        switch int(0...9) {
        case 0: return .comparison("=", tag, value())
        case 1: return .comparison("<>", tag, value())
        case 2, 3:
            var list = (0..<int(1...3)).map { _ in value() }
            if chance(0.2) { list.append(.literal(.null, .string)) }
            return .inList(tag, list, negated: chance(0.4))
        case 4: return .isNull(tag, negated: chance(0.5))
        case 5: return .like(tag, pick(Self.likePatterns), negated: chance(0.2))
        case 6: return .regex(tag, pick(Self.regexPatterns), negated: chance(0.3))
        case 7: return .not(.comparison("=", tag, value()))
        case 8: return .logical("OR", tagPredicate(), tagPredicate())
        default: return .comparison("=", value(), tag)
        }
    }
}
