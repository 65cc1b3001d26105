// DuckDB as the differential tests' reference engine, driven through its Python
// package: one `python3 duckdb_runner.py REQUEST RESPONSE` process per batch of queries
// (starting Python and importing DuckDB costs more than a few hundred queries do).
//
// The interpreter: $SUNDIAL_PYTHON, else the virtual environment Scripts/install-deps
// creates ($SUNDIAL_DUCKDB_VENV, default ~/.cache/sundial/duckdb-venv), else `python3`
// on the PATH, the first that can import duckdb. None is a test failure that says how
// to install it, never a skip.
import Foundation

/// A table DuckDB creates and fills before the queries run.
struct DuckDBTable: Encodable {
    struct Column: Encodable {
        var name: String
        var type: String
    }

    var name: String
    var columns: [Column]
    /// Newline-delimited JSON rows, every value a string or null (cast to `type`).
    var data: String
}

/// One value of a DuckDB result, with its type kept (see duckdb_runner.py).
enum DuckDBCell: Decodable, Equatable {
    case null
    case boolean(Bool)
    case integer(String)
    case double(String)
    case decimal(String)
    case string(String)
    /// TIMESTAMP or DATE, microseconds since the epoch.
    case timestamp(Int64)
    /// INTERVAL, microseconds.
    case interval(Int64)
    case other(String)

    enum Key: String, CodingKey { case b, i, f, d, s, t, v, x }

    init(from decoder: any Decoder) throws {
        if try decoder.singleValueContainer().decodeNil() { self = .null; return }
        let c = try decoder.container(keyedBy: Key.self)
        if let b = try c.decodeIfPresent(Bool.self, forKey: .b) { self = .boolean(b) }
        else if let i = try c.decodeIfPresent(String.self, forKey: .i) { self = .integer(i) }
        else if let f = try c.decodeIfPresent(String.self, forKey: .f) { self = .double(f) }
        else if let d = try c.decodeIfPresent(String.self, forKey: .d) { self = .decimal(d) }
        else if let s = try c.decodeIfPresent(String.self, forKey: .s) { self = .string(s) }
        else if let t = try c.decodeIfPresent(Int64.self, forKey: .t) { self = .timestamp(t) }
        else if let v = try c.decodeIfPresent(Int64.self, forKey: .v) { self = .interval(v) }
        else { self = .other(try c.decodeIfPresent(String.self, forKey: .x) ?? "?") }
    }
}

/// DuckDB's answer to one query.
enum DuckDBResult: Decodable {
    case rows(columns: [String], rows: [[DuckDBCell]])
    case error(String)

    enum Key: String, CodingKey { case ok, columns, rows, error }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        if try c.decode(Bool.self, forKey: .ok) {
            self = .rows(columns: try c.decode([String].self, forKey: .columns), rows: try c.decode([[DuckDBCell]].self, forKey: .rows))
        } else {
            self = .error(try c.decode(String.self, forKey: .error))
        }
    }
}

struct DuckDBError: Error, CustomStringConvertible {
    var description: String
}

/// Runs batches of queries in DuckDB.
struct DuckDB {
    /// The version Scripts/install-deps installs.
    static let pinnedVersion = "1.4.4"
    static let installHint = """
        DuckDB for Python is needed by the differential tests. Install it with Scripts/install-deps \
        (it creates a virtual environment in ${SUNDIAL_DUCKDB_VENV:-~/.cache/sundial/duckdb-venv} \
        with duckdb==\(pinnedVersion)), or point SUNDIAL_PYTHON at a python3 that can `import duckdb` \
        (python3 -m pip install duckdb==\(pinnedVersion)).
        """

    /// The runner script, next to this file.
    static let runner = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("duckdb_runner.py").path

    let python: String
    let version: String

    /// Finds a Python with DuckDB, or throws with installation instructions.
    static func locate() throws -> DuckDB {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let python = environment["SUNDIAL_PYTHON"], !python.isEmpty { candidates.append(python) }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.cache"
        let venv = environment["SUNDIAL_DUCKDB_VENV"].flatMap { $0.isEmpty ? nil : $0 } ?? cache + "/sundial/duckdb-venv"
        candidates.append(venv + "/bin/python3")
        candidates.append("python3")
        var tried: [String] = []
        for python in candidates {
            if let (status, output, _) = try? run(python, [runner, "--version"]), status == 0 {
                return DuckDB(python: python, version: output.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            tried.append(python)
        }
        throw DuckDBError(description: "no python3 that can import duckdb (tried \(tried.joined(separator: ", "))). " + installHint)
    }

    /// Runs `executable` (a path, or a name looked up on the PATH) to completion.
    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting, so a chatty child cannot fill a pipe and stall.
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    /// Creates `tables` in a fresh in-memory database and runs `queries` in order.
    func run(tables: [DuckDBTable], queries: [String], in directory: String) throws -> [DuckDBResult] {
        struct Request: Encodable {
            var tables: [DuckDBTable]
            var queries: [String]
        }
        struct Response: Decodable {
            var version: String
            var results: [DuckDBResult]
        }
        let request = directory + "/duckdb-request.json"
        let response = directory + "/duckdb-response.json"
        try JSONEncoder().encode(Request(tables: tables, queries: queries)).write(to: URL(fileURLWithPath: request))
        let (status, _, errors) = try Self.run(python, [Self.runner, request, response])
        guard status == 0 else {
            throw DuckDBError(description: "\(python) \(Self.runner) exited with \(status): \(errors)")
        }
        let decoded = try JSONDecoder().decode(Response.self, from: Data(contentsOf: URL(fileURLWithPath: response)))
        guard decoded.results.count == queries.count else {
            throw DuckDBError(description: "DuckDB answered \(decoded.results.count) of \(queries.count) queries")
        }
        return decoded.results
    }
}
