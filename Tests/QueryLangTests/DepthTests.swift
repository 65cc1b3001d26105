import Foundation
import Synchronization
import Testing
@testable import SundialQueryLang

/// Hostile nesting gets a `tooDeep` error, never a stack overflow; long runs of one
/// operator are not nesting and parse whatever their length.
@Suite struct DepthTests {
    static let n = 100_000
    static let limit = SQLParser.defaultMaxDepth
    static let message = "query nested too deeply: more than 200 levels of parentheses, subqueries or operators"

    func tooDeep(_ sql: String) -> QueryError? {
        let error = queryError { () throws(QueryError) in _ = try SQLParser.parse(sql) }
        #expect(error?.code == .tooDeep)
        #expect(error?.message == Self.message)
        return error
    }

    /// The query takes a level, the select item's expression one, each `(` one more:
    /// the 200th `(` is the first too many.
    @Test func hundredThousandParentheses() {
        let sql = "SELECT " + String(repeating: "(", count: Self.n) + "1" + String(repeating: ")", count: Self.n)
        let error = tooDeep(sql)
        #expect(error?.location == SourceLocation(line: 1, column: 8 + 199, offset: 7 + 199))
    }

    @Test func hundredThousandNots() {
        let error = tooDeep("SELECT " + String(repeating: "NOT ", count: Self.n) + "x")
        #expect(error?.column == 8 + 199 * 4)
    }

    /// Every other way to nest (fewer repetitions: the limit is reached long before).
    @Test func otherNestingForms() {
        let n = 20_000
        _ = tooDeep("SELECT " + String(repeating: "- ", count: n) + "1")
        _ = tooDeep("SELECT " + String(repeating: "(SELECT ", count: n) + "1" + String(repeating: ")", count: n))
        _ = tooDeep("SELECT " + String(repeating: "f(", count: n) + "1" + String(repeating: ")", count: n))
        _ = tooDeep("SELECT " + String(repeating: "CASE WHEN ", count: n) + "1" + String(repeating: " THEN 1 END", count: n))
        _ = tooDeep("SELECT " + String(repeating: "CAST(", count: n) + "1" + String(repeating: " AS INT)", count: n))
        _ = tooDeep("SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: n) + "t" + String(repeating: ")", count: n))
        _ = tooDeep(String(repeating: "WITH a AS (", count: n) + "SELECT 1" + String(repeating: ") SELECT 1", count: n))
        _ = tooDeep("SELECT x IN (" + String(repeating: "x IN (", count: n) + "1" + String(repeating: ")", count: n + 1))
        // Postfix operators and alternating levels build depth without recursion:
        // they are counted too.
        _ = tooDeep("SELECT x" + String(repeating: "::int", count: n))
        _ = tooDeep("SELECT x" + String(repeating: " IS NULL || y", count: n))
        _ = tooDeep("SELECT " + String(repeating: "a OR b AND c = d || e + f * -(", count: n) + "1" + String(repeating: ")", count: n))
    }

    /// A run of one operator is one node, however long.
    @Test func hundredThousandTermChains() throws {
        for op in ["+", "-", "*", "||", "AND", "OR"] {
            let sql = "SELECT " + Array(repeating: "1", count: Self.n).joined(separator: " \(op) ")
            let statement = try SQLParser.parse(sql)
            guard case .query(let q) = statement, case .expression(let expr, _) = q.projection[0].kind,
                  case .binary(_, let terms) = expr.kind
            else { Issue.record("\(op)"); continue }
            #expect(terms.count == Self.n - 1)
            #expect(statement.description == sql)
            #expect(try SQLParser.parse(statement.description) == statement)
        }
        let mixed = "SELECT " + (0..<Self.n).map { $0 % 2 == 0 ? "a = \($0)" : "b < \($0)" }.joined(separator: " OR ")
        #expect(try SQLParser.parse(mixed).description == mixed)
    }

