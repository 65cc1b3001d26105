// Queries: WITH, the select list, FROM, and the clauses in their fixed order
// (WHERE, LATEST ON, GROUP BY … FILL, HAVING, ORDER BY, LIMIT/OFFSET in either order).

extension Parser {
    /// `[WITH …] SELECT …`, up to the first token that cannot continue it.
    ///
    /// The clauses are read by helpers writing into one `Query`, which keeps this
    /// frame (repeated once per subquery level) small.
    mutating func parseQuery() throws(QueryError) -> Query {
        try enter()
        defer { depth -= 1 }
        var query = Query(projection: [], at: current.location)
        if at(.with) { try parseWith(into: &query) }
        try parseSelectClause(into: &query)
        try parseFilters(into: &query)
        try parseGrouping(into: &query)
        try parseOrderAndLimit(into: &query)
        return query
    }

    /// `WITH name AS (query), …`.
    @inline(never)
    private mutating func parseWith(into query: inout Query) throws(QueryError) {
        try expect(.with)
        if at(.recursive) { throw error("WITH RECURSIVE is not supported") }
        repeat {
            let name = try parseIdentifier("a name for the WITH query")
            try expect(.as)
            try expect(.leftParen)
            let named = try parseQuery()
            try expect(.rightParen)
            query.with.append(Query.CommonTableExpression(name, named, at: name.location))
        } while consume(.comma)
    }

    /// `SELECT [DISTINCT [ON (…)]] items`.
    @inline(never)
    private mutating func parseSelectClause(into query: inout Query) throws(QueryError) {
        try expect(.select)
        if consume(.distinct) {
            if consume(.on) {
                try expect(.leftParen)
                query.distinct = .on(try parseExpressionList())
                try expect(.rightParen)
            } else {
                query.distinct = .rows
            }
        }
        query.projection = try parseSelectList()
    }

    /// `FROM …`, `WHERE …`, `LATEST ON …`.
    @inline(never)
    private mutating func parseFilters(into query: inout Query) throws(QueryError) {
        if consume(.from) { query.from = try parseTableReference() }
        if consume(.where) { query.where = try parseExpression() }
        if at(.latest) { query.latestOn = try parseLatestOn() }
    }

    /// `GROUP BY … [FILL(…)]`, `HAVING …`.
    @inline(never)
    private mutating func parseGrouping(into query: inout Query) throws(QueryError) {
        if at(.group) { query.groupBy = try parseGroupBy() }
        if consume(.having) { query.having = try parseExpression() }
    }

    /// `ORDER BY …`, then `LIMIT` and `OFFSET` in either order.
    @inline(never)
    private mutating func parseOrderAndLimit(into query: inout Query) throws(QueryError) {
        if consume(.order) {
            try expect(.by)
            repeat {
                query.orderBy.append(try parseOrderItem())
            } while consume(.comma)
        }
        if consume(.limit) { query.limit = try parseExpression() }
        if consume(.offset) { query.offset = try parseExpression() }
        if query.limit == nil, consume(.limit) { query.limit = try parseExpression() }
        if at(.union) || at(.intersect) || at(.except) {
            throw error("UNION, INTERSECT and EXCEPT are not supported")
        }
    }

    @inline(never)
    private mutating func parseSelectList() throws(QueryError) -> [Query.SelectItem] {
        var items: [Query.SelectItem] = []
        repeat {
            items.append(try parseSelectItem())
        } while consume(.comma)
        return items
    }

    /// `*`, `table.*`, or `expr [[AS] alias]`.
    @inline(never)
    private mutating func parseSelectItem() throws(QueryError) -> Query.SelectItem {
        if let wildcard = try takeWildcard() { return wildcard }
        let expr = try parseExpression()
        return Query.SelectItem(.expression(expr, alias: try parseAlias()), at: expr.location)
    }

