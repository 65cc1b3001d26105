import Testing
import SundialTestSupport
import SundialWorkloads
import Sundial

@Suite struct SQLExecutionTests {
    static let t0 = "2016-01-01T00:00:00Z"

    static func database(_ lines: String) async throws -> Database {
        let db = try await Database.open(at: "/data", configuration: DatabaseTests.configuration(FaultInjectingFileSystem()))
        let result = try await db.write(lineProtocol: lines)
        #expect(result.errors.isEmpty, "\(result.errors)")
        return db
    }

    static func rows(_ db: Database, _ sql: String, _ parameters: [SQLValue] = []) async throws -> [[SQLValue]] {
        try await db.query(sql, parameters: parameters).rows()
    }

    /// One host missing its `dc` tag; values chosen so every answer is known by hand.
    static let sample = """
        cpu,host=a,dc=eu usage=10,n=1i 1451606400000000000
        cpu,host=a,dc=eu usage=20,n=2i 1451606410000000000
        cpu,host=a,dc=eu usage=30,n=3i 1451610000000000000
        cpu,host=b,dc=us usage=5,n=4i 1451606400000000000
        cpu,host=b,dc=us usage=15 1451610010000000000
        cpu,host=c usage=100,n=6i 1451606405000000000
        """

    @Test func aggregatesGroupedByTagAndBucket() async throws {
        let db = try await Self.database(Self.sample)
        #expect(try await Self.rows(db, "SELECT count(*), count(n), sum(n), min(usage), max(usage), avg(usage) FROM cpu")
                == [[.bigint(6), .bigint(5), .bigint(16), .double(5), .double(100), .double(30)]])
        #expect(try await Self.rows(db, "SELECT host, max(usage) AS m FROM cpu GROUP BY host ORDER BY m DESC")
                == [[.string("c"), .double(100)], [.string("a"), .double(30)], [.string("b"), .double(15)]])
        let hourly = try await Self.rows(db, """
            SELECT time_bucket('1 hour', time) AS hour, count(*) FROM cpu GROUP BY 1 ORDER BY hour
            """)
        #expect(hourly == [[.timestamp(1_451_606_400_000_000_000), .bigint(4)], [.timestamp(1_451_610_000_000_000_000), .bigint(2)]])
        #expect(try await Self.rows(db, "SELECT first(usage, time), last(usage, time) FROM cpu WHERE host = 'a'")
                == [[.double(10), .double(30)]])
        #expect(try await Self.rows(db, "SELECT host FROM cpu GROUP BY host HAVING count(*) > 1 ORDER BY 1")
                == [[.string("a")], [.string("b")]])
        #expect(try await Self.rows(db, "SELECT count(DISTINCT host), percentile_disc(usage, 0.5), percentile_cont(usage, 0.5) FROM cpu")
                == [[.bigint(3), .double(15), .double(17.5)]])
        // An aggregate without GROUP BY over nothing is one row.
        #expect(try await Self.rows(db, "SELECT count(*), max(usage) FROM cpu WHERE host = 'zzz'") == [[.bigint(0), .null]])
        try await db.close()
    }

    /// A missing tag is NULL: comparisons do not accept it, whether answered by the index
    /// (pushed down) or by the filter.
    @Test func missingTagsAreNull() async throws {
        let db = try await Self.database(Self.sample)
        #expect(try await Self.rows(db, "SELECT DISTINCT host FROM cpu WHERE dc <> 'eu' ORDER BY host") == [[.string("b")]])
        #expect(try await Self.rows(db, "SELECT DISTINCT host FROM cpu WHERE dc NOT IN ('eu') ORDER BY host") == [[.string("b")]])
        #expect(try await Self.rows(db, "SELECT DISTINCT host FROM cpu WHERE dc IS NULL") == [[.string("c")]])
        #expect(try await Self.rows(db, "SELECT DISTINCT host FROM cpu WHERE dc IS NOT NULL OR usage > 99 ORDER BY 1")
                == [[.string("a")], [.string("b")], [.string("c")]])
        #expect(try await Self.rows(db, "SELECT DISTINCT host FROM cpu WHERE dc ~ 'e' ORDER BY 1") == [[.string("a")]])
        #expect(try await Self.rows(db, "SELECT DISTINCT host FROM cpu WHERE dc LIKE 'u%'") == [[.string("b")]])
        #expect(try await Self.rows(db, "SELECT count(*) FROM cpu WHERE coalesce(dc, 'none') = 'none'") == [[.bigint(1)]])
        try await db.close()
    }

    @Test func timeRangesLastPointAndLimits() async throws {
        let db = try await Self.database(Self.sample)
        #expect(try await Self.rows(db, "SELECT count(*) FROM cpu WHERE time >= '2016-01-01T01:00:00Z'") == [[.bigint(2)]])
        #expect(try await Self.rows(db, "SELECT count(*) FROM cpu WHERE time BETWEEN TIMESTAMP '2016-01-01 00:00:00' AND '2016-01-01T00:00:05Z'")
                == [[.bigint(3)]])
        #expect(try await Self.rows(db, "SELECT count(*) FROM cpu WHERE time > now() - INTERVAL '1 hour'") == [[.bigint(0)]])
        let latest = try await Self.rows(db, "SELECT DISTINCT ON (host) host, usage FROM cpu ORDER BY host, time DESC")
        #expect(latest == [[.string("a"), .double(30)], [.string("b"), .double(15)], [.string("c"), .double(100)]])
        #expect(try await Self.rows(db, "SELECT host, usage FROM cpu LATEST ON time PARTITION BY host") == latest)
        #expect(try await Self.rows(db, "SELECT usage FROM cpu WHERE host = 'a' ORDER BY time LIMIT 2 OFFSET 1")
                == [[.double(20)], [.double(30)]])
        #expect(try await Self.rows(db, "SELECT usage FROM cpu WHERE host = $1 AND usage > $2 ORDER BY 1", [.string("a"), .double(15)])
                == [[.double(20)], [.double(30)]])
        try await db.close()
    }

    @Test func gapFilling() async throws {
        let db = try await Self.database(Self.sample)
        let sql = """
            SELECT time_bucket('30 minutes', time) AS b, max(usage) FROM cpu
            WHERE host = 'a' AND time >= '2016-01-01T00:00:00Z' AND time < '2016-01-01T02:00:00Z'
            GROUP BY b FILL(%@) ORDER BY b
            """
        func values(_ fill: String) async throws -> [SQLValue] {
            try await Self.rows(db, sql.replacingOccurrences("%@", fill)).map { $0[1] }
        }
        #expect(try await values("NULL") == [.double(20), .null, .double(30), .null])
        #expect(try await values("PREV") == [.double(20), .double(20), .double(30), .double(30)])
        #expect(try await values("LINEAR") == [.double(20), .double(25), .double(30), .null])
        #expect(try await values("0") == [.double(20), .double(0), .double(30), .double(0)])
        try await db.close()
    }

    @Test func ddlInsertAndShow() async throws {
        let db = try await Database.open(at: "/data", configuration: DatabaseTests.configuration(FaultInjectingFileSystem()))
        _ = try await db.query("CREATE TABLE events (time TIMESTAMP, ws TAG, kind TAG, ms DOUBLE, ok BOOLEAN, msg STRING) PARTITION BY HOUR RETENTION 30d")
        let inserted = try await db.query("""
            INSERT INTO events (time, ws, kind, ms, ok, msg) VALUES
              ('2024-05-01T10:00:00Z', 'w1', 'click', 12.5, true, '{"a": {"b": [1, "x"]}}'),
              ('2024-05-01T10:00:01Z', 'w1', 'view', NULL, false, 'plain'),
              ('2024-05-01T10:00:02Z', 'w2', 'click', 7, true, NULL)
            """)
        #expect(inserted.rowsAffected == 3)
        #expect(try await Self.rows(db, "SHOW TABLES") == [[.string("events")]])
        #expect(try await Self.rows(db, "SHOW TAG VALUES FROM events WITH KEY = kind") == [[.string("click")], [.string("view")]])
        #expect(try await Self.rows(db, "DESCRIBE events").map { $0[0] }.count == 6)
        #expect(try await Self.rows(db, "SELECT ws, count(*), avg(ms) FROM events GROUP BY ws ORDER BY ws")
                == [[.string("w1"), .bigint(2), .double(12.5)], [.string("w2"), .bigint(1), .double(7)]])
        #expect(try await Self.rows(db, "SELECT json_extract(msg, '$.a.b[1]'), upper(kind), length(kind) FROM events WHERE ok AND ms > 10")
                == [[.string("x"), .string("CLICK"), .bigint(5)]])
        #expect(try await Self.rows(db, "SELECT CASE WHEN ms > 10 THEN 'slow' WHEN ms IS NULL THEN 'none' ELSE 'fast' END FROM events ORDER BY time")
                == [[.string("slow")], [.string("none")], [.string("fast")]])
        #expect(try await Self.rows(db, "SELECT extract(hour FROM time), date_trunc('minute', time) = '2024-05-01T10:00:00Z' FROM events LIMIT 1")
                == [[.double(10), .boolean(true)]])
        _ = try await db.query("ALTER TABLE events ADD COLUMN size BIGINT")
        #expect(try await Self.rows(db, "SELECT count(size) FROM events") == [[.bigint(0)]])
        try await db.close()
    }

    /// Errors name what is wrong and where, and suggest the nearest name.
    @Test(arguments: [
        ("SELECT usge FROM cpu", "column \"usge\" does not exist; did you mean \"usage\"?", 1, 8),
        ("SELECT * FROM cpus", "table \"cpus\" does not exist; did you mean \"cpu\"?", 1, 15),
        ("SELECT host, usage FROM cpu GROUP BY host", "column \"usage\" must appear in the GROUP BY clause or be used in an aggregate function", 1, 14),
        ("SELECT 1 FROM cpu WHERE max(usage) > 1", "aggregate functions are not allowed in WHERE", 1, 25),
        ("SELECT sum(host) FROM cpu", "sum() needs a number, not STRING", 1, 12),
        ("SELECT usage / 0 FROM cpu", "division by zero", nil, nil),
        ("SELECT time_bucket('1 fortnight', time) FROM cpu", "invalid bucket width '1 fortnight' (expected e.g. '1 hour', '15 minutes', '1 month')", 1, 20),
        ("SELECT avgg(usage) FROM cpu", "function avgg() does not exist; did you mean avg()?", 1, 8),
        ("SELECT usage FROM cpu WHERE host = $2", "parameter $2 has no value (0 given)", 1, 36),
        ("SELECT usage FROM cpu WHERE time > 'yesterday'", "invalid TIMESTAMP: \"yesterday\" (expected YYYY-MM-DD[ HH:MM[:SS[.fraction]]][Z|±HH:MM])", 1, 36),
        ("SELECT usage FROM cpu ORDER BY 3", "position 3 is not in the select list (1 to 1)", 1, 32),
    ] as [(String, String, Int?, Int?)])
    func errorsSayWhatAndWhere(_ sql: String, _ message: String, _ line: Int?, _ column: Int?) async throws {
        let db = try await Self.database(Self.sample)
        do {
            _ = try await db.query(sql).rows()
            Issue.record("no error for \(sql)")
        } catch {
            #expect(error.message == message)
            #expect(error.line == line)
            #expect(error.column == column)
        }
        try await db.close()
    }

    struct HostPeak: Decodable, Equatable {
        var host: String
        var peak: Double
        var rows: Int
        var dc: String?
        var first: Int64
    }

    @Test func rowsDecodeIntoDecodableTypes() async throws {
        let db = try await Self.database(Self.sample)
        var decoded: [HostPeak] = []
        for try await row in try await db.query(
            "SELECT host, max(usage) AS peak, count(*) AS rows, min(dc) AS dc, min(time) AS first FROM cpu GROUP BY host ORDER BY host"
        ).decode(HostPeak.self) {
            decoded.append(row)
        }
        #expect(decoded == [
            HostPeak(host: "a", peak: 30, rows: 3, dc: "eu", first: 1_451_606_400_000_000_000),
            HostPeak(host: "b", peak: 15, rows: 2, dc: "us", first: 1_451_606_400_000_000_000),
            HostPeak(host: "c", peak: 100, rows: 1, dc: nil, first: 1_451_606_405_000_000_000),
        ])
        struct Wrong: Decodable { var host: Int }
        do {
            for try await _ in try await db.query("SELECT host FROM cpu").decode(Wrong.self) {}
            Issue.record("a string decoded as an Int")
        } catch let error as DecodingError {
            guard case .typeMismatch = error else { Issue.record("\(error)"); return }
        }
        try await db.close()
    }

    @Test func withQueriesAndSubqueriesInFrom() async throws {
        let db = try await Self.database(Self.sample)
        #expect(try await Self.rows(db, """
            WITH peaks AS (SELECT host, max(usage) AS peak FROM cpu GROUP BY host),
                 high AS (SELECT host FROM peaks WHERE peak > 20)
            SELECT count(*) FROM high
            """) == [[.bigint(2)]])
        #expect(try await Self.rows(db, """
            SELECT p.host, p.peak * 2 AS doubled FROM (SELECT host, max(usage) AS peak FROM cpu GROUP BY host) AS p
            WHERE p.peak < 50 ORDER BY doubled DESC LIMIT 1
            """) == [[.string("a"), .double(60)]])
        #expect(try await Self.rows(db, "SELECT avg(u) FROM (SELECT usage AS u FROM cpu WHERE host = 'a') t") == [[.double(20)]])
        // A WITH query sees only the names defined before it.
        do {
            _ = try await Self.rows(db, "WITH a AS (SELECT * FROM b), b AS (SELECT * FROM cpu) SELECT * FROM a")
            Issue.record("a WITH query saw a later name")
        } catch let error as QueryError {
            #expect(error.code == .unknownTable)
        }
        try await db.close()
    }

    /// Buckets of local time in a zone with daylight saving time, returned as UTC instants.
    @Test(arguments: [
        ("time_bucket('1 day', TIMESTAMP '2024-03-31 12:00:00', 'Europe/Berlin')", "2024-03-30T23:00:00Z"),
        ("time_bucket('1 day', TIMESTAMP '2024-07-01 12:00:00', 'Europe/Berlin')", "2024-06-30T22:00:00Z"),
        ("time_bucket('1 hour', TIMESTAMP '2024-10-27 00:30:00', 'Europe/Berlin')", "2024-10-27T00:00:00Z"),
        ("time_bucket('1 hour', TIMESTAMP '2024-10-27 01:30:00', 'Europe/Berlin')", "2024-10-27T01:00:00Z"),
        ("time_bucket('1 month', TIMESTAMP '2024-10-15 00:00:00', 'Europe/Berlin')", "2024-09-30T22:00:00Z"),
        ("date_trunc('day', TIMESTAMP '2024-01-10 23:30:00', 'America/New_York')", "2024-01-10T05:00:00Z"),
        ("date_trunc('week', TIMESTAMP '2024-06-05 12:00:00', 'Asia/Kolkata')", "2024-06-02T18:30:00Z"),
        ("time_bucket('1 day', TIMESTAMP '2040-07-01 12:00:00', 'Europe/Berlin')", "2040-06-30T22:00:00Z"),
        ("time_bucket('15 minutes', TIMESTAMP '2024-03-31 01:10:00', 'UTC')", "2024-03-31T01:00:00Z"),
    ])
    func timeZones(_ expression: String, _ expected: String) async throws {
        let db = try await Self.database(Self.sample)
        let rows = try await Self.rows(db, "SELECT \(expression) FROM cpu LIMIT 1")
        #expect(rows.first?.first?.text == expected)
        try await db.close()
    }

    /// Regressions found while documenting the dialect (docs/sql.md).
    @Test func documentationFindings() async throws {
        let db = try await Self.database(Self.sample + "\nbig,host=a n=9223372036854775807i 1\nbig,host=b n=1i 1")
        // A bare NULL in AND/OR follows three-valued logic.
        #expect(try await Self.rows(db, "SELECT count(*) FROM cpu WHERE usage > 50 OR NULL") == [[.bigint(1)]])
        #expect(try await Self.rows(db, "SELECT TRUE OR NULL, FALSE AND NULL, NULL AND TRUE FROM cpu LIMIT 1") == [[.boolean(true), .boolean(false), .null]])
        // LATEST ON … ORDER BY orders the newest rows by the user's order.
        #expect(try await Self.rows(db, "SELECT host, usage FROM cpu LATEST ON time PARTITION BY host ORDER BY usage DESC")
                == [[.string("c"), .double(100)], [.string("a"), .double(30)], [.string("b"), .double(15)]])
        // BIGINT sum overflow is an error, not a wrong number.
        do {
            _ = try await Self.rows(db, "SELECT sum(n) FROM big")
            Issue.record("an overflowing sum returned a value")
        } catch let error as QueryError {
            #expect(error.code == .outOfRange)
        }
        // TSBS's timestamp spelling, with a space before the offset.
        #expect(try await Self.rows(db, "SELECT count(*) FROM cpu WHERE time >= '2016-01-01 01:00:00.000000 +0000'") == [[.bigint(2)]])
        #expect(try await Self.rows(db, "SELECT extract(epoch FROM TIMESTAMP '2016-05-19 13:45:30.25') FROM cpu LIMIT 1") == [[.double(1_463_665_530.25)]])
        let plan = try await Self.rows(db, "EXPLAIN SELECT usage FROM cpu WHERE host IN ('a', 'b') AND dc <> 'eu'").map { $0[0].text }
        #expect(plan.contains { $0.contains("host IN ('a', 'b') AND dc NOT IN ('eu') AND dc IS NOT NULL") }, "\(plan)")
        for (sql, message) in [
            ("ALTER TABLE cpu ADD COLUMN usage BIGINT", "column \"usage\" of table \"cpu\" already exists"),
            ("SELECT percentile_disc(DISTINCT usage, 0.9) FROM cpu", "DISTINCT is not supported in percentile_disc()"),
            ("SELECT date_trunc('fortnight', time) FROM cpu", "unknown date_trunc unit \"fortnight\""),
            ("SELECT host FROM cpu LATEST ON usage PARTITION BY host", "LATEST ON needs the time column, not \"usage\""),
        ] {
            do {
                _ = try await Self.rows(db, sql)
                Issue.record("no error for \(sql)")
            } catch let error as QueryError {
                #expect(error.message == message)
                #expect(error.location != nil, "\(sql)")
            }
        }
        try await db.close()
    }

    /// EXPLAIN shows what the index and the time range pruned.
    @Test func explainShowsPruning() async throws {
        let db = try await Database.open(at: "/data", configuration: DatabaseTests.configuration(FaultInjectingFileSystem()))
        var text: [UInt8] = []
        TSBSDevops(hosts: 20).writeLineProtocol(points: 10) { text += $0 }
        _ = try await db.write(lineProtocolBytes: text)
        let plan = try await Self.rows(db, """
            EXPLAIN SELECT max(usage_user) FROM cpu WHERE hostname IN ('host_1', 'host_2') AND time >= '2016-01-01T00:00:30Z'
            """).map { $0[0].text }
        #expect(plan.contains { $0.contains("series: 2 of 20 from the tag index") })
        #expect(plan.contains { $0.contains("fields read: usage_user (1 of 10)") })
        #expect(plan.contains { $0.contains("time [2016-01-01T00:00:30Z, infinity)") })
        let analyzed = try await Self.rows(db, "EXPLAIN ANALYZE SELECT count(*) FROM cpu").map { $0[0].text }
        #expect(analyzed.last?.hasPrefix("Execution: 1 row in") == true)
        try await db.close()
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
