// Prefix forms: literals, names, calls, parentheses and scalar subqueries, prefix
// operators, CASE, CAST, EXTRACT, typed literals; and type names.
//
// Non-reserved keywords are names unless their special form follows: `TIMESTAMP`
// before a string is a typed literal, `CAST`/`EXTRACT` before `(` are the special
// forms, and otherwise `timestamp` or `time` is a column.

extension Parser {
    /// Reads the operand an operator loop starts from.
    ///
    /// Like `parseExpression`, this and the recursive forms it dispatches to are kept
    /// small; literals are read by a helper whose frame is gone before any recursion.
    mutating func parsePrefix() throws(QueryError) -> Expr {
        if let literal = takeLiteral() { return literal }
        switch current.kind {
        case .symbol(.minus): return try parseUnary(.minus)
        case .symbol(.plus): return try parseUnary(.plus)
        case .symbol(.leftParen): return try parseParenthesized()
        case .word(_, let keyword?) where keyword.isReserved || keyword == .extract:
            return try parseKeywordPrefix(keyword)
        case .word, .quotedIdentifier:
            return peek(1).kind == .symbol(.leftParen) ? try parseFunctionCall() : try parseColumn()
        default: throw expected("an expression")
        }
    }

    /// Consumes and returns a literal or parameter, if the current token starts one:
    /// numbers, strings, durations, `$n`, `TRUE`, `FALSE`, `NULL`, `TIMESTAMP '…'`,
    /// `INTERVAL '…'`.
    @inline(never)
    private mutating func takeLiteral() -> Expr? {
        let location = current.location
        let literal: Literal
        switch current.kind {
        case .integer(let text): literal = .integer(text)
        case .float(let text): literal = .float(text)
        case .string(let text): literal = .string(text)
        case .duration(let duration): literal = .duration(duration)
        case .parameter(let index):
            advance()
            return Expr(.parameter(index), at: location)
        case .word(_, .true?): literal = .boolean(true)
        case .word(_, .false?): literal = .boolean(false)
        case .word(_, .null?): literal = .null
        case .word(_, let keyword?) where keyword == .timestamp || keyword == .interval:
            guard case .string(let text) = peek(1).kind else { return nil }
            advance()
            literal = keyword == .timestamp ? .timestamp(text) : .interval(text)
        default:
            return nil
        }
        advance()
        return Expr(.literal(literal), at: location)
    }

    /// `-x`, `+x`, `NOT x`.
    @inline(never)
    private mutating func parseUnary(_ op: UnaryOperator) throws(QueryError) -> Expr {
        let location = advance().location
        let operand = try parseExpression(minimum: op == .not ? Precedence.not.next : .unary)
        return Expr(.unary(op, operand), at: location)
    }

    /// `(expr)` or `(SELECT …)`. The parentheses leave no node; the expression takes
    /// the location of `(`.
    @inline(never)
    private mutating func parseParenthesized() throws(QueryError) -> Expr {
        if peek(1).keyword == .select || peek(1).keyword == .with { return try parseScalarSubquery() }
        let location = advance().location
        var inner = try parseExpression()
        try expect(.rightParen)
        inner.location = location
        return inner
    }

    /// `(SELECT …)` as a value.
    @inline(never)
    private mutating func parseScalarSubquery() throws(QueryError) -> Expr {
        let location = try expect(.leftParen).location
        let query = try parseQuery()
        try expect(.rightParen)
        return Expr(.subquery(query), at: location)
    }

    /// Reserved words that start an expression (`NOT`, `CASE`, `CAST`) and `EXTRACT`.
    @inline(never)
    private mutating func parseKeywordPrefix(_ keyword: Keyword) throws(QueryError) -> Expr {
        let call = peek(1).kind == .symbol(.leftParen)
        switch keyword {
        case .not: return try parseUnary(.not)
        case .case: return try parseCase()
        case .cast where call: return try parseCast()
        case .extract where call: return try parseExtract()
        case .extract: return try parseColumn()
        default: throw expected("an expression")
        }
    }

