import Testing
import SundialTestSupport
import SundialWorkloads
import Sundial

/// Parallel hash aggregation against the serial one: the same statements over the same
/// data (several partitions, each in two segments and the head, with deletions and
/// rewritten rows) must give the same rows in the same order with every aggregate kind,
/// whether run on the calling thread (`parallelism = 1`) or cut into tasks as small as
/// one series (`minimumRowsPerTask = 1`). Doubles are compared to 1e-9 relative: the
/// values are quarters (exact in binary, so sums agree exactly), but variances merge
/// partial moments in a different order.
@Suite struct SQLParallelAggregationTests {
    static let t0: Int64 = 1_451_606_400_000_000_000
    static let aggregates = [
        "count(*)", "count(v)", "sum(v)", "avg(v)", "min(v)", "max(v)", "first(v, time)", "last(v, time)",
        "stddev(v)", "variance(v)", "stddev_pop(v)", "var_pop(v)", "percentile_disc(v, 0.5)", "percentile_cont(v, 0.9)",
        "approx_percentile(v, 0.5)", "approx_count_distinct(host)", "count(DISTINCT v)", "sum(DISTINCT n)", "sum(n)",
        "avg(n)", "min(s)", "max(host)", "first(s, time)", "last(n, time)", "min(time)", "max(time)", "count(s)",
        "percentile_disc(n, 0.25)", "approx_count_distinct(n)",
    ]
    static let groupings = ["", "host", "region", "time_bucket('600 seconds', time)", "region, time_bucket('1800 seconds', time)",
                            "host, region", "s"]
    static let filters = ["", "v > 10", "host <> 'h3'", "time >= '2016-01-01T01:00:00Z'", "region IS NULL OR n > 20"]

    /// Line protocol for `seed`: 12 hosts (some without a region) over 3 hourly
    /// partitions, times on a coarse grid so that first/last tie across series; with
    /// `huge`, BIGINT values near ±2^62 whose sums overflow in some groups only.
    static func lines(_ rng: inout SplitMix64, huge: Bool) -> [String] {
        var lines: [String] = []
        for _ in 0..<900 {
            let host = Int.random(in: 0..<12, using: &rng)
            let region = host % 4 == 3 ? "" : ",region=r\(host % 3)"
            var fields: [String] = []
            if Int.random(in: 0..<8, using: &rng) > 0 { fields.append("v=\(Double(Int.random(in: -40...400, using: &rng)) / 4)") }
            if Int.random(in: 0..<4, using: &rng) > 0 {
                let n = huge ? Int.random(in: 0..<4, using: &rng) * 1_500_000_000_000_000_000 * (host % 2 == 0 ? 1 : -1)
                    : Int.random(in: -5...50, using: &rng)
                fields.append("n=\(n)i")
            }
            if Int.random(in: 0..<3, using: &rng) > 0 { fields.append("s=\"w\(Int.random(in: 0..<6, using: &rng))\"") }
            if fields.isEmpty { fields.append("v=1") }
            let time = t0 + Int64(Int.random(in: 0..<216, using: &rng)) * 50_000_000_000
            lines.append("m,host=h\(host)\(region) \(fields.joined(separator: ",")) \(time)")
        }
        return lines
    }

    /// A database under `limits` holding `lines`: a third flushed, a third flushed into a
    /// second segment per partition, some rows deleted, the rest in the head.
    static func open(_ lines: [String], _ limits: QueryLimits) async throws -> Database {
        var configuration = DatabaseTests.configuration(FaultInjectingFileSystem())
        configuration.queryLimits = limits
        let db = try await Database.open(at: "/data", configuration: configuration)
        _ = try await db.query("CREATE TABLE m (time TIMESTAMP, host TAG, region TAG, v DOUBLE, n BIGINT, s STRING) PARTITION BY HOUR")
        let third = lines.count / 3
        for (k, part) in [lines[..<third], lines[third..<(2 * third)], lines[(2 * third)...]].enumerated() {
            let result = try await db.write(lineProtocol: part.joined(separator: "\n"))
            #expect(result.errors.isEmpty, "\(result.errors)")
            if k < 2 { try await db.flush() }
            if k == 1 { _ = try await db.query("DELETE FROM m WHERE host = 'h5' AND time >= '2016-01-01T00:30:00Z' AND time < '2016-01-01T01:30:00Z'") }
        }
        return db
    }

    enum Outcome: Equatable {
        case rows([[SQLValue]])
        case error(String)
    }

    static func run(_ db: Database, _ sql: String) async -> Outcome {
        do { return .rows(try await db.query(sql).rows()) } catch { return .error(error.message) }
    }

    /// Equal rows in equal order; doubles to 1e-9 relative.
    static func same(_ a: Outcome, _ b: Outcome) -> Bool {
        guard case .rows(let x) = a, case .rows(let y) = b else { return a == b }
        guard x.count == y.count else { return false }
        for (r, s) in zip(x, y) {
            guard r.count == s.count else { return false }
            for (u, v) in zip(r, s) {
                if case .double(let p) = u, case .double(let q) = v {
                    if p == q || (p.isNaN && q.isNaN) || abs(p - q) <= 1e-9 * max(abs(p), abs(q)) { continue }
                    return false
                }
                if u != v { return false }
            }
        }
        return true
    }

    static var serial: QueryLimits {
        var limits = QueryLimits()
        limits.parallelism = 1
        return limits
    }

