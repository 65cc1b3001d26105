// Regressions found by the differential tests against DuckDB (Tests/DifferentialTests):
// each is the minimized query, over a few hand-written rows, with PostgreSQL's answer.
import Sundial
import SundialTestSupport
import Testing

@Suite struct SQLRegressionTests {
    /// A database on an in-memory file system holding `lines` (line protocol).
    static func database(_ lines: String) async throws -> Database {
        var configuration = Database.Configuration()
        configuration.fileSystem = FaultInjectingFileSystem()
        configuration.maintenanceInterval = nil
        let db = try await Database.open(at: "/data", configuration: configuration)
        let written = try await db.write(lineProtocol: lines)
        #expect(written.errors.isEmpty)
        return db
    }

    static func rows(_ db: Database, _ sql: String) async throws -> [[SQLValue]] {
        try await db.query(sql).rows()
    }

    /// `t`: x DOUBLE holding NaN and infinities, n BIGINT, one row a second from
    /// 2016-01-01T00:00:00Z, hosts a and b (b's rows are the odd ones).
    static func special(_ xs: [String], ns: [Int64?]? = nil) async throws -> Database {
        let db = try await database("")
        _ = try await db.query("CREATE TABLE t (time TIMESTAMP, host TAG, x DOUBLE, n BIGINT)")
        let rows = xs.enumerated().map { i, x in
            "('2016-01-01 00:00:\(i < 10 ? "0" : "")\(i)', '\(i % 2 == 0 ? "a" : "b")', \(x), \(ns?[i].map { String($0) } ?? "NULL"))"
        }
        _ = try await db.query("INSERT INTO t (time, host, x, n) VALUES " + rows.joined(separator: ", "))
        return db
    }

    static func doubles(_ rows: [[SQLValue]]) -> [Double?] {
        rows.map { $0[0].doubleValue }
    }

    static let cpu = """
        cpu,host=a usage=1.5,n=1i 1000
        cpu,host=b usage=2.5,n=2i 2000
        cpu usage=3.5,n=3i 3000
        """

    /// ORDER BY naming a column twice: the second lookup found the hidden sort column
    /// by name and indexed the select list with its position (a trap).
    @Test func orderByTheSameHiddenColumnTwice() async throws {
        let db = try await Self.database(Self.cpu)
        let rows = try await Self.rows(db, "SELECT usage FROM cpu ORDER BY time DESC, time")
        #expect(rows == [[.double(3.5)], [.double(2.5)], [.double(1.5)]])
        let partitioned = try await Self.rows(db, "SELECT DISTINCT ON (host) usage FROM cpu ORDER BY host, host, time")
        #expect(partitioned == [[.double(1.5)], [.double(2.5)], [.double(3.5)]])
        try await db.close()
    }

    /// CAST(DOUBLE AS BIGINT) and round(DOUBLE) rounded halves away from zero; PostgreSQL
    /// rounds float8 half to even (rint). round(x, n) keeps numeric's half away from zero.
    @Test func doublesRoundHalfToEven() async throws {
        let db = try await Self.special(["0.5", "1.5", "2.5", "-2.5", "0.25"])
        let rows = try await Self.rows(db, "SELECT CAST(x AS BIGINT), round(x), round(x, 1) FROM t ORDER BY time")
        #expect(rows.map { $0[0] } == [.bigint(0), .bigint(2), .bigint(2), .bigint(-2), .bigint(0)])
        #expect(rows.map { $0[1] } == [.double(0), .double(2), .double(2), .double(-2), .double(0)])
        #expect(rows.map { $0[2] } == [.double(0.5), .double(1.5), .double(2.5), .double(-2.5), .double(0.3)])
        try await db.close()
    }

    /// `time - '2016-01-01 00:00:00'` took the text for an interval and failed; PostgreSQL
    /// reads it as a timestamp (the other operand's type). `time - '1 hour'` still works.
    @Test func textSubtractedFromATimestampIsATimestamp() async throws {
        let db = try await Self.special(["1", "2"])
        let rows = try await Self.rows(db, """
            SELECT time - '2016-01-01 00:00:00', '2016-01-01 00:00:03' - time, time - '1 hour' FROM t ORDER BY time
            """)
        #expect(rows[1][0] == .interval(1_000_000_000))
        #expect(rows[1][1] == .interval(2_000_000_000))
        #expect(rows[0][2] == .timestamp(1_451_606_400_000_000_000 - 3_600_000_000_000))
        try await db.close()
    }

