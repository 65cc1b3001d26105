// Operators, by precedence climbing.
//
// `parseExpression(minimum:)` reads a prefix form, then loops over infix and postfix
// operators that bind at least as tightly as `minimum`. A left-associative operator
// collects its whole run in that loop (each right operand is read at the next tighter
// level), so `1 + 1 + … + 1` costs one loop, not one recursion per `+`. Recursion
// happens only into a tighter level (at most one frame per precedence level) and into
// parentheses, prefix operators, calls and subqueries, all counted by `enter()`.

extension Parser {
    /// An operator that can follow an operand.
    enum Infix {
        case binary(BinaryOperator)
        case isNull
        case between(negated: Bool)
        case `in`(negated: Bool)
        case like(negated: Bool)
        case cast

        var precedence: Precedence {
            switch self {
            case .binary(let op): op.precedence
            case .isNull: .is
            case .between, .in, .like: .membership
            case .cast: .cast
            }
        }
    }

    /// The operator at the current token, if there is one.
    func peekInfix() -> Infix? {
        switch current.kind {
        case .symbol(let symbol):
            switch symbol {
            case .equal: return .binary(.equal)
            case .notEqual, .bangEqual: return .binary(.notEqual)
            case .less: return .binary(.less)
            case .lessOrEqual: return .binary(.lessOrEqual)
            case .greater: return .binary(.greater)
            case .greaterOrEqual: return .binary(.greaterOrEqual)
            case .concat: return .binary(.concat)
            case .tilde: return .binary(.regexMatch)
            case .bangTilde: return .binary(.notRegexMatch)
            case .plus: return .binary(.plus)
            case .minus: return .binary(.minus)
            case .asterisk: return .binary(.multiply)
            case .slash: return .binary(.divide)
            case .percent: return .binary(.modulo)
            case .doubleColon: return .cast
            case .leftParen, .rightParen, .comma, .semicolon, .period: return nil
            }
        case .word(_, let keyword?):
            switch keyword {
            case .and: return .binary(.and)
            case .or: return .binary(.or)
            case .is: return .isNull
            case .between: return .between(negated: false)
            case .in: return .in(negated: false)
            case .like: return .like(negated: false)
            case .not:
                switch peek(1).keyword {
                case .between: return .between(negated: true)
                case .in: return .in(negated: true)
                case .like: return .like(negated: true)
                default: return nil
                }
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Reads an expression whose operators bind at least as tightly as `minimum`.
    ///
    /// This function and the ones it calls per operator stay small: they are the
    /// frames that repeat on the stack for each level of nesting.
    mutating func parseExpression(minimum: Precedence = .or) throws(QueryError) -> Expr {
        try enter()
        var levels = 1
        defer { depth -= levels }
        var lhs = try parsePrefix()
        while let infix = peekInfix(), infix.precedence >= minimum {
            try enter()  // for the node about to wrap `lhs`
            levels += 1
            switch infix {
            case .binary(let op) where op.precedence.isAssociative:
                lhs = try parseBinaryRun(lhs, level: op.precedence)
            case .binary(let op):
                lhs = try parseComparison(lhs, op)
            case .isNull:
                lhs = try parseIsNull(lhs)
            case .between(let negated):
                lhs = try parseBetween(lhs, negated: negated)
            case .in(let negated):
                lhs = try parseInList(lhs, negated: negated)
            case .like(let negated):
                lhs = try parseLike(lhs, negated: negated)
            case .cast:
                lhs = try parseCastSuffix(lhs)
            }
            if !infix.precedence.isAssociative { try rejectChained(infix.precedence) }
        }
        return lhs
    }

    /// `lhs op e op e …` for every operator of `level` in a row.
    @inline(never)
    private mutating func parseBinaryRun(_ lhs: Expr, level: Precedence) throws(QueryError) -> Expr {
        var terms: [Expr.BinaryTerm] = []
        while case .binary(let op)? = peekInfix(), op.precedence == level {
            let location = advance().location
            terms.append(Expr.BinaryTerm(op, try parseExpression(minimum: level.next), at: location))
        }
        return Expr(.binary(lhs, terms), at: lhs.location)
    }

    /// `lhs op rhs` for a comparison.
    @inline(never)
    private mutating func parseComparison(_ lhs: Expr, _ op: BinaryOperator) throws(QueryError) -> Expr {
        let location = advance().location
        let rhs = try parseExpression(minimum: Precedence.comparison.next)
        return Expr(.binary(lhs, [Expr.BinaryTerm(op, rhs, at: location)]), at: lhs.location)
    }

    /// `lhs IS [NOT] NULL`.
    @inline(never)
    private mutating func parseIsNull(_ lhs: Expr) throws(QueryError) -> Expr {
        advance()
        let negated = consume(.not)
        try expect(.null)
        return Expr(.isNull(lhs, negated: negated), at: lhs.location)
    }

    /// `lhs [NOT] BETWEEN low AND high`.
    @inline(never)
    private mutating func parseBetween(_ lhs: Expr, negated: Bool) throws(QueryError) -> Expr {
        advance(negated: negated)
        let low = try parseExpression(minimum: Precedence.membership.next)
        try expect(.and)
        let high = try parseExpression(minimum: Precedence.membership.next)
        return Expr(.between(lhs, low: low, high: high, negated: negated), at: lhs.location)
    }

    /// `lhs [NOT] LIKE pattern`.
    @inline(never)
    private mutating func parseLike(_ lhs: Expr, negated: Bool) throws(QueryError) -> Expr {
        advance(negated: negated)
        let pattern = try parseExpression(minimum: Precedence.membership.next)
        return Expr(.like(lhs, pattern: pattern, negated: negated), at: lhs.location)
    }

    /// `lhs::type`.
    @inline(never)
    private mutating func parseCastSuffix(_ lhs: Expr) throws(QueryError) -> Expr {
        advance()
        return Expr(.cast(lhs, try parseDataType(), syntax: .doubleColon), at: lhs.location)
    }

    /// Comparisons, and BETWEEN/IN/LIKE, do not associate: `a < b < c` is an error.
    @inline(never)
    private func rejectChained(_ level: Precedence) throws(QueryError) {
        guard let next = peekInfix(), next.precedence == level else { return }
        let what = level == .comparison ? "a comparison" : "BETWEEN, IN or LIKE"
        throw error("\(current) cannot follow \(what) without parentheses")
    }

    /// Consumes `NOT` (if `negated`) and the operator keyword after it.
    private mutating func advance(negated: Bool) {
        if negated { advance() }
        advance()
    }

    /// After `IN`: `(expr, …)` or `(SELECT …)`.
    @inline(never)
    private mutating func parseInList(_ lhs: Expr, negated: Bool) throws(QueryError) -> Expr {
        advance(negated: negated)
        try expect(.leftParen)
        if at(.select) || at(.with) {
            let query = try parseQuery()
            try expect(.rightParen)
            return Expr(.inSubquery(lhs, query, negated: negated), at: lhs.location)
        }
        var list: [Expr] = []
        repeat {
            list.append(try parseExpression())
        } while try expectCommaOrClose()
        return Expr(.inList(lhs, list, negated: negated), at: lhs.location)
    }

    /// A comma-separated list of expressions (at least one).
    mutating func parseExpressionList() throws(QueryError) -> [Expr] {
        var list: [Expr] = []
        repeat {
            list.append(try parseExpression())
        } while consume(.comma)
        return list
    }
}