    @Test func hundredThousandRows() throws {
        let sql = "INSERT INTO t (time, v) VALUES " + (0..<Self.n).map { "(\($0), 1.5)" }.joined(separator: ", ")
        guard case .insert(let insert) = try SQLParser.parse(sql) else { Issue.record("insert"); return }
        #expect(insert.rows.count == Self.n)
    }

    /// Exactly at the limit every form parses, prints and compares (which recurse
    /// over the tree); one more level is refused. This runs on a thread with a 2 MiB
    /// stack, which bounds what a level may cost (about 6 KB in a debug build, under
    /// 1 KB in release): a regression shows up as a crash here.
    @Test func atTheLimitOnASmallStack() throws {
        let problems = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let found = Self.checkEveryFormAtTheLimit()
            problems.withLock { $0 = found }
            done.signal()
        }
        thread.stackSize = 2 << 20
        thread.start()
        done.wait()
        #expect(problems.withLock { $0 } == [])
    }

    /// What goes wrong at the limit, in words (nothing, when all is well).
    static func checkEveryFormAtTheLimit() -> [String] {
        let forms: [(Int) -> String] = [
            { "SELECT " + String(repeating: "(", count: $0) + "1" + String(repeating: ")", count: $0) },
            { "SELECT " + String(repeating: "NOT ", count: $0) + "x" },
            { "SELECT " + String(repeating: "- ", count: $0) + "1" },
            { "SELECT " + String(repeating: "f(", count: $0) + "1" + String(repeating: ")", count: $0) },
            { "SELECT " + String(repeating: "(SELECT ", count: $0) + "1" + String(repeating: ")", count: $0) },
            { "SELECT * FROM " + String(repeating: "(SELECT * FROM ", count: $0) + "t" + String(repeating: ")", count: $0) },
            { "SELECT " + String(repeating: "CASE WHEN ", count: $0) + "1" + String(repeating: " THEN 1 END", count: $0) },
            { "SELECT " + String(repeating: "CAST(", count: $0) + "1" + String(repeating: " AS INT)", count: $0) },
            { "SELECT " + String(repeating: "x IN (", count: $0) + "1" + String(repeating: ")", count: $0) },
            { "SELECT " + String(repeating: "a OR b AND c = d || e + f * -(", count: $0) + "1" + String(repeating: ")", count: $0) },
            { "SELECT x" + String(repeating: " IS NULL || y", count: $0) },
        ]
        var problems: [String] = []
        for (i, form) in forms.enumerated() {
            // The deepest nesting of this form that is accepted.
            var depth = 0
            while (try? SQLParser.parse(form(depth + 1))) != nil { depth += 1 }
            if depth < 10 { problems.append("form \(i): only \(depth) levels") }
            do {
                _ = try SQLParser.parse(form(depth + 1))
                problems.append("form \(i): \(depth + 1) levels accepted")
            } catch {
                if error.code != .tooDeep { problems.append("form \(i): \(error)") }
            }
            guard let statement = try? SQLParser.parse(form(depth)) else { continue }
            if (try? SQLParser.parse(statement.description)) != statement {
                problems.append("form \(i): does not print back")
            }
        }
        // The exact limit, for parentheses: the query and the select item take a level each.
        if (try? SQLParser.parse(forms[0](limit - 2))) == nil { problems.append("198 parentheses refused") }
        if (try? SQLParser.parse(forms[0](limit - 1))) != nil { problems.append("199 parentheses accepted") }
        return problems
    }

    @Test func customLimit() throws {
        let sql = "SELECT " + String(repeating: "(", count: 20) + "1" + String(repeating: ")", count: 20)
        _ = try SQLParser.parse(sql, maxDepth: 22)
        let error = queryError { () throws(QueryError) in _ = try SQLParser.parse(sql, maxDepth: 21) }
        #expect(error?.code == .tooDeep)
        #expect(error?.message == "query nested too deeply: more than 21 levels of parentheses, subqueries or operators")
        #expect(throws: QueryError.self) { try SQLParser.parseExpression("((1))", maxDepth: 2) }
        _ = try SQLParser.parseExpression("((1))", maxDepth: 3)
    }
}
