import Testing
import SundialWorkloads
@testable import SundialQueryLang

/// Deterministic random inputs: arbitrary bytes, and valid statements with tokens
/// inserted, deleted, replaced, duplicated or swapped, and bytes flipped. Every input
/// must give a statement or a `QueryError` located inside the input (never a trap),
/// and every statement that parses must survive print-and-reparse.
@Suite struct RandomInputTests {
    static let cases = 20_000

    /// Text that may be spliced into a statement: every keyword and symbol, and a few
    /// literals and names.
    static let vocabulary: [String] = Keyword.allCases.map(\.rawValue) + Token.Symbol.allCases.map(\.rawValue) + [
        "'x'", "''", "'it''s'", "1", "0", "1.5", ".5", "1e3", "7d", "500ms", "$1", "$2", "\"Q\"", "a", "t", "time",
        "host", "count", "now", "f", "(", ")", "(", ")", ",", "*", "--", "/*", "*/", "'", "\"", "$", "#", "é",
    ]

    /// Expressions that may replace a name or literal: they stress precedence and the
    /// printer's parentheses, and often leave the statement valid.
    static let expressions: [String] = [
        "-1", "- -x", "NOT a", "(a OR b)", "a AND b", "a = b", "x IS NULL", "x IS NOT NULL", "x::int", "-x::int",
        "(-x)::int", "a || b", "a ~ 'r'", "a !~ 'r'", "x BETWEEN 1 AND 2", "x NOT IN (1, 2)", "x LIKE 'a%'",
        "CASE WHEN a THEN b END", "CASE x WHEN 1 THEN 2 ELSE 3 END", "CAST(x AS TEXT)", "(SELECT 1)", "f(x, y)",
        "count(*)", "count(DISTINCT x)", "EXTRACT(YEAR FROM t)", "TIMESTAMP '2020-01-01'", "INTERVAL '1 day'", "$3",
        "7d", "a * (b + c)", "NOT NOT a", "(a = b) = c", "x IN (SELECT 1)", "a - (b - c)", "(a + b) + c", "t.x",
        "\"Q q\"", "a % b", "(NOT a) IS NULL", "(x LIKE 'a') LIKE 'b'", "-(NOT a)", "+x", "1e3", ".5",
    ]

    static let seeds: [String] = RoundTripTests.statements + TSBSQueries.all.map(\.sql)

    /// The source text of each token of `sql`, and whether it is a name or literal.
    static func pieces(_ sql: String) -> [(text: String, isAtom: Bool)] {
        let bytes = Array(sql.utf8)
        guard let tokens = try? Lexer.tokenize(sql) else { return [(sql, false)] }
        return tokens.dropLast().map { token in
            let text = String(decoding: bytes[token.location.offset..<token.endOffset], as: UTF8.self)
            switch token.kind {
            case .word(_, nil), .quotedIdentifier, .string, .integer, .float, .duration, .parameter: return (text, true)
            default: return (text, false)
            }
        }
    }

    static func randomBytes(_ rng: inout SplitMix64) -> [UInt8] {
        let count = Int(rng.next() % 120)
        let sqlish = Array("SELECT FROM WHERE ( ) , ' \" ; - / * 1 a . : | ! $ \n\t".utf8)
        return (0..<count).map { _ in
            rng.next() % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : sqlish[Int(rng.next() % UInt64(sqlish.count))]
        }
    }

    static func mutated(_ rng: inout SplitMix64) -> [UInt8] {
        var pieces = pieces(seeds[Int(rng.next() % UInt64(seeds.count))])
        func pick(_ list: [String]) -> String { list[Int(rng.next() % UInt64(list.count))] }
        // Half the time only names and literals are replaced, which mostly keeps the
        // statement valid; otherwise anything goes.
        let onlyExpressions = rng.next() % 2 == 0
        for _ in 0...(rng.next() % 3) {
            let i = pieces.isEmpty ? 0 : Int(rng.next() % UInt64(pieces.count))
            switch onlyExpressions ? 7 : rng.next() % 8 {
            case 0: pieces.insert((pick(vocabulary), false), at: i)
            case 1 where !pieces.isEmpty: pieces.remove(at: i)
            case 2 where !pieces.isEmpty: pieces[i] = (pick(vocabulary), false)
            case 3 where !pieces.isEmpty: pieces.insert(pieces[i], at: i)
            case 4 where i + 1 < pieces.count: pieces.swapAt(i, i + 1)
            default:
                // Replace a name or literal with an expression.
                let atoms = pieces.indices.filter { pieces[$0].isAtom }
                if !atoms.isEmpty { pieces[atoms[Int(rng.next() % UInt64(atoms.count))]] = (pick(expressions), false) }
            }
        }
        var bytes = Array(pieces.map(\.text).joined(separator: " ").utf8)
        if rng.next() % 8 == 0, !bytes.isEmpty {
            bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
        }
        return bytes
    }

    @Test func neverTraps() throws {
        var rng = SplitMix64(seed: 0x5EED_5EED)
        var parsed = 0
        var failed = 0
        for i in 0..<Self.cases {
            let bytes = i % 4 == 0 ? Self.randomBytes(&rng) : Self.mutated(&rng)
            do {
                let statement = try SQLParser.parse(utf8: bytes)
                parsed += 1
                let printed = statement.description
                let reparsed = try? SQLParser.parse(printed)
                #expect(reparsed == statement, "input: \(String(decoding: bytes, as: UTF8.self))\nprinted: \(printed)")
            } catch {
                failed += 1
                let location = try #require(error.location)
                #expect(location.offset >= 0 && location.offset <= bytes.count)
                #expect(location.line >= 1 && location.column >= 1)
                #expect(!error.message.isEmpty)
            }
        }
        #expect(parsed + failed == Self.cases)
        // Both outcomes are well represented, so the test exercises both paths.
        #expect(parsed > Self.cases / 8)
        #expect(failed > Self.cases / 2)
    }

    /// Scripts of mutated statements: the same guarantees for `parseScript`.
    @Test func scriptsNeverTrap() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<1_000 {
            var bytes: [UInt8] = []
            for _ in 0...(rng.next() % 4) { bytes += Self.mutated(&rng) + Array(";".utf8) }
            do {
                let statements = try SQLParser.parseScript(utf8: bytes)
                let printed = statements.map(\.description).joined(separator: ";\n")
                #expect((try? SQLParser.parseScript(printed)) == statements)
            } catch {
                #expect(error.location.map { $0.offset <= bytes.count } == true)
            }
        }
    }
}
