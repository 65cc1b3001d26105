// Sections 1–3 of IndexReport: the series registry, the inverted index and tag listing,
// in memory (no engine, no disk).
import BenchmarkSupport
import SundialIndex
import SundialStorage
import SundialWorkloads

/// The table id the in-memory sections use.
let memoryTable: UInt32 = 1

/// Section 1: `SeriesRegistry` — canonical keys, inserts (`assign` after an `id(of:)`
/// miss), lookups, memory.
func registrySection(_ tags: [Tags], rounds: Int) -> [Row] {
    let n = tags.count
    let heapBefore = heapInUse()
    var keys: [SeriesKey] = []
    keys.reserveCapacity(n)
    let canonicalTime = timed {
        for t in tags { keys.append(SeriesKey(table: memoryTable, key: SeriesKey.canonical(t))) }
    }
    // Lookups use equal but separately built keys, as a write does (the engine builds the
    // canonical key of each series of each batch).
    var probes = tags.map { SeriesKey(table: memoryTable, key: SeriesKey.canonical($0)) }
    var registry = SeriesRegistry()
    var insertTime = Double.infinity
    for _ in 0..<rounds {
        registry = SeriesRegistry()
        insertTime = min(insertTime, timed {
            for key in keys where registry.id(of: key) == nil { _ = registry.assign(key) }
        })
    }
    precondition(registry.count == n)
    var lookupTime = Double.infinity
    for _ in 0..<rounds {
        var found = 0
        lookupTime = min(lookupTime, timed { for key in probes where registry.id(of: key) != nil { found += 1 } })
        precondition(found == n)
    }
    var missTime = Double.infinity
    let missCount = min(n, 100_000)
    do {
        let misses = (0..<missCount).map { SeriesKey(table: memoryTable, key: SeriesKey.canonical([("hostname", "absent_\($0)")])) }
        for _ in 0..<rounds {
            var found = 0
            missTime = min(missTime, timed { for key in misses where registry.id(of: key) != nil { found += 1 } })
            precondition(found == 0)
        }
    }
    keys = []
    probes = []
    let heap = heapInUse() - heapBefore  // the registry holds the only references to its keys now
    let estimate = registry.approximateBytes
    withExtendedLifetime(registry) {}
    let averageKey = tags.prefix(1000).reduce(0) { $0 + SeriesKey.canonical($1).utf8.count } / max(1, min(n, 1000))
    return [
        Row(operation: "canonical key (`SeriesKey.canonical`, 6 tags)", figure: rate(n, canonicalTime) + " keys/s",
            note: "≈ \(averageKey) bytes per key; not in the insert figure"),
        Row(operation: "insert (`id(of:)` miss, then `assign`)", figure: rate(n, insertTime) + " inserts/s",
            note: "best of \(rounds) fresh registries"),
        Row(operation: "lookup (`id(of:)` hit)", figure: rate(n, lookupTime) + " lookups/s", note: "equal keys built separately"),
        Row(operation: "lookup (`id(of:)` miss)", figure: rate(missCount, missTime) + " lookups/s", note: ""),
        Row(operation: "memory, `approximateBytes / n`", figure: fixed(Double(estimate) / Double(n), 1) + " bytes/series",
            note: "estimate reported by the registry"),
        Row(operation: "memory, measured heap growth / n", figure: heapFigure(heap, n), note: "glibc mallinfo2, keys included"),
    ]
}

