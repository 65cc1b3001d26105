import Testing
@testable import SundialQueryLang

/// The TSBS devops (cpu-only) queries as TimescaleDB's query generator issues them
/// (tsbs/cmd/tsbs_generate_queries/databases/timescaledb/devops.go), written in this
/// dialect: the tags are columns of `cpu` (no join with a `tags` table), and the
/// lastpoint query also appears in its `LATEST ON` short form.
enum TSBSQueries {
    struct Query: Sendable, CustomStringConvertible {
        var name: String
        var sql: String
        var description: String { name }
    }

    static let start = "'2016-01-01 01:38:42.000000 +0000'"
    static let end = "'2016-01-01 02:38:42.000000 +0000'"
    static let metrics = ["usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait", "usage_irq",
                          "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"]

    static func hosts(_ n: Int) -> String {
        (1...n).map { "'host_\($0 * 7 % 100)'" }.joined(separator: ", ")
    }

    static func maxes(_ n: Int) -> String {
        metrics.prefix(n).map { "max(\($0)) AS max_\($0)" }.joined(separator: ",\n       ")
    }

    static func singleGroupBy(metrics m: Int, hosts h: Int) -> Query {
        Query(name: "single-groupby-\(m)-\(h)-1", sql: """
            SELECT time_bucket('60 seconds', time) AS minute,
                   \(maxes(m))
            FROM cpu
            WHERE hostname IN (\(hosts(h))) AND time >= \(start) AND time < \(end)
            GROUP BY minute ORDER BY minute ASC
            """)
    }

    static let all: [Query] = [
        singleGroupBy(metrics: 1, hosts: 1),
        singleGroupBy(metrics: 1, hosts: 8),
        singleGroupBy(metrics: 5, hosts: 1),
        singleGroupBy(metrics: 5, hosts: 8),
        Query(name: "cpu-max-all-8", sql: """
            SELECT time_bucket('3600 seconds', time) AS hour,
                   \(maxes(10))
            FROM cpu
            WHERE hostname IN (\(hosts(8))) AND time >= '2016-01-01 00:00:00.000000 +0000' AND time < '2016-01-01 08:00:00.000000 +0000'
            GROUP BY hour ORDER BY hour
            """),
        Query(name: "double-groupby-1", sql: """
            WITH cpu_avg AS (
                SELECT time_bucket('3600 seconds', time) AS hour, hostname,
                       avg(usage_user) AS mean_usage_user
                FROM cpu
                WHERE time >= '2016-01-01 00:00:00.000000 +0000' AND time < '2016-01-01 12:00:00.000000 +0000'
                GROUP BY 1, 2
            )
            SELECT hour, hostname, mean_usage_user
            FROM cpu_avg
            ORDER BY hour, hostname
            """),
        Query(name: "double-groupby-all", sql: """
            SELECT time_bucket('3600 seconds', time) AS hour, hostname,
                   \(metrics.map { "avg(\($0)) AS mean_\($0)" }.joined(separator: ", "))
            FROM cpu
            WHERE time >= '2016-01-01 00:00:00.000000 +0000' AND time < '2016-01-01 12:00:00.000000 +0000'
            GROUP BY hour, hostname
            ORDER BY hour, hostname
            """),
        Query(name: "high-cpu-1", sql: """
            SELECT * FROM cpu
            WHERE usage_user > 90.0 AND time >= \(start) AND time < \(end) AND hostname IN ('host_42')
            """),
        Query(name: "high-cpu-all", sql: """
            SELECT * FROM cpu WHERE usage_user > 90.0 AND time >= \(start) AND time < \(end)
            """),
        Query(name: "lastpoint", sql: """
            SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC
            """),
        Query(name: "lastpoint (LATEST ON)", sql: "SELECT * FROM cpu LATEST ON time PARTITION BY hostname"),
        Query(name: "groupby-orderby-limit", sql: """
            SELECT time_bucket('60 seconds', time) AS minute, max(usage_user)
            FROM cpu
            WHERE time < '2016-01-01 12:47:31.000000 +0000'
            GROUP BY minute
            ORDER BY minute DESC
            LIMIT 5
            """),
        Query(name: "single-groupby-1-1-12 (typed literals, durations)", sql: """
            SELECT time_bucket(1m, time) AS minute, max(usage_user) AS max_usage_user
            FROM cpu
            WHERE hostname = 'host_9'
              AND time >= TIMESTAMP '2016-01-01 01:38:42' AND time < TIMESTAMP '2016-01-01 01:38:42' + 12h
            GROUP BY minute FILL(PREV)
            ORDER BY minute
            """),
    ]
}

@Suite struct TSBSQueryTests {
    @Test(arguments: TSBSQueries.all)
    func parses(_ tsbs: TSBSQueries.Query) throws {
        let q = try query(tsbs.sql)
        #expect(q.from == Query.TableReference(.table(Identifier("cpu"))) || !q.with.isEmpty)
    }

    @Test func singleGroupBy() throws {
        let q = try query(TSBSQueries.singleGroupBy(metrics: 5, hosts: 8).sql)
        #expect(q.projection.count == 6)
        guard case .expression(let bucket, let alias) = q.projection[0].kind else { Issue.record("\(q)"); return }
        #expect(shape(bucket) == "time_bucket('60 seconds', time)")
        #expect(alias == Identifier("minute"))
        guard let condition = q.where, case .binary(let first, let terms) = condition.kind else {
            Issue.record("\(q)"); return
        }
        #expect(terms.map(\.op) == [.and, .and])
        guard case .inList(_, let hosts, negated: false) = first.kind else { Issue.record("\(first)"); return }
        #expect(hosts.count == 8)
        #expect(q.groupBy?.items == [col("minute")])
        #expect(q.orderBy == [Query.OrderItem(col("minute"), .ascending)])
    }

    @Test func lastpoint() throws {
        let q = try query(TSBSQueries.all.first { $0.name == "lastpoint" }!.sql)
        #expect(q.distinct == .on([col("hostname")]))
        #expect(q.projection.map(\.kind) == [.wildcard])
        #expect(q.orderBy == [Query.OrderItem(col("hostname")), Query.OrderItem(col("time"), .descending)])
        let latest = try query("SELECT * FROM cpu LATEST ON time PARTITION BY hostname")
        #expect(latest.latestOn?.partitionBy == [ColumnReference(Identifier("hostname"))])
    }

    @Test func doubleGroupBy() throws {
        let q = try query(TSBSQueries.all.first { $0.name == "double-groupby-1" }!.sql)
        #expect(q.with.map(\.name) == [Identifier("cpu_avg")])
        #expect(q.with[0].query.groupBy?.items == [int("1"), int("2")])
        #expect(q.from == Query.TableReference(.table(Identifier("cpu_avg"))))
    }

    @Test func groupByOrderByLimit() throws {
        let q = try query(TSBSQueries.all.first { $0.name == "groupby-orderby-limit" }!.sql)
        #expect(q.orderBy == [Query.OrderItem(col("minute"), .descending)])
        #expect(q.limit == int("5"))
    }
}
