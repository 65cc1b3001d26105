// Binding expressions: names to input columns, literals and parameters to values, types
// checked and coerced (a string literal compared with a timestamp is a timestamp, BIGINT
// meets DOUBLE as DOUBLE), constant subexpressions folded — `now() - INTERVAL '1 hour'`
// becomes one TIMESTAMP, so the planner can push it into the scan's time range.
import SundialIndex

/// What names mean while binding: the input columns and, in an aggregate query, the
/// grouping expressions and the aggregate calls collected so far.
struct BindScope {
    var names: [String]
    var types: [SQLType]
    var parameters: [SQLValue]
    var now: Int64
    /// Set in the SELECT, HAVING and ORDER BY of a grouped query: expressions equal to a
    /// key become key columns, aggregate calls become aggregate columns.
    var grouping: Grouping?

    struct Grouping {
        var keys: [Expr]
        var keyTypes: [SQLType]
        var aggregates: [BoundAggregate] = []
        /// The scope aggregate arguments bind in (the input columns).
        var input: [String]
        var inputTypes: [SQLType]
    }

    /// The input column named `name` (case-insensitive unless quoted).
    func resolve(_ name: Identifier) -> Int? {
        if name.isQuoted { return names.firstIndex(of: name.value) }
        return names.firstIndex(of: name.value) ?? names.firstIndex { $0.lowercased() == name.value.lowercased() }
    }
}

extension Binder {
    static let aggregateNames: Set<String> = [
        "count", "sum", "avg", "min", "max", "first", "last", "stddev", "stddev_samp", "stddev_pop",
        "variance", "var_samp", "var_pop", "percentile_disc", "percentile_cont", "approx_percentile", "approx_count_distinct",
    ]

    static func isAggregateCall(_ e: Expr) -> Bool {
        if case .function(let call) = e.kind { return aggregateNames.contains(call.name.value.lowercased()) }
        return false
    }

    /// Whether an aggregate call appears anywhere in `e` (outside subqueries).
    static func containsAggregate(_ e: Expr) -> Bool {
        var found = false
        visit(e) { if isAggregateCall($0) { found = true } }
        return found
    }

    static func visit(_ e: Expr, _ body: (Expr) -> Void) {
        body(e)
        switch e.kind {
        case .literal, .column, .parameter, .subquery, .inSubquery: break
        case .unary(_, let a), .isNull(let a, _), .cast(let a, _, _), .extract(_, let a): visit(a, body)
        case .binary(let first, let terms): visit(first, body); for t in terms { visit(t.operand, body) }
        case .inList(let a, let list, _): visit(a, body); for x in list { visit(x, body) }
        case .between(let a, let low, let high, _): visit(a, body); visit(low, body); visit(high, body)
        case .like(let a, let p, _): visit(a, body); visit(p, body)
        case .caseWhen(let operand, let branches, let otherwise):
            if let operand { visit(operand, body) }
            for b in branches { visit(b.condition, body); visit(b.result, body) }
            if let otherwise { visit(otherwise, body) }
        case .function(let call):
            if case .list(let args, _) = call.arguments { for a in args { visit(a, body) } }
        }
    }

    static func bind(_ e: Expr, _ scope: inout BindScope) throws(QueryError) -> BoundExpr {
        if var grouping = scope.grouping {
            if let k = grouping.keys.firstIndex(of: e) {
                return .column(k, grouping.keyTypes[k], name: e.description)
            }
            if isAggregateCall(e), case .function(let call) = e.kind {
                var inner = BindScope(names: grouping.input, types: grouping.inputTypes, parameters: scope.parameters, now: scope.now)
                let aggregate = try bindAggregate(call, e.location, &inner)
                let index: Int
                if let existing = grouping.aggregates.firstIndex(of: aggregate) { index = existing } else {
                    grouping.aggregates.append(aggregate)
                    index = grouping.aggregates.count - 1
                }
                scope.grouping = grouping
                return .column(grouping.keys.count + index, aggregate.type, name: aggregate.description)
            }
        }
        let bound = try bindShape(e, &scope)
        return fold(bound)
    }

