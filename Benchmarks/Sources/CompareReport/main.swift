// CompareReport: Sundial's SQL engine against DuckDB and SQLite on TSBS devops cpu-only
// (default 100 hosts × 1 day). The data is generated once, written into Sundial (in
// process) and exported as CSV for the peers, which Benchmarks/Scripts/compare_peers.py
// loads and queries from Python. Every TSBS query type runs once to warm up, then N times
// per engine; the report is a markdown table of medians with Sundial/best peer and the
// goal (≤ 0.5× the best peer, or under 1 ms) as PASS/MISS, printed, never asserted; then
// bytes per stored value, the result checks and the command. Everything lives in a
// temporary directory under /tmp, removed at the end.
//
//   Benchmarks/compare [--hosts N] [--points N] [--runs N] [--smoke]      # builds, finds Python
//   Benchmarks/.build/release/CompareReport --python P --peers-script S [options]
import BenchmarkSupport
#if canImport(Glibc)
import Glibc
#endif
import Sundial
import SundialWorkloads

struct Settings {
    var hosts = 100
    var points = 8640
    var runs = 5
    var smoke = false
    var python = "python3"
    var peersScript: String?
    var engines = ["duckdb", "sqlite"]
    var requirePeers = false
    var showSQL = false
    var keep = false
    var command: String?
    /// Only these query types (for a profile: `--only double-groupby-all --engines none`).
    var only: Set<String>?
    /// `QueryLimits.parallelism` (nil: the default, the active processor count).
    var parallelism: Int?

    static let usage = """
        usage: CompareReport [--hosts N] [--points N] [--runs N] [--smoke] [--engines duckdb,sqlite|none]
                             [--only query,query] [--python PATH] [--peers-script PATH] [--require-peers] [--show-sql] [--keep]
                             [--parallelism N]
        """

    static func parse() -> Settings {
        var settings = Settings()
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        func number(_ name: String) -> Int {
            guard let value = arguments.next().flatMap({ Int($0) }), value > 0 else {
                log("CompareReport: \(name) needs a positive number\n\(usage)")
                exit(2)
            }
            return value
        }
        while let argument = arguments.next() {
            switch argument {
            case "--hosts": settings.hosts = number(argument)
            case "--points": settings.points = number(argument)
            case "--runs": settings.runs = number(argument)
            case "--smoke":
                settings.smoke = true
                settings.hosts = 10
                settings.points = 1080
                settings.runs = 1
            case "--python": settings.python = arguments.next() ?? settings.python
            case "--peers-script": settings.peersScript = arguments.next()
            case "--engines": settings.engines = (arguments.next() ?? "").split(separator: ",").map(String.init).filter { $0 != "none" }
            case "--only": settings.only = Set((arguments.next() ?? "").split(separator: ",").map(String.init))
            case "--require-peers": settings.requirePeers = true
            case "--show-sql": settings.showSQL = true
            case "--keep": settings.keep = true
            case "--parallelism": settings.parallelism = number(argument)
            case "--command": settings.command = arguments.next()
            default:
                log(usage)
                exit(2)
            }
        }
        guard settings.hosts >= 8 else {
            log("CompareReport: --hosts must be at least 8 (single-groupby-*-8-* and cpu-max-all-8 pick 8 hosts)")
            exit(2)
        }
        return settings
    }

    /// The peers' script: as given, else Benchmarks/Scripts/compare_peers.py found from the
    /// working directory or from the executable's path.
    func resolvedPeersScript() -> String? {
        if let peersScript { return peersScript }
        for candidate in ["Benchmarks/Scripts/compare_peers.py", "Scripts/compare_peers.py"] where fileExists(candidate) {
            return candidate
        }
        var directory = CommandLine.arguments[0]
        while let slash = directory.lastIndex(of: "/") {
            directory = String(directory[..<slash])
            if fileExists(directory + "/Scripts/compare_peers.py") { return directory + "/Scripts/compare_peers.py" }
        }
        return nil
    }
}

let settings = Settings.parse()
let directory = makeTemporaryDirectory("compare")
let generator = TSBSDevops(hosts: settings.hosts)
var querySet = TSBSQuerySet(hosts: settings.hosts, points: settings.points)
if let only = settings.only {
    let unknown = only.subtracting(querySet.queries.map(\.name))
    guard unknown.isEmpty else {
        log("CompareReport: unknown query types \(unknown.sorted()); the types are \(querySet.queries.map(\.name).joined(separator: ", "))")
        exit(2)
    }
    querySet.queries.removeAll { !only.contains($0.name) }
}
var failed = false

// Sundial, in process.
var configuration = Database.Configuration()
configuration.fsync = .none
configuration.maintenanceInterval = nil
if let parallelism = settings.parallelism { configuration.queryLimits.parallelism = parallelism }
let sundialLoad: SundialLoad
let sundialTimings: [String: QueryTiming]
do {
    let csv = settings.engines.isEmpty ? nil : directory
    log("sundial: writing \(grouped(settings.hosts * settings.points)) rows\(csv == nil ? "" : " (and the peers' CSV)") into \(directory)")
    let db = try await Database.open(at: directory + "/sundial", configuration: configuration)
    sundialLoad = try await loadSundial(db, generator: generator, points: settings.points, csvDirectory: csv)
    log("sundial: loaded in \(fixed(sundialLoad.seconds, 2)) s, \(sundialLoad.segments) segments")
    sundialTimings = await timeSundial(db, querySet.queries, runs: settings.runs)
    try await db.close()
    removeTree(directory + "/sundial")
} catch {
    log("CompareReport: Sundial failed: \(error)")
    if !settings.keep { removeTree(directory) }
    exit(1)
}

// The peers, from Python.
var peers: PeerOutput?
if !settings.engines.isEmpty {
    if let script = settings.resolvedPeersScript() {
        let input = PeerInput(hosts: settings.hosts, points: settings.points, tagKeys: TSBSDevops.tagKeys,
                              fieldNames: TSBSDevops.fieldNames, runs: settings.runs, engines: settings.engines,
                              queries: querySet.queries)
        peers = runPeers(python: settings.python, script: script, directory: directory, input: input)
    } else {
        log("CompareReport: Benchmarks/Scripts/compare_peers.py not found (pass --peers-script)")
    }
}

let report = Report(settings: settings, queries: querySet.queries, sundialLoad: sundialLoad,
                    sundial: sundialTimings, peers: peers)
report.print()
if sundialTimings.values.contains(where: { $0.error != nil }) { failed = true }
if settings.requirePeers && !report.allPeersRan {
    log("CompareReport: --require-peers: a peer engine is missing or failed")
    failed = true
}
if settings.keep { log("kept \(directory)") } else { removeTree(directory) }
exit(failed ? 1 : 0)
