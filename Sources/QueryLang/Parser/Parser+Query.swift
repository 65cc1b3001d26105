// Queries: WITH, the select list, FROM, and the clauses in their fixed order
// (WHERE, LATEST ON, GROUP BY … FILL, HAVING, ORDER BY, LIMIT/OFFSET in either order).

extension Parser {
    /// `[WITH …] SELECT …`, up to the first token that cannot continue it.
    mutating func parseQuery() throws(QueryError) -> Query {
        try enter()
        defer { depth -= 1 }
        let location = current.location
        var with: [Query.CommonTableExpression] = []
        if consume(.with) {
            if at(.recursive) { throw error("WITH RECURSIVE is not supported") }
            repeat {
                let name = try parseIdentifier("a name for the WITH query")
                try expect(.as)
                try expect(.leftParen)
                let query = try parseQuery()
                try expect(.rightParen)
                with.append(Query.CommonTableExpression(name, query, at: name.location))
            } while consume(.comma)
        }
        try expect(.select)
        var query = Query(with: with, projection: [], at: location)
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
        if consume(.from) { query.from = try parseTableReference() }
        if consume(.where) { query.where = try parseExpression() }
        if at(.latest) { query.latestOn = try parseLatestOn() }
        if at(.group) { query.groupBy = try parseGroupBy() }
        if consume(.having) { query.having = try parseExpression() }
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
        return query
    }

    private mutating func parseSelectList() throws(QueryError) -> [Query.SelectItem] {
        var items: [Query.SelectItem] = []
        repeat {
            let location = current.location
            if consume(.asterisk) {
                items.append(Query.SelectItem(.wildcard, at: location))
            } else if atIdentifier, peek(1).kind == .symbol(.period), peek(2).kind == .symbol(.asterisk) {
                let table = try parseIdentifier("a table name")
                advance()
                advance()
                items.append(Query.SelectItem(.qualifiedWildcard(table), at: location))
            } else {
                let expr = try parseExpression()
                let alias = try parseAlias()
                items.append(Query.SelectItem(.expression(expr, alias: alias), at: location))
            }
        } while consume(.comma)
        return items
    }

    /// After `FROM`: `table [[AS] alias]` or `(query) [[AS] alias]`.
    private mutating func parseTableReference() throws(QueryError) -> Query.TableReference {
        let location = current.location
        let source: Query.TableReference.Source
        if consume(.leftParen) {
            guard at(.select) || at(.with) else { throw expected("a query") }
            source = .subquery(try parseQuery())
            try expect(.rightParen)
        } else {
            source = .table(try parseIdentifier("a table name"))
        }
        let alias = try parseAlias()
        switch current.kind {
        case .symbol(.comma), .word(_, .join?), .word(_, .inner?), .word(_, .left?),
             .word(_, .right?), .word(_, .full?), .word(_, .outer?):
            throw error("joins are not supported: FROM takes one table or subquery, found \(current)")
        default:
            return Query.TableReference(source, alias: alias, at: location)
        }
    }

    /// `LATEST ON time PARTITION BY column, …`.
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
    private mutating func parseGroupBy() throws(QueryError) -> Query.GroupBy {
        let location = try expect(.group).location
        try expect(.by)
        var groupBy = Query.GroupBy(try parseExpressionList(), at: location)
        guard at(.fill) else { return groupBy }
        let fillLocation = advance().location
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
            throw expected(previous?.kind == .symbol(.leftParen)
                ? "NULL, PREV, LINEAR or a number" : "a number")
        }
        advance()
        try expect(.rightParen)
        groupBy.fill = Query.Fill(strategy, at: fillLocation)
        return groupBy
    }

    /// `expr [ASC | DESC] [NULLS FIRST | NULLS LAST]`.
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
