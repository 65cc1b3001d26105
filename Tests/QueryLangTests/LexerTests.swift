import Testing
@testable import SundialQueryLang

@Suite struct LexerTests {
    func kinds(_ sql: String) throws -> [Token.Kind] {
        try Lexer.tokenize(sql).map(\.kind).dropLast()
    }

    @Test func wordsKeepSpellingAndKnowTheirKeyword() throws {
        #expect(try kinds("select SeLeCt cpu Time _x9 naïve") == [
            .word("select", keyword: .select), .word("SeLeCt", keyword: .select),
            .word("cpu", keyword: nil), .word("Time", keyword: nil), .word("_x9", keyword: nil),
            .word("naïve", keyword: nil),
        ])
        #expect(try kinds("timestamp Partition") == [
            .word("timestamp", keyword: .timestamp), .word("Partition", keyword: .partition),
        ])
    }

    @Test func quotedIdentifiersAndStrings() throws {
        #expect(try kinds(#""My ""Col""" 'it''s' '' 'two\#nlines' 'é€😀'"#) == [
            .quotedIdentifier(#"My "Col""#), .string("it's"), .string(""), .string("two\nlines"),
            .string("é€😀"),
        ])
    }

    @Test func numbers() throws {
        #expect(try kinds("0 42 1.5 .5 2. 1e3 1E+3 1.5e-3 007") == [
            .integer("0"), .integer("42"), .float("1.5"), .float(".5"), .float("2."),
            .float("1e3"), .float("1E+3"), .float("1.5e-3"), .integer("007"),
        ])
        // A period that starts no fraction stays a period.
        #expect(try kinds("t.x 1..2") == [
            .word("t", keyword: nil), .symbol(.period), .word("x", keyword: nil),
            .integer("1"), .symbol(.period), .float(".2"),
        ])
    }

    @Test func durations() throws {
        #expect(try kinds("7d 1h 30m 10s 500ms 1w 5us 3ns") == [
            .duration(DurationLiteral(7, .days)), .duration(DurationLiteral(1, .hours)),
            .duration(DurationLiteral(30, .minutes)), .duration(DurationLiteral(10, .seconds)),
            .duration(DurationLiteral(500, .milliseconds)), .duration(DurationLiteral(1, .weeks)),
            .duration(DurationLiteral(5, .microseconds)), .duration(DurationLiteral(3, .nanoseconds)),
        ])
        #expect(DurationLiteral(7, .days).nanoseconds == 604_800_000_000_000)
        #expect(DurationLiteral(Int64.max, .weeks).nanoseconds == nil)
        #expect(DurationLiteral(9_223_372_036_854_775_807, .nanoseconds).description == "9223372036854775807ns")
    }

    @Test func parameters() throws {
        #expect(try kinds("$1 $2 $65535") == [.parameter(1), .parameter(2), .parameter(65535)])
    }

    @Test func symbols() throws {
        let text = "( ) , ; . * + - / % = <> != < <= > >= || :: ~ !~"
        #expect(try kinds(text) == Token.Symbol.allCases.map { .symbol($0) })
        // Longest match without spaces.
        #expect(try kinds("a<=b<>c!=d||e::f!~g") == [
            .word("a", keyword: nil), .symbol(.lessOrEqual), .word("b", keyword: nil), .symbol(.notEqual),
            .word("c", keyword: nil), .symbol(.bangEqual), .word("d", keyword: nil), .symbol(.concat),
            .word("e", keyword: nil), .symbol(.doubleColon), .word("f", keyword: nil), .symbol(.bangTilde),
            .word("g", keyword: nil),
        ])
    }

    @Test func commentsAndWhitespaceAreSkipped() throws {
        #expect(try kinds("a -- to the end\n b /* one /* nested */ still */ c\t\r\n\u{0B}\u{0C}d --") == [
            .word("a", keyword: nil), .word("b", keyword: nil), .word("c", keyword: nil),
            .word("d", keyword: nil),
        ])
        #expect(try kinds("1-2") == [.integer("1"), .symbol(.minus), .integer("2")])
        #expect(try kinds("-- only a comment").isEmpty)
        #expect(try kinds("/* é \u{FF} */ x") == [.word("x", keyword: nil)])
    }

    /// Lines are counted at `\n`; columns count Unicode scalars; offsets count bytes.
    @Test func locations() throws {
        let tokens = try Lexer.tokenize("SELECT 'é',\n  naïve /* x\n y */ z\r\n\tw")
        let located = tokens.map { ($0.location.line, $0.location.column, $0.location.offset) }
        #expect(located.map(\.0) == [1, 1, 1, 2, 3, 4, 4])
        #expect(located.map(\.1) == [1, 8, 11, 3, 7, 2, 3])
        #expect(located.map(\.2) == [0, 7, 11, 15, 33, 37, 38])
        #expect(tokens[1].endOffset == 11)
        #expect(tokens[1].location.description == "1:8")
    }

    @Test func nextKeepsReturningEndOfInput() throws {
        var lexer = Lexer("x")
        #expect(try lexer.next().kind == .word("x", keyword: nil))
        let end = try lexer.next()
        #expect(end.kind == .endOfInput)
        #expect(end.location == SourceLocation(line: 1, column: 2, offset: 1))
        #expect(try lexer.next() == end)
    }

    @Test func bytesAPI() throws {
        let tokens = try Lexer.tokenize(utf8: Array("SELECT 'ok'".utf8))
        #expect(tokens.map(\.kind) == [.word("SELECT", keyword: .select), .string("ok"), .endOfInput])
    }

    /// Each malformed UTF-8 form is reported at its first byte, inside and outside quotes.
    @Test(arguments: [
        [0xFF], [0xC0, 0x80], [0xC3], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xF0, 0x9F, 0x98], [0x80],
    ] as [[UInt8]])
    func invalidUTF8(_ bad: [UInt8]) {
        let inString = queryError { () throws(QueryError) in _ = try Lexer.tokenize(utf8: Array("x 'ab".utf8) + bad + Array("'".utf8)) }
        #expect(inString?.code == .lexical)
        #expect(inString?.location == SourceLocation(line: 1, column: 6, offset: 5))
        #expect(inString?.message.hasPrefix("invalid UTF-8 in string literal (byte 0x") == true)
        let inWord = queryError { () throws(QueryError) in _ = try Lexer.tokenize(utf8: Array("x ab".utf8) + bad) }
        #expect(inWord?.code == .lexical)
        #expect(inWord?.location?.offset == 4)
    }

    @Test func keywordTable() {
        for keyword in Keyword.allCases {
            #expect(Keyword(word: keyword.rawValue) == keyword)
            #expect(Keyword(word: keyword.rawValue.lowercased()) == keyword)
        }
        #expect(Keyword(word: "selectx") == nil)
        #expect(Keyword(word: "SELECTSELECTSELECTSELECT") == nil)
        #expect(Keyword(word: "sélect") == nil)
        #expect(Keyword.select.isReserved)
        #expect(Keyword(word: "time") == nil)
        #expect(Keyword.timestamp.isReserved == false)
    }
}
