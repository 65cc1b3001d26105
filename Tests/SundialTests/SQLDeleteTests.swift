import Testing
import SundialTestSupport
import Sundial

/// DELETE and DROP TABLE through SQL: the rows a query saw are gone from every query at
/// once; conditions the engine cannot answer exactly are refused with their position.
@Suite struct SQLDeleteTests {
    typealias S = SQLExecutionTests

    @Test func deleteByTimeAndTagsAnswersRowCountsAndQueriesAgree() async throws {
        let fs = FaultInjectingFileSystem()
        let db = try await Database.open(at: "/data", configuration: DatabaseTests.configuration(fs))
        try await db.write(lineProtocol: S.sample)
        try await db.flush()
        try await db.write(lineProtocol: "cpu,host=a,dc=eu usage=40,n=7i 1451613600000000000")
        // One user's data: every row of host a (in a segment and in the head).
        var result = try await db.query("DELETE FROM cpu WHERE host = 'a'")
        #expect(result.rowsAffected == 4)
        #expect(try await S.rows(db, "SELECT count(*) FROM cpu WHERE host = 'a'") == [[.bigint(0)]])
        #expect(try await S.rows(db, "SELECT host, count(*) FROM cpu GROUP BY host ORDER BY host")
                == [[.string("b"), .bigint(2)], [.string("c"), .bigint(1)]])
        // A time range with a parameter and an IN list.
        result = try await db.query("DELETE FROM cpu WHERE time >= $1 AND time < TIMESTAMP '2016-01-01 01:00:00' AND host IN ('b', 'c')",
                                    parameters: [.string(S.t0)])
        #expect(result.rowsAffected == 2)
        #expect(try await S.rows(db, "SELECT host, usage FROM cpu") == [[.string("b"), .double(15)]])
        // NULL semantics as in SELECT: dc <> 'x' does not take series without dc.
        try await db.write(lineProtocol: "cpu,host=z usage=1 1451606400000000000")
        #expect(try await db.query("DELETE FROM cpu WHERE dc <> 'x'").rowsAffected == 1)
        #expect(try await S.rows(db, "SELECT host FROM cpu") == [[.string("z")]])
        // Reopen: still gone; compaction purges.
        try await db.close()
        let reopened = try await Database.open(at: "/data", configuration: DatabaseTests.configuration(fs))
        #expect(try await S.rows(reopened, "SELECT host FROM cpu") == [[.string("z")]])
        _ = try await reopened.compact()
        #expect(try await S.rows(reopened, "SELECT count(*) FROM cpu") == [[.bigint(1)]])
        #expect(try await reopened.query("DELETE FROM cpu").rowsAffected == 1)
        #expect(try await S.rows(reopened, "SELECT count(*) FROM cpu") == [[.bigint(0)]])
    }

    @Test func deleteRefusesConditionsItCannotAnswerExactly() async throws {
        let db = try await S.database(S.sample)
        let cases: [(String, String, Int)] = [
            ("DELETE FROM cpu WHERE usage > 10", "DELETE filters on time and tags only; \"usage\" is a field", 23),
            ("DELETE FROM cpu WHERE host = 'a' OR dc = 'us'", "DELETE filters on time and tags only", 23),
            ("DELETE FROM cpu WHERE time > now() - 1h AND lower(host) = 'a'", "DELETE filters on time and tags only", 45),
        ]
        for (sql, message, column) in cases {
            do {
                _ = try await db.query(sql)
                Issue.record("\(sql) must be refused")
            } catch {
                #expect(error.code == .unsupported, "\(sql)")
                #expect(error.message.hasPrefix(message), "\(sql): \(error.message)")
                #expect(error.location?.column == column, "\(sql)")
            }
        }
        do {
            _ = try await db.query("DELETE FROM cpux WHERE host = 'a'")
            Issue.record("an unknown table must be refused")
        } catch {
            #expect(error.code == .unknownTable)
            #expect(error.message.contains("did you mean \"cpu\""))
        }
        #expect(try await S.rows(db, "SELECT count(*) FROM cpu") == [[.bigint(6)]], "nothing was deleted")
        #expect(try await db.query("DELETE FROM cpu WHERE time > TIMESTAMP '2017-01-01' AND time < TIMESTAMP '2016-01-01'").rowsAffected == 0)
        #expect(try await db.query("DELETE FROM cpu WHERE host = 'nobody'").rowsAffected == 0)
    }

    @Test func dropTable() async throws {
        let db = try await S.database(S.sample + "\nmem,host=a used=1 1451606400000000000")
        try await db.flush()
        _ = try await db.query("DROP TABLE cpu")
        #expect(try await S.rows(db, "SHOW TABLES") == [[.string("mem")]])
        do {
            _ = try await db.query("SELECT * FROM cpu")
            Issue.record("a dropped table is gone")
        } catch {
            #expect(error.code == .unknownTable)
        }
        do {
            _ = try await db.query("DROP TABLE cpu")
            Issue.record("dropping a missing table is an error without IF EXISTS")
        } catch {
            #expect(error.code == .unknownTable)
            #expect(error.location?.column == 12)
        }
        _ = try await db.query("DROP TABLE IF EXISTS cpu")
        _ = try await db.query("CREATE TABLE cpu (time TIMESTAMP, host TAG, usage BIGINT)")
        _ = try await db.query("INSERT INTO cpu (time, host, usage) VALUES ('2016-01-01T00:00:00Z', 'a', 1)")
        #expect(try await S.rows(db, "SELECT host, usage FROM cpu") == [[.string("a"), .bigint(1)]])
        #expect(db.seriesCount(of: "cpu") == 1, "the new table's series only")
        #expect(db.tagValues(of: "cpu", key: "host") == ["a"])
    }
}

/// DELETE under a workspace scope removes that workspace's rows only.
@Suite struct SQLDeleteScopeTests {
    @Test func scopedDeleteNeverLeavesItsWorkspace() async throws {
        let db = try await SQLExecutionTests.database("""
            events,workspace_id=a,user=u1 n=1i 1451606400000000000
            events,workspace_id=a,user=u2 n=2i 1451606400000000000
            events,workspace_id=b,user=u1 n=3i 1451606400000000000
            plain,host=x n=4i 1451606400000000000
            """)
        try await db.flush()
        let a = QueryScope(workspace: "a")
        // OR is refused as for any DELETE; the rest stays inside workspace a.
        do {
            _ = try await db.query("DELETE FROM events WHERE user = 'u1' OR workspace_id = 'b'", scope: a)
            Issue.record("OR is refused")
        } catch {
            #expect(error.code == .unsupported)
        }
        #expect(try await db.query("DELETE FROM events WHERE user = 'u1'", scope: a).rowsAffected == 1)
        #expect(try await db.query("DELETE FROM events WHERE workspace_id = 'b'", scope: a).rowsAffected == 0)
        #expect(try await db.query("DELETE FROM events", scope: a).rowsAffected == 1)
        #expect(try await SQLExecutionTests.rows(db, "SELECT workspace_id, user, n FROM events")
                == [[.string("b"), .string("u1"), .bigint(3)]])
        do {
            _ = try await db.query("DELETE FROM plain", scope: a)
            Issue.record("a table without the tenant tag is invisible to a scoped DELETE")
        } catch {
            #expect(error.code == .unknownTable)
        }
        #expect(try await SQLExecutionTests.rows(db, "SELECT count(*) FROM plain") == [[.bigint(1)]])
    }
}
