// Latency loops, heap accounting and report tables for IndexReport (the shared helpers
// are in BenchmarkSupport).
#if canImport(Glibc)
import Glibc
#endif
import BenchmarkSupport
import CBenchmarkShims

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

// MARK: Formatting

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