/// Section 2: `InvertedIndex` — build, select, set algebra, memory. Returns the index for
/// the listing section.
func indexSection(_ tags: [Tags], rounds: Int) throws -> (rows: [Row], index: InvertedIndex) {
    let n = tags.count
    var index = InvertedIndex()
    var buildTime = Double.infinity
    var heap = 0
    for _ in 0..<rounds {
        index = InvertedIndex()
        let before = heapInUse()
        buildTime = min(buildTime, timed {
            for (i, t) in tags.enumerated() { index.add(SeriesID(i), table: memoryTable, tags: t) }
            index.sortNewValues()
        })
        heap = heapInUse() - before
    }
    precondition(index.seriesCount(table: memoryTable) == n)
    var rows = [Row(operation: "build (`add` + `sortNewValues`)", figure: rate(n, buildTime) + " series/s",
                    note: "6 tags per series, ids ascending; best of \(rounds)")]

    // (a) one host, by equality: 1,000 random hosts in turn.
    var rng = SplitMix64(seed: 7)
    let hostQueries = (0..<1000).map { _ in [TagPredicate("hostname", .equal("host_\(rng.next() % UInt64(n))"))] }
    var q = 0
    var matched = 0
    let hostLatency = latency {
        let result = index.select(table: memoryTable, hostQueries[q % hostQueries.count])
        matched = result.count
        blackHole(result)
        q += 1
    }
    precondition(matched == 1)
    rows.append(Row(operation: "select (a): hostname = h", figure: duration(hostLatency), note: "1 series; mean over 1,000 hosts"))

    // (b) region = r AND service = s AND os != o: 20 combinations in turn.
    let combinations = (0..<20).map { i in
        [TagPredicate("region", .equal(SeriesTags.regions[i % 9])), TagPredicate("service", .equal(String(i % 20))),
         TagPredicate("os", .notEqual(SeriesTags.operatingSystems[i % 3]))]
    }
    let combinationMatches = combinations.map { index.select(table: memoryTable, $0).count }
    q = 0
    let combinationLatency = latency {
        blackHole(index.select(table: memoryTable, combinations[q % combinations.count]))
        q += 1
    }
    rows.append(Row(operation: "select (b): region = r AND service = s AND os != o", figure: duration(combinationLatency),
                    note: "≈ \(grouped(combinationMatches.reduce(0, +) / combinations.count)) series; mean over 20 combinations"))

    // (c) a prefix of hostname; (d) a regular expression on hostname.
    let prefix = [TagPredicate("hostname", .prefix("host_12"))]
    let prefixMatches = index.select(table: memoryTable, prefix).count
    let prefixLatency = latency { blackHole(index.select(table: memoryTable, prefix)) }
    rows.append(Row(operation: "select (c): hostname prefix `host_12`", figure: duration(prefixLatency),
                    note: "\(grouped(prefixMatches)) series"))
    let regex = [TagPredicate("hostname", .regex(try BoundedRegex("host_12[0-9]*5")))]
    let regexMatches = index.select(table: memoryTable, regex).count
    let regexLatency = latency(rounds: 3) { blackHole(index.select(table: memoryTable, regex)) }
    rows.append(Row(operation: "select (d): hostname =~ `host_12[0-9]*5`", figure: duration(regexLatency),
                    note: "\(grouped(regexMatches)) series; every hostname value is matched"))

    // Set algebra on whole lists: each region ∩ one service, and the union of the regions.
    let regionLists = SeriesTags.regions.map { index.select(table: memoryTable, [TagPredicate("region", .equal($0))]) }
    let serviceList = index.select(table: memoryTable, [TagPredicate("service", .equal("7"))])
    let intersectInput = regionLists.reduce(0) { $0 + $1.count } + serviceList.count * regionLists.count
    let intersectLatency = latency(rounds: rounds) {
        for list in regionLists { blackHole(intersect([list, serviceList])) }
    }
    var unionCount = 0
    let unionLatency = latency(rounds: rounds) {
        let merged = union(regionLists)
        unionCount = merged.count
        blackHole(merged)
    }
    precondition(unionCount == n)
    rows.append(Row(operation: "intersect (each region ∩ service = 7)",
                    figure: fixed(Double(intersectInput) / intersectLatency / 1e6, 0) + " M ids/s in",
                    note: "9 intersections, \(grouped(intersectInput)) ids in"))
    rows.append(Row(operation: "union of the 9 region lists", figure: fixed(Double(unionCount) / unionLatency / 1e6, 0) + " M ids/s out",
                    note: "\(grouped(unionCount)) ids out"))
    let postingsBytes = regionLists.reduce(0) { $0 + $1.byteCount }
    rows.append(Row(operation: "compressed postings, the 9 region lists", figure: fixed(Double(postingsBytes) / Double(n), 2) + " bytes/series",
                    note: "`Postings.byteCount`"))
    rows.append(Row(operation: "memory, `approximateBytes / n`", figure: fixed(Double(index.approximateBytes) / Double(n), 1) + " bytes/series",
                    note: "estimate reported by the index"))
    rows.append(Row(operation: "memory, measured heap growth / n", figure: heapFigure(heap, n),
                    note: "glibc mallinfo2 across the last build"))
    return (rows, index)
}

/// Section 3: listing on the in-memory index.
func listingSection(_ index: InvertedIndex) -> [Row] {
    var keys: [String] = []
    let keysLatency = latency { keys = index.tagKeys(table: memoryTable) }
    var values: [String] = []
    let valuesLatency = latency { values = index.tagValues(table: memoryTable, key: "hostname", prefix: "host_12", limit: 100) }
    var count = 0
    let countLatency = latency { count = index.seriesCount(table: memoryTable) }
    precondition(keys.count == 6 && !values.isEmpty && count > 0)
    return [
        Row(operation: "`tagKeys`", figure: duration(keysLatency), note: "\(keys.count) keys"),
        Row(operation: "`tagValues(hostname, prefix: \"host_12\", limit: 100)`", figure: duration(valuesLatency),
            note: "\(values.count) values"),
        Row(operation: "`seriesCount`", figure: duration(countLatency), note: grouped(count)),
    ]
}
