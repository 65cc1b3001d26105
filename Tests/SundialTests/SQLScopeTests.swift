import Testing
import SundialTestSupport
import Sundial

/// A statement under a workspace scope sees, lists and writes only that workspace's rows.
@Suite struct SQLScopeTests {
    /// Two workspaces, a series without a workspace, and a table without the tenant tag.
    static let sample = """
        m,workspace_id=a,host=h1 v=1,n=1i 1451606400000000000
        m,workspace_id=a,host=h2 v=2 1451606410000000000
        m,workspace_id=b,host=h1 v=10,n=5i 1451606400000000000
        m,workspace_id=b,host=h3 v=20 1451606420000000000
        m,host=h9 v=100 1451606400000000000
        metrics,host=h1 v=5 1451606400000000000
        """

    static let a = QueryScope(workspace: "a")

    static func database() async throws -> Database {
        try await SQLExecutionTests.database(sample)
    }

    static func rows(_ db: Database, _ sql: String, _ scope: QueryScope = a) async throws -> [[SQLValue]] {
        try await db.query(sql, scope: scope).rows()
    }

    static func error(_ db: Database, _ sql: String, _ scope: QueryScope = a) async -> QueryError? {
        do {
            _ = try await db.query(sql, scope: scope).rows()
            return nil
        } catch {
            return error
        }
    }

