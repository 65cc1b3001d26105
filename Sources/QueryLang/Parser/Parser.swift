// The recursive-descent parser's state and its small vocabulary: looking at tokens,
// consuming them, building "expected X after Y, found Z" errors, and the depth limit.
//
// The grammar is split by concern: statements (Parser+Statement.swift), queries
// (Parser+Query.swift), operators by precedence climbing (Parser+Expression.swift)
// and primary expressions (Parser+Primary.swift).
//
// Depth: every entry into an expression or a query, and every node an operator loop
// wraps around its left operand, counts one level against `maxDepth`, and leaving
// gives the levels back. The count therefore bounds both the parser's own recursion
// and the depth of the tree it builds (which later passes walk recursively); a run of
// left-associative operators is one node however long it is.
//
// Stack: the functions on the recursive path are small, and the helpers they call for
// one-off work are `@inline(never)` so that their locals stay out of the repeated
// frames. At the default limit of 200 levels the worst form needs between 1 and 2 MiB
// of stack in a debug build (DepthTests runs it on a 2 MiB thread) and, from the
// compiled frame sizes, about a quarter of a MiB in a release build.

/// A parser over the tokens of one text.
struct Parser {
    let tokens: [Token]
    /// The index of the current token; `tokens` always ends with `.endOfInput`.
    private(set) var position = 0
    /// Levels currently entered (see the header).
    var depth = 0
    let maxDepth: Int

    init(tokens: [Token], maxDepth: Int) {
        precondition(tokens.last?.kind == .endOfInput, "the token list must end with .endOfInput")
        self.tokens = tokens
        self.maxDepth = maxDepth
    }

    // MARK: Looking

    var current: Token { tokens[position] }

    /// The token `ahead` places after the current one (the last token past the end).
    func peek(_ ahead: Int) -> Token {
        tokens[min(position + ahead, tokens.count - 1)]
    }

    var previous: Token? { position > 0 ? tokens[position - 1] : nil }

    var isAtEnd: Bool { current.kind == .endOfInput }

    func at(_ keyword: Keyword) -> Bool { current.keyword == keyword }

    func at(_ symbol: Token.Symbol) -> Bool { current.kind == .symbol(symbol) }

    // MARK: Consuming

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    mutating func consume(_ keyword: Keyword) -> Bool {
        guard at(keyword) else { return false }
        advance()
        return true
    }

    mutating func consume(_ symbol: Token.Symbol) -> Bool {
        guard at(symbol) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expect(_ keyword: Keyword) throws(QueryError) -> Token {
        guard at(keyword) else { throw expected("\"\(keyword.rawValue)\"") }
        return advance()
    }

    @discardableResult
    mutating func expect(_ symbol: Token.Symbol) throws(QueryError) -> Token {
        guard at(symbol) else { throw expected("\"\(symbol.rawValue)\"") }
        return advance()
    }

    /// After the first item of a parenthesized list: `","` or `")"`.
    mutating func expectCommaOrClose() throws(QueryError) -> Bool {
        if consume(.comma) { return true }
        guard consume(.rightParen) else { throw expected("\",\" or \")\"") }
        return false
    }

    // MARK: Names

    /// Whether the current token can be a name: a non-reserved word or a quoted name.
    var atIdentifier: Bool {
        switch current.kind {
        case .word(_, let keyword): keyword?.isReserved != true
        case .quotedIdentifier: true
        default: false
        }
    }

    /// Reads a name; `what` names it in the error ("a table name").
    mutating func parseIdentifier(_ what: String) throws(QueryError) -> Identifier {
        let token = current
        switch token.kind {
        case .word(let text, let keyword) where keyword?.isReserved != true:
            advance()
            return Identifier(text, isQuoted: false, at: token.location)
        case .quotedIdentifier(let text):
            advance()
            return Identifier(text, isQuoted: true, at: token.location)
        default:
            throw expected(what)
        }
    }

    /// An optional alias: `AS name`, or a bare name that is not a reserved word.
    mutating func parseAlias() throws(QueryError) -> Identifier? {
        if consume(.as) { return try parseIdentifier("an alias") }
        guard atIdentifier else { return nil }
        return try parseIdentifier("an alias")
    }

    // MARK: Errors

    /// `expected <what> after <previous token>, found <current token>`, at the
    /// current token.
    @inline(never)
    func expected(_ what: String) -> QueryError {
        let after = previous.map { " after \($0)" } ?? ""
        return QueryError(.syntax, "expected \(what)\(after), found \(current)", at: current.location)
    }

    /// A syntax error at the current token.
    @inline(never)
    func error(_ message: String) -> QueryError {
        QueryError(.syntax, message, at: current.location)
    }

    // MARK: Depth

    /// Enters one level; throws once more than `maxDepth` are entered.
    mutating func enter() throws(QueryError) {
        depth += 1
        guard depth <= maxDepth else { throw tooDeep() }
    }

    @inline(never)
    private func tooDeep() -> QueryError {
        QueryError(.tooDeep, "query nested too deeply: more than \(maxDepth) levels of parentheses, subqueries or operators",
                   at: current.location)
    }
}
