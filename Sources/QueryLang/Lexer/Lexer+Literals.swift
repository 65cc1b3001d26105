// Words, numbers, durations, quoted text and parameters.
//
// Numbers keep their spelling (the binder types them). A run of digits immediately
// followed by a unit is a duration (`7d`); digits followed by any other letters are an
// error rather than a number and an alias, so `10days` or `1.5h` is caught here.
// Quoted text must be valid UTF-8; the first bad byte is reported with its position.

extension Lexer {
    /// The largest parameter number, as in PostgreSQL's wire protocol.
    public static let maxParameter = 65_535

    mutating func lexWord() throws(QueryError) -> Token.Kind {
        let start = index
        while let byte = peek(), Lexer.isWordByte(byte) {
            if byte >= 0x80 {
                guard let length = scalarLength(at: index) else {
                    throw QueryError(.lexical, "invalid UTF-8 byte \(Lexer.hex(byte))", at: location)
                }
                advance(by: length)
            } else {
                advance()
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        return .word(text, keyword: Keyword(word: text))
    }

    mutating func lexNumber() throws(QueryError) -> Token.Kind {
        let start = location
        var isFloat = false
        skipDigits()
        if peek() == UInt8(ascii: "."), peek(1) != UInt8(ascii: ".") {
            isFloat = true
            advance()
            skipDigits()
        }
        if let e = peek(), e | 0x20 == UInt8(ascii: "e") {
            let sign = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-") ? 1 : 0
            if let digit = peek(1 + sign), Lexer.isDigit(digit) {
                isFloat = true
                advance(by: 1 + sign)
                skipDigits()
            }
        }
        let number = String(decoding: bytes[start.offset..<index], as: UTF8.self)
        guard let next = peek(), Lexer.isWordByte(next) else {
            return isFloat ? .float(number) : .integer(number)
        }
        // Letters right after a number: a duration, or a mistake.
        let suffixStart = index
        while let byte = peek(), Lexer.isLetter(byte) { advance() }
        let suffix = String(decoding: bytes[suffixStart..<index], as: UTF8.self)
        let followed = peek().map(Lexer.isWordByte) ?? false
        if !isFloat, !followed, let unit = DurationLiteral.Unit(rawValue: suffix) {
            guard let count = Int64(number) else {
                throw QueryError(
                    .lexical, "duration \"\(Token.abbreviated(number + suffix))\" is out of range", at: start)
            }
            return .duration(DurationLiteral(count, unit, at: start))
        }
        while let byte = peek(), Lexer.isWordByte(byte), byte < 0x80 { advance() }
        let text = Token.abbreviated(String(decoding: bytes[start.offset..<index], as: UTF8.self))
        throw QueryError(
            .lexical,
            "invalid number or duration \"\(text)\": a duration is digits followed by one of the units "
                + DurationLiteral.Unit.allCases.map(\.rawValue).joined(separator: ", "),
            at: start)
    }

    private mutating func skipDigits() {
        while let byte = peek(), Lexer.isDigit(byte) { advance() }
    }

    /// Reads `'text'` or `"name"` (the quote doubled inside stands for itself) and
    /// returns the text between the quotes.
    mutating func lexQuoted(_ quote: UInt8, what: String) throws(QueryError) -> String {
        let start = location
        advance()
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw QueryError(.lexical, "unterminated \(what)", at: start)
            }
            if byte == quote {
                advance()
                guard peek() == quote else { break }
            } else if byte >= 0x80 {
                guard let length = scalarLength(at: index) else {
                    throw QueryError(.lexical, "invalid UTF-8 in \(what) (byte \(Lexer.hex(byte)))", at: location)
                }
                text.append(contentsOf: bytes[index..<index + length])
                advance(by: length)
                continue
            }
            text.append(byte)
            advance()
        }
        return String(decoding: text, as: UTF8.self)
    }

    mutating func lexParameter() throws(QueryError) -> Token.Kind {
        let start = location
        advance()
        let digitsStart = index
        while let byte = peek(), Lexer.isDigit(byte) { advance() }
        let digits = String(decoding: bytes[digitsStart..<index], as: UTF8.self)
        guard !digits.isEmpty else {
            throw QueryError(.lexical, "expected a number after \"$\"", at: start)
        }
        if let byte = peek(), Lexer.isWordByte(byte) {
            while let byte = peek(), Lexer.isWordByte(byte), byte < 0x80 { advance() }
            let text = Token.abbreviated(String(decoding: bytes[start.offset..<index], as: UTF8.self))
            throw QueryError(.lexical, "invalid parameter \"\(text)\": a parameter is \"$\" followed by digits only", at: start)
        }
        guard let number = Int(digits), number >= 1, number <= Lexer.maxParameter else {
            throw QueryError(
                .lexical, "parameter $\(Token.abbreviated(digits)) is out of range: parameters are numbered $1 to $\(Lexer.maxParameter)",
                at: start)
        }
        return .parameter(number)
    }

    /// The length of the well-formed UTF-8 scalar at `i`, or nil (overlong forms,
    /// surrogates, values past U+10FFFF, stray continuation bytes, truncation).
    func scalarLength(at i: Int) -> Int? {
        let b0 = bytes[i]
        func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            i + k < bytes.count && range.contains(bytes[i + k])
        }
        switch b0 {
        case 0x00...0x7F:
            return 1
        case 0xC2...0xDF:
            return continuation(1) ? 2 : nil
        case 0xE0:
            return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : nil
        case 0xED:
            return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : nil
        case 0xF0:
            return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF4:
            return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
        default:
            return nil
        }
    }
}
