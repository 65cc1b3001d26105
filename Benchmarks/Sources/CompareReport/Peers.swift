// The peers' side: Benchmarks/Scripts/compare_peers.py, run with the CSV files and the
// query set, loads DuckDB and SQLite, times the same query types in their dialects and
// writes its figures as JSON, read back here.
import BenchmarkSupport
import Foundation

/// The query set and data description handed to the peers' script.
struct PeerInput: Codable {
    var hosts: Int
    var points: Int
    var tagKeys: [String]
    var fieldNames: [String]
    var runs: Int
    var engines: [String]
    var queries: [TSBSQuery]
}

/// What the peers' script reports.
struct PeerOutput: Codable {
    var python: String
    var engines: [Engine]

    struct Engine: Codable {
        /// `duckdb` or `sqlite`.
        var key: String
        var name: String
        var version: String?
        /// Settings worth printing next to the figures (threads, cache).
        var settings: String?
        var error: String?
        var loadSeconds: Double?
        var bytes: Int?
        var values: Int?
        var queries: [String: Query]?
    }

    struct Query: Codable {
        var ms: [Double]
        var rows: Int
        var columns: [String]
        var result: [[Cell]]
        var sql: String
        var error: String?

        var timing: QueryTiming {
            QueryTiming(milliseconds: ms, rows: rows, columns: columns, result: result, error: error)
        }
    }
}

/// Runs the peers' script and returns its report (nil, with the reason logged, when it fails).
func runPeers(python: String, script: String, directory: String, input: PeerInput) -> PeerOutput? {
    let inputPath = directory + "/queries.json"
    let outputPath = directory + "/peers.json"
    do {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(input).write(to: URL(fileURLWithPath: inputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--data", directory, "--input", inputPath, "--output", outputPath]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            log("peers: \(script) exited with status \(process.terminationStatus)")
            return nil
        }
        return try JSONDecoder().decode(PeerOutput.self, from: Data(contentsOf: URL(fileURLWithPath: outputPath)))
    } catch {
        log("peers: \(error)")
        return nil
    }
}