    /// LATEST ON … ORDER BY ignored the ORDER BY (the result came in partition order).
    @Test func latestOnKeepsTheOrderBy() async throws {
        let db = try await Self.special(["1", "5", "3", "2"])
        let rows = try await Self.rows(db, "SELECT host, x FROM t LATEST ON time PARTITION BY host ORDER BY x")
        #expect(rows == [[.string("b"), .double(2)], [.string("a"), .double(3)]])
        let limited = try await Self.rows(db, "SELECT host FROM t LATEST ON time PARTITION BY host ORDER BY x LIMIT 1")
        #expect(limited == [[.string("b")]])
        try await db.close()
    }

    /// sqrt(NaN) and ln(NaN) failed as if NaN were negative; PostgreSQL returns NaN.
    @Test func squareRootAndLogarithmOfNaN() async throws {
        let db = try await Self.special(["'NaN'", "'Infinity'"])
        let rows = try await Self.rows(db, "SELECT sqrt(x), ln(x) FROM t ORDER BY time")
        #expect(rows[0][0].doubleValue?.isNaN == true && rows[0][1].doubleValue?.isNaN == true)
        #expect(rows[1] == [.double(.infinity), .double(.infinity)])
        try await db.close()
    }

    /// CAST(boolean AS STRING) gave 'TRUE'; PostgreSQL's bool::text is 'true'.
    @Test func booleanTextIsLowercase() async throws {
        let db = try await Self.special(["1"])
        let rows = try await Self.rows(db, "SELECT CAST(TRUE AS STRING), (x > 5)::STRING FROM t")
        #expect(rows == [[.string("true"), .string("false")]])
        try await db.close()
    }

    /// least/greatest/coalesce/CASE mixing a timestamp and text failed ("cannot combine
    /// STRING and TIMESTAMP"); PostgreSQL gives the text the timestamp's type.
    @Test func textTakesTheTypeOfTheOtherArguments() async throws {
        let db = try await Self.special(["1"])
        let rows = try await Self.rows(db, """
            SELECT least(time, '2015-12-31 00:00:00'), coalesce(time, '2015-12-31'),
                   CASE WHEN x > 5 THEN time ELSE '2015-12-31 00:00:00' END FROM t
            """)
        let day: Int64 = 1_451_520_000_000_000_000
        #expect(rows == [[.timestamp(day), .timestamp(day + 86_400_000_000_000), .timestamp(day)]])
        try await db.close()
    }

    /// NaN is one value for GROUP BY, DISTINCT and count(DISTINCT) (PostgreSQL: NaN = NaN);
    /// each NaN made a group of its own.
    @Test func nanIsOneGroup() async throws {
        let db = try await Self.special(["'NaN'", "'NaN'", "1", "'NaN'"])
        let groups = try await Self.rows(db, "SELECT x, count(*) FROM t GROUP BY x ORDER BY x")
        #expect(groups.count == 2)
        #expect(groups[1][0].doubleValue?.isNaN == true && groups[1][1] == .bigint(3))
        let distinct = try await Self.rows(db, "SELECT DISTINCT x FROM t")
        #expect(distinct.count == 2)
        let counted = try await Self.rows(db, "SELECT count(DISTINCT x), count(DISTINCT host) FROM t GROUP BY host ORDER BY host")
        #expect(counted == [[.bigint(2), .bigint(1)], [.bigint(1), .bigint(1)]])
        try await db.close()
    }

    /// CASE evaluated every branch on every row, so a branch not taken could fail the
    /// query (a cast out of range, a division by zero).
    @Test func caseEvaluatesOnlyTheBranchTaken() async throws {
        let db = try await Self.special(["'Infinity'", "2.5", "1"], ns: [0, 4, 2])
        let rows = try await Self.rows(db, """
            SELECT CASE WHEN x < 100 THEN CAST(x AS BIGINT) ELSE -1 END,
                   CASE WHEN n = 0 THEN 0 WHEN 8 / n > 3 THEN 8 / n ELSE 100 / n END
            FROM t ORDER BY time
            """)
        #expect(rows == [[.bigint(-1), .bigint(0)], [.bigint(2), .bigint(25)], [.bigint(1), .bigint(4)]])
        try await db.close()
    }

    /// ORDER BY 'x' and GROUP BY 'x' sorted and grouped by a constant; PostgreSQL rejects
    /// a non-integer constant there (a quoted name meant as a column, usually).
    @Test func constantsInOrderByAndGroupByAreRejected() async throws {
        let db = try await Self.special(["1"])
        for (sql, clause) in [("SELECT x FROM t ORDER BY 'x'", "ORDER BY"), ("SELECT count(*) FROM t GROUP BY 'x'", "GROUP BY"),
                              ("SELECT DISTINCT ON (1.5) x FROM t", "DISTINCT ON")] {
            do {
                _ = try await Self.rows(db, sql)
                Issue.record("\(sql) succeeded")
            } catch {
                #expect((error as? QueryError)?.message == "non-integer constant in \(clause)", "\(sql)")
            }
        }
        #expect(try await Self.rows(db, "SELECT x FROM t ORDER BY 1") == [[.double(1)]])
        // A duration is an interval, not a bare constant (PostgreSQL takes INTERVAL '1 hour').
        #expect(try await Self.rows(db, "SELECT x FROM t ORDER BY 1h") == [[.double(1)]])
        try await db.close()
    }

