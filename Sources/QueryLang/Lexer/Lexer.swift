// The tokenizer: UTF-8 bytes in, tokens out, one at a time.
//
// It never traps, whatever the bytes: every byte is either part of a token, trivia
// (whitespace and comments) or the subject of a `QueryError` with its line:column.
// Nothing here recurses (nested block comments are counted), so hostile input costs
// time linear in its length and constant stack. Literals are in Lexer+Literals.swift.

/// Splits query text into ``Token``s.
///
/// The lexer works on the UTF-8 bytes of the text and can be used on its own, for
/// example to highlight a query:
///
/// ```swift
/// var lexer = Lexer("SELECT max(usage) FROM cpu -- peak\nWHERE time > now() - 1h")
/// while true {
///     let token = try lexer.next()
///     if token.kind == .endOfInput { break }
///     print(token.location, token)
/// }
/// ```
///
/// Whitespace, `-- line comments` and `/* block comments */` (which nest, as in
/// PostgreSQL) are skipped. Keywords are recognised without regard to ASCII case;
/// words keep their spelling.
public struct Lexer: Sendable {
    let bytes: [UInt8]
    /// The next byte to read.
    var index = 0
    var line = 1
    var column = 1

    /// A lexer over the UTF-8 encoding of `text`.
    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// A lexer over raw bytes, which need not be valid UTF-8 (invalid sequences are
    /// reported as errors where they are found).
    public init(utf8: some Sequence<UInt8>) {
        bytes = Array(utf8)
    }

    /// Where the next token (or trivia) starts.
    public var location: SourceLocation { SourceLocation(line: line, column: column, offset: index) }

    /// All the tokens of `text`, ending with one ``Token/Kind-swift.enum/endOfInput``.
    ///
    /// - Throws: ``QueryError`` with code ``QueryError/Code-swift.struct/lexical`` at the
    ///   first character that cannot start or continue a token.
    public static func tokenize(_ text: String) throws(QueryError) -> [Token] {
        var lexer = Lexer(text)
        return try lexer.tokenizeAll()
    }

    /// All the tokens of raw UTF-8 bytes, ending with one
    /// ``Token/Kind-swift.enum/endOfInput``.
    ///
    /// - Throws: ``QueryError`` with code ``QueryError/Code-swift.struct/lexical`` at the
    ///   first byte that cannot start or continue a token.
    public static func tokenize(utf8: some Sequence<UInt8>) throws(QueryError) -> [Token] {
        var lexer = Lexer(utf8: utf8)
        return try lexer.tokenizeAll()
    }

    mutating func tokenizeAll() throws(QueryError) -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .endOfInput { return tokens }
        }
    }

    /// Reads the next token, skipping whitespace and comments before it.
    ///
    /// At the end of the text it returns ``Token/Kind-swift.enum/endOfInput``, and keeps
    /// doing so if called again.
    ///
    /// - Throws: ``QueryError`` with code ``QueryError/Code-swift.struct/lexical``.
    public mutating func next() throws(QueryError) -> Token {
        try skipTrivia()
        let start = location
        guard let byte = peek() else { return Token(.endOfInput, at: start, endOffset: index) }
        let kind: Token.Kind
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "_"), 0x80...:
            kind = try lexWord()
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            kind = try lexNumber()
        case UInt8(ascii: ".") where peek(1).map(Lexer.isDigit) == true:
            kind = try lexNumber()
        case UInt8(ascii: "'"):
            kind = .string(try lexQuoted(UInt8(ascii: "'"), what: "string literal"))
        case UInt8(ascii: "\""):
            let name = try lexQuoted(UInt8(ascii: "\""), what: "quoted identifier")
            guard !name.isEmpty else {
                throw QueryError(.lexical, "empty quoted identifier", at: start)
            }
            kind = .quotedIdentifier(name)
        case UInt8(ascii: "$"):
            kind = try lexParameter()
        default:
            kind = .symbol(try lexSymbol(byte))
        }
        return Token(kind, at: start, endOffset: index)
    }

    // MARK: Reading bytes

    func peek(_ ahead: Int = 0) -> UInt8? {
        let i = index + ahead
        return i < bytes.count ? bytes[i] : nil
    }

    /// Consumes one byte, keeping line and column current.
    mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {  // not a UTF-8 continuation byte
            column += 1
        }
    }

    mutating func advance(by count: Int) {
        for _ in 0..<count { advance() }
    }

    // MARK: Trivia

    private mutating func skipTrivia() throws(QueryError) {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
                 0x0B, 0x0C:
                advance()
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                while let b = peek(), b != UInt8(ascii: "\n") { advance() }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                try skipBlockComment()
            default:
                return
            }
        }
    }

    /// Skips a block comment; `/* a /* b */ c */` is one comment, as in PostgreSQL.
    private mutating func skipBlockComment() throws(QueryError) {
        let start = location
        advance(by: 2)
        var depth = 1
        while depth > 0 {
            guard let byte = peek() else {
                throw QueryError(.lexical, "unterminated block comment", at: start)
            }
            if byte == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                depth -= 1
                advance(by: 2)
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                depth += 1
                advance(by: 2)
            } else {
                advance()
            }
        }
    }

    // MARK: Symbols

    private mutating func lexSymbol(_ byte: UInt8) throws(QueryError) -> Token.Symbol {
        let start = location
        let next = peek(1)
        let symbol: Token.Symbol
        switch byte {
        case UInt8(ascii: "("): symbol = .leftParen
        case UInt8(ascii: ")"): symbol = .rightParen
        case UInt8(ascii: ","): symbol = .comma
        case UInt8(ascii: ";"): symbol = .semicolon
        case UInt8(ascii: "."): symbol = .period
        case UInt8(ascii: "*"): symbol = .asterisk
        case UInt8(ascii: "+"): symbol = .plus
        case UInt8(ascii: "-"): symbol = .minus
        case UInt8(ascii: "/"): symbol = .slash
        case UInt8(ascii: "%"): symbol = .percent
        case UInt8(ascii: "="): symbol = .equal
        case UInt8(ascii: "~"): symbol = .tilde
        case UInt8(ascii: "<"):
            symbol = next == UInt8(ascii: "=") ? .lessOrEqual : next == UInt8(ascii: ">") ? .notEqual : .less
        case UInt8(ascii: ">"):
            symbol = next == UInt8(ascii: "=") ? .greaterOrEqual : .greater
        case UInt8(ascii: "!") where next == UInt8(ascii: "="): symbol = .bangEqual
        case UInt8(ascii: "!") where next == UInt8(ascii: "~"): symbol = .bangTilde
        case UInt8(ascii: "|") where next == UInt8(ascii: "|"): symbol = .concat
        case UInt8(ascii: ":") where next == UInt8(ascii: ":"): symbol = .doubleColon
        case 0x21...0x7E:
            throw QueryError(.lexical, "unexpected character \"\(Character(Unicode.Scalar(byte)))\"", at: start)
        default:
            throw QueryError(.lexical, "unexpected control character \(Lexer.hex(byte))", at: start)
        }
        advance(by: symbol.rawValue.utf8.count)
        return symbol
    }

    // MARK: Character classes

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    /// ASCII letters, digits and `_`, and every non-ASCII byte (validated separately).
    static func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
