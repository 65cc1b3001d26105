// Operators and their binding strength, PostgreSQL's table (lowest first):
//
//   OR  <  AND  <  NOT  <  IS  <  = <> != < <= > >=  <  BETWEEN IN LIKE
//       <  || ~ !~ (PostgreSQL's "any other operator")  <  + -  <  * / %
//       <  unary + -  <  ::
//
// OR, AND, ||/~/!~, +/- and */% associate to the left; comparisons and
// BETWEEN/IN/LIKE do not associate (`a < b < c` is an error, as in PostgreSQL);
// `IS NULL` and `::` are postfix and may repeat.

/// How tightly an operator binds; a higher value binds tighter.
public enum Precedence: Int, Hashable, Sendable, Comparable, CaseIterable {
    case or = 1, and, not, `is`, comparison, membership, other, additive, multiplicative
    case unary, cast
    /// Literals, names, calls, parenthesized and bracketed forms.
    case primary

    /// The next tighter level.
    public var next: Precedence { Precedence(rawValue: rawValue + 1) ?? .primary }

    /// Whether two operators of this level in a row need parentheses.
    public var isAssociative: Bool { self != .comparison && self != .membership }

    public static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
}

/// An infix operator.
public enum BinaryOperator: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case or = "OR", and = "AND"
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">"
    case greaterOrEqual = ">="
    /// `||`: string concatenation.
    case concat = "||"
    /// `~`: matches a regular expression.
    case regexMatch = "~"
    /// `!~`: does not match a regular expression.
    case notRegexMatch = "!~"
    case plus = "+", minus = "-", multiply = "*", divide = "/", modulo = "%"

    /// The level it binds at.
    public var precedence: Precedence {
        switch self {
        case .or: .or
        case .and: .and
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: .comparison
        case .concat, .regexMatch, .notRegexMatch: .other
        case .plus, .minus: .additive
        case .multiply, .divide, .modulo: .multiplicative
        }
    }

    /// The operator as SQL (`!=` is printed `<>`).
    public var description: String { rawValue }
}

/// A prefix operator.
public enum UnaryOperator: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case not = "NOT", minus = "-", plus = "+"

    /// The level it binds at.
    public var precedence: Precedence { self == .not ? .not : .unary }

    /// The operator as SQL.
    public var description: String { rawValue }
}
