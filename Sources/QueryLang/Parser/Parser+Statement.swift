// Statements: dispatch on the first word, then table definition (CREATE, DROP,
// ALTER), metadata (SHOW, DESCRIBE) and data (INSERT, DELETE, EXPLAIN) statements.
// Queries are in Parser+Query.swift.

extension Parser {
    /// Reads one statement, up to (not including) its `;` or the end of input.
    mutating func parseStatement() throws(QueryError) -> Statement {
        let location = current.location
        switch current.keyword {
        case .select?, .with?:
            return .query(try parseQuery())
        case .create?:
            return .createTable(try parseCreateTable())
        case .drop?:
            advance()
            try expect(.table)
            var ifExists = false
            if consume(.if) {
                try expect(.exists)
                ifExists = true
            }
            return .dropTable(DropTable(try parseIdentifier("a table name"), ifExists: ifExists, at: location))
        case .alter?:
            return .alterTable(try parseAlterTable())
        case .show?:
            return try parseShow()
        case .describe?:
            advance()
            return .showColumns(ShowColumns(try parseIdentifier("a table name"), at: location))
        case .insert?:
            return .insert(try parseInsert())
        case .delete?:
            advance()
            try expect(.from)
            let table = try parseIdentifier("a table name")
            let condition: Expr? = if consume(.where) { try parseExpression() } else { nil }
            return .delete(Delete(table, where: condition, at: location))
        case .explain?:
            advance()
            let analyze = consume(.analyze)
            guard at(.select) || at(.with) else { throw expected("a query") }
            return .explain(Explain(analyze: analyze, try parseQuery(), at: location))
        default:
            throw expected("a statement")
        }
    }

    /// `CREATE TABLE [IF NOT EXISTS] name (column type, …) [PARTITION BY …] [RETENTION …]`.
    private mutating func parseCreateTable() throws(QueryError) -> CreateTable {
        let location = try expect(.create).location
        try expect(.table)
        var ifNotExists = false
        if consume(.if) {
            try expect(.not)
            try expect(.exists)
            ifNotExists = true
        }
        let name = try parseIdentifier("a table name")
        try expect(.leftParen)
        var columns: [ColumnDeclaration] = []
        repeat {
            columns.append(try parseColumnDeclaration())
        } while try expectCommaOrClose()
        var create = CreateTable(name, ifNotExists: ifNotExists, columns: columns, at: location)
        if consume(.partition) {
            try expect(.by)
            guard let keyword = current.keyword, let interval = PartitionInterval(rawValue: keyword.rawValue) else {
                throw expected("HOUR, DAY, WEEK or MONTH")
            }
            advance()
            create.partitionBy = interval
        }
        if consume(.retention) { create.retention = try parseDuration() }
        return create
    }

    /// `name type`.
    private mutating func parseColumnDeclaration() throws(QueryError) -> ColumnDeclaration {
        let name = try parseIdentifier("a column name")
        return ColumnDeclaration(name, try parseDataType(), at: name.location)
    }

    /// A duration token (`30d`).
    private mutating func parseDuration() throws(QueryError) -> DurationLiteral {
        guard case .duration(let duration) = current.kind else {
            throw expected("a duration such as 30d")
        }
        advance()
        return duration
    }

    /// `ALTER TABLE name ADD [COLUMN] name type | SET RETENTION duration | NONE`.
    private mutating func parseAlterTable() throws(QueryError) -> AlterTable {
        let location = try expect(.alter).location
        try expect(.table)
        let name = try parseIdentifier("a table name")
        if consume(.add) {
            _ = consume(.column)
            return AlterTable(name, .addColumn(try parseColumnDeclaration()), at: location)
        }
        guard consume(.set) else { throw expected("ADD or SET") }
        try expect(.retention)
        if consume(.none) { return AlterTable(name, .setRetention(nil), at: location) }
        guard case .duration = current.kind else { throw expected("a duration such as 30d, or NONE") }
        return AlterTable(name, .setRetention(try parseDuration()), at: location)
    }

    /// `SHOW TABLES`, `SHOW COLUMNS FROM t`, `SHOW TAG VALUES FROM t WITH KEY = k`.
    private mutating func parseShow() throws(QueryError) -> Statement {
        let location = try expect(.show).location
        if consume(.tables) { return .showTables(ShowTables(at: location)) }
        if consume(.columns) {
            try expect(.from)
            return .showColumns(ShowColumns(try parseIdentifier("a table name"), at: location))
        }
        guard consume(.tag) else { throw expected("TABLES, COLUMNS or TAG VALUES") }
        try expect(.values)
        try expect(.from)
        let table = try parseIdentifier("a table name")
        try expect(.with)
        try expect(.key)
        try expect(.equal)
        return .showTagValues(ShowTagValues(table, key: try parseIdentifier("a tag key"), at: location))
    }

    /// `INSERT INTO table [(column, …)] VALUES (expr, …), …`.
    private mutating func parseInsert() throws(QueryError) -> Insert {
        let location = try expect(.insert).location
        try expect(.into)
        let table = try parseIdentifier("a table name")
        var columns: [Identifier] = []
        if consume(.leftParen) {
            repeat {
                columns.append(try parseIdentifier("a column name"))
            } while try expectCommaOrClose()
        }
        try expect(.values)
        var rows: [[Expr]] = []
        repeat {
            try expect(.leftParen)
            var row: [Expr] = []
            repeat {
                row.append(try parseExpression())
            } while try expectCommaOrClose()
            rows.append(row)
        } while consume(.comma)
        return Insert(table, columns: columns, rows: rows, at: location)
    }
}
