import Testing
import SundialTestSupport
import Sundial

/// EXPLAIN ANALYZE reports each step's rows and time, and what the scan read.
@Suite struct SQLExplainAnalyzeTests {
    static func plan(_ db: Database, _ sql: String) async throws -> [String] {
        try await db.query("EXPLAIN ANALYZE " + sql).rows().map { $0[0].text }
    }

    /// The line that starts (after its indentation) with `step`.
    static func line(_ plan: [String], _ step: String) -> String? {
        plan.first { $0.trimmingLeadingSpaces.hasPrefix(step) }
    }

    /// `rows=` and `time=` of a step's `(actual …)`.
    static func actual(_ line: String?) -> (rows: Int, time: Double)? {
        guard let line, let open = line.range(of: "(actual rows=") else { return nil }
        let figures = line[open.upperBound...].split(separator: " ")
        guard figures.count >= 2, let rows = Int(figures[0]), figures[1].hasPrefix("time="),
              let time = Double(figures[1].dropFirst(5)) else { return nil }
        return (rows, time)
    }

    @Test func filterAndScanFigures() async throws {
        let db = try await SQLExecutionTests.database(SQLExecutionTests.sample)
        var plan = try await Self.plan(db, "SELECT host, usage FROM cpu WHERE usage > 12")
        #expect(Self.actual(Self.line(plan, "Project"))?.rows == 4, "\(plan)")
        #expect(Self.actual(Self.line(plan, "Filter (usage > 12.0)"))?.rows == 4, "\(plan)")
        #expect(plan.contains { $0.hasSuffix("rows removed by filter: 2") }, "\(plan)")
        #expect(Self.actual(Self.line(plan, "Scan cpu"))?.rows == 6, "\(plan)")
        // Everything is in the head (one daily partition): no segment, no block.
        #expect(plan.contains { $0.hasSuffix("read: partitions=1 segments=0 blocks=0 series=3 rows=6") }, "\(plan)")
        try await db.flush()
        plan = try await Self.plan(db, "SELECT host, usage FROM cpu WHERE host = 'a' AND usage > 12")
        // After the flush, host a's 3 rows are one block of one segment; the index picked 1 series.
        #expect(plan.contains { $0.hasSuffix("read: partitions=1 segments=1 blocks=1 series=1 rows=3") }, "\(plan)")
        #expect(Self.actual(Self.line(plan, "Project"))?.rows == 2, "\(plan)")
        try await db.close()
    }

    @Test func groupingSteps() async throws {
        let db = try await SQLExecutionTests.database(SQLExecutionTests.sample)
        let plan = try await Self.plan(db, """
            SELECT host, count(*) FROM cpu WHERE usage > 12 GROUP BY host HAVING count(*) > 1 ORDER BY host LIMIT 1
            """)
        #expect(Self.actual(Self.line(plan, "Limit 1"))?.rows == 1, "\(plan)")
        #expect(Self.actual(Self.line(plan, "Sort host"))?.rows == 1, "\(plan)")
        #expect(Self.actual(Self.line(plan, "Filter (having)"))?.rows == 1, "\(plan)")
        #expect(Self.actual(Self.line(plan, "Aggregate count(*) by host"))?.rows == 3, "\(plan)")
        #expect(plan.contains { $0.hasSuffix("groups: 3 from 4 rows") }, "\(plan)")
        #expect(plan.contains { $0.hasSuffix("rows removed by filter: 2") }, "\(plan)")
        #expect(Self.actual(Self.line(plan, "Scan cpu"))?.rows == 6, "\(plan)")
        // Times are inclusive: each step's is at least the one below it.
        let times = plan.compactMap { Self.actual($0)?.time }
        #expect(times.count == 7, "\(plan)")
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 >= $1 }, "\(plan)")
        #expect(plan.last?.hasPrefix("Execution: 1 row in") == true)
        try await db.close()
    }

    @Test func distinctAndDerivedTables() async throws {
        let db = try await SQLExecutionTests.database(SQLExecutionTests.sample)
        var plan = try await Self.plan(db, "SELECT DISTINCT host FROM cpu")
        #expect(Self.actual(Self.line(plan, "Distinct"))?.rows == 3, "\(plan)")
        #expect(plan.contains { $0.hasSuffix("rows in: 6") }, "\(plan)")
        plan = try await Self.plan(db, "SELECT count(*) FROM (SELECT host FROM cpu WHERE host = 'a' LIMIT 2) s")
        #expect(Self.actual(Self.line(plan, "Subquery s"))?.rows == 2, "\(plan)")
        #expect(Self.actual(Self.line(plan, "Limit 2"))?.rows == 2, "\(plan)")
        // The inner scan stopped at the limit: its one series' batch has 3 rows.
        #expect(Self.actual(Self.line(plan, "Scan cpu"))?.rows == 3, "\(plan)")
        #expect(plan.contains { $0.hasSuffix("groups: 1 from 2 rows") }, "\(plan)")
        // Plain EXPLAIN runs nothing and reports no figures.
        let explain = try await db.query("EXPLAIN SELECT DISTINCT host FROM cpu").rows().map { $0[0].text }
        #expect(!explain.contains { $0.contains("actual") }, "\(explain)")
        try await db.close()
    }
}

extension String {
    var trimmingLeadingSpaces: Substring { drop { $0 == " " } }
}
