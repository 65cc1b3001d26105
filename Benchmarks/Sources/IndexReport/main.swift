// IndexReport: the series registry and postings at 1M series — inserts and lookups per
// second, intersection and union throughput, and bytes per series. Printed, not asserted.
//
//   swift run -c release --package-path Benchmarks IndexReport [--series N]
import SundialIndex
import SundialWorkloads

var seriesCount = 1_000_000
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    if argument == "--series", let n = arguments.next().flatMap({ Int($0) }) { seriesCount = n }
    else if argument == "--smoke" { seriesCount = 20_000 }
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
let clock = ContinuousClock()

// Keys like TSBS: host (unique), region (9), datacenter (~25), rack (100), os (3), service (20).
var rng = SplitMix64(seed: 1)
let regions = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"]
let keys: [SeriesKey] = (0..<seriesCount).map { h in
    let region = regions[Int(rng.next() % 9)]
    return SeriesKey(table: 1, tags: [("hostname", "host_\(h)"), ("region", region), ("datacenter", region + "abc".map(String.init)[Int(rng.next() % 3)]),
                                      ("rack", String(rng.next() % 100)), ("os", ["Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"][Int(rng.next() % 3)]),
                                      ("service", String(rng.next() % 20))])
}

var registry = SeriesRegistry()
var index = InvertedIndex()
var start = clock.now
for key in keys {
    let (id, created) = registry.register(key)
    if created { index.add(id, key) }
}
let insert = seconds(start.duration(to: clock.now))
start = clock.now
var found = 0
for key in keys where registry.id(of: key) != nil { found += 1 }
let lookup = seconds(start.duration(to: clock.now))
precondition(found == seriesCount)

start = clock.now
var selected = 0
let queries = 20
for q in 0..<queries {
    selected += index.select(table: 1, [TagPredicate("region", .equal(regions[q % 9])), TagPredicate("service", .equal(String(q % 20))),
                                        TagPredicate("os", .notEqual("Ubuntu15.10"))]).count
}
let select = seconds(start.duration(to: clock.now)) / Double(queries)

let regionLists = regions.map { region in index.select(table: 1, [TagPredicate("region", .equal(region))]) }
let serviceList = index.select(table: 1, [TagPredicate("service", .equal("7"))])
start = clock.now
var intersected = 0
for list in regionLists { intersected += intersect([list, serviceList]).count }
let intersectTime = seconds(start.duration(to: clock.now))
let intersectInput = regionLists.reduce(0) { $0 + $1.count } + serviceList.count * regionLists.count
start = clock.now
let merged = union(regionLists)
let unionTime = seconds(start.duration(to: clock.now))
let postingsBytes = regionLists.reduce(0) { $0 + $1.byteCount }

print("# Index: \(seriesCount) series (TSBS-like tags)\n")
print("| operation | figure |")
print("|---|---:|")
print("| registry insert + index add | \(Int(Double(seriesCount) / insert)) series/s |")
print("| registry lookup | \(Int(Double(seriesCount) / lookup)) lookups/s |")
print("| select: region = r AND service = s AND os != o (builds postings) | \(String(format: select * 1000)) ms per query |")
print("| intersect (region ∩ service) | \(Int(Double(intersectInput) / intersectTime / 1e6)) M ids/s in |")
print("| union of 9 regions (\(merged.count) ids) | \(Int(Double(merged.count) / unionTime / 1e6)) M ids/s out |")
print("| compressed postings, all region lists | \(String(format: Double(postingsBytes) / Double(seriesCount))) bytes per series |")
print("\n(\(selected + intersected) matches; in-memory index, not yet persisted or wired into scans)")

extension String {
    init(format value: Double) {
        let scaled = (value * 100).rounded() / 100
        self = String(scaled)
    }
}