    @Test func selectsSeeOnlyTheWorkspace() async throws {
        let db = try await Self.database()
        #expect(try await Self.rows(db, "SELECT count(*), sum(v) FROM m") == [[.bigint(2), .double(3)]])
        #expect(try await Self.rows(db, "SELECT count(*) FROM m", .unrestricted) == [[.bigint(5)]])
        // Conditions cannot widen the rows: they are evaluated over the workspace's only.
        for condition in ["workspace_id = 'b'", "workspace_id <> 'a'", "workspace_id IN ('b')", "workspace_id IS NULL",
                          "FALSE OR workspace_id = 'b'", "coalesce(workspace_id, 'x') = 'x'", "NOT (workspace_id = 'a')"] {
            #expect(try await Self.rows(db, "SELECT count(*) FROM m WHERE \(condition)") == [[.bigint(0)]], "\(condition)")
        }
        #expect(try await Self.rows(db, "SELECT count(*) FROM m WHERE host = 'h1' OR workspace_id = 'b'") == [[.bigint(1)]])
        // Every scan at every depth: FROM subqueries and WITH queries.
        #expect(try await Self.rows(db, "SELECT host, max(v) FROM (SELECT * FROM (SELECT * FROM m) x) y GROUP BY host ORDER BY host")
                == [[.string("h1"), .double(1)], [.string("h2"), .double(2)]])
        #expect(try await Self.rows(db, """
            WITH w AS (SELECT workspace_id, v FROM m WHERE workspace_id = 'b' OR v > 0), z AS (SELECT * FROM w)
            SELECT DISTINCT workspace_id FROM z
            """) == [[.string("a")]])
        #expect(try await Self.rows(db, "SELECT host, v FROM m LATEST ON time PARTITION BY host")
                == [[.string("h1"), .double(1)], [.string("h2"), .double(2)]])
        #expect(try await Self.rows(db, "SELECT count(*) FROM m", QueryScope(workspace: "zzz")) == [[.bigint(0)]])
        try await db.close()
    }

    /// A table without the tenant tag does not exist for a scoped statement, and its name
    /// is not suggested.
    @Test func tablesWithoutTheTenantTagAreInvisible() async throws {
        let db = try await Self.database()
        for sql in ["SELECT * FROM metrics", "SELECT count(*) FROM (SELECT * FROM metrics) s",
                    "WITH x AS (SELECT * FROM metrics) SELECT * FROM x", "SHOW COLUMNS FROM metrics",
                    "SHOW TAG VALUES FROM metrics WITH KEY = host", "ALTER TABLE metrics ADD COLUMN z DOUBLE",
                    "INSERT INTO metrics (time, v) VALUES (1, 1)"] {
            let error = await Self.error(db, sql)
            #expect(error?.code == .unknownTable, "\(sql)")
            #expect(error?.message == "table \"metrics\" does not exist", "\(sql)")
        }
        #expect(await Self.error(db, "SELECT * FROM metric")?.message == "table \"metric\" does not exist")
        #expect(await Self.error(db, "SELECT * FROM metric", .unrestricted)?.message == "table \"metric\" does not exist; did you mean \"metrics\"?")
        #expect(try await Self.rows(db, "SHOW TABLES") == [[.string("m")]])
        #expect(try await Self.rows(db, "SHOW TABLES", .unrestricted) == [[.string("m")], [.string("metrics")]])
        let error = await Self.error(db, "CREATE TABLE t (host TAG, v DOUBLE)")
        #expect(error?.code == .permissionDenied)
        _ = try await db.query("CREATE TABLE t (workspace_id TAG, host TAG, v DOUBLE)", scope: Self.a)
        #expect(try await Self.rows(db, "SHOW TABLES") == [[.string("m")], [.string("t")]])
        // A scope with an empty workspace would select the rows without the tag.
        #expect(await Self.error(db, "SELECT * FROM m", QueryScope(workspace: ""))?.code == .unsupported)
        try await db.close()
    }

    @Test func tagValuesComeFromTheWorkspacesSeries() async throws {
        let db = try await Self.database()
        #expect(try await Self.rows(db, "SHOW TAG VALUES FROM m WITH KEY = host") == [[.string("h1")], [.string("h2")]])
        #expect(try await Self.rows(db, "SHOW TAG VALUES FROM m WITH KEY = workspace_id") == [[.string("a")]])
        #expect(try await Self.rows(db, "SHOW TAG VALUES FROM m WITH KEY = host", QueryScope(workspace: "b")) == [[.string("h1")], [.string("h3")]])
        #expect(try await Self.rows(db, "SHOW TAG VALUES FROM m WITH KEY = host", QueryScope(workspace: "none")) == [])
        #expect(try await Self.rows(db, "SHOW TAG VALUES FROM m WITH KEY = host", .unrestricted).count == 4)
        try await db.close()
    }

    @Test func insertsCarryTheWorkspace() async throws {
        let db = try await Self.database()
        let inserted = try await db.query("""
            INSERT INTO m (time, host, v) VALUES ('2016-01-01T00:01:00Z', 'h7', 7), ('2016-01-01T00:02:00Z', 'h7', 8)
            """, scope: Self.a)
        #expect(inserted.rowsAffected == 2)
        _ = try await db.query("INSERT INTO m (time, workspace_id, host, v) VALUES ('2016-01-01T00:03:00Z', 'a', 'h7', 9), ('2016-01-01T00:04:00Z', NULL, 'h7', 10)",
                               scope: Self.a)
        #expect(try await Self.rows(db, "SELECT workspace_id, count(*) FROM m WHERE host = 'h7' GROUP BY 1", .unrestricted)
                == [[.string("a"), .bigint(4)]])
        // A row of another workspace fails the whole statement, naming the row.
        let error = await Self.error(db, """
            INSERT INTO m (time, workspace_id, host, v) VALUES ('2016-01-01T00:05:00Z', 'a', 'h8', 1),
              ('2016-01-01T00:06:00Z', 'b', 'h8', 2)
            """)
        #expect(error?.code == .permissionDenied)
        #expect(error?.message == "row 2 has workspace_id 'b', but the statement is scoped to workspace 'a'")
        #expect(error?.line == 2)
        #expect(try await Self.rows(db, "SELECT count(*) FROM m WHERE host = 'h8'", .unrestricted) == [[.bigint(0)]])
        try await db.close()
    }

    @Test func explainShowsTheTenantPredicate() async throws {
        let db = try await Self.database()
        let plan = try await Self.rows(db, "EXPLAIN SELECT max(v) FROM (SELECT * FROM m WHERE host = 'h1') s").map { $0[0].text }
        // Of the workspace's 2 series (not the table's 5), 1 is read.
        #expect(plan.contains { $0.contains("series: 1 of 2 from the tag index (workspace_id = 'a' [workspace scope] AND host = 'h1')") }, "\(plan)")
        let unscoped = try await Self.rows(db, "EXPLAIN SELECT max(v) FROM m", .unrestricted).map { $0[0].text }
        #expect(unscoped.contains { $0.contains("series: all 5 (no tag predicate)") }, "\(unscoped)")
        try await db.close()
    }
}
