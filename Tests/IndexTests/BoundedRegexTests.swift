import Testing
@testable import SundialIndex

@Suite struct BoundedRegexTests {
    @Test(arguments: [
        ("abc", "abc", true), ("abc", "abcd", false), ("a.c", "abc", true), ("a.c", "ac", false),
        ("ab*c", "ac", true), ("ab*c", "abbbbc", true), ("ab+c", "ac", false), ("ab?c", "abc", true),
        ("(ab|cd)+", "abcdab", true), ("(ab|cd)+", "abce", false), ("[a-c]+x", "cabx", true), ("[^0-9]+", "abc", true),
        ("[^0-9]+", "ab1", false), ("\\d{3}-\\d{2}", "123-45", true), ("\\d{3}-\\d{2}", "12-345", false),
        ("host_(1|2)\\d?", "host_17", true), ("host_(1|2)\\d?", "host_3", false), ("a{2,3}", "aaaa", false),
        ("a{2,}", "aaaaaa", true), ("(?:eu|us)-west-\\d", "eu-west-1", true), ("\\.", ".", true), ("\\.", "x", false),
        ("", "", true), ("", "a", false), ("^a$", "a", true), ("x|", "", true), ("[]a]", "]", true), ("\\w+@\\w+", "me@host", true),
    ])
    func fullMatch(_ pattern: String, _ text: String, _ expected: Bool) throws {
        #expect(try BoundedRegex(pattern).fullMatch(text) == expected, "\(pattern) ~ \(text)")
    }

    @Test func searchFindsSubstrings() throws {
        #expect(try BoundedRegex("b+c").contains("aabbbcdd"))
        #expect(try !BoundedRegex("^b").contains("ab"))
        #expect(try BoundedRegex("d$").contains("abcd"))
    }

    /// Patterns that make backtracking engines take exponential time finish at once.
    @Test func pathologicalPatternsStayLinear() throws {
        let text = String(repeating: "a", count: 5000)
        #expect(try !BoundedRegex("(a+)+b").fullMatch(text))
        #expect(try !BoundedRegex("(a|a)*b").fullMatch(text))
        #expect(try !BoundedRegex("(a*)*b").contains(text))
        #expect(try BoundedRegex("(a|aa)*").fullMatch(text))
    }

    @Test(arguments: [
        ("(ab", 4, "expected ')'"), ("ab)", 3, "unbalanced"), ("*a", 1, "nothing to repeat"), ("[a-", 4, "expected ']'"),
        ("a{3,1}", 2, "max below min"), ("\\q", 2, "unsupported escape"), ("a{2000}", 2, "above 1000"), ("[z-a]", 2, "reversed"),
    ])
    func badPatternsNameTheirPosition(_ pattern: String, _ position: Int, _ message: String) {
        do {
            _ = try BoundedRegex(pattern)
            Issue.record("\(pattern) compiled")
        } catch {
            #expect(error.position == position, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func limitsBoundTheProgram() {
        #expect(throws: RegexError.self) { try BoundedRegex(String(repeating: "a", count: 2000)) }
        #expect(throws: RegexError.self) { try BoundedRegex("((a{1000}){1000})") }
        #expect(throws: RegexError.self) { try BoundedRegex(String(repeating: "(", count: 200) + String(repeating: ")", count: 200)) }
    }

    @Test(arguments: [
        ("host_12[0-9]*5", "host_12"), ("abc", "abc"), ("ab*", "a"), ("ab?c", "a"), ("ab+", "ab"),
        ("a|b", ""), (".*x", ""), ("(ab)c", ""), ("a\\.b", "a.b"), ("a\\.?", "a"), ("x{2}", ""), ("^ab", ""),
    ])
    func literalPrefixIsAPrefixOfEveryMatch(_ pattern: String, _ expected: String) throws {
        let regex = try BoundedRegex(pattern)
        #expect(regex.literalPrefix == expected)
    }
}
