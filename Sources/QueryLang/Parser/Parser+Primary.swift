// Prefix forms: literals, names, calls, parentheses and scalar subqueries, prefix
// operators, CASE, CAST, EXTRACT, typed literals; and type names.
//
// Non-reserved keywords are names unless their special form follows: `TIMESTAMP`
// before a string is a typed literal, `CAST`/`EXTRACT` before `(` are the special
// forms, and otherwise `timestamp` or `time` is a column.

extension Parser {
    /// Reads the operand an operator loop starts from.
    mutating func parsePrefix() throws(QueryError) -> Expr {
        let token = current
        let location = token.location
        switch token.kind {
        case .integer(let text):
            advance()
            return Expr(.literal(.integer(text)), at: location)
        case .float(let text):
            advance()
            return Expr(.literal(.float(text)), at: location)
        case .string(let text):
            advance()
            return Expr(.literal(.string(text)), at: location)
        case .duration(let duration):
            advance()
            return Expr(.literal(.duration(duration)), at: location)
        case .parameter(let index):
            advance()
            return Expr(.parameter(index), at: location)
        case .symbol(.minus), .symbol(.plus):
            advance()
            let operand = try parseExpression(minimum: .unary)
            return Expr(.unary(token.kind == .symbol(.minus) ? .minus : .plus, operand), at: location)
        case .symbol(.leftParen):
            advance()
            if at(.select) || at(.with) {
                let query = try parseQuery()
                try expect(.rightParen)
                return Expr(.subquery(query), at: location)
            }
            var inner = try parseExpression()
            try expect(.rightParen)
            inner.location = location
            return inner
        case .quotedIdentifier:
            return try parseNameOrCall()
        case .word(_, let keyword):
            switch keyword {
            case .true?, .false?:
                advance()
                return Expr(.literal(.boolean(keyword == .true)), at: location)
            case .null?:
                advance()
                return Expr(.literal(.null), at: location)
            case .not?:
                advance()
                let operand = try parseExpression(minimum: Precedence.not.next)
                return Expr(.unary(.not, operand), at: location)
            case .case?:
                return try parseCase()
            case .cast? where peek(1).kind == .symbol(.leftParen):
                return try parseCast()
            case .extract? where peek(1).kind == .symbol(.leftParen):
                return try parseExtract()
            case .timestamp?, .interval?:
                guard case .string(let text) = peek(1).kind else { return try parseNameOrCall() }
                advance()
                advance()
                return Expr(.literal(keyword == .timestamp ? .timestamp(text) : .interval(text)), at: location)
            case let keyword? where keyword.isReserved:
                throw expected("an expression")
            default:
                return try parseNameOrCall()
            }
        default:
            throw expected("an expression")
        }
    }

    /// A column (`col`, `t.col`) or a call (`name(…)`).
    private mutating func parseNameOrCall() throws(QueryError) -> Expr {
        let name = try parseIdentifier("an expression")
        if at(.leftParen) { return try parseFunctionCall(name) }
        guard consume(.period) else { return Expr(.column(ColumnReference(name)), at: name.location) }
        let column = try parseIdentifier("a column name")
        if at(.period) {
            throw error("a column name has at most two parts, table.column; found another \".\"")
        }
        return Expr(.column(ColumnReference(table: name, column)), at: name.location)
    }

    /// `name(*)`, `name()`, `name(a, …)`, `name(DISTINCT a, …)`.
    private mutating func parseFunctionCall(_ name: Identifier) throws(QueryError) -> Expr {
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
    private mutating func parseCase() throws(QueryError) -> Expr {
        let location = try expect(.case).location
        let operand: Expr? = if at(.when) { nil } else { try parseExpression() }
        var branches: [Expr.WhenClause] = []
        repeat {
            try expect(.when)
            let condition = try parseExpression()
            try expect(.then)
            branches.append(Expr.WhenClause(condition, then: try parseExpression()))
        } while at(.when)
        let otherwise: Expr? = if consume(.else) { try parseExpression() } else { nil }
        try expect(.end)
        return Expr(.caseWhen(operand: operand, branches: branches, otherwise: otherwise), at: location)
    }

    /// `CAST(expr AS type)`.
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
