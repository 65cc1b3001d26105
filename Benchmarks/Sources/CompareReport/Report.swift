// The markdown report: medians side by side with Sundial/best peer and the goal, bytes
// per stored value, the result checks, and the command that made it.
import BenchmarkSupport
import SundialWorkloads

struct Report {
    var settings: Settings
    var queries: [TSBSQuery]
    var sundialLoad: SundialLoad
    var sundial: [String: QueryTiming]
    var peers: PeerOutput?

    /// The peers asked for, in the order asked, with what the script said of each.
    var peerEngines: [(key: String, name: String, engine: PeerOutput.Engine?)] {
        settings.engines.map { key in
            let engine = peers?.engines.first { $0.key == key }
            return (key, engine?.name ?? Self.names[key] ?? key, engine)
        }
    }

    static let names = ["duckdb": "DuckDB", "sqlite": "SQLite"]

    var allPeersRan: Bool {
        peerEngines.allSatisfy { $0.engine != nil && $0.engine?.error == nil && $0.engine?.queries != nil }
    }

    func timing(_ engine: PeerOutput.Engine?, _ query: String) -> QueryTiming? {
        engine?.queries?[query]?.timing
    }

    func print() {
        let rows = settings.hosts * settings.points
        let values = rows * TSBSDevops.fieldNames.count
        let hours = Double(settings.points) * Double(TSBSDevops.defaultInterval) / 3.6e12
        Swift.print("# Sundial vs. \(peerEngines.map(\.name).joined(separator: " and ")): TSBS devops cpu-only\n")
        Swift.print("\(grouped(settings.hosts)) hosts × \(grouped(settings.points)) points (10 s apart, \(fixed(hours, 1)) h from 2016-01-01 00:00 UTC) "
                    + "= \(grouped(rows)) rows, \(grouped(values)) values. Each query type runs once to warm up, then \(settings.runs) "
                    + "time\(settings.runs == 1 ? "" : "s"); the table shows the median in ms, all rows consumed (Sundial: "
                    + "`db.query(sql)` + `rows()` in process; the peers: `execute(sql)` + `fetchall()` from Python).")
        if settings.smoke { Swift.print("\n(smoke run: tiny data, one run; the goal is judged on the default 100 hosts × 1 day)") }
        Swift.print("")
        var engines = ["- Sundial: release build, in process; \(sundialLoad.segments) segment\(sundialLoad.segments == 1 ? "" : "s") after flush + compact, fsync none."]
        for peer in peerEngines {
            if let engine = peer.engine, engine.error == nil {
                engines.append("- \(peer.name) \(engine.version ?? "?") (Python \(peers?.python ?? "?")): \(engine.settings ?? "")")
            } else {
                engines.append("- \(peer.name): **not run** (\(peer.engine?.error ?? (peers == nil ? "the peers' script failed" : "not reported")))")
            }
        }
        Swift.print(engines.joined(separator: "\n") + "\n")

        // The table.
        let peerNames = peerEngines.map(\.name)
        Swift.print("| query | Sundial ms | " + peerNames.map { "\($0) ms | " }.joined() + "Sundial/best peer | goal |")
        Swift.print("|---|---:|" + peerNames.map { _ in "---:|" }.joined() + "---:|---|")
        var passes = 0
        for query in queries {
            let mine = sundial[query.name]
            var cells = [query.name, mine?.median.map(milliseconds) ?? "error"]
            var best: Double?
            for peer in peerEngines {
                let median = timing(peer.engine, query.name)?.median
                cells.append(median.map(milliseconds) ?? (timing(peer.engine, query.name)?.error != nil ? "error" : "n/a"))
                if let median { best = min(best ?? median, median) }
            }
            let ratio = mine?.median.flatMap { m in best.map { m / $0 } }
            cells.append(ratio.map { fixed($0, 2) } ?? "n/a")
            let goal: String
            if let m = mine?.median, m < 1 { goal = "PASS (< 1 ms)" }
            else if let ratio { goal = ratio <= 0.5 ? "PASS" : "MISS" }
            else { goal = mine?.median == nil ? "MISS (error)" : "n/a (no peer)" }
            if goal.hasPrefix("PASS") { passes += 1 }
            Swift.print("| " + cells.joined(separator: " | ") + " | \(goal) |")
        }
        Swift.print("\nGoal (printed, not asserted): every query ≤ 0.5× the best peer's median, or under 1 ms: "
                    + "**\(passes) of \(queries.count) PASS**.\n")

        // Bytes per stored value.
        Swift.print("## Bytes per stored value\n")
        Swift.print("| engine | bytes on disk | bytes per stored value | what is counted |")
        Swift.print("|---|---:|---:|---|")
        Swift.print("| Sundial | \(grouped(sundialLoad.bytes)) | \(fixed(Double(sundialLoad.bytes) / Double(values), 3)) | "
                    + "the data directory after flush + compact, every file (segments, series log, WAL, manifest) |")
        for peer in peerEngines {
            guard let engine = peer.engine, let bytes = engine.bytes else { continue }
            let how = peer.key == "duckdb" ? "the database file after CHECKPOINT" : "the database file after VACUUM (table + index on (hostname, time))"
            Swift.print("| \(peer.name) | \(grouped(bytes)) | \(fixed(Double(bytes) / Double(engine.values ?? values), 3)) | \(how) |")
        }
        Swift.print("\nValues = rows × 10 fields (\(grouped(values))); tags and timestamps are not counted as values but their bytes are.\n")

        // Checks.
        Swift.print("## Checks\n")
        var warnings: [String] = []
        var rowCounts: [String] = []
        for query in queries {
            guard let mine = sundial[query.name] else { continue }
            if let error = mine.error { warnings.append("WARNING: \(query.name): Sundial failed: \(error)") }
            var counts = ["\(mine.rows)"]
            for peer in peerEngines {
                guard let theirs = timing(peer.engine, query.name) else { counts.append("–"); continue }
                counts.append("\(theirs.rows)")
                if let error = theirs.error { warnings.append("WARNING: \(query.name): \(peer.name) failed: \(error)"); continue }
                for difference in differences(mine, theirs, ordered: query.ordered) {
                    warnings.append("WARNING: \(query.name): \(peer.name) differs: \(difference)")
                }
            }
            rowCounts.append("\(query.name) \(counts.joined(separator: "/"))")
        }
        Swift.print("Rows returned (Sundial/\(peerNames.joined(separator: "/"))): " + rowCounts.joined(separator: ", ") + ".\n")
        if warnings.isEmpty {
            Swift.print("Every engine returned the same rows with the same values for every query "
                        + "(timestamps to the nanosecond, doubles to 1e-9 relative, columns matched by name).\n")
        } else {
            for warning in warnings { Swift.print(warning) }
            Swift.print("")
        }

        if settings.showSQL {
            Swift.print("## Queries\n")
            for query in queries {
                Swift.print("### \(query.name)\n\nSundial:\n```sql\n\(query.sql)\n```")
                for peer in peerEngines {
                    if let sql = peer.engine?.queries?[query.name]?.sql { Swift.print("\(peer.name):\n```sql\n\(sql)\n```") }
                }
                Swift.print("")
            }
        }
        Swift.print("Command: `\(settings.command ?? (["CompareReport"] + CommandLine.arguments.dropFirst()).joined(separator: " "))`"
                    + (settings.showSQL ? "" : " (add `--show-sql` for every engine's query text)"))
    }
}
