import Testing
import SundialTestSupport
import SundialWorkloads
import Sundial

/// The workspace scope against its model: a statement run under workspace `w` over a
/// database holding every workspace's rows must answer exactly as the same statement run
/// unscoped over a database holding only `w`'s rows (same tables, same schema). The
/// queries come from a small grammar: aggregates grouped by tags and time buckets, WHERE
/// on tags, fields and time, FROM subqueries and WITH queries, and conditions that try to
/// reach other workspaces (`OR workspace_id = 'other'`, `<>`, `IN`, `IS NULL`, NOT, LIKE).
@Suite struct SQLScopePropertyTests {
    static let workspaces = ["w1", "w2", "w3", "w4"]
    static let t0: Int64 = 1_451_606_400_000_000_000
    static let schema = [
        "CREATE TABLE m (time TIMESTAMP, workspace_id TAG, host TAG, region TAG, v DOUBLE, n BIGINT) PARTITION BY HOUR",
        "CREATE TABLE m2 (time TIMESTAMP, region TAG, workspace_id TAG, v DOUBLE)",
    ]
    /// Only the full database has it: it has no tenant tag.
    static let hidden = "CREATE TABLE g (time TIMESTAMP, host TAG, v DOUBLE)"

    /// One line of line protocol and the workspace it belongs to (nil: none).
    struct Line { var workspace: String?; var text: String }

