// IndexReport: the tag index at 1M series, and what it buys a scan. Printed, not asserted.
//
//   1. SeriesRegistry (SundialStorage): inserts and lookups per second, bytes per series.
//   2. InvertedIndex (SundialIndex): build rate; select latency for a one-host equality,
//      region = r AND service = s AND os != o, a hostname prefix and a hostname regex;
//      intersection and union throughput; bytes per series.
//   3. Listing: tagKeys, tagValues(prefix:limit:), seriesCount.
//   4. A real database (PosixFileSystem, a temporary directory under /tmp) with N series of
//      one row each, flushed and closed: series log bytes per series, time to open.
//   5. TSBS devops cpu-only (1,000 hosts × 1 day at 10 s): one host's rows through the
//      index vs. a full scan filtered by tags in the loop, best of 5, and the speed-up.
//
//   swift build -c release --package-path Benchmarks --product IndexReport
//   Benchmarks/.build/release/IndexReport [--series N] [--hosts N] [--points N] [--only 1,2,3,4,5] [--smoke]
import BenchmarkSupport
#if canImport(Glibc)
import Glibc
#endif

struct Settings {
    var series = 1_000_000
    var hosts = 1000
    var points = 8640
    var rounds = 3
    var scanRounds = 5
    var smoke = false
    /// The sections to run (all by default; `--only 2,4` for a profile of those).
    var sections: Set<Int> = [1, 2, 3, 4, 5]

    static func parse() -> Settings {
        var settings = Settings()
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--series": settings.series = Int(arguments.next() ?? "") ?? settings.series
            case "--hosts": settings.hosts = Int(arguments.next() ?? "") ?? settings.hosts
            case "--points": settings.points = Int(arguments.next() ?? "") ?? settings.points
            case "--only": settings.sections = Set((arguments.next() ?? "").split(separator: ",").compactMap { Int($0) })
            case "--smoke":
                settings.smoke = true
                settings.series = 20_000
                settings.hosts = 20
                settings.points = 720
            default:
                print("usage: IndexReport [--series N] [--hosts N] [--points N] [--only 1,2,3,4,5] [--smoke]")
                exit(2)
            }
        }
        guard settings.series > 0, settings.hosts > 0, settings.points > 0 else {
            print("IndexReport: --series, --hosts and --points must be positive")
            exit(2)
        }
        return settings
    }
}

let settings = Settings.parse()
let n = settings.series
print("# Index report: \(grouped(n)) series (TSBS-like tags), TSBS cpu-only scan at \(grouped(settings.hosts)) hosts × \(grouped(settings.points)) points\n")
if settings.smoke { print("(smoke run: small sizes on a busy machine; judge the figures on the full run)\n") }

let tags = SeriesTags.make(count: n)
let sections = settings.sections
if sections.contains(1) {
    printTable("1. Series registry (`SeriesRegistry`), \(grouped(n)) series", registrySection(tags, rounds: settings.rounds))
}
if sections.contains(2) || sections.contains(3) {
    do {
        let (indexRows, index) = try indexSection(tags, rounds: settings.rounds)
        if sections.contains(2) { printTable("2. Inverted index (`InvertedIndex`), \(grouped(n)) series", indexRows) }
        if sections.contains(3) { printTable("3. Listing (`InvertedIndex`), \(grouped(n)) series", listingSection(index)) }
    } catch {
        print("IndexReport: \(error)")
        exit(1)
    }
}

let directory = makeTemporaryDirectory("index")
do {
    if sections.contains(4) {
        let diskRows = try await diskSection(tags, directory: directory + "/series", rounds: settings.rounds)
        printTable("4. Disk and open (`Database`, PosixFileSystem), \(grouped(n)) series", diskRows)
    }
    if sections.contains(5) {
        let scanRows = try await scanSection(hosts: settings.hosts, points: settings.points,
                                             directory: directory + "/tsbs", rounds: settings.scanRounds)
        printTable("5. One host of TSBS cpu-only: index vs. full scan", scanRows)
    }
} catch {
    removeTree(directory)
    print("IndexReport: \(error)")
    exit(1)
}
removeTree(directory)
print("Peak RSS \(peakRSS() >> 20) MiB. Latencies are means of repeated calls (best of several rounds); one thread.")
