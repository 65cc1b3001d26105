// IngestReport: embedded ingest of TSBS devops cpu-only (default 1,000 hosts × 1 day =
// 8.64 M rows, 86.4 M values) through the storage engine, once per fsync policy.
// Prints values/s, bytes per stored value on disk after flush and compaction (every file
// in the directory counted), time to open the result, WAL replay MB/s and peak RSS, then
// the issue's targets as PASS/MISS (printed, never asserted).
//
//   swift run -c release --package-path Benchmarks IngestReport [--hosts N] [--points N] [--smoke]
#if canImport(Glibc)
import Glibc
#endif
import SundialStorage
import SundialWorkloads

struct Settings: Sendable {
    var hosts = 1000
    var points = 8640
    var window = 360

    static func parse() -> Settings {
        var settings = Settings()
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--hosts": settings.hosts = Int(arguments.next() ?? "") ?? settings.hosts
            case "--points": settings.points = Int(arguments.next() ?? "") ?? settings.points
            case "--smoke": settings.hosts = 20; settings.points = 720; settings.window = 120
            default: print("usage: IngestReport [--hosts N] [--points N] [--smoke]"); exit(2)
            }
        }
        return settings
    }
}
let settings = Settings.parse()
let hosts = settings.hosts
let points = settings.points
let window = settings.window

let generator = TSBSDevops(hosts: hosts)
let fields = TSBSDevops.fieldNames.map { ColumnDefinition(name: $0, type: .double) }

/// Batches of `window` points for every host, generated on the fly (never all in memory).
/// Generation is not timed: `body` gets the batch and times its own work.
func batches(_ body: (WriteBatch) async throws -> Void) async rethrows {
    var stream = generator.stream()
    let tags = generator.hosts.map { host in zip(TSBSDevops.tagKeys, host.tags).map { (key: $0, value: $1) } }
    while stream.position < points {
        let count = min(window, points - stream.position)
        let chunk = stream.next(count)
        let series = (0..<hosts).map { h in
            SeriesRows(tags: tags[h], timestamps: chunk[h].timestamps, columns: chunk[h].fields.map { .double($0, valid: nil) })
        }
        try await body(WriteBatch(table: "cpu", columns: fields, series: series))
    }
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func directoryBytes(_ path: String) -> Int {
    let fs = PosixFileSystem()
    guard let names = try? fs.contentsOfDirectory(path) else { return 0 }
    return names.reduce(0) { total, name in
        let child = path + "/" + name
        var info = stat()
        guard lstat(child, &info) == 0 else { return total }
        return total + ((info.st_mode & S_IFMT) == S_IFDIR ? directoryBytes(child) : Int(info.st_size))
    }
}

func peakRSS() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_maxrss) * 1024
}

func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/sundial-ingest-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

func removeTree(_ path: String) {
    let fs = PosixFileSystem()
    for name in (try? fs.contentsOfDirectory(path)) ?? [] {
        let child = path + "/" + name
        var info = stat()
        if lstat(child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
    }
    rmdir(path)
}

struct Result {
    var policy: String
    var valuesPerSecond: Double
    var bytesPerValue: Double
    var openMilliseconds: Double
    var replayMBps: Double
    var segments: Int
}

let totalValues = hosts * points * fields.count
print("# Ingest: TSBS devops cpu-only, \(hosts) hosts × \(points) points = \(hosts * points) rows, \(totalValues) values\n")
var results: [Result] = []
let clock = ContinuousClock()
for (name, policy) in [("interval(100 ms)", FsyncPolicy.interval(milliseconds: 100)), ("always", .always), ("none", .none)] {
    let directory = makeTemporaryDirectory()
    defer { removeTree(directory) }
    var options = StorageOptions()
    options.wal.fsync = policy
    options.flushRows = 2_000_000
    do {
        let (engine, _) = try StorageEngine.open(directory: directory, options: options)
        var ingest = 0.0
        try await batches { batch in
            let start = clock.now
            try await engine.write(batch)
            ingest += seconds(start.duration(to: clock.now))
        }
        let flushStart = clock.now
        try await engine.flush()
        ingest += seconds(flushStart.duration(to: clock.now))
        try await engine.compact(minimumSegments: 2)
        let segments = engine.statistics().tables.first?.segments ?? 0
        try await engine.close()
        let bytes = directoryBytes(directory)
        let openStart = clock.now
        let (reopened, _) = try StorageEngine.open(directory: directory, options: options)
        let open = seconds(openStart.duration(to: clock.now)) * 1000
        try await reopened.close(flush: false)

        // WAL replay: write a slice again without flushing, then time the reopen.
        let replayDirectory = directory + "-replay"
        var replayOptions = options
        replayOptions.flushRows = Int.max
        replayOptions.flushBytes = Int.max
        let (replayEngine, _) = try StorageEngine.open(directory: replayDirectory, options: replayOptions)
        var written = 0
        try await batches { batch in
            if written < 4 { try await replayEngine.write(batch) }
            written += 1
        }
        try await replayEngine.close(flush: false)
        let walBytes = directoryBytes(replayDirectory + "/wal")
        let replayStart = clock.now
        let (replayed, report) = try StorageEngine.open(directory: replayDirectory, options: replayOptions)
        let replay = seconds(replayStart.duration(to: clock.now))
        _ = report
        try await replayed.close(flush: false)
        removeTree(replayDirectory)

        results.append(Result(policy: name, valuesPerSecond: Double(totalValues) / ingest,
                              bytesPerValue: Double(bytes) / Double(totalValues), openMilliseconds: open,
                              replayMBps: Double(walBytes) / 1_048_576 / replay, segments: segments))
    } catch {
        print("\(name): failed: \(error)")
        exit(1)
    }
}

print("| fsync | ingest M values/s | bytes per stored value | segments | open ms | WAL replay MB/s |")
print("|---|---:|---:|---:|---:|---:|")
for r in results {
    print("| \(r.policy) | \(String(format2: r.valuesPerSecond / 1e6)) | \(String(format3: r.bytesPerValue)) | \(r.segments) | \(String(format2: r.openMilliseconds)) | \(String(format2: r.replayMBps)) |")
}
let rss = peakRSS()
print("\npeak RSS: \(rss / 1_048_576) MiB\n")
print("## Targets (printed, not asserted)\n")
let interval = results[0]
func line(_ pass: Bool, _ text: String) { print("- \(pass ? "PASS" : "MISS") — \(text)") }
line(interval.valuesPerSecond >= 10e6, "≥ 10 M values/s on one core with `interval`: \(String(format2: interval.valuesPerSecond / 1e6)) M values/s")
line(interval.bytesPerValue <= 0.35, "≤ 0.35 bytes per stored value: \(String(format3: interval.bytesPerValue))")
line(interval.openMilliseconds < 100, "open < 100 ms: \(String(format2: interval.openMilliseconds)) ms")
line(rss <= 512 << 20, "peak RSS ≤ 512 MB: \(rss / 1_048_576) MiB")

extension String {
    init(format2 value: Double) { self = Self.fixed(value, 2) }
    init(format3 value: Double) { self = Self.fixed(value, 3) }
    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        }
        return text
    }
}
