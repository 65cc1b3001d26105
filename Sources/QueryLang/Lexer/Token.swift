// Tokens: what the lexer hands the parser. Literal values are already decoded (string
// escapes undone, quoted identifiers unquoted) but numbers keep their spelling, so that
// `9223372036854775808` (the magnitude of Int64.min) and `0.1` reach the binder intact.

/// One token of query text, with where it starts and ends.
public struct Token: Hashable, Sendable, CustomStringConvertible {
    /// What the token is.
    public enum Kind: Hashable, Sendable {
        /// A bare word: a keyword or a name, spelled as written.
        case word(String, keyword: Keyword?)
        /// A `"double-quoted"` name, with `""` unescaped.
        case quotedIdentifier(String)
        /// A `'single-quoted'` string, with `''` unescaped.
        case string(String)
        /// Digits, as written (`42`).
        case integer(String)
        /// A number with a fraction or an exponent, as written (`1.5`, `.5`, `1e3`).
        case float(String)
        /// Digits immediately followed by a unit (`7d`, `500ms`).
        case duration(DurationLiteral)
        /// A positional parameter `$n` (n ≥ 1).
        case parameter(Int)
        /// An operator or punctuation.
        case symbol(Symbol)
        /// The end of the text; the lexer returns it forever once reached.
        case endOfInput
    }

    /// Operators and punctuation.
    public enum Symbol: String, Hashable, Sendable, CaseIterable {
        case leftParen = "(", rightParen = ")", comma = ",", semicolon = ";", period = "."
        case asterisk = "*", plus = "+", minus = "-", slash = "/", percent = "%"
        case equal = "=", notEqual = "<>", bangEqual = "!=", less = "<", lessOrEqual = "<="
        case greater = ">", greaterOrEqual = ">=", concat = "||", doubleColon = "::"
        case tilde = "~", bangTilde = "!~"
    }

    /// What the token is.
    public var kind: Kind
    /// Where its first character is.
    public var location: SourceLocation
    /// The byte offset just past its last character.
    public var endOffset: Int

    /// Creates a token.
    public init(_ kind: Kind, at location: SourceLocation, endOffset: Int) {
        self.kind = kind
        self.location = location
        self.endOffset = endOffset
    }

    /// The keyword of a bare word, if it is one.
    public var keyword: Keyword? {
        if case .word(_, let keyword) = kind { keyword } else { nil }
    }

    /// The token as error messages name it: `"FROM"`, `number 42`, `end of input`.
    public var description: String {
        switch kind {
        case .word(let text, _): "\"\(Token.abbreviated(text))\""
        case .quotedIdentifier(let text):
            "quoted identifier " + Token.abbreviated(Identifier(text, isQuoted: true).description)
        case .string(let text): "string " + Token.abbreviated(Literal.string(text).description)
        case .integer(let text), .float(let text): "number " + Token.abbreviated(text)
        case .duration(let duration): "duration \(duration)"
        case .parameter(let index): "parameter $\(index)"
        case .symbol(let symbol): "\"\(symbol.rawValue)\""
        case .endOfInput: "end of input"
        }
    }

    /// Long text is cut so that a message stays one readable line.
    static func abbreviated(_ text: String, limit: Int = 40) -> String {
        text.count > limit ? text.prefix(limit) + "…" : text
    }
}
