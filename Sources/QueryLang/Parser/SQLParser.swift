// The front door of the front end: text in, syntax tree or QueryError out.
// Stateless and thread-safe; each call lexes the whole text, then parses the tokens.

/// Parses Sundial's SQL dialect into ``Statement`` trees.
///
/// ```swift
/// let statement = try SQLParser.parse("""
///     SELECT time_bucket(1h, time) AS hour, host, max(usage_user)
///     FROM cpu
///     WHERE time >= now() - 1d AND host IN ('host_1', 'host_2')
///     GROUP BY hour, host FILL(PREV)
///     ORDER BY hour DESC
///     LIMIT 100
///     """)
/// print(statement)  // prints it back as SQL that parses to an equal tree
/// ```
///
/// Errors say what was expected and what was found, with the line and column:
/// `expected an expression after "WHERE", found end of input`.
///
/// Nesting (parentheses, subqueries, prefix operators, and operators of different
/// levels wrapped around each other) is limited to `maxDepth` levels, so hostile
/// input gets a ``QueryError/Code-swift.struct/tooDeep`` error rather than a stack
/// overflow. Runs of one operator level are not nesting: `1 + 1 + … + 1` and long
/// `OR` chains parse whatever their length.
public enum SQLParser {
    /// The default nesting limit.
    public static let defaultMaxDepth = 200

    /// Parses one statement, optionally followed by semicolons.
    ///
    /// - Parameters:
    ///   - sql: The statement.
    ///   - maxDepth: The nesting limit.
    /// - Returns: The statement's syntax tree.
    /// - Throws: ``QueryError`` (lexical, syntax or too deep) at the first problem;
    ///   a second statement after a `;` is a syntax error (see ``parseScript(_:maxDepth:)``).
    public static func parse(_ sql: String, maxDepth: Int = defaultMaxDepth) throws(QueryError) -> Statement {
        try parse(tokens: Lexer.tokenize(sql), maxDepth: maxDepth)
    }

    /// Parses one statement from UTF-8 bytes, which need not be valid UTF-8 (invalid
    /// sequences are reported with their position).
    ///
    /// - Throws: ``QueryError`` at the first problem.
    public static func parse(utf8: some Sequence<UInt8>, maxDepth: Int = defaultMaxDepth) throws(QueryError) -> Statement {
        try parse(tokens: Lexer.tokenize(utf8: utf8), maxDepth: maxDepth)
    }

    /// Parses statements separated by semicolons. Empty statements are skipped, so an
    /// empty script or one of only comments gives `[]`.
    ///
    /// - Parameters:
    ///   - sql: The statements.
    ///   - maxDepth: The nesting limit.
    /// - Throws: ``QueryError`` at the first problem.
    public static func parseScript(_ sql: String, maxDepth: Int = defaultMaxDepth) throws(QueryError) -> [Statement] {
        try parseScript(tokens: Lexer.tokenize(sql), maxDepth: maxDepth)
    }

    /// Parses statements separated by semicolons from UTF-8 bytes.
    ///
    /// - Throws: ``QueryError`` at the first problem.
    public static func parseScript(utf8: some Sequence<UInt8>, maxDepth: Int = defaultMaxDepth) throws(QueryError) -> [Statement] {
        try parseScript(tokens: Lexer.tokenize(utf8: utf8), maxDepth: maxDepth)
    }

    /// Parses one expression (`host = 'a' AND usage > 90`), for filters given apart
    /// from a query.
    ///
    /// - Throws: ``QueryError`` at the first problem, including anything after the
    ///   expression.
    public static func parseExpression(_ sql: String, maxDepth: Int = defaultMaxDepth) throws(QueryError) -> Expr {
        var parser = Parser(tokens: try Lexer.tokenize(sql), maxDepth: maxDepth)
        let expr = try parser.parseExpression()
        guard parser.isAtEnd else { throw parser.expected("an operator or end of input") }
        return expr
    }

    static func parse(tokens: [Token], maxDepth: Int) throws(QueryError) -> Statement {
        var parser = Parser(tokens: tokens, maxDepth: maxDepth)
        let statement = try parser.parseStatement()
        while parser.consume(.semicolon) {}
        guard parser.isAtEnd else { throw parser.expected("end of input") }
        return statement
    }

    static func parseScript(tokens: [Token], maxDepth: Int) throws(QueryError) -> [Statement] {
        var parser = Parser(tokens: tokens, maxDepth: maxDepth)
        var statements: [Statement] = []
        while true {
            while parser.consume(.semicolon) {}
            if parser.isAtEnd { return statements }
            statements.append(try parser.parseStatement())
            guard parser.isAtEnd || parser.at(.semicolon) else { throw parser.expected("\";\" or end of input") }
        }
    }
}
