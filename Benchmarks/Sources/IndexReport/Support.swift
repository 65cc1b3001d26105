// Timing, heap accounting, number formatting and temporary directories for IndexReport.
#if canImport(Glibc)
import Glibc
#endif
import CBenchmarkShims
import SundialStorage

let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// The wall-clock seconds `body` takes.
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = clock.now
    try body()
    return seconds(start.duration(to: clock.now))
}

/// The wall-clock seconds `body` takes (async).
func timed(_ body: () async throws -> Void) async rethrows -> Double {
    let start = clock.now
    try await body()
    return seconds(start.duration(to: clock.now))
}

/// Keeps a value alive and opaque to the optimizer (so a measured call is not dropped).
@_optimize(none)
func blackHole<T>(_ value: T) {}

/// The mean seconds per call of `body`: calls it repeatedly for at least `minimum`
/// seconds (at least once), best of `rounds` such means.
func latency(rounds: Int = 5, minimum: Double = 0.02, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<rounds {
        var calls = 0
        let start = clock.now
        var elapsed = 0.0
        repeat {
            body()
            calls += 1
            if calls & (calls - 1) == 0 || calls % 64 == 0 { elapsed = seconds(start.duration(to: clock.now)) }
        } while elapsed < minimum
        elapsed = seconds(start.duration(to: clock.now))
        best = min(best, elapsed / Double(calls))
    }
    return best
}

/// Bytes the process has allocated with malloc and not freed (glibc `mallinfo2`: the arena
/// and the separately mapped large blocks).
func heapInUse() -> Int { Int(benchmark_heap_bytes_in_use()) }

/// Heap growth per series, or "n/a" where the C library cannot tell.
func heapFigure(_ bytes: Int, _ count: Int) -> String {
    heapInUse() == 0 ? "n/a" : fixed(Double(bytes) / Double(count), 1) + " bytes/series"
}

func peakRSS() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_maxrss) * 1024
}

// MARK: Formatting

/// `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if text.contains("e") { return text }
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if digits == 0 { return String(text[..<dot]) }
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

/// An integer with thousands separators: 1,234,567.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return value < 0 ? "-" + out : out
}

/// A rate with thousands separators, rounded to an integer.
func rate(_ count: Int, _ seconds: Double) -> String { grouped(Int((Double(count) / seconds).rounded())) }

/// A duration given in seconds, in the unit that reads best (ns, µs, ms or s).
func duration(_ seconds: Double) -> String {
    if seconds < 1e-6 { return fixed(seconds * 1e9, 0) + " ns" }
    if seconds < 1e-3 { return fixed(seconds * 1e6, seconds < 1e-5 ? 2 : 1) + " µs" }
    if seconds < 1 { return fixed(seconds * 1e3, seconds < 1e-2 ? 2 : 1) + " ms" }
    return fixed(seconds, 2) + " s"
}

/// One line of a report table.
struct Row {
    var operation: String
    var figure: String
    var note = ""
}

func printTable(_ title: String, _ rows: [Row]) {
    print("## \(title)\n")
    print("| operation | figure | note |")
    print("|---|---:|---|")
    for row in rows { print("| \(row.operation) | \(row.figure) | \(row.note) |") }
    print("")
}

// MARK: Temporary directories

func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/sundial-index-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

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

func removeTree(_ path: String) {
    let fs = PosixFileSystem()
    for name in (try? fs.contentsOfDirectory(path)) ?? [] {
        let child = path + "/" + name
        var info = stat()
        if lstat(child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
    }
    rmdir(path)
}
