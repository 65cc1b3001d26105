// The TSBS devops (cpu-only) queries as TSBS issues them to TimescaleDB
// (tsbs/cmd/tsbs_generate_queries/databases/timescaledb/devops.go), in Sundial's
// dialect — the tags are columns of `cpu`, so no join with a `tags` table and no CTE —
// over SundialWorkloads' TSBSDevops data (20 hosts, 12 hours every 10 s), each checked
// against DuckDB's answer to the same query on the same rows. Timestamps are written as
// TSBS writes them ('2016-01-01 01:38:42.000000 +0000').
import Foundation
import Sundial
import SundialTestSupport
import SundialWorkloads
import Testing

@Suite(.serialized) struct TSBSDifferentialTests {
    static let hosts = 20
    static let points = 12 * 360

    struct Query: CustomStringConvertible {
        var name: String
        var sundial: String
        var duckdb: String
        /// ORDER BY fixes the order of the rows.
        var ordered: Bool
        var description: String { name }

        /// Writes `template` in both dialects: `{bucket:60 seconds}` is a time_bucket of
        /// `time`, `{ts:2016-01-01 01:38:42}` a timestamp as TSBS writes it, `{time}` the
        /// time column.
        init(_ name: String, ordered: Bool, _ template: String) {
            self.name = name
            self.ordered = ordered
            sundial = Self.expand(template, sundial: true)
            duckdb = Self.expand(template, sundial: false)
        }

