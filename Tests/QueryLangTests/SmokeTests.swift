import Testing
@testable import SundialQueryLang

@Suite struct SmokeTests {
    @Test func parses() throws {
        let s = try SQLParser.parse("SELECT 1 + 2 * 3 FROM t WHERE a = 1")
        print(s)
    }
}