    /// percentile_cont interpolated even on a row exactly, turning an infinite value into
    /// NaN (∞ + (∞ − ∞) · 0); PostgreSQL returns the row's value.
    @Test func percentileOnAnInfiniteRow() async throws {
        let db = try await Self.special(["1", "'-Infinity'", "'Infinity'"])
        let rows = try await Self.rows(db, """
            SELECT percentile_cont(x, 1), percentile_cont(x, 0), percentile_cont(x, 0.5) FROM t GROUP BY host ORDER BY host
            """)
        #expect(rows[0] == [.double(.infinity), .double(1), .double(.infinity)])
        #expect(rows[1] == [.double(-.infinity), .double(-.infinity), .double(-.infinity)])
        try await db.close()
    }

    /// TSBS writes timestamps as '2016-01-01 01:38:42.000000 +0000' (a space before the
    /// zone, as PostgreSQL accepts); every TSBS query with a time range failed to parse.
    @Test func timestampTextWithASpaceBeforeTheZone() async throws {
        let db = try await Self.special(["1", "2", "3"])
        let rows = try await Self.rows(db, """
            SELECT count(*) FROM t WHERE time >= '2016-01-01 00:00:01.000000 +0000' AND time < TIMESTAMP '2016-01-01 01:00:02 +01:00'
            """)
        #expect(rows == [[.bigint(1)]])
        try await db.close()
    }

    /// floor, ceil and round of a BIGINT were BIGINTs, so `floor(n) / 4` divided integers;
    /// PostgreSQL has only the double precision (and numeric) functions: a DOUBLE.
    @Test func roundingABigintGivesADouble() async throws {
        let db = try await Self.special(["1"], ns: [-5])
        let result = try await db.query("SELECT floor(n) / 4, ceil(n), round(n), abs(n) FROM t")
        #expect(result.columns.map(\.type) == [.double, .double, .double, .bigint])
        #expect(try await result.rows() == [[.double(-1.25), .double(-5), .double(-5), .bigint(5)]])
        try await db.close()
    }

    /// A bare NULL in AND/OR made the whole expression NULL (`NULL OR TRUE` is TRUE), and
    /// in LIKE or ~ it failed ("need a string operand").
    @Test func bareNullInLogicAndPatterns() async throws {
        let db = try await Self.special(["1", "10"])
        let logic = try await Self.rows(db, "SELECT NULL OR x > 5, NULL AND x > 5 FROM t ORDER BY time")
        #expect(logic == [[.null, .boolean(false)], [.boolean(true), .null]])
        let patterns = try await Self.rows(db, "SELECT NULL LIKE 'a%', NULL !~ 'a' FROM t")
        #expect(patterns == [[.null, .null], [.null, .null]])
        try await db.close()
    }

    /// `SELECT y.* FROM t` listed t's columns; PostgreSQL: missing FROM-clause entry.
    @Test func wildcardOfAnotherTableIsRejected() async throws {
        let db = try await Self.special(["1"])
        do {
            _ = try await Self.rows(db, "SELECT y.* FROM t")
            Issue.record("SELECT y.* FROM t succeeded")
        } catch {
            #expect((error as? QueryError)?.message == "missing FROM-clause entry for table \"y\"")
        }
        #expect(try await Self.rows(db, "SELECT t.* FROM t").first?.count == 4)
        try await db.close()
    }

    /// SELECT DISTINCT … ORDER BY something not shown sorted by a value that one of the
    /// merged rows happened to have; PostgreSQL rejects it.
    @Test func distinctSortsOnlyByWhatItShows() async throws {
        let db = try await Self.special(["1", "1", "2"], ns: [3, 1, 2])
        do {
            _ = try await Self.rows(db, "SELECT DISTINCT x FROM t ORDER BY n")
            Issue.record("SELECT DISTINCT x FROM t ORDER BY n succeeded")
        } catch {
            #expect((error as? QueryError)?.message == "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
        }
        #expect(try await Self.rows(db, "SELECT DISTINCT x FROM t ORDER BY x DESC") == [[.double(2)], [.double(1)]])
        try await db.close()
    }
}