    static func bindShape(_ e: Expr, _ scope: inout BindScope) throws(QueryError) -> BoundExpr {
        switch e.kind {
        case .literal(let literal):
            return try bindLiteral(literal, e.location)
        case .parameter(let n):
            guard n >= 1, n <= scope.parameters.count else {
                throw QueryError(.syntax, "parameter $\(n) has no value (\(scope.parameters.count) given)", at: e.location)
            }
            let value = scope.parameters[n - 1]
            return .literal(value, value.type)
        case .column(let reference):
            if scope.grouping != nil {
                throw QueryError(.syntax, "column \"\(reference.name.value)\" must appear in the GROUP BY clause or be used in an aggregate function",
                                 at: e.location)
            }
            guard let i = scope.resolve(reference.name) else {
                throw unknownColumn(reference.name, scope.names)
            }
            return .column(i, scope.types[i], name: scope.names[i])
        case .unary(let op, let a):
            let x = try bind(a, &scope)
            switch op {
            case .plus:
                guard x.type.isNumeric || x.type == .interval || x.type == .null else { throw typeError("unary +", x.type, e.location) }
                return x
            case .minus:
                guard x.type.isNumeric || x.type == .interval || x.type == .null else { throw typeError("unary -", x.type, e.location) }
                return .negate(x)
            case .not:
                return .not(try coerceBoolean(x, a.location))
            }
        case .binary(let first, let terms):
            var left = try bind(first, &scope)
            for term in terms {
                let right = try bind(term.operand, &scope)
                left = try bindBinary(term.op, left, right, term.operand.location)
                left = fold(left)
            }
            return left
        case .isNull(let a, let negated):
            return .isNull(try bind(a, &scope), negated: negated)
        case .inList(let a, let list, let negated):
            let x = try bind(a, &scope)
            var values: [SQLValue] = []
            var dynamic: [BoundExpr] = []
            for item in list {
                let bound = try bind(item, &scope)
                if let v = bound.constantValue { values.append(try coerceConstant(v, to: x.type, item.location)) } else { dynamic.append(bound) }
            }
            if dynamic.isEmpty { return .inList(x, values, negated: negated) }
            // Non-constant items: an OR of equalities (AND of inequalities when negated).
            var result: BoundExpr = .inList(x, values, negated: negated)
            for d in dynamic {
                let test = try bindBinary(negated ? .notEqual : .equal, x, d, e.location)
                result = .binary(negated ? .and : .or, result, test, .boolean)
            }
            return result
        case .between(let a, let low, let high, let negated):
            let x = try bind(a, &scope)
            let lo = try bindBinary(.greaterOrEqual, x, try bind(low, &scope), low.location)
            let hi = try bindBinary(.lessOrEqual, x, try bind(high, &scope), high.location)
            let both = BoundExpr.binary(.and, lo, hi, .boolean)
            return negated ? .not(both) : both
        case .like(let a, let pattern, let negated):
            let x = try bind(a, &scope)
            guard x.type == .string || x.type == .null else { throw typeError("LIKE", x.type, a.location) }
            guard case .string(let p)? = try bind(pattern, &scope).constantValue else {
                throw QueryError(.unsupported, "the pattern of LIKE must be a constant string", at: pattern.location)
            }
            return .like(try coerce(x, to: .string, a.location), LikePattern(p), negated: negated)
        case .caseWhen(let operand, let branches, let otherwise):
            var conditions: [BoundExpr] = []
            var results: [BoundExpr] = []
            let subject = try operand.map { (o) throws(QueryError) -> BoundExpr in try bind(o, &scope) }
            for branch in branches {
                let condition = try bind(branch.condition, &scope)
                if let subject {
                    conditions.append(try bindBinary(.equal, subject, condition, branch.condition.location))
                } else {
                    conditions.append(try coerceBoolean(condition, branch.condition.location))
                }
                results.append(try bind(branch.result, &scope))
            }
            let otherwiseBound = try otherwise.map { (o) throws(QueryError) -> BoundExpr in try bind(o, &scope) }
            let type = try commonType(results + (otherwiseBound.map { [$0] } ?? []), e.location)
            return .caseWhen(conditions, results, otherwise: otherwiseBound, type)
        case .cast(let a, let type, _):
            let x = try bind(a, &scope)
            return .cast(x, sqlType(type))
        case .extract(let field, let a):
            let x = try bind(a, &scope)
            let t = try coerce(x, to: .timestamp, a.location)
            return .function(.extract, [.literal(.string(field.rawValue), .string), t], .double)
        case .function(let call):
            if isAggregateCall(e) {
                throw QueryError(.syntax, "aggregate function \(call.name.value.lowercased())() is not allowed here", at: e.location)
            }
            return try bindFunction(call, e.location, &scope)
        case .subquery, .inSubquery:
            throw QueryError(.unsupported, "subqueries in expressions are not supported yet", at: e.location)
        }
    }

    static func unknownColumn(_ name: Identifier, _ names: [String]) -> QueryError {
        var message = "column \"\(name.value)\" does not exist"
        if let near = nearest(name.value, names) { message += "; did you mean \"\(near)\"?" }
        return QueryError(.unknownColumn, message, at: name.location)
    }