    /// Consumes `*` or `table.*`, if present.
    @inline(never)
    private mutating func takeWildcard() throws(QueryError) -> Query.SelectItem? {
        let location = current.location
        if consume(.asterisk) { return Query.SelectItem(.wildcard, at: location) }
        guard atIdentifier, peek(1).kind == .symbol(.period), peek(2).kind == .symbol(.asterisk) else { return nil }
        let table = try parseIdentifier("a table name")
        advance()
        advance()
        return Query.SelectItem(.qualifiedWildcard(table), at: location)
    }

    /// After `FROM`: `table [[AS] alias]` or `(query) [[AS] alias]`.
    @inline(never)
    private mutating func parseTableReference() throws(QueryError) -> Query.TableReference {
        let location = current.location
        let source = try parseTableSource()
        let alias = try parseAlias()
        switch current.kind {
        case .symbol(.comma), .word(_, .join?), .word(_, .inner?), .word(_, .left?),
             .word(_, .right?), .word(_, .full?), .word(_, .outer?):
            throw error("joins are not supported: FROM takes one table or subquery, found \(current)")
        default:
            return Query.TableReference(source, alias: alias, at: location)
        }
    }

    /// `table` or `(query)`.
    @inline(never)
    private mutating func parseTableSource() throws(QueryError) -> Query.TableReference.Source {
        guard consume(.leftParen) else { return .table(try parseIdentifier("a table name")) }
        guard at(.select) || at(.with) else { throw expected("a query") }
        let query = try parseQuery()
        try expect(.rightParen)
        return .subquery(query)
    }

    /// `LATEST ON time PARTITION BY column, …`.
    @inline(never)
    private mutating func parseLatestOn() throws(QueryError) -> Query.LatestOn {
        let location = try expect(.latest).location
        try expect(.on)
        let time = try parseColumnReference("a time column")
        try expect(.partition)
        try expect(.by)
        var columns: [ColumnReference] = []
        repeat {
            columns.append(try parseColumnReference("a column name"))
        } while consume(.comma)
        return Query.LatestOn(time: time, partitionBy: columns, at: location)
    }

    /// `GROUP BY expr, … [FILL(NULL | PREV | LINEAR | number)]`.
    @inline(never)
    private mutating func parseGroupBy() throws(QueryError) -> Query.GroupBy {
        let location = try expect(.group).location
        try expect(.by)
        let items = try parseExpressionList()
        let fill = at(.fill) ? try parseFill() : nil
        return Query.GroupBy(items, fill: fill, at: location)
    }

    /// `FILL(NULL | PREV | LINEAR | [+|-]number)`.
    @inline(never)
    private mutating func parseFill() throws(QueryError) -> Query.Fill {
        let location = try expect(.fill).location
        try expect(.leftParen)
        let strategy: Query.Fill.Strategy
        let negative = at(.minus)
        if negative || at(.plus) { advance() }
        switch current.kind {
        case .word(_, .null?) where !negative: strategy = .null
        case .word(_, .prev?) where !negative: strategy = .previous
        case .word(_, .linear?) where !negative: strategy = .linear
        case .integer(let text), .float(let text): strategy = .value(negative ? "-" + text : text)
        default:
            throw expected(previous?.kind == .symbol(.leftParen) ? "NULL, PREV, LINEAR or a number" : "a number")
        }
        advance()
        try expect(.rightParen)
        return Query.Fill(strategy, at: location)
    }

    /// `expr [ASC | DESC] [NULLS FIRST | NULLS LAST]`.
    @inline(never)
    private mutating func parseOrderItem() throws(QueryError) -> Query.OrderItem {
        let location = current.location
        let expression = try parseExpression()
        let direction: Query.OrderItem.Direction? =
            consume(.asc) ? .ascending : consume(.desc) ? .descending : nil
        var nulls: Query.OrderItem.NullsOrder?
        if consume(.nulls) {
            if consume(.first) {
                nulls = .first
            } else {
                guard consume(.last) else { throw expected("FIRST or LAST") }
                nulls = .last
            }
        }
        return Query.OrderItem(expression, direction, nulls: nulls, at: location)
    }
}
