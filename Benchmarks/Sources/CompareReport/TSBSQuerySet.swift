// The fifteen TSBS devops query types, with fixed hosts and time windows drawn from a
// seeded generator (as tsbs_generate_queries draws them from its seed), and their text in
// Sundial's dialect: TimescaleDB's form (tsbs/cmd/tsbs_generate_queries/databases/
// timescaledb/devops.go) with the tags as columns of `cpu`, so no join with a tags table,
// and double-groupby without its CTE. The peers' texts are written from the same
// parameters by Benchmarks/Scripts/compare_peers.py.
import BenchmarkSupport
import SundialWorkloads

/// One query instance: its TSBS type and the parameters the peers need to write it.
struct TSBSQuery: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        case singleGroupBy = "single-groupby"
        case cpuMaxAll = "cpu-max-all"
        case doubleGroupBy = "double-groupby"
        case highCPU = "high-cpu"
        case lastpoint
        case groupByOrderByLimit = "groupby-orderby-limit"
    }

    /// The TSBS query type (`single-groupby-5-1-12`).
    var name: String
    var kind: Kind
    /// Hostnames the query is restricted to (empty: every host).
    var hosts: [String]
    /// The fields read: the first `metrics` of ``TSBSDevops/fieldNames``.
    var metrics: Int
    /// The time window, nanoseconds, half-open (`start` is nil for `time < end` only).
    var start: Int64?
    var end: Int64?
    /// Whether the query's ORDER BY fixes the order of every row (else rows are compared
    /// as a multiset).
    var ordered: Bool
    /// The text Sundial runs.
    var sql: String
}

/// The query set for a data set of `hosts` hosts and `points` points from `start`.
struct TSBSQuerySet {
    static let seed: UInt64 = 1
    static let hour: Int64 = 3_600_000_000_000

    var queries: [TSBSQuery] = []

    init(hosts: Int, points: Int, start: Int64 = TSBSDevops.defaultStart, interval: Int64 = TSBSDevops.defaultInterval) {
        var random = SplitMix64(seed: Self.seed)
        let end = start + Int64(points) * interval

        /// A window of `length` inside the data, starting on a whole second (the whole data
        /// when it is shorter than `length`).
        func window(_ length: Int64) -> (Int64, Int64) {
            let seconds = (end - start - length) / 1_000_000_000
            let from = start + (seconds > 0 ? Int64(random.next() % UInt64(seconds + 1)) * 1_000_000_000 : 0)
            return (from, from + length)
        }
        /// `n` distinct hostnames (a prefix of a random permutation, as TSBS draws them).
        func pick(_ n: Int) -> [String] {
            precondition(n <= hosts, "a query needs \(n) hosts, the data has \(hosts)")
            var all = Array(0..<hosts)
            for i in 0..<n { all.swapAt(i, i + Int(random.next() % UInt64(hosts - i))) }
            return all.prefix(n).map { "host_\($0)" }
        }

        for (metrics, hostCount, hours) in [(1, 1, 1), (1, 1, 12), (1, 8, 1), (5, 1, 1), (5, 1, 12), (5, 8, 1)] {
            let chosen = pick(hostCount)
            let (from, to) = window(Int64(hours) * Self.hour)
            queries.append(Self.singleGroupBy(name: "single-groupby-\(metrics)-\(hostCount)-\(hours)", metrics: metrics,
                                              hosts: chosen, start: from, end: to))
        }
        for hostCount in [1, 8] {
            let chosen = pick(hostCount)
            let (from, to) = window(8 * Self.hour)
            queries.append(Self.cpuMaxAll(name: "cpu-max-all-\(hostCount)", hosts: chosen, start: from, end: to))
        }
        for (label, metrics) in [("1", 1), ("5", 5), ("all", TSBSDevops.fieldNames.count)] {
            let (from, to) = window(12 * Self.hour)
            queries.append(Self.doubleGroupBy(name: "double-groupby-\(label)", metrics: metrics, start: from, end: to))
        }
        for (label, hostCount) in [("1", 1), ("all", 0)] {
            let chosen = hostCount > 0 ? pick(hostCount) : []
            let (from, to) = window(12 * Self.hour)
            queries.append(Self.highCPU(name: "high-cpu-\(label)", hosts: chosen, start: from, end: to))
        }
        queries.append(TSBSQuery(name: "lastpoint", kind: .lastpoint, hosts: [], metrics: TSBSDevops.fieldNames.count,
                                 start: nil, end: nil, ordered: true, sql: """
            SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC
            """))
        let (_, limitEnd) = window(Self.hour)
        queries.append(TSBSQuery(name: "groupby-orderby-limit", kind: .groupByOrderByLimit, hosts: [], metrics: 1,
                                 start: nil, end: limitEnd, ordered: true, sql: """
            SELECT time_bucket('60 seconds', time) AS minute, max(usage_user) AS max_usage_user
            FROM cpu
            WHERE time < \(Self.literal(limitEnd))
            GROUP BY minute
            ORDER BY minute DESC
            LIMIT 5
            """))
    }

