// Scalar expressions.
//
// Called `Expr` (sqlparser-rs's and Clang's name) because Foundation has an
// `Expression` type of its own, and most users of this module import Foundation.
//
// A run of left-associative operators of one level is one n-ary node:
// `1 + 2 - 3 + 4` is `.binary(1, [+2, -3, +4])`, not a tree three levels deep. A sum
// of 100,000 terms is then an array, and destroying, comparing, printing or binding
// it does not recurse 100,000 times. Together with the parser's depth limit this
// bounds the depth of every parsed tree. Parentheses leave no node: `(a)` is `a`, and
// the printer puts back the parentheses a tree needs.

/// A scalar expression and where it starts.
///
/// Equality and hashing ignore ``location`` (see ``IgnoredInEquality``), so an
/// expression in `GROUP BY` equals the same expression in the select list.
public struct Expr: Hashable, Sendable {
    /// The forms of expression.
    public indirect enum Kind: Hashable, Sendable {
        /// A constant.
        case literal(Literal)
        /// A column, possibly qualified (`t.col`).
        case column(ColumnReference)
        /// A positional parameter `$n` (n ≥ 1).
        case parameter(Int)
        /// `NOT x`, `-x`, `+x`.
        case unary(UnaryOperator, Expr)
        /// `first op₁ e₁ op₂ e₂ …`, evaluated left to right.
        ///
        /// All operators of one node have the same ``Precedence``; `terms` is not
        /// empty, and has exactly one element for a comparison (comparisons do not
        /// chain). An operand that is itself a `.binary` node of the same level was
        /// parenthesized: `(a + b) + c` is `.binary(.binary(a, [+b]), [+c])`.
        case binary(Expr, [BinaryTerm])
        /// `x IS NULL`, `x IS NOT NULL`.
        case isNull(Expr, negated: Bool)
        /// `x IN (a, b, …)`, `x NOT IN (…)`; the list is not empty.
        case inList(Expr, [Expr], negated: Bool)
        /// `x IN (SELECT …)`, `x NOT IN (SELECT …)`.
        case inSubquery(Expr, Query, negated: Bool)
        /// `x BETWEEN low AND high`, `x NOT BETWEEN low AND high`.
        case between(Expr, low: Expr, high: Expr, negated: Bool)
        /// `x LIKE pattern`, `x NOT LIKE pattern`.
        case like(Expr, pattern: Expr, negated: Bool)
        /// `CASE [operand] WHEN … THEN … [ELSE …] END`; `branches` is not empty.
        case caseWhen(operand: Expr?, branches: [WhenClause], otherwise: Expr?)
        /// `CAST(x AS type)` or `x::type`.
        case cast(Expr, DataType, syntax: CastSyntax)
        /// `name(args)`, `name(DISTINCT args)`, `name(*)`.
        case function(FunctionCall)
        /// `EXTRACT(field FROM x)`.
        case extract(ExtractField, Expr)
        /// `(SELECT …)` used as a value.
        case subquery(Query)
    }

    /// One operator and its right operand in a `.binary` run.
    public struct BinaryTerm: Hashable, Sendable {
        /// The operator before the operand.
        public var op: BinaryOperator
        /// The right operand.
        public var operand: Expr
        /// Where the operator is.
        @IgnoredInEquality public var location: SourceLocation

        /// Creates a term.
        public init(_ op: BinaryOperator, _ operand: Expr, at location: SourceLocation = .unknown) {
            self.op = op
            self.operand = operand
            self.location = location
        }
    }

    /// `WHEN condition THEN result` of a `CASE`. With a `CASE operand`, `condition`
    /// is the value compared with the operand.
    public struct WhenClause: Hashable, Sendable {
        /// The condition (or the value compared with the operand).
        public var condition: Expr
        /// The value when it holds.
        public var result: Expr
        /// Where it starts (at `WHEN`).
        @IgnoredInEquality public var location: SourceLocation

        /// Creates a branch.
        public init(_ condition: Expr, then result: Expr, at location: SourceLocation = .unknown) {
            self.condition = condition
            self.result = result
            self.location = location
        }
    }

    /// How a cast was written.
    public enum CastSyntax: Hashable, Sendable {
        /// `CAST(x AS type)`.
        case function
        /// `x::type`.
        case doubleColon
    }

    /// What the expression is.
    public var kind: Kind
    /// Where its first token is (for a parenthesized expression, the parenthesis).
    @IgnoredInEquality public var location: SourceLocation

    /// Creates an expression.
    public init(_ kind: Kind, at location: SourceLocation = .unknown) {
        self.kind = kind
        self.location = location
    }

    /// The level this expression binds at, as an operand of another: what decides
    /// whether the printer parenthesizes it.
    public var precedence: Precedence {
        switch kind {
        case .unary(let op, _): op.precedence
        case .binary(_, let terms): terms.first?.op.precedence ?? .primary
        case .isNull: .is
        case .inList, .inSubquery, .between, .like: .membership
        case .cast(_, _, .doubleColon): .cast
        case .literal, .column, .parameter, .caseWhen, .cast, .function, .extract, .subquery:
            .primary
        }
    }
}

/// A call of a function or aggregate: `avg(usage)`, `count(*)`,
/// `count(DISTINCT host)`, `time_bucket(1h, time)`.
public struct FunctionCall: Hashable, Sendable {
    /// What is passed.
    public enum Arguments: Hashable, Sendable {
        /// `(*)`, as in `count(*)`.
        case star
        /// `(a, b, …)`, possibly empty, or `(DISTINCT a, …)` (then not empty).
        case list([Expr], distinct: Bool)
    }

    /// The function's name as written.
    public var name: Identifier
    /// Its arguments.
    public var arguments: Arguments

    /// Creates a call.
    public init(_ name: Identifier, _ arguments: Arguments) {
        self.name = name
        self.arguments = arguments
    }

    /// Creates a call with plain arguments.
    public init(_ name: Identifier, _ arguments: [Expr]) {
        self.init(name, .list(arguments, distinct: false))
    }
}
