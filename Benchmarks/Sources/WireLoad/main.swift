// Small queries per second over the wire protocol with SundialClient: `--connections`
// tasks share one client whose pool holds as many connections; each task runs the query
// back to back for `--seconds` (after a one-second warm-up) and reads every row. Prints
// queries/s and p50/p95/p99 in the same shape as wrk's figures for HTTP.
// Run by Benchmarks/http/wire.sh, which starts the server and writes the data.
//
//   WireLoad --port P [--host 127.0.0.1] [--seconds 10] [--connections 32] [--sql "…"]
import Foundation
import SundialClient

struct Options {
    var host = "127.0.0.1"
    var port = 0
    var seconds = 10.0
    var connections = 32
    var sql = "SELECT max(f1) FROM cpu WHERE hostname = 'host_7'"

    init(_ arguments: [String]) {
        var i = 0
        func value() -> String {
            i += 1
            guard i < arguments.count else { fatalError("\(arguments[i - 1]) needs a value") }
            return arguments[i]
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--host": host = value()
            case "--port": port = Int(value()) ?? 0
            case "--seconds": seconds = Double(value()) ?? seconds
            case "--connections": connections = max(1, Int(value()) ?? connections)
            case "--sql": sql = value()
            case let other: fatalError("unknown argument \(other)")
            }
            i += 1
        }
        guard port > 0 else { fatalError("--port is required") }
    }
}

/// Runs `tasks` loops of the query until `until`; returns the latencies in ns and the errors.
func drive(_ client: SundialClient, sql: String, tasks: Int, until deadline: ContinuousClock.Instant) async -> ([Int64], Int) {
    await withTaskGroup(of: ([Int64], Int).self) { group in
        for _ in 0..<tasks {
            group.addTask {
                var latencies: [Int64] = []
                latencies.reserveCapacity(1 << 16)
                var errors = 0
                let clock = ContinuousClock()
                while clock.now < deadline {
                    let start = clock.now
                    do {
                        let rows = try await client.query(sql).rows()
                        if rows.isEmpty { errors += 1 }
                    } catch {
                        errors += 1
                    }
                    let elapsed = clock.now - start
                    latencies.append(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
                }
                return (latencies, errors)
            }
        }
        var all: [Int64] = []
        var errors = 0
        for await (latencies, e) in group {
            all += latencies
            errors += e
        }
        return (all, errors)
    }
}

func percentile(_ sorted: [Int64], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let k = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count - 1)).rounded())))
    return Double(sorted[k]) / 1e6
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
var configuration = SundialClient.Configuration()
configuration.maxConnections = options.connections
let client = try await SundialClient.connect(host: options.host, port: options.port, configuration: configuration)
let clock = ContinuousClock()
_ = await drive(client, sql: options.sql, tasks: options.connections, until: clock.now + .seconds(1))  // warm-up: opens the pool
let started = clock.now
var (latencies, errorCount) = await drive(client, sql: options.sql, tasks: options.connections,
                                      until: started + .milliseconds(Int64(options.seconds * 1000)))
let elapsed = clock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
latencies.sort()
print("wire (SundialClient): \(options.connections) connections, \(String(format: "%.1f", seconds)) s, `\(options.sql)`")
print(String(format: "  %.0f queries/s, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, %ld queries, %ld errors",
             Double(latencies.count) / seconds, percentile(latencies, 50), percentile(latencies, 95),
             percentile(latencies, 99), latencies.count, errorCount))
await client.close()