    static func maxes(_ n: Int) -> String {
        TSBSDevops.fieldNames.prefix(n).map { "max(\($0)) AS max_\($0)" }.joined(separator: ", ")
    }

    static func hostList(_ hosts: [String]) -> String { hosts.map { "'\($0)'" }.joined(separator: ", ") }

    static func singleGroupBy(name: String, metrics: Int, hosts: [String], start: Int64, end: Int64) -> TSBSQuery {
        TSBSQuery(name: name, kind: .singleGroupBy, hosts: hosts, metrics: metrics, start: start, end: end, ordered: true, sql: """
            SELECT time_bucket('60 seconds', time) AS minute, \(maxes(metrics))
            FROM cpu
            WHERE hostname IN (\(hostList(hosts))) AND time >= \(literal(start)) AND time < \(literal(end))
            GROUP BY minute ORDER BY minute ASC
            """)
    }

    static func cpuMaxAll(name: String, hosts: [String], start: Int64, end: Int64) -> TSBSQuery {
        let all = TSBSDevops.fieldNames.count
        return TSBSQuery(name: name, kind: .cpuMaxAll, hosts: hosts, metrics: all, start: start, end: end, ordered: true, sql: """
            SELECT time_bucket('3600 seconds', time) AS hour, \(maxes(all))
            FROM cpu
            WHERE hostname IN (\(hostList(hosts))) AND time >= \(literal(start)) AND time < \(literal(end))
            GROUP BY hour ORDER BY hour
            """)
    }

    static func doubleGroupBy(name: String, metrics: Int, start: Int64, end: Int64) -> TSBSQuery {
        let means = TSBSDevops.fieldNames.prefix(metrics).map { "avg(\($0)) AS mean_\($0)" }.joined(separator: ", ")
        return TSBSQuery(name: name, kind: .doubleGroupBy, hosts: [], metrics: metrics, start: start, end: end, ordered: true, sql: """
            SELECT time_bucket('3600 seconds', time) AS hour, hostname, \(means)
            FROM cpu
            WHERE time >= \(literal(start)) AND time < \(literal(end))
            GROUP BY hour, hostname
            ORDER BY hour, hostname
            """)
    }

    static func highCPU(name: String, hosts: [String], start: Int64, end: Int64) -> TSBSQuery {
        let restriction = hosts.isEmpty ? "" : " AND hostname IN (\(hostList(hosts)))"
        return TSBSQuery(name: name, kind: .highCPU, hosts: hosts, metrics: TSBSDevops.fieldNames.count, start: start, end: end,
                         ordered: false, sql: """
            SELECT * FROM cpu WHERE usage_user > 90.0 AND time >= \(literal(start)) AND time < \(literal(end))\(restriction)
            """)
    }

    /// A timestamp as TSBS writes it for TimescaleDB: `'2016-01-01 00:30:00.000000 +0000'`.
    static func literal(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds / 1_000_000_000
        let micros = (nanoseconds % 1_000_000_000) / 1000
        let (year, month, day) = civil(days: seconds / 86_400)
        let second = seconds % 86_400
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let fraction = String(micros)
        return "'\(year)-\(two(month))-\(two(day)) \(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))."
            + String(repeating: "0", count: 6 - fraction.count) + fraction + " +0000'"
    }

    /// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
