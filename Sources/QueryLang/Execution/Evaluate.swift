// Evaluating bound expressions over a batch. Comparisons, arithmetic and boolean logic
// on columns and constants run as typed loops over the storage arrays; the rest (CASE,
// casts, functions, LIKE, regular expressions) goes value by value. NULL follows SQL:
// an operator with a NULL operand is NULL, and AND/OR use three-valued logic.
import SundialStorage

/// What evaluation may need besides the batch.
public struct EvaluationContext: Sendable {
    /// The statement's `now()` (one value for the whole statement), ns since the epoch.
    public var now: Int64

    public init(now: Int64) { self.now = now }
}

enum Evaluator {
    static func evaluate(_ e: BoundExpr, _ batch: Batch, _ context: EvaluationContext) throws(QueryError) -> Vector {
        let n = batch.count
        switch e {
        case .column(let i, _, _):
            return batch.columns[i]
        case .literal(let v, let t):
            return Vector.constant(v, type: t, count: n)
        case .binary(let op, let a, let b, let type):
            if op == .and || op == .or {
                return logic(op, try evaluate(a, batch, context), try evaluate(b, batch, context), n)
            }
            let left = try evaluate(a, batch, context)
            let right = try evaluate(b, batch, context)
            if let fast = try typedBinary(op, left, right, type, n) { return fast }
            var builder = VectorBuilder(type: type, capacity: n)
            for i in 0..<n { builder.append(try Scalar.binary(op, left.value(at: i), right.value(at: i), type)) }
            return builder.finish()
        case .not(let a):
            let v = try evaluate(a, batch, context)
            guard case .boolean(let values, let valid) = v.values else { return v }
            return Vector(type: .boolean, values: .boolean(values.map { !$0 }, valid: valid))
        case .negate(let a):
            let v = try evaluate(a, batch, context)
            var builder = VectorBuilder(type: v.type, capacity: n)
            for i in 0..<n { builder.append(try Scalar.negate(v.value(at: i))) }
            return builder.finish()
        case .isNull(let a, let negated):
            let v = try evaluate(a, batch, context)
            return Vector(type: .boolean, values: .boolean((0..<n).map { v.isValid($0) == negated }, valid: nil))
        case .inList(let a, let list, let negated):
            let v = try evaluate(a, batch, context)
            let hasNull = list.contains { $0.isNull }
            var builder = VectorBuilder(type: .boolean, capacity: n)
            for i in 0..<n {
                let x = v.value(at: i)
                if x.isNull { builder.append(.null); continue }
                let found = list.contains { SQLValue.compare(x, $0) == 0 }
                builder.append(found ? .boolean(!negated) : (hasNull ? .null : .boolean(negated)))
            }
            return builder.finish()
        case .like(let a, let pattern, let negated):
            return try stringPredicate(a, batch, context) { pattern.matches($0) != negated }
        case .regex(let a, let regex, let negated):
            return try stringPredicate(a, batch, context) { regex.contains($0) != negated }
        case .caseWhen(let conditions, let results, let otherwise, let type):
            return try caseWhen(conditions, results, otherwise, type, batch, context)
        case .cast(let a, let type):
            let v = try evaluate(a, batch, context)
            if v.type == type { return v }
            var builder = VectorBuilder(type: type, capacity: n)
            for i in 0..<n { builder.append(try Scalar.cast(v.value(at: i), to: type)) }
            return builder.finish()
        case .function(let f, let args, let type):
            let vectors = try args.map { (a) throws(QueryError) -> Vector in try evaluate(a, batch, context) }
            if f == .timeBucket, let fast = Functions.fastTimeBucket(vectors, n) { return fast }
            var builder = VectorBuilder(type: type, capacity: n)
            var values = [SQLValue](repeating: .null, count: vectors.count)
            for i in 0..<n {
                for k in vectors.indices { values[k] = vectors[k].value(at: i) }
                builder.append(try Functions.call(f, values, type, context))
            }
            return builder.finish()
        }
    }

    /// CASE, lazily as SQL evaluates it: each condition only on the rows no earlier branch
    /// took, each result only on the rows that take it, so an error in a branch not taken
    /// (a cast out of range, a division by zero) does not fail the query.
    static func caseWhen(_ conditions: [BoundExpr], _ results: [BoundExpr], _ otherwise: BoundExpr?, _ type: SQLType,
                         _ batch: Batch, _ context: EvaluationContext) throws(QueryError) -> Vector {
        var values = [SQLValue](repeating: .null, count: batch.count)
        var pending = Array(0..<batch.count)
        func fill(_ e: BoundExpr, _ rows: [Int]) throws(QueryError) {
            let vector = try evaluate(e, rows.count == batch.count ? batch : batch.gathered(rows), context)
            for (k, row) in rows.enumerated() { values[row] = try Scalar.cast(vector.value(at: k), to: type) }
        }
        for (condition, result) in zip(conditions, results) where !pending.isEmpty {
            let mask = try evaluate(condition, pending.count == batch.count ? batch : batch.gathered(pending), context)
            var taken: [Int] = [], rest: [Int] = []
            for (k, row) in pending.enumerated() {
                if mask.value(at: k) == .boolean(true) { taken.append(row) } else { rest.append(row) }
            }
            if !taken.isEmpty { try fill(result, taken) }
            pending = rest
        }
        if let otherwise, !pending.isEmpty { try fill(otherwise, pending) }
        return Vector.build(values, type: type)
    }

