// Shared helpers: a fully parenthesized rendering of expression trees (to assert
// their shape compactly) and shortcuts to parse single queries and expressions.
import Testing
@testable import SundialQueryLang

/// The tree as a fully parenthesized S-expression-like string: `1 + 2 * 3` is
/// `(1 + (2 * 3))`; a run is one group: `(a + b - c)`.
func shape(_ expr: Expr) -> String {
    switch expr.kind {
    case .literal(let literal): return literal.description
    case .column(let column): return column.description
    case .parameter(let index): return "$\(index)"
    case .unary(let op, let operand): return "(\(op) \(shape(operand)))"
    case .binary(let first, let terms):
        return "(" + shape(first) + terms.map { " \($0.op) \(shape($0.operand))" }.joined() + ")"
    case .isNull(let operand, let negated): return "(\(shape(operand)) IS \(negated ? "NOT " : "")NULL)"
    case .inList(let operand, let list, let negated):
        return "(\(shape(operand)) \(negated ? "NOT " : "")IN [\(list.map(shape).joined(separator: ", "))])"
    case .inSubquery(let operand, let query, let negated):
        return "(\(shape(operand)) \(negated ? "NOT " : "")IN {\(query)})"
    case .between(let operand, let low, let high, let negated):
        return "(\(shape(operand)) \(negated ? "NOT " : "")BETWEEN \(shape(low)) \(shape(high)))"
    case .like(let operand, let pattern, let negated):
        return "(\(shape(operand)) \(negated ? "NOT " : "")LIKE \(shape(pattern)))"
    case .caseWhen(let operand, let branches, let otherwise):
        return "(CASE" + (operand.map { " " + shape($0) } ?? "")
            + branches.map { " [\(shape($0.condition)) \(shape($0.result))]" }.joined()
            + (otherwise.map { " ELSE " + shape($0) } ?? "") + ")"
    case .cast(let operand, let type, let syntax):
        return "(\(syntax == .function ? "CAST" : "::") \(shape(operand)) \(type))"
    case .function(let call):
        switch call.arguments {
        case .star: return "\(call.name)(*)"
        case .list(let list, let distinct):
            return "\(call.name)(\(distinct ? "DISTINCT " : "")\(list.map(shape).joined(separator: ", ")))"
        }
    case .extract(let field, let operand): return "(EXTRACT \(field) \(shape(operand)))"
    case .subquery(let query): return "{\(query)}"
    }
}

/// The shape of a parsed expression.
func shape(_ sql: String) throws -> String {
    shape(try SQLParser.parseExpression(sql))
}

/// Parses `sql`, which must be a query.
func query(_ sql: String) throws -> Query {
    guard case .query(let query) = try SQLParser.parse(sql) else {
        Issue.record("not a query: \(sql)")
        return Query(projection: [])
    }
    return query
}

/// The error `body` throws, or nil.
func queryError(_ body: () throws(QueryError) -> Void) -> QueryError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

/// Shorthand for a column expression.
func col(_ name: String, _ table: String? = nil) -> Expr {
    Expr(.column(ColumnReference(table: table.map { Identifier($0) }, Identifier(name))))
}

/// Shorthand for an integer literal.
func int(_ text: String) -> Expr {
    Expr(.literal(.integer(text)))
}