    /// The candidate within an edit distance of 2 (or a third of the length), if any.
    static func nearest(_ name: String, _ candidates: [String]) -> String? {
        let target = Array(name.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let c = Array(candidate.lowercased())
            var row = Array(0...c.count)
            for (i, a) in target.enumerated() {
                var previous = row[0]
                row[0] = i + 1
                for (j, b) in c.enumerated() {
                    let old = row[j + 1]
                    row[j + 1] = Swift.min(row[j + 1] + 1, row[j] + 1, previous + (a == b ? 0 : 1))
                    previous = old
                }
            }
            let d = row[c.count]
            if d <= Swift.max(2, target.count / 3), d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }

    static func typeError(_ what: String, _ type: SQLType, _ location: SourceLocation) -> QueryError {
        QueryError(.type, "\(what) does not apply to \(type)", at: location)
    }

    static func sqlType(_ type: DataType) -> SQLType {
        switch type {
        case .timestamp: .timestamp
        case .double: .double
        case .bigint: .bigint
        case .boolean: .boolean
        case .string, .tag: .string
        case .interval: .interval
        }
    }

    static func bindLiteral(_ literal: Literal, _ location: SourceLocation) throws(QueryError) -> BoundExpr {
        switch literal {
        case .integer(let text):
            if let v = Int64(text) { return .literal(.bigint(v), .bigint) }
            guard let d = Double(text) else { throw QueryError(.outOfRange, "number \(text) is out of range", at: location) }
            return .literal(.double(d), .double)
        case .float(let text):
            guard let d = Double(text), d.isFinite else { throw QueryError(.outOfRange, "number \(text) is out of range", at: location) }
            return .literal(.double(d), .double)
        case .string(let s): return .literal(.string(s), .string)
        case .boolean(let b): return .literal(.boolean(b), .boolean)
        case .null: return .literal(.null, .null)
        case .duration(let d):
            guard let ns = d.nanoseconds else { throw QueryError(.outOfRange, "duration \(d) is out of range", at: location) }
            return .literal(.interval(ns), .interval)
        case .timestamp(let text):
            guard let t = TimeFormat.parseTimestamp(text) else {
                throw QueryError(.invalidText, "invalid TIMESTAMP '\(text)' (expected YYYY-MM-DD[ HH:MM[:SS[.fraction]]][Z|±HH:MM])", at: location)
            }
            return .literal(.timestamp(t), .timestamp)
        case .interval(let text):
            guard let i = TimeFormat.parseInterval(text) else {
                throw QueryError(.invalidText, "invalid INTERVAL '\(text)' (expected e.g. '7 days', '1 hour 30 minutes')", at: location)
            }
            // Calendar widths stay text: only time_bucket and date arithmetic on months use them.
            if i.months != 0 { return .literal(.string(text), .string) }
            return .literal(.interval(i.nanoseconds), .interval)
        }
    }

    /// `x` as a BOOLEAN; a bare NULL becomes a BOOLEAN NULL (so `NULL OR TRUE` is TRUE).
    static func coerceBoolean(_ x: BoundExpr, _ location: SourceLocation) throws(QueryError) -> BoundExpr {
        if x.type == .null { return .literal(.null, .boolean) }
        guard x.type == .boolean || x.type == .null else {
            throw QueryError(.type, "argument must be BOOLEAN, not \(x.type)", at: location)
        }
        return x.type == .null ? .literal(.null, .boolean) : x
    }

    /// `x` as `type` where SQL converts implicitly: NULL to anything, BIGINT to DOUBLE,
    /// a string constant to a timestamp, interval, number or boolean.
    static func coerce(_ x: BoundExpr, to type: SQLType, _ location: SourceLocation) throws(QueryError) -> BoundExpr {
        if x.type == type { return x }
        if x.type == .null { return .literal(.null, type) }
        if x.type == .bigint && type == .double { return fold(.cast(x, .double)) }
        if let v = x.constantValue, x.type == .string {
            return .literal(try coerceConstant(v, to: type, location), type)
        }
        throw QueryError(.type, "expected \(type), found \(x.type)", at: location)
    }

    static func coerceConstant(_ v: SQLValue, to type: SQLType, _ location: SourceLocation) throws(QueryError) -> SQLValue {
        if v.isNull || v.type == type || type == .null { return v }
        do { return try Scalar.cast(v, to: type) } catch {
            throw QueryError(error.code, error.message, at: location)
        }
    }

    /// The type values of `exprs` share: their one type, or DOUBLE for numbers. A string
    /// constant takes the others' type, as PostgreSQL types an unknown literal
    /// (`least(time, '2016-01-01')` is a TIMESTAMP).
    static func commonType(_ exprs: [BoundExpr], _ location: SourceLocation) throws(QueryError) -> SQLType {
        let typed = exprs.filter { $0.type != .null && !($0.type == .string && $0.constantValue != nil) }
        let known = (typed.isEmpty ? exprs : typed).map(\.type).filter { $0 != .null }
        guard let first = known.first else { return .null }
        if known.allSatisfy({ $0 == first }) { return first }
        if known.allSatisfy(\.isNumeric) { return .double }
        throw QueryError(.type, "cannot combine \(Set(known).map(\.rawValue).sorted().joined(separator: " and "))", at: location)
    }

    static func bindBinary(_ op: BinaryOperator, _ l: BoundExpr, _ r: BoundExpr, _ location: SourceLocation) throws(QueryError) -> BoundExpr {
        switch op {
        case .and, .or:
            return .binary(op == .and ? .and : .or, try coerceBoolean(l, location), try coerceBoolean(r, location), .boolean)
        case .regexMatch, .notRegexMatch:
            guard l.type == .string || l.type == .null else { throw typeError("~", l.type, location) }
            guard case .string(let pattern)? = r.constantValue else {
                throw QueryError(.unsupported, "the pattern of ~ must be a constant string", at: location)
            }
            let subject = try coerce(l, to: .string, location)
            do {
                return .regex(subject, try BoundedRegex(pattern), negated: op == .notRegexMatch)
            } catch {
                throw QueryError(.invalidText, "\(error)", at: location)
            }
        case .concat:
            return .binary(.concat, l, r, .string)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            let bop: BoundBinaryOp = switch op {
            case .equal: .equal
            case .notEqual: .notEqual
            case .less: .less
            case .lessOrEqual: .lessOrEqual
            case .greater: .greater
            default: .greaterOrEqual
            }
            var (a, b) = (l, r)
            if a.type != b.type {
                if a.type == .string, a.constantValue != nil { a = try coerce(a, to: b.type, location) }
                else if b.type == .string, b.constantValue != nil { b = try coerce(b, to: a.type, location) }
                else if a.type.isNumeric && b.type.isNumeric { a = try coerce(a, to: .double, location); b = try coerce(b, to: .double, location) }
                else if a.type == .null { a = .literal(.null, b.type) }
                else if b.type == .null { b = .literal(.null, a.type) }
                else { throw QueryError(.type, "cannot compare \(a.type) with \(b.type)", at: location) }
            }
            return .binary(bop, a, b, .boolean)
        case .plus, .minus, .multiply, .divide, .modulo:
            let bop: BoundBinaryOp = switch op {
            case .plus: .add
            case .minus: .subtract
            case .multiply: .multiply
            case .divide: .divide
            default: .modulo
            }
            var (a, b) = (l, r)
            // A string constant next to a timestamp or interval takes its meaning: a timestamp
            // when one is subtracted from or from it and the text is one (PostgreSQL reads
            // `time - '2016-01-01'` so), else an interval (`time - '1 hour'`).
            func meaning(_ constant: BoundExpr, _ other: BoundExpr) -> SQLType {
                guard bop == .subtract, other.type == .timestamp, case .string(let text)? = constant.constantValue,
                      TimeFormat.parseTimestamp(text.trimmingSpaces) != nil else { return .interval }
                return .timestamp
            }
            if a.type == .string, a.constantValue != nil, b.type == .timestamp || b.type == .interval { a = try coerce(a, to: meaning(a, b), location) }
            if b.type == .string, b.constantValue != nil, a.type == .timestamp || a.type == .interval { b = try coerce(b, to: meaning(b, a), location) }
            let type: SQLType
            switch (a.type, b.type, bop) {
            case (.null, _, _), (_, .null, _): type = a.type == .null ? b.type : a.type
            case (.bigint, .bigint, _): type = .bigint
            case (.double, .double, _): type = .double
            case (.bigint, .double, _): a = .cast(a, .double); type = .double
            case (.double, .bigint, _): b = .cast(b, .double); type = .double
            case (.timestamp, .interval, .add), (.timestamp, .interval, .subtract), (.interval, .timestamp, .add): type = .timestamp
            case (.timestamp, .timestamp, .subtract): type = .interval
            case (.interval, .interval, .add), (.interval, .interval, .subtract): type = .interval
            case (.interval, .bigint, .multiply), (.interval, .double, .multiply), (.bigint, .interval, .multiply),
                 (.double, .interval, .multiply), (.interval, .bigint, .divide), (.interval, .double, .divide): type = .interval
            default:
                throw QueryError(.type, "operator \(op.rawValue) does not apply to \(a.type) and \(b.type)", at: location)
            }
            return .binary(bop, a, b, type)
        }
    }

    /// Evaluates constant subexpressions once (errors surface at run time instead).
    static func fold(_ e: BoundExpr) -> BoundExpr {
        switch e {
        case .literal, .column: return e
        default: break
        }
        guard e.columns.isEmpty else { return e }
        if case .function(let f, _, _) = e, f == .now { return e }
        let batch = Batch(columns: [], count: 1)
        guard let vector = try? Evaluator.evaluate(e, batch, EvaluationContext(now: 0)) else { return e }
        return .literal(vector.value(at: 0), e.type)
    }
}