    static func data(_ rng: inout SplitMix64) -> [Line] {
        var lines: [Line] = []
        for _ in 0..<36 {
            let workspace = Int.random(in: 0..<6, using: &rng) < 5 ? workspaces.randomElement(using: &rng) : nil
            let host = "h\(Int.random(in: 1...5, using: &rng))"
            let region = Int.random(in: 0..<4, using: &rng) == 0 ? nil : "r\(Int.random(in: 1...3, using: &rng))"
            var tags = ""
            if let workspace { tags += ",workspace_id=\(workspace)" }
            tags += ",host=\(host)"
            if let region { tags += ",region=\(region)" }
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                // Quarters are exact in binary: sums do not depend on the order of addition.
                let v = Double(Int.random(in: -40...400, using: &rng)) / 4
                let n = Int.random(in: 0..<3, using: &rng) == 0 ? "" : ",n=\(Int.random(in: -5...50, using: &rng))i"
                let time = t0 + Int64(Int.random(in: 0..<720, using: &rng)) * 10_000_000_000
                lines.append(Line(workspace: workspace, text: "m\(tags) v=\(v)\(n) \(time)"))
            }
            if Int.random(in: 0..<3, using: &rng) == 0 {
                let ws = workspace.map { ",workspace_id=\($0)" } ?? ""
                lines.append(Line(workspace: workspace, text: "m2,region=r1\(ws) v=1 \(t0)"))
            }
            lines.append(Line(workspace: nil, text: "g,host=\(host) v=3 \(t0)"))
        }
        return lines
    }

    static func open(_ statements: [String], _ lines: [Line]) async throws -> Database {
        let db = try await Database.open(at: "/data", configuration: DatabaseTests.configuration(FaultInjectingFileSystem()))
        for sql in statements { _ = try await db.query(sql) }
        // Half the rows in segments, half in the head.
        let half = lines.count / 2
        let first = try await db.write(lineProtocol: lines.prefix(half).map(\.text).joined(separator: "\n"))
        try await db.flush()
        let second = try await db.write(lineProtocol: lines.dropFirst(half).map(\.text).joined(separator: "\n"))
        #expect(first.errors.isEmpty && second.errors.isEmpty, "\(first.errors) \(second.errors)")
        return db
    }

    enum Outcome: Equatable {
        case rows([[SQLValue]])
        case error(String)
    }

    static func run(_ db: Database, _ sql: String, _ scope: QueryScope) async -> Outcome {
        do {
            let rows = try await db.query(sql, scope: scope).rows()
            // Compared as multisets: the grammar's ORDER BY … LIMIT orders by every column.
            return .rows(rows.sorted { $0.description < $1.description })
        } catch {
            return .error("\(error.code)")
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func scopedQueriesMatchThePerWorkspaceModel(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let lines = Self.data(&rng)
        let full = try await Self.open(Self.schema + [Self.hidden], lines)
        var checked = 0
        var nonEmpty = 0
        for workspace in Self.workspaces + ["w9"] {
            let model = try await Self.open(Self.schema, lines.filter { $0.workspace == workspace })
            var generator = ScopeQueryGenerator(rng: SplitMix64(seed: seed &* 1000 &+ UInt64(workspace.utf8.last!)))
            for _ in 0..<120 {
                let sql = generator.statement()
                let scoped = await Self.run(full, sql, QueryScope(workspace: workspace))
                let expected = await Self.run(model, sql, .unrestricted)
                #expect(scoped == expected, "workspace \(workspace): \(sql)")
                if scoped != expected { break }
                checked += 1
                if case .rows(let r) = expected, !r.isEmpty, r != [[.bigint(0)]] { nonEmpty += 1 }
            }
            try await model.close()
        }
        // The grammar must exercise rows, not only empty answers and errors.
        #expect(checked == 600)
        #expect(nonEmpty > 200, "\(nonEmpty) non-empty answers")
        try await full.close()
    }
}

/// The query grammar of the property test.
struct ScopeQueryGenerator {
    var rng: SplitMix64

    mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &rng)! }
    mutating func chance(_ n: Int) -> Bool { Int.random(in: 0..<n, using: &rng) == 0 }

    mutating func statement() -> String {
        switch Int.random(in: 0..<20, using: &rng) {
        case 0: return "SHOW TAG VALUES FROM \(pick(["m", "m2"])) WITH KEY = \(pick(["host", "region", "workspace_id"]))"
        case 1: return pick(["SHOW TABLES", "SHOW COLUMNS FROM m", "SELECT count(*) FROM g", "SELECT * FROM (SELECT * FROM g) s",
                             "SELECT count(*), sum(v) FROM m2 WHERE workspace_id <> 'w1' OR region = 'r1'"])
        case 2...4: return "SELECT DISTINCT ON (host) host, time, v FROM \(source()) WHERE \(condition(2)) ORDER BY host, time DESC"
        case 5...7: return rowsQuery()
        default: return aggregateQuery()
        }
    }

    /// Where the rows come from: the table, or the table through one or two derived tables.
    mutating func source() -> String {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return "(SELECT * FROM m WHERE \(condition(2))) s"
        case 1: return "(SELECT * FROM (SELECT * FROM m WHERE \(condition(1))) i WHERE \(condition(1))) s"
        case 2: return "(SELECT time, workspace_id, host, region, v, n FROM m) AS s"
        default: return "m"
        }
    }

    mutating func with(_ body: (inout ScopeQueryGenerator, String) -> String) -> String {
        if chance(4) {
            let inner = "SELECT * FROM m WHERE \(condition(2))"
            return "WITH c AS (\(inner)) " + body(&self, "c")
        }
        let from = source()
        return body(&self, from)
    }

    mutating func rowsQuery() -> String {
        with { g, from in
            let columns = "time, workspace_id, host, region, v, n"
            var sql = "SELECT \(g.chance(3) ? "*" : columns) FROM \(from) WHERE \(g.condition(3))"
            if g.chance(2) { sql += " ORDER BY 1, 2, 3, 4, 5, 6 LIMIT \(Int.random(in: 0...15, using: &g.rng))" }
            return sql
        }
    }

    mutating func aggregateQuery() -> String {
        with { g, from in
            var keys: [String] = []
            for key in ["host", "region", "workspace_id", "time_bucket(10m, time)"] where g.chance(3) { keys.append(key) }
            var aggregates: [String] = []
            for aggregate in ["count(*)", "sum(v)", "max(n)", "min(v)", "count(DISTINCT host)", "avg(v)", "count(n)", "first(v, time)"]
            where g.chance(3) { aggregates.append(aggregate) }
            if aggregates.isEmpty { aggregates = ["count(*)"] }
            var sql = "SELECT \((keys + aggregates).joined(separator: ", ")) FROM \(from) WHERE \(g.condition(3))"
            if !keys.isEmpty {
                sql += " GROUP BY \(keys.joined(separator: ", "))"
                if g.chance(4) { sql += " HAVING count(*) > \(Int.random(in: 0...3, using: &g.rng))" }
            }
            return sql
        }
    }

    /// A condition of up to `depth` levels of AND / OR / NOT over the atoms below.
    mutating func condition(_ depth: Int) -> String {
        if depth == 0 || chance(3) { return atom() }
        switch Int.random(in: 0..<5, using: &rng) {
        case 0, 1: return "(\(condition(depth - 1)) OR \(condition(depth - 1)))"
        case 2: return "NOT (\(condition(depth - 1)))"
        default: return "\(condition(depth - 1)) AND \(condition(depth - 1))"
        }
    }

    mutating func atom() -> String {
        let w = "'w\(Int.random(in: 1...5, using: &rng))'"
        let h = "'h\(Int.random(in: 1...5, using: &rng))'"
        let minute = Int.random(in: 0..<120, using: &rng)
        let time = "'2016-01-01T\(minute / 60 < 10 ? "0" : "")\(minute / 60):\(minute % 60 < 10 ? "0" : "")\(minute % 60):00Z'"
        return pick([
            "workspace_id = \(w)", "workspace_id <> \(w)", "workspace_id IN (\(w), 'w2')", "workspace_id NOT IN (\(w))",
            "workspace_id IS NULL", "workspace_id IS NOT NULL", "coalesce(workspace_id, 'none') = 'none'",
            "workspace_id LIKE 'w%'", "workspace_id ~ 'w[12]'", "TRUE OR workspace_id = \(w)", "NULL",
            "host = \(h)", "host <> \(h)", "host IN (\(h), 'h2')", "region = 'r1'", "region IS NULL",
            "v > \(Int.random(in: 0...100, using: &rng))", "n IS NULL", "n >= \(Int.random(in: 0...40, using: &rng))",
            "time >= \(time)", "time < \(time)", "TRUE",
        ])
    }
}