    static var parallel: QueryLimits {
        var limits = QueryLimits()
        limits.parallelism = 3
        limits.minimumRowsPerTask = 1
        return limits
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func parallelAnswersMatchSerialOnes(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let data = Self.lines(&rng, huge: seed == 4)
        let one = try await Self.open(data, Self.serial)
        let many = try await Self.open(data, Self.parallel)
        var compared = 0
        for _ in 0..<60 {
            let picked = (0..<Int.random(in: 1...4, using: &rng)).map { _ in Self.aggregates.randomElement(using: &rng)! }
            let grouping = Self.groupings.randomElement(using: &rng)!
            let filter = Self.filters.randomElement(using: &rng)!
            var sql = "SELECT " + (grouping.isEmpty ? "" : grouping + ", ") + picked.joined(separator: ", ") + " FROM m"
            if !filter.isEmpty { sql += " WHERE " + filter }
            if !grouping.isEmpty { sql += " GROUP BY " + grouping }
            let expected = await Self.run(one, sql)
            let actual = await Self.run(many, sql)
            #expect(Self.same(expected, actual), "\(sql)\nserial:   \(expected)\nparallel: \(actual)")
            if case .rows = expected { compared += 1 }
            // Over a derived table, no key is known to be constant over a batch: groups
            // are looked up row by row (no runs of tags, no bucket slots).
            let derived = sql.replacing(" FROM m", with: " FROM (SELECT * FROM m) d")
            let model = await Self.run(one, derived)
            #expect(Self.same(model, expected), "\(derived)\nderived: \(model)\ndirect:  \(expected)")
        }
        // Most statements run (a few are refused alike, e.g. an overflowing sum).
        #expect(compared >= 40)
        // Every aggregate kind, in one statement per grouping.
        for grouping in Self.groupings {
            let sql = "SELECT " + (grouping.isEmpty ? "" : grouping + ", ") + Self.aggregates.joined(separator: ", ") + " FROM m"
                + (grouping.isEmpty ? "" : " GROUP BY " + grouping)
            let expected = await Self.run(one, sql)
            #expect(Self.same(expected, await Self.run(many, sql)), "\(sql)")
        }
        try await one.close()
        try await many.close()
    }

    /// EXPLAIN ANALYZE of a parallel aggregation: its tasks, and the same figures as the
    /// serial run (rows through each step, what the scan read, the groups).
    @Test func explainAnalyzeAddsUpTheTasks() async throws {
        var rng = SplitMix64(seed: 9)
        let data = Self.lines(&rng, huge: false)
        let one = try await Self.open(data, Self.serial)
        let many = try await Self.open(data, Self.parallel)
        let sql = "EXPLAIN ANALYZE SELECT region, max(v), count(*) FROM m WHERE v > 10 GROUP BY region"
        let serial = try await one.query(sql).rows().map { $0[0].text }
        let parallel = try await many.query(sql).rows().map { $0[0].text }
        // 3 threads, one part each.
        #expect(parallel.contains { $0.hasSuffix("parallel: 3 parts on 3 threads") }, "\(parallel)")
        #expect(!serial.contains { $0.contains("parallel") }, "\(serial)")
        /// The lines without their times.
        func figures(_ plan: [String]) -> [String] {
            plan.filter { !$0.contains("parallel:") && !$0.hasPrefix("Execution") }.map { line in
                guard let time = line.range(of: " time=") else { return line }
                return String(line[..<time.lowerBound])
            }
        }
        #expect(figures(serial) == figures(parallel), "\(serial)\n\(parallel)")
        #expect(serial.contains { $0.contains("read: partitions=3 segments=6") }, "\(serial)")
        try await one.close()
        try await many.close()
    }

    /// The limits hold in parallel tasks: the memory limit names the operator, the
    /// timeout stops every task.
    @Test func limitsHoldInParallel() async throws {
        var rng = SplitMix64(seed: 5)
        let data = Self.lines(&rng, huge: false)
        var tight = Self.parallel
        tight.maxMemoryBytes = 16 << 10
        let small = try await Self.open(data, tight)
        let memory = await Self.run(small, "SELECT host, s, percentile_cont(v, 0.5) FROM m GROUP BY host, s")
        #expect(memory == .error("hash aggregation needs more than the query memory limit of 16 KiB (QueryLimits.maxMemoryBytes)"))
        try await small.close()
        var hurried = Self.parallel
        hurried.timeout = .nanoseconds(1)
        let late = try await Self.open(data, hurried)
        guard case .error(let message) = await Self.run(late, "SELECT host, max(v) FROM m GROUP BY host") else {
            Issue.record("the timeout did not stop the query")
            return
        }
        #expect(message.contains("time limit"), "\(message)")
        try await late.close()
    }
}

extension SQLParallelAggregationTests {
    /// A query whose Swift task is cancelled stops in every parallel task.
    @Test func cancellationReachesTheTasks() async throws {
        var rng = SplitMix64(seed: 6)
        let db = try await Self.open(Self.lines(&rng, huge: false), Self.parallel)
        let outcome = await Task { () async -> Outcome in
            withUnsafeCurrentTask { $0?.cancel() }
            return await Self.run(db, "SELECT host, max(v) FROM m GROUP BY host")
        }.value
        #expect(outcome == .error("the query was cancelled"))
        try await db.close()
    }
}
