import Testing
import SundialTestSupport
import Sundial

/// Per-query limits set through `DatabaseConfiguration.queryLimits`: memory held by the
/// buffering operators, and running time.
@Suite struct SQLLimitsTests {
    /// 1,000 series of 10 rows: 10,000 distinct values of `v`.
    static func database(_ limits: QueryLimits) async throws -> Database {
        var configuration = DatabaseTests.configuration(FaultInjectingFileSystem())
        configuration.queryLimits = limits
        let db = try await Database.open(at: "/data", configuration: configuration)
        var lines: [String] = []
        for host in 0..<1000 {
            for k in 0..<10 {
                lines.append("t,host=h\(host),dc=d\(host % 7) v=\(host * 10 + k),s=\"payload-\(host)-\(k)-long-enough-to-count\" \(1_451_606_400_000_000_000 + Int64(k) * 1_000_000_000)")
            }
        }
        let result = try await db.write(lineProtocol: lines.joined(separator: "\n"))
        #expect(result.errors.isEmpty)
        return db
    }

    static func error(_ db: Database, _ sql: String) async -> QueryError? {
        do {
            _ = try await db.query(sql).rows()
            return nil
        } catch {
            return error
        }
    }

    /// Each buffering operator is accounted and named; queries that stream, or hold
    /// little, run under the same limit.
    @Test(arguments: [
        ("SELECT host, count(*) FROM t GROUP BY host", "hash aggregation"),
        ("SELECT dc, percentile_cont(v, 0.5) FROM t GROUP BY dc", "hash aggregation"),
        ("SELECT count(DISTINCT v) FROM t", "hash aggregation"),
        ("SELECT approx_count_distinct(v) FROM t GROUP BY host", "hash aggregation"),
        ("SELECT v, s FROM t ORDER BY v DESC", "sort"),
        ("SELECT DISTINCT v FROM t", "DISTINCT"),
        ("SELECT DISTINCT ON (v) v, time FROM t ORDER BY v, time DESC", "DISTINCT ON"),
        ("SELECT count(*) FROM (SELECT v FROM t ORDER BY v) s", "sort"),
        ("WITH g AS (SELECT host, max(v) AS m FROM t GROUP BY host) SELECT max(m) FROM g", "hash aggregation"),
        ("SELECT time_bucket(1ms, time) AS b, dc, count(*) FROM t WHERE time >= '2016-01-01' AND time < '2016-01-01T00:00:10Z' GROUP BY b, dc FILL(0)", "gap filling"),
    ])
    func memoryLimitNamesTheOperator(_ sql: String, _ name: String) async throws {
        let db = try await Self.database(QueryLimits(maxMemoryBytes: 64 << 10))
        let error = await Self.error(db, sql)
        #expect(error?.code == .limitExceeded, "\(sql)")
        #expect(error?.message == "\(name) needs more than the query memory limit of 64 KiB (QueryLimits.maxMemoryBytes)", "\(sql)")
        try await db.close()
        // The default limit (1 GiB) lets the same query through.
        let roomy = try await Self.database(QueryLimits())
        #expect(await Self.error(roomy, sql) == nil, "\(sql)")
        try await roomy.close()
    }

    @Test func queriesThatHoldLittleRunUnderASmallLimit() async throws {
        let db = try await Self.database(QueryLimits(maxMemoryBytes: 64 << 10))
        #expect(try await db.query("SELECT count(*), sum(v), max(s) FROM t").rows() == [[.bigint(10_000), .double(49_995_000), .string("payload-999-9-long-enough-to-count")]])
        #expect(try await db.query("SELECT dc, count(*) FROM t GROUP BY dc ORDER BY dc LIMIT 2").rows() == [[.string("d0"), .bigint(1430)], [.string("d1"), .bigint(1430)]])
        var streamed = 0
        for try await batch in try await db.query("SELECT v, s FROM t") { streamed += batch.count }
        #expect(streamed == 10_000)
        try await db.close()
    }

    /// The time limit stops a running scan between batches, also inside derived tables.
    @Test(arguments: [
        "SELECT count(*) FROM t WHERE v * 2 > -1",
        "SELECT v FROM t",
        "SELECT count(*) FROM (SELECT host, max(v) FROM t GROUP BY host) s",
        "WITH a AS (SELECT * FROM t) SELECT count(*) FROM (SELECT * FROM a) b",
    ])
    func timeoutStopsTheScan(_ sql: String) async throws {
        let db = try await Self.database(QueryLimits(timeout: .nanoseconds(1)))
        let error = await Self.error(db, sql)
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.hasPrefix("the query ran longer than its time limit of ") == true, "\(String(describing: error))")
        try await db.close()
        let patient = try await Self.database(QueryLimits(timeout: .seconds(3600)))
        #expect(await Self.error(patient, sql) == nil)
        try await patient.close()
    }

    /// A scan that runs for long enough is stopped part-way: the check is not only at
    /// the start.
    @Test func timeoutStopsALongScanPartWay() async throws {
        let db = try await Self.database(QueryLimits())
        let started = ContinuousClock.now
        _ = try await db.query("SELECT count(*) FROM t WHERE v * 2 > -1").rows()
        let full = started.duration(to: .now)
        try await db.close()
        let limited = try await Self.database(QueryLimits(timeout: full / 4))
        let error = await Self.error(limited, "SELECT count(*) FROM t WHERE v * 2 > -1")
        #expect(error?.code == .limitExceeded, "a full run took \(full)")
        try await limited.close()
    }
}
