import Testing
@testable import SundialQueryLang

/// One case per error message: the code, the exact message and the line:column.
@Suite struct ErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var sql: [UInt8]
        var code: QueryError.Code
        var message: String
        var line: Int
        var column: Int
        var description: String { String(decoding: sql, as: UTF8.self) }

        init(_ sql: String, _ code: QueryError.Code, _ message: String, _ line: Int, _ column: Int) {
            self.init(bytes: Array(sql.utf8), code, message, line, column)
        }

        init(bytes: [UInt8], _ code: QueryError.Code, _ message: String, _ line: Int, _ column: Int) {
            self.sql = bytes
            self.code = code
            self.message = message
            self.line = line
            self.column = column
        }
    }

    static let units = "a duration is digits followed by one of the units ns, us, ms, s, m, h, d, w"

    static let lexical: [Case] = [
        Case("SELECT a FROM t WHERE x = 'abc", .lexical, "unterminated string literal", 1, 27),
        Case("SELECT \"abc FROM t", .lexical, "unterminated quoted identifier", 1, 8),
        Case("SELECT \"\" FROM t", .lexical, "empty quoted identifier", 1, 8),
        Case("SELECT 1 /* never closed", .lexical, "unterminated block comment", 1, 10),
        Case("SELECT 1 /* a /* b */ c", .lexical, "unterminated block comment", 1, 10),
        Case("SELECT 10days FROM t", .lexical, "invalid number or duration \"10days\": \(units)", 1, 8),
        Case("SELECT 1.5h", .lexical, "invalid number or duration \"1.5h\": \(units)", 1, 8),
        Case("SELECT\n  1e FROM t", .lexical, "invalid number or duration \"1e\": \(units)", 2, 3),
        Case("SELECT 99999999999999999999d", .lexical, "duration \"99999999999999999999d\" is out of range", 1, 8),
        Case("SELECT $", .lexical, "expected a number after \"$\"", 1, 8),
        Case("SELECT $0", .lexical, "parameter $0 is out of range: parameters are numbered $1 to $65535", 1, 8),
        Case("SELECT $1a", .lexical, "invalid parameter \"$1a\": a parameter is \"$\" followed by digits only", 1, 8),
        Case("SELECT a # b", .lexical, "unexpected character \"#\"", 1, 10),
        Case("SELECT a | b", .lexical, "unexpected character \"|\"", 1, 10),
        Case("SELECT a ! b", .lexical, "unexpected character \"!\"", 1, 10),
        Case("SELECT 1\u{07}", .lexical, "unexpected control character 0x07", 1, 9),
        Case(bytes: Array("SELECT 'ab".utf8) + [0xFF, 0x27], .lexical, "invalid UTF-8 in string literal (byte 0xFF)", 1, 11),
        Case(bytes: Array("SELECT \"é".utf8) + [0xC3, 0x22], .lexical, "invalid UTF-8 in quoted identifier (byte 0xC3)", 1, 10),
        Case(bytes: Array("SELECT é".utf8) + [0xC3], .lexical, "invalid UTF-8 byte 0xC3", 1, 9),
    ]

    static let syntax: [Case] = [
        Case("SELECT * FROM cpu WHERE", .syntax, "expected an expression after \"WHERE\", found end of input", 1, 24),
        Case("", .syntax, "expected a statement, found end of input", 1, 1),
        Case("SELEC * FROM t", .syntax, "expected a statement, found \"SELEC\"", 1, 1),
        Case("SELECT FROM t", .syntax, "expected an expression after \"SELECT\", found \"FROM\"", 1, 8),
        Case("SELECT a FROM", .syntax, "expected a table name after \"FROM\", found end of input", 1, 14),
        Case("SELECT a FROM (t)", .syntax, "expected a query after \"(\", found \"t\"", 1, 16),
        Case("SELECT a AS FROM t", .syntax, "expected an alias after \"AS\", found \"FROM\"", 1, 13),
        Case("SELECT a,\n       b,\n  FROM t", .syntax, "expected an expression after \",\", found \"FROM\"", 3, 3),
        Case("SELECT 'é', ü +", .syntax, "expected an expression after \"+\", found end of input", 1, 16),
        Case("SELECT a FROM t WHERE a < b < c", .syntax, "\"<\" cannot follow a comparison without parentheses", 1, 29),
        Case("SELECT a LIKE b NOT IN (c)", .syntax, "\"NOT\" cannot follow BETWEEN, IN or LIKE without parentheses", 1, 17),
        Case("SELECT (1 + 2", .syntax, "expected \")\" after number 2, found end of input", 1, 14),
        Case("SELECT count(* FROM t", .syntax, "expected \")\" after \"*\", found \"FROM\"", 1, 16),
        Case("SELECT f(1 2)", .syntax, "expected \",\" or \")\" after number 1, found number 2", 1, 12),
        Case("SELECT CASE WHEN a THEN b", .syntax, "expected \"END\" after \"b\", found end of input", 1, 26),
        Case("SELECT CASE END", .syntax, "expected \"WHEN\" after \"CASE\", found \"END\"", 1, 13),
        Case("SELECT CAST(a AS bogus)", .syntax, "expected a type name after \"AS\", found \"bogus\"", 1, 18),
        Case("SELECT a::", .syntax, "expected a type name after \"::\", found end of input", 1, 11),
        Case("SELECT extract(fortnight FROM t)", .syntax,
             "unknown date or time field \"fortnight\" in EXTRACT; expected one of "
                + ExtractField.allCases.map(\.rawValue).joined(separator: ", "), 1, 16),
        Case("SELECT extract(1 FROM t)", .syntax, "expected a date or time field after \"(\", found number 1", 1, 16),
        Case("SELECT a IS 1", .syntax, "expected \"NULL\" after \"IS\", found number 1", 1, 13),
        Case("SELECT a BETWEEN 1 OR 2", .syntax, "expected \"AND\" after number 1, found \"OR\"", 1, 20),
        Case("SELECT a FROM t WHERE a IN 1", .syntax, "expected \"(\" after \"IN\", found number 1", 1, 28),
        Case("SELECT a.b.c FROM t", .syntax, "a column name has at most two parts, table.column; found another \".\"", 1, 11),
        Case("SELECT a. FROM t", .syntax, "expected a column name after \".\", found \"FROM\"", 1, 11),
        Case("SELECT DISTINCT ON host FROM t", .syntax, "expected \"(\" after \"ON\", found \"host\"", 1, 20),
        Case("SELECT a FROM t GROUP host", .syntax, "expected \"BY\" after \"GROUP\", found \"host\"", 1, 23),
        Case("SELECT a FROM t GROUP BY a FILL(SOMETIMES)", .syntax,
             "expected NULL, PREV, LINEAR or a number after \"(\", found \"SOMETIMES\"", 1, 33),
        Case("SELECT a FROM t GROUP BY a FILL(-PREV)", .syntax, "expected a number after \"-\", found \"PREV\"", 1, 34),
        Case("SELECT a FROM t ORDER BY a NULLS MIDDLE", .syntax,
             "expected FIRST or LAST after \"NULLS\", found \"MIDDLE\"", 1, 34),
        Case("SELECT a FROM t LATEST ON time", .syntax, "expected \"PARTITION\" after \"time\", found end of input", 1, 31),
        Case("SELECT a FROM t LATEST ON 1", .syntax, "expected a time column after \"ON\", found number 1", 1, 27),
        Case("SELECT a FROM t, u", .syntax, "joins are not supported: FROM takes one table or subquery, found \",\"", 1, 16),
        Case("SELECT a FROM t JOIN u ON a = b", .syntax,
             "joins are not supported: FROM takes one table or subquery, found \"JOIN\"", 1, 17),
        Case("SELECT 1 UNION SELECT 2", .syntax, "UNION, INTERSECT and EXCEPT are not supported", 1, 10),
        Case("WITH RECURSIVE x AS (SELECT 1) SELECT 1", .syntax, "WITH RECURSIVE is not supported", 1, 6),
        Case("WITH x (SELECT 1) SELECT 1", .syntax, "expected \"AS\" after \"x\", found \"(\"", 1, 8),
        Case("SELECT a FROM t x y", .syntax, "expected end of input after \"x\", found \"y\"", 1, 19),
        Case("SELECT 1; SELECT 2", .syntax, "expected end of input after \";\", found \"SELECT\"", 1, 11),
        Case("SELECT 1 LIMIT", .syntax, "expected an expression after \"LIMIT\", found end of input", 1, 15),
        Case("SELECT 'x' 'a very long string literal that goes on and on and on'", .syntax,
             "expected end of input after string 'x', found string 'a very long string literal that goes on…", 1, 12),
        Case("CREATE TABLE t ()", .syntax, "expected a column name after \"(\", found \")\"", 1, 17),
        Case("CREATE TABLE t (a INTEGR)", .syntax, "expected a type name after \"a\", found \"INTEGR\"", 1, 19),
        Case("CREATE TABLE t (a INT) PARTITION BY YEAR", .syntax,
             "expected HOUR, DAY, WEEK or MONTH after \"BY\", found \"YEAR\"", 1, 37),
        Case("CREATE TABLE t (a INT) RETENTION 30", .syntax,
             "expected a duration such as 30d after \"RETENTION\", found number 30", 1, 34),
        Case("CREATE VIEW v", .syntax, "expected \"TABLE\" after \"CREATE\", found \"VIEW\"", 1, 8),
        Case("CREATE TABLE IF EXISTS t (a INT)", .syntax, "expected \"NOT\" after \"IF\", found \"EXISTS\"", 1, 17),
        Case("DROP TABLE IF cpu", .syntax, "expected \"EXISTS\" after \"IF\", found \"cpu\"", 1, 15),
        Case("DROP TABLE select", .syntax, "expected a table name after \"TABLE\", found \"select\"", 1, 12),
        Case("ALTER TABLE cpu RENAME TO x", .syntax, "expected ADD or SET after \"cpu\", found \"RENAME\"", 1, 17),
        Case("ALTER TABLE cpu SET RETENTION forever", .syntax,
             "expected a duration such as 30d, or NONE after \"RETENTION\", found \"forever\"", 1, 31),
        Case("SHOW DATABASES", .syntax, "expected TABLES, COLUMNS or TAG VALUES after \"SHOW\", found \"DATABASES\"", 1, 6),
        Case("SHOW TAG VALUES FROM cpu WITH KEY host", .syntax, "expected \"=\" after \"KEY\", found \"host\"", 1, 35),
        Case("SHOW TAG VALUES FROM cpu WITH KEY = 'host'", .syntax,
             "expected a tag key after \"=\", found string 'host'", 1, 37),
        Case("INSERT INTO cpu VALUES", .syntax, "expected \"(\" after \"VALUES\", found end of input", 1, 23),
        Case("INSERT cpu VALUES (1)", .syntax, "expected \"INTO\" after \"INSERT\", found \"cpu\"", 1, 8),
        Case("INSERT INTO cpu (a) VALUES ()", .syntax, "expected an expression after \"(\", found \")\"", 1, 29),
        Case("DELETE cpu", .syntax, "expected \"FROM\" after \"DELETE\", found \"cpu\"", 1, 8),
        Case("EXPLAIN DROP TABLE t", .syntax, "expected a query after \"EXPLAIN\", found \"DROP\"", 1, 9),
    ]

    @Test(arguments: lexical + syntax)
    func reportsMessageAndPosition(_ c: Case) {
        let error = queryError { () throws(QueryError) in _ = try SQLParser.parse(utf8: c.sql) }
        #expect(error?.code == c.code)
        #expect(error?.message == c.message)
        #expect(error?.line == c.line)
        #expect(error?.column == c.column)
    }

    @Test func enoughCases() {
        #expect(Self.lexical.count + Self.syntax.count >= 30)
    }

    @Test func description() {
        let error = queryError { () throws(QueryError) in _ = try SQLParser.parse("SELECT * FROM cpu WHERE") }
        #expect(error?.description == "syntax error at 1:24: expected an expression after \"WHERE\", found end of input")
        #expect(QueryError(.lexical, "x").description == "lexical error: x")
        #expect(error?.location?.offset == 23)
    }

    @Test func expressionEntryPoint() {
        let error = queryError { () throws(QueryError) in _ = try SQLParser.parseExpression("a = 1 b") }
        #expect(error?.message == "expected an operator or end of input after number 1, found \"b\"")
        #expect(error?.column == 7)
    }

    @Test func scriptSeparators() {
        let error = queryError { () throws(QueryError) in _ = try SQLParser.parseScript("SELECT 1;\nSELECT 2 3") }
        #expect(error?.message == "expected \";\" or end of input after number 2, found number 3")
        #expect(error?.line == 2)
        #expect(error?.column == 10)
    }
}
