// Sundial's side of the comparison, in process: TSBS cpu-only written through
// `Database.write(WriteBatch)` (and, in the same pass, exported as CSV for the peers),
// flushed, then every query timed through `db.query(sql)` with all rows consumed.
import BenchmarkSupport
import Sundial
import SundialWorkloads

/// What loading Sundial measured.
struct SundialLoad {
    var rows: Int
    var seconds: Double
    var bytes: Int
    var segments: Int
}

/// One engine's figures for one query: every timed run (ms), the row count, the result.
struct QueryTiming {
    var milliseconds: [Double]
    var rows: Int
    var columns: [String]
    var result: [[Cell]]
    var error: String?

    var median: Double? { milliseconds.isEmpty ? nil : Statistics.median(milliseconds) }
}

enum Statistics {
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// Writes the data set into `db` and, unless `csvDirectory` is nil, as CSV into it
/// (`cpu.csv`: time in ns, host number, the ten fields, in time order; `hosts.csv`: host
/// number and its ten tags).
func loadSundial(_ db: Database, generator: TSBSDevops, points: Int, csvDirectory: String?) async throws -> SundialLoad {
    let hosts = generator.hosts.count
    let fields = TSBSDevops.fieldNames.map { ColumnDefinition(name: $0, type: .double) }
    let tags = generator.hosts.map { host in zip(TSBSDevops.tagKeys, host.tags).map { (key: $0, value: $1) } }

    var cpuCSV: CSVWriter?
    if let csvDirectory {
        var hostsCSV = try CSVWriter(path: csvDirectory + "/hosts.csv")
        hostsCSV.line(["host"] + TSBSDevops.tagKeys)
        for (h, host) in generator.hosts.enumerated() { hostsCSV.line([String(h)] + host.tags) }
        try hostsCSV.close()
        cpuCSV = try CSVWriter(path: csvDirectory + "/cpu.csv")
        cpuCSV?.line(["time", "host"] + TSBSDevops.fieldNames)
    }

    var stream = generator.stream()
    let window = 360
    var writing = 0.0
    while stream.position < points {
        let count = min(window, points - stream.position)
        let chunk = stream.next(count)
        let series = (0..<hosts).map { h in
            SeriesRows(tags: tags[h], timestamps: chunk[h].timestamps, columns: chunk[h].fields.map { .double($0, valid: nil) })
        }
        writing += try await timed {
            let outcome = try await db.write(WriteBatch(table: "cpu", columns: fields, series: series))
            precondition(outcome.rejected.isEmpty, "Sundial refused series: \(outcome.rejected)")
        }
        if cpuCSV != nil {
            for p in 0..<count {
                for h in 0..<hosts { cpuCSV?.row(time: chunk[h].timestamps[p], host: h, values: chunk[h].fields, at: p) }
            }
        }
    }
    try cpuCSV?.close()
    writing += try await timed {
        try await db.flush()
        try await db.compact()
    }
    let segments = db.statistics().tables.first { $0.name == "cpu" }?.segments ?? 0
    return SundialLoad(rows: hosts * points, seconds: writing, bytes: directoryBytes(db.path), segments: segments)
}

/// Runs every query once to warm up, then `runs` timed times, consuming all rows.
func timeSundial(_ db: Database, _ queries: [TSBSQuery], runs: Int) async -> [String: QueryTiming] {
    var out: [String: QueryTiming] = [:]
    for query in queries {
        var timing = QueryTiming(milliseconds: [], rows: 0, columns: [], result: [])
        do {
            for run in 0...runs {
                var rows: [[SQLValue]] = []
                var columns: [String] = []
                let seconds = try await timed {
                    let result = try await db.query(query.sql)
                    columns = result.columns.map(\.name)
                    rows = try await result.rows()
                }
                if run == 0 {
                    timing.rows = rows.count
                    timing.columns = columns
                    timing.result = rows.map { $0.map(Cell.init) }
                } else {
                    timing.milliseconds.append(seconds * 1000)
                }
            }
        } catch {
            timing.error = "\(error)"
        }
        out[query.name] = timing
        log("sundial: \(query.name): \(timing.median.map { fixed($0, 2) + " ms" } ?? "error: \(timing.error ?? "")")")
    }
    return out
}
