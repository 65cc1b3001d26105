// Operators on single values: the general path behind the typed loops of Evaluate.swift,
// and constant folding in the binder. Arithmetic follows PostgreSQL: BIGINT with BIGINT
// stays BIGINT (division truncates, overflow is an error), a DOUBLE operand makes DOUBLE,
// TIMESTAMP − TIMESTAMP is an INTERVAL, TIMESTAMP ± INTERVAL a TIMESTAMP.

enum Scalar {
    /// Whether a comparison result (−1, 0, 1) satisfies `op`.
    static func holds(_ op: BoundBinaryOp, _ c: Int) -> Bool {
        switch op {
        case .equal: c == 0
        case .notEqual: c != 0
        case .less: c < 0
        case .lessOrEqual: c <= 0
        case .greater: c > 0
        case .greaterOrEqual: c >= 0
        default: false
        }
    }

    static func binary(_ op: BoundBinaryOp, _ a: SQLValue, _ b: SQLValue, _ type: SQLType) throws(QueryError) -> SQLValue {
        switch op {
        case .and, .or:
            let x: Bool? = if case .boolean(let v) = a { v } else { nil }
            let y: Bool? = if case .boolean(let v) = b { v } else { nil }
            if op == .and {
                if x == false || y == false { return .boolean(false) }
                if let x, let y { return .boolean(x && y) }
            } else {
                if x == true || y == true { return .boolean(true) }
                if let x, let y { return .boolean(x || y) }
            }
            return .null
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard !a.isNull, !b.isNull else { return .null }
            guard let c = SQLValue.compare(a, b) else {
                throw QueryError(.type, "cannot compare \(a.type) with \(b.type)")
            }
            return .boolean(holds(op, c))
        case .concat:
            guard !a.isNull, !b.isNull else { return .null }
            return .string(a.text + b.text)
        default:
            guard !a.isNull, !b.isNull else { return .null }
            return try arithmetic(op, a, b)
        }
    }

    static func checked(_ r: (partialValue: Int64, overflow: Bool), _ what: String) throws(QueryError) -> Int64 {
        if r.overflow { throw QueryError(.outOfRange, "\(what) out of range") }
        return r.partialValue
    }

    static func arithmetic(_ op: BoundBinaryOp, _ a: SQLValue, _ b: SQLValue) throws(QueryError) -> SQLValue {
        switch (a, b) {
        case (.bigint(let x), .bigint(let y)):
            switch op {
            case .add: return .bigint(try checked(x.addingReportingOverflow(y), "BIGINT"))
            case .subtract: return .bigint(try checked(x.subtractingReportingOverflow(y), "BIGINT"))
            case .multiply: return .bigint(try checked(x.multipliedReportingOverflow(by: y), "BIGINT"))
            case .divide:
                guard y != 0 else { throw QueryError(.divisionByZero, "division by zero") }
                return .bigint(try checked(x.dividedReportingOverflow(by: y), "BIGINT"))
            case .modulo:
                guard y != 0 else { throw QueryError(.divisionByZero, "division by zero") }
                return .bigint(y == -1 ? 0 : x % y)
            default: break
            }
        case (.timestamp(let t), .interval(let d)):
            if op == .add { return .timestamp(try checked(t.addingReportingOverflow(d), "timestamp")) }
            if op == .subtract { return .timestamp(try checked(t.subtractingReportingOverflow(d), "timestamp")) }
        case (.interval(let d), .timestamp(let t)) where op == .add:
            return .timestamp(try checked(t.addingReportingOverflow(d), "timestamp"))
        case (.timestamp(let x), .timestamp(let y)) where op == .subtract:
            return .interval(try checked(x.subtractingReportingOverflow(y), "interval"))
        case (.interval(let x), .interval(let y)):
            if op == .add { return .interval(try checked(x.addingReportingOverflow(y), "interval")) }
            if op == .subtract { return .interval(try checked(x.subtractingReportingOverflow(y), "interval")) }
        case (.interval(let d), _) where b.doubleValue != nil && (op == .multiply || op == .divide):
            let factor = b.doubleValue!
            if op == .divide && factor == 0 { throw QueryError(.divisionByZero, "division by zero") }
            let result = op == .multiply ? Double(d) * factor : Double(d) / factor
            guard abs(result) < 9.2e18 else { throw QueryError(.outOfRange, "interval out of range") }
            return .interval(Int64(result.rounded()))
        case (_, .interval(let d)) where a.doubleValue != nil && op == .multiply:
            let result = Double(d) * a.doubleValue!
            guard abs(result) < 9.2e18 else { throw QueryError(.outOfRange, "interval out of range") }
            return .interval(Int64(result.rounded()))
        default:
            if let x = a.doubleValue, let y = b.doubleValue {
                switch op {
                case .add: return .double(x + y)
                case .subtract: return .double(x - y)
                case .multiply: return .double(x * y)
                case .divide:
                    guard y != 0 else { throw QueryError(.divisionByZero, "division by zero") }
                    return .double(x / y)
                case .modulo:
                    guard y != 0 else { throw QueryError(.divisionByZero, "division by zero") }
                    return .double(x.truncatingRemainder(dividingBy: y))
                default: break
                }
            }
        }
        throw QueryError(.type, "operator \(op.rawValue) does not apply to \(a.type) and \(b.type)")
    }