        static func expand(_ template: String, sundial: Bool) -> String {
            var out = ""
            var rest = Substring(template)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                out += rest[..<open]
                let token = rest[rest.index(after: open)..<close]
                let parts = token.split(separator: ":", maxSplits: 1).map(String.init)
                switch parts[0] {
                case "time": out += sundial ? "time" : "\"time\""
                case "bucket":
                    out += sundial ? "time_bucket('\(parts[1])', time)" : "time_bucket(INTERVAL '\(parts[1])', \"time\", TIMESTAMP '2000-01-03')"
                case "ts": out += sundial ? "'\(parts[1]).000000 +0000'" : "TIMESTAMP '\(parts[1])'"
                default: out += "{\(token)}"
                }
                rest = rest[rest.index(after: close)...]
            }
            return out + rest
        }
    }

    static let metrics = TSBSDevops.fieldNames
    static let eightHosts = "'host_1', 'host_4', 'host_6', 'host_9', 'host_11', 'host_13', 'host_16', 'host_19'"

    static func maxes(_ n: Int) -> String { metrics.prefix(n).map { "max(\($0)) AS max_\($0)" }.joined(separator: ", ") }

    static let queries: [Query] = [
        Query("single-groupby-1-1-1", ordered: true, """
            SELECT {bucket:60 seconds} AS minute, \(maxes(1)) FROM cpu
            WHERE hostname IN ('host_9') AND {time} >= {ts:2016-01-01 01:38:42} AND {time} < {ts:2016-01-01 02:38:42}
            GROUP BY minute ORDER BY minute ASC
            """),
        Query("single-groupby-5-8-1", ordered: true, """
            SELECT {bucket:60 seconds} AS minute, \(maxes(5)) FROM cpu
            WHERE hostname IN (\(eightHosts)) AND {time} >= {ts:2016-01-01 05:12:10} AND {time} < {ts:2016-01-01 06:12:10}
            GROUP BY minute ORDER BY minute ASC
            """),
        Query("cpu-max-all-8", ordered: true, """
            SELECT {bucket:3600 seconds} AS hour, \(maxes(10)) FROM cpu
            WHERE hostname IN (\(eightHosts)) AND {time} >= {ts:2016-01-01 02:27:14} AND {time} < {ts:2016-01-01 10:27:14}
            GROUP BY hour ORDER BY hour
            """),
        Query("double-groupby-1", ordered: true, """
            SELECT {bucket:3600 seconds} AS hour, hostname, avg(usage_user) AS mean_usage_user FROM cpu
            WHERE {time} >= {ts:2016-01-01 00:00:00} AND {time} < {ts:2016-01-01 12:00:00}
            GROUP BY 1, 2 ORDER BY hour, hostname
            """),
        Query("double-groupby-all", ordered: true, """
            SELECT {bucket:3600 seconds} AS hour, hostname, \(metrics.map { "avg(\($0)) AS mean_\($0)" }.joined(separator: ", ")) FROM cpu
            WHERE {time} >= {ts:2016-01-01 00:00:00} AND {time} < {ts:2016-01-01 12:00:00}
            GROUP BY hour, hostname ORDER BY hour, hostname
            """),
        Query("high-cpu-1", ordered: false, """
            SELECT * FROM cpu
            WHERE usage_user > 90.0 AND {time} >= {ts:2016-01-01 00:00:00} AND {time} < {ts:2016-01-01 12:00:00} AND hostname IN ('host_1')
            """),
        Query("high-cpu-all", ordered: false, """
            SELECT * FROM cpu WHERE usage_user > 90.0 AND {time} >= {ts:2016-01-01 03:09:00} AND {time} < {ts:2016-01-01 15:09:00}
            """),
        Query("lastpoint", ordered: true, """
            SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, {time} DESC
            """),
        Query("groupby-orderby-limit", ordered: true, """
            SELECT {bucket:60 seconds} AS minute, max(usage_user) FROM cpu
            WHERE {time} < {ts:2016-01-01 11:47:31}
            GROUP BY minute ORDER BY minute DESC LIMIT 5
            """),
    ]

    /// lastpoint in Sundial's short form, against DuckDB's DISTINCT ON.
    static let latestOn = (sundial: "SELECT * FROM cpu LATEST ON time PARTITION BY hostname",
                           duckdb: "SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, \"time\" DESC")

    /// The same rows for DuckDB: `cpu` with Sundial's column order, from the generator's
    /// per-host columns (Sundial's come from its line protocol).
    static func duckDBTable(_ data: TSBSDevops, _ schema: TableSchema, in directory: String) throws -> DuckDBTable {
        var lines = ""
        for (h, host) in data.hosts.enumerated() {
            let (times, fields) = data.seriesColumns(host: h, points: points)
            let tags = Dictionary(uniqueKeysWithValues: zip(TSBSDevops.tagKeys, host.tags))
            for p in times.indices {
                var values: [String] = []
                for column in schema.columns {
                    let value: String
                    switch column.type {
                    case .timestamp: value = DifferentialDataSet.timestampText(times[p])
                    case .tag: value = tags[column.name] ?? ""
                    default: value = "\(fields[TSBSDevops.fieldNames.firstIndex(of: column.name)!][p])"
                    }
                    values.append("\"\(column.name)\":\"\(value)\"")
                }
                lines += "{" + values.joined(separator: ",") + "}\n"
            }
        }
        let path = directory + "/cpu.jsonl"
        try lines.write(toFile: path, atomically: true, encoding: .utf8)
        let columns = schema.columns.map { column in
            DuckDBTable.Column(name: column.name, type: column.type == .timestamp ? "TIMESTAMP" : column.type == .double ? "DOUBLE" : "VARCHAR")
        }
        return DuckDBTable(name: "cpu", columns: columns, data: path)
    }

    @Test func devopsQueriesAgreeWithDuckDB() async throws {
        let directory = try TemporaryDirectory(prefix: "sundial-tsbs-differential")
        defer { directory.remove() }
        let duckdb: DuckDB
        do { duckdb = try DuckDB.locate() } catch let error as DuckDBError {
            Issue.record(Comment(rawValue: error.description))
            return
        }
        let db = try await Database.open(at: "/data", configuration: DifferentialTests.configuration(FaultInjectingFileSystem()))
        let data = TSBSDevops(hosts: Self.hosts)
        var text: [UInt8] = []
        data.writeLineProtocol(points: Self.points) { text += $0 }
        let written = try await db.write(lineProtocolBytes: text)
        #expect(written.errors.isEmpty && written.rowsWritten == Self.hosts * Self.points)
        let schema = try #require(db.tables.first { $0.name == "cpu" })
        let harness = DifferentialHarness(db: db, duckdb: duckdb, tables: [try Self.duckDBTable(data, schema, in: directory.path)],
                                          directory: directory.path)
        let pairs = Self.queries.map { ($0.sundial, $0.duckdb, $0.ordered) } + [(Self.latestOn.sundial, Self.latestOn.duckdb, true)]
        let names = Self.queries.map(\.name) + ["lastpoint (LATEST ON)"]
        let outcomes = try await harness.run(pairs: pairs)
        for (i, outcome) in outcomes.enumerated() {
            #expect(outcome.verdict == .agree, "\(names[i]): \(outcome.detail)\nSundial: \(pairs[i].0)\nDuckDB:  \(pairs[i].1)")
            #expect(outcome.rows > 0, "\(names[i]) returned no rows")
        }
        try await db.close()
    }
}
