// Bound expressions: names resolved to input columns, types known, literals and
// parameters turned into values. The binder produces them from `Expr`; the executor
// evaluates them over batches (Execution/Evaluate.swift).
import SundialIndex

/// A scalar function the executor knows.
public enum ScalarFunction: String, Sendable, Hashable {
    case abs, round, floor, ceil, ln, sqrt, greatest, least, coalesce
    case lower, upper, length, substr, concat
    case timeBucket = "time_bucket", dateTrunc = "date_trunc", now
    case extract
    case jsonExtract = "json_extract"
}

/// An operator over two values.
public enum BoundBinaryOp: String, Sendable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and = "AND", or = "OR", concat = "||"
}

/// A bound, typed expression.
public indirect enum BoundExpr: Sendable, Hashable, CustomStringConvertible {
    /// Input column `index` (named `name` for EXPLAIN).
    case column(Int, SQLType, name: String)
    case literal(SQLValue, SQLType)
    case negate(BoundExpr)
    case not(BoundExpr)
    case binary(BoundBinaryOp, BoundExpr, BoundExpr, SQLType)
    case isNull(BoundExpr, negated: Bool)
    case inList(BoundExpr, [SQLValue], negated: Bool)
    case like(BoundExpr, LikePattern, negated: Bool)
    case regex(BoundExpr, BoundedRegex, negated: Bool)
    case caseWhen([BoundExpr], [BoundExpr], otherwise: BoundExpr?, SQLType)
    case cast(BoundExpr, SQLType)
    case function(ScalarFunction, [BoundExpr], SQLType)

    public var type: SQLType {
        switch self {
        case .column(_, let t, _), .literal(_, let t), .binary(_, _, _, let t), .caseWhen(_, _, _, let t),
             .cast(_, let t), .function(_, _, let t): t
        case .negate(let e): e.type
        case .not, .isNull, .inList, .like, .regex: .boolean
        }
    }

    /// The input columns the expression reads.
    public var columns: Set<Int> {
        switch self {
        case .column(let i, _, _): [i]
        case .literal: []
        case .negate(let e), .not(let e), .isNull(let e, _), .inList(let e, _, _), .like(let e, _, _),
             .regex(let e, _, _), .cast(let e, _): e.columns
        case .binary(_, let a, let b, _): a.columns.union(b.columns)
        case .caseWhen(let conditions, let results, let otherwise, _):
            (conditions + results + (otherwise.map { [$0] } ?? [])).reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
        case .function(_, let args, _): args.reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
        }
    }

    /// The value when the expression reads no column and calls nothing volatile.
    public var constantValue: SQLValue? {
        if case .literal(let v, _) = self { return v }
        return nil
    }

    public var description: String {
        switch self {
        case .column(_, _, let name): name
        case .literal(let v, _): v.description
        case .negate(let e): "-(\(e))"
        case .not(let e): "NOT (\(e))"
        case .binary(let op, let a, let b, _): "(\(a) \(op.rawValue) \(b))"
        case .isNull(let e, let negated): "(\(e) IS \(negated ? "NOT " : "")NULL)"
        case .inList(let e, let values, let negated): "(\(e) \(negated ? "NOT " : "")IN (\(values.map(\.description).joined(separator: ", "))))"
        case .like(let e, let p, let negated): "(\(e) \(negated ? "NOT " : "")LIKE \(SQLValue.string(p.pattern)))"
        case .regex(let e, let r, let negated): "(\(e) \(negated ? "!~" : "~") \(SQLValue.string(r.pattern)))"
        case .caseWhen(let conditions, let results, let otherwise, _):
            "CASE " + zip(conditions, results).map { "WHEN \($0) THEN \($1)" }.joined(separator: " ")
                + (otherwise.map { " ELSE \($0)" } ?? "") + " END"
        case .cast(let e, let t): "CAST(\(e) AS \(t))"
        case .function(let f, let args, _): "\(f.rawValue)(\(args.map(\.description).joined(separator: ", ")))"
        }
    }
}

/// A compiled LIKE pattern (`%` any run, `_` one character, `\` escapes).
public struct LikePattern: Sendable, Hashable {
    public let pattern: String
    enum Piece: Hashable { case literal(Character), one, any }
    let pieces: [Piece]

    public init(_ pattern: String) {
        self.pattern = pattern
        var pieces: [Piece] = []
        var escaped = false
        for c in pattern {
            if escaped { pieces.append(.literal(c)); escaped = false; continue }
            switch c {
            case "\\": escaped = true
            case "%": if pieces.last != .any { pieces.append(.any) }
            case "_": pieces.append(.one)
            default: pieces.append(.literal(c))
            }
        }
        if escaped { pieces.append(.literal("\\")) }
        self.pieces = pieces
    }

    /// Whether the whole of `text` matches (iterative, with one backtrack point per `%`:
    /// linear-ish, never exponential).
    public func matches(_ text: String) -> Bool {
        let chars = Array(text)
        var t = 0
        var p = 0
        var starP = -1
        var starT = 0
        while t < chars.count {
            if p < pieces.count {
                switch pieces[p] {
                case .any:
                    starP = p
                    starT = t
                    p += 1
                    continue
                case .one:
                    t += 1; p += 1
                    continue
                case .literal(let c) where c == chars[t]:
                    t += 1; p += 1
                    continue
                default: break
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < pieces.count, pieces[p] == .any { p += 1 }
        return p == pieces.count
    }
}