    static func negate(_ v: SQLValue) throws(QueryError) -> SQLValue {
        switch v {
        case .null: return .null
        case .bigint(let x): return .bigint(try checked(Int64(0).subtractingReportingOverflow(x), "BIGINT"))
        case .double(let x): return .double(-x)
        case .interval(let x): return .interval(try checked(Int64(0).subtractingReportingOverflow(x), "interval"))
        default: throw QueryError(.type, "cannot negate a \(v.type)")
        }
    }

    /// Converts a value to `type` (CAST); NULL stays NULL.
    static func cast(_ v: SQLValue, to type: SQLType) throws(QueryError) -> SQLValue {
        if v.isNull || v.type == type || type == .null { return v }
        switch (v, type) {
        case (.bigint(let x), .double): return .double(Double(x))
        case (.double(let x), .bigint):
            // Half to even, as PostgreSQL converts float8 (rint).
            guard x.isFinite, abs(x.rounded()) < 9.2e18 else { throw QueryError(.outOfRange, "\(x) is out of range for BIGINT") }
            return .bigint(Int64(x.rounded(.toNearestOrEven)))
        case (.boolean(let b), .bigint): return .bigint(b ? 1 : 0)
        case (.bigint(let x), .boolean): return .boolean(x != 0)
        case (.boolean(let b), .string): return .string(b ? "true" : "false")  // PostgreSQL's bool::text
        case (_, .string): return .string(v.text)
        case (.string(let s), .bigint):
            guard let x = Int64(s.trimmingSpaces) else { throw QueryError(.invalidText, "invalid BIGINT: \"\(s)\"") }
            return .bigint(x)
        case (.string(let s), .double):
            let t = s.trimmingSpaces.lowercased()
            if t == "nan" { return .double(.nan) }
            if t == "infinity" || t == "inf" { return .double(.infinity) }
            if t == "-infinity" || t == "-inf" { return .double(-.infinity) }
            guard let x = Double(t) else { throw QueryError(.invalidText, "invalid DOUBLE: \"\(s)\"") }
            return .double(x)
        case (.string(let s), .boolean):
            switch s.trimmingSpaces.lowercased() {
            case "true", "t", "yes", "y", "on", "1": return .boolean(true)
            case "false", "f", "no", "n", "off", "0": return .boolean(false)
            default: throw QueryError(.invalidText, "invalid BOOLEAN: \"\(s)\"")
            }
        case (.string(let s), .timestamp):
            guard let t = TimeFormat.parseTimestamp(s.trimmingSpaces) else {
                throw QueryError(.invalidText, "invalid TIMESTAMP: \"\(s)\" (expected YYYY-MM-DD[ HH:MM[:SS[.fraction]]][Z|±HH:MM])")
            }
            return .timestamp(t)
        case (.string(let s), .interval):
            guard let i = TimeFormat.parseInterval(s), i.months == 0 else {
                throw QueryError(.invalidText, "invalid INTERVAL: \"\(s)\" (expected e.g. '7 days', '1 hour 30 minutes')")
            }
            return .interval(i.nanoseconds)
        case (.timestamp(let t), .bigint), (.interval(let t), .bigint): return .bigint(t)
        case (.bigint(let x), .timestamp): return .timestamp(x)
        case (.bigint(let x), .interval): return .interval(x)
        default: throw QueryError(.type, "cannot cast \(v.type) to \(type)")
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