    static func stringPredicate(_ a: BoundExpr, _ batch: Batch, _ context: EvaluationContext,
                                _ test: (String) -> Bool) throws(QueryError) -> Vector {
        let v = try evaluate(a, batch, context)
        guard case .string(let strings, let valid) = v.values else {
            throw QueryError(.type, "LIKE and ~ need a string operand, not \(v.type)")
        }
        return Vector(type: .boolean, values: .boolean(strings.map(test), valid: valid))
    }

    /// AND / OR with three-valued logic.
    static func logic(_ op: BoundBinaryOp, _ a: Vector, _ b: Vector, _ n: Int) -> Vector {
        guard case .boolean(let x, let xv) = a.values, case .boolean(let y, let yv) = b.values else {
            return Vector(type: .boolean, values: .nulls(.boolean, count: n))
        }
        var out = [Bool](repeating: false, count: n)
        var valid: [Bool]? = nil
        if xv == nil && yv == nil {
            for i in 0..<n { out[i] = op == .and ? (x[i] && y[i]) : (x[i] || y[i]) }
        } else {
            var mask = [Bool](repeating: true, count: n)
            for i in 0..<n {
                let p = xv?[i] ?? true, q = yv?[i] ?? true
                if op == .and {
                    if (p && !x[i]) || (q && !y[i]) { out[i] = false } else if p && q { out[i] = true } else { mask[i] = false }
                } else {
                    if (p && x[i]) || (q && y[i]) { out[i] = true } else if p && q { out[i] = false } else { mask[i] = false }
                }
            }
            valid = mask
        }
        return Vector(type: .boolean, values: .boolean(out, valid: valid))
    }

    static func andMasks(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
        guard let a else { return b }
        guard let b else { return a }
        return zip(a, b).map { $0 && $1 }
    }

    /// Typed loops for comparisons and arithmetic of same-storage operands; nil when the
    /// operand types need the general path.
    static func typedBinary(_ op: BoundBinaryOp, _ a: Vector, _ b: Vector, _ type: SQLType, _ n: Int) throws(QueryError) -> Vector? {
        let valid = andMasks(a.values.validity, b.values.validity)
        switch (a.values, b.values) {
        case (.double(let x, _), .double(let y, _)):
            if let cmp = compareLoop(op, x, y, n, valid) { return cmp }
            guard type == .double else { return nil }
            var out = [Double](repeating: 0, count: n)
            switch op {
            case .add: for i in 0..<n { out[i] = x[i] + y[i] }
            case .subtract: for i in 0..<n { out[i] = x[i] - y[i] }
            case .multiply: for i in 0..<n { out[i] = x[i] * y[i] }
            case .divide:
                for i in 0..<n {
                    if y[i] == 0 && (valid?[i] ?? true) { throw QueryError(.divisionByZero, "division by zero") }
                    out[i] = x[i] / y[i]
                }
            default: return nil
            }
            return Vector(type: .double, values: .double(out, valid: valid))
        case (.bigint(let x, _), .bigint(let y, _)) where a.type == b.type && a.type != .null:
            if let cmp = compareLoop(op, x, y, n, valid) { return cmp }
            guard type == .bigint, a.type == .bigint else { return nil }
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n where valid?[i] ?? true {
                let (r, overflow): (Int64, Bool)
                switch op {
                case .add: (r, overflow) = x[i].addingReportingOverflow(y[i])
                case .subtract: (r, overflow) = x[i].subtractingReportingOverflow(y[i])
                case .multiply: (r, overflow) = x[i].multipliedReportingOverflow(by: y[i])
                default: return nil
                }
                if overflow { throw QueryError(.outOfRange, "BIGINT out of range") }
                out[i] = r
            }
            return Vector(type: .bigint, values: .bigint(out, valid: valid))
        case (.string(let x, _), .string(let y, _)):
            return compareLoop(op, x, y, n, valid)
        default:
            return nil
        }
    }

    static func compareLoop<T: Comparable>(_ op: BoundBinaryOp, _ x: [T], _ y: [T], _ n: Int, _ valid: [Bool]?) -> Vector? {
        var out = [Bool](repeating: false, count: n)
        switch op {
        case .equal: for i in 0..<n { out[i] = x[i] == y[i] }
        case .notEqual: for i in 0..<n { out[i] = x[i] != y[i] }
        case .less: for i in 0..<n { out[i] = x[i] < y[i] }
        case .lessOrEqual: for i in 0..<n { out[i] = x[i] <= y[i] }
        case .greater: for i in 0..<n { out[i] = x[i] > y[i] }
        case .greaterOrEqual: for i in 0..<n { out[i] = x[i] >= y[i] }
        default: return nil
        }
        if T.self == Double.self, let xs = x as? [Double], let ys = y as? [Double] {
            // NaN equals NaN and sorts above every number (PostgreSQL).
            for i in 0..<n where xs[i].isNaN || ys[i].isNaN {
                let c = SQLValue.compareDoubles(xs[i], ys[i])
                out[i] = Scalar.holds(op, c)
            }
        }
        return Vector(type: .boolean, values: .boolean(out, valid: valid))
    }
}