    /// A column: `col` or `t.col`.
    @inline(never)
    private mutating func parseColumn() throws(QueryError) -> Expr {
        let name = try parseIdentifier("an expression")
        guard consume(.period) else { return Expr(.column(ColumnReference(name)), at: name.location) }
        let column = try parseIdentifier("a column name")
        if at(.period) {
            throw error("a column name has at most two parts, table.column; found another \".\"")
        }
        return Expr(.column(ColumnReference(table: name, column)), at: name.location)
    }

    /// `name(*)`, `name()`, `name(a, …)`, `name(DISTINCT a, …)`.
    @inline(never)
    private mutating func parseFunctionCall() throws(QueryError) -> Expr {
        let name = try parseIdentifier("a function name")
        try expect(.leftParen)
        if consume(.asterisk) {
            try expect(.rightParen)
            return Expr(.function(FunctionCall(name, .star)), at: name.location)
        }
        let distinct = consume(.distinct)
        var arguments: [Expr] = []
        if distinct || !consume(.rightParen) {
            repeat {
                arguments.append(try parseExpression())
            } while try expectCommaOrClose()
        }
        return Expr(.function(FunctionCall(name, .list(arguments, distinct: distinct))), at: name.location)
    }

    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    @inline(never)
    private mutating func parseCase() throws(QueryError) -> Expr {
        let location = try expect(.case).location
        if at(.end) { throw expected("\"WHEN\"") }
        let operand: Expr? = if at(.when) { nil } else { try parseExpression() }
        var branches: [Expr.WhenClause] = []
        repeat {
            let when = try expect(.when).location
            let condition = try parseExpression()
            try expect(.then)
            branches.append(Expr.WhenClause(condition, then: try parseExpression(), at: when))
        } while at(.when)
        let otherwise: Expr? = if consume(.else) { try parseExpression() } else { nil }
        try expect(.end)
        return Expr(.caseWhen(operand: operand, branches: branches, otherwise: otherwise), at: location)
    }

    /// `CAST(expr AS type)`.
    @inline(never)
    private mutating func parseCast() throws(QueryError) -> Expr {
        let location = try expect(.cast).location
        try expect(.leftParen)
        let operand = try parseExpression()
        try expect(.as)
        let type = try parseDataType()
        try expect(.rightParen)
        return Expr(.cast(operand, type, syntax: .function), at: location)
    }

    /// `EXTRACT(field FROM expr)`; the field is a word or a string (`'year'`).
    @inline(never)
    private mutating func parseExtract() throws(QueryError) -> Expr {
        let location = try expect(.extract).location
        try expect(.leftParen)
        let name: String
        switch current.kind {
        case .word(let text, _), .string(let text): name = text
        default: throw expected("a date or time field")
        }
        guard let field = ExtractField(name: name) else {
            throw error("unknown date or time field \(current) in EXTRACT; expected one of "
                + ExtractField.allCases.map(\.rawValue).joined(separator: ", "))
        }
        advance()
        try expect(.from)
        let operand = try parseExpression()
        try expect(.rightParen)
        return Expr(.extract(field, operand), at: location)
    }

    /// A type name: `TIMESTAMP`, `DOUBLE [PRECISION]`, `FLOAT`, `BIGINT`, `INT`,
    /// `INTEGER`, `BOOLEAN`, `BOOL`, `STRING`, `TEXT`, `VARCHAR`, `TAG`, `INTERVAL`.
    mutating func parseDataType() throws(QueryError) -> DataType {
        guard let keyword = current.keyword, let type = DataType(keyword: keyword) else {
            throw expected("a type name")
        }
        advance()
        if keyword == .double { _ = consume(.precision) }
        return type
    }

    /// `col` or `t.col`, where only a column can stand.
    mutating func parseColumnReference(_ what: String) throws(QueryError) -> ColumnReference {
        let name = try parseIdentifier(what)
        guard consume(.period) else { return ColumnReference(name) }
        return ColumnReference(table: name, try parseIdentifier("a column name"))
    }
}
