// MakeSeeds: writes the seed corpora under Fuzz/corpus/<Target>/ from real encodings,
// so every fuzz target starts from inputs its decoders accept.
//
//   swift run MakeSeeds [corpus-dir]     (default: the corpus/ next to Package.swift)
//
// Each target's directory is emptied and refilled; the output is deterministic (fixed
// seeds), so rerunning it leaves git clean. Seeds use the layouts the harnesses read:
// DecoderInput (selector | UInt16 LE count | payload) for the codec targets, a mode byte
// plus a framed block for FuzzBlocks, a shape byte plus data for FuzzRoundTrip, a mode
// byte plus a body, gzip stream, token or header for FuzzHTTPBody.
import Foundation
import FuzzHTTPSupport
import FuzzSupport
import SundialServerCore
import SundialStorage
import SundialTestSupport
import SundialWire
import SundialWorkloads

/// Not a fuzz target. `swift build -c release -Xswiftc -sanitize=fuzzer,address` links
/// every executable of the package against libFuzzer, which references this symbol; the
/// stub lets that one command build the whole package (MakeSeeds' own `main` still runs).
@_cdecl("LLVMFuzzerTestOneInput")
public func unusedFuzzerEntryPoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { 0 }

let corpus: URL = CommandLine.arguments.count > 1
    ? URL(fileURLWithPath: CommandLine.arguments[1], isDirectory: true)
    : URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpus", isDirectory: true)

/// Replaces corpus/<target>/ with `seeds` (name -> bytes).
func write(_ target: String, _ seeds: [(String, [UInt8])]) throws {
    let directory = corpus.appendingPathComponent(target, isDirectory: true)
    try? FileManager.default.removeItem(at: directory)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, bytes) in seeds {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }
    print("\(target): \(seeds.count) seeds, \(seeds.reduce(0) { $0 + $1.1.count }) bytes")
}

/// A DecoderInput seed: `values` encoded with `codec`, to be decoded with `selector`.
func seed<C: ColumnCodec>(_ codec: C.Type, selector: UInt8, _ values: [C.Value]) -> [UInt8] {
    DecoderInput.seed(selector: selector, count: values.count, payload: C.encode(values))
}

var rng = SplitMix64(seed: 0x5EED)

// MARK: Timestamps

let second: Int64 = 1_000_000_000
let t0: Int64 = 1_700_000_000 * second
let timestampColumns: [(String, [Int64])] = [
    ("empty", []),
    ("one", [t0]),
    ("two", [t0, t0 + 10 * second]),
    ("regular-1000", (0..<1000).map { t0 + Int64($0) * 10 * second }),
    ("jitter-300", RandomColumns.jitteredTimestamps(count: 300, start: t0, interval: second, jitter: 5_000, seed: 1)),
    ("irregular-200", (0..<200).map { _ in t0 + Int64(rng.next() % 1_000_000) }),
    ("decreasing-130", (0..<130).map { t0 - Int64($0) * second }),
    ("duplicates-129", (0..<129).map { t0 + Int64($0 / 3) * second }),
    ("extremes", [.min, .max, 0, -1, .max, .min, 1]),
]
try write("FuzzTimestamps", timestampColumns.map { ($0.0, seed(TimestampCodec.self, selector: 0, $0.1)) })

// MARK: Int64 fields

let int64Columns: [(String, [Int64])] = [
    ("ramp-300", (0..<300).map { Int64($0) * 7 }),
    ("counter-200", { var c: Int64 = 1 << 40; return (0..<200).map { _ in c += Int64(rng.next() % 50); return c } }()),
    ("runs-256", (0..<256).map { Int64($0 / 64) * 100 }),
    ("walk-512", { var v: Int64 = 0; return (0..<512).map { _ in v += Int64(rng.next() % 41) - 20; return v } }()),
    ("extremes", [.min, .max, 0, -1, .max, .min, 1]),
]
let int64Codecs: [(String, ([Int64]) -> [UInt8])] = [
    ("for", Int64FrameOfReferenceCodec.encode), ("delta", Int64DeltaCodec.encode),
    ("rle", Int64RunLengthCodec.encode), ("delta-zstd", Int64DeltaZstdCodec.encode),
]
var integerSeeds: [(String, [UInt8])] = []
for (selector, (codecName, encode)) in int64Codecs.enumerated() {
    for (columnName, values) in int64Columns where columnName != "extremes" || selector % 2 == 0 {
        integerSeeds.append(("\(codecName)-\(columnName)",
                             DecoderInput.seed(selector: UInt8(selector), count: values.count, payload: encode(values))))
    }
}
integerSeeds.append(("for-empty", DecoderInput.seed(selector: 0, count: 0, payload: [])))
try write("FuzzIntegers", integerSeeds)

// MARK: Doubles

let specials: [Double] = [.nan, -.nan, Double(nan: 0x1234, signaling: true), .infinity, -.infinity,
                          0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.5]
let doubleColumns: [(String, [Double])] = [
    ("prices-300", RandomColumns.prices(count: 300, seed: 2)),
    ("random-100", RandomColumns.doubles(count: 100, seed: 3)),
    ("constant-200", Array(repeating: 21.5, count: 200)),
    ("specials", specials),
    ("decimal-exceptions-150", (0..<150).map { $0 % 25 == 0 ? specials[$0 / 25 % specials.count] : Double($0) / 10 }),
    ("percent-256", (0..<256).map { _ in Double(rng.next() % 10_001) / 100 }),
]
var doubleSeeds: [(String, [UInt8])] = []
for (columnName, values) in doubleColumns {
    doubleSeeds.append(("gorilla-\(columnName)", seed(GorillaCodec.self, selector: 0, values)))
    doubleSeeds.append(("decimal-\(columnName)", seed(DecimalCodec.self, selector: 1, values)))
}
try write("FuzzDoubles", doubleSeeds)

// MARK: Booleans

let boolColumns: [(String, [Bool])] = [
    ("false-64", Array(repeating: false, count: 64)),
    ("alternating-13", (0..<13).map { $0 % 2 == 0 }),
    ("runs-500", (0..<500).map { ($0 / 100) % 2 == 1 }),
    ("random-200", (0..<200).map { _ in rng.next() % 3 == 0 }),
    ("one-true", [true]),
]
var boolSeeds: [(String, [UInt8])] = []
for (columnName, values) in boolColumns {
    boolSeeds.append(("bitmap-\(columnName)", seed(BooleanBitmapCodec.self, selector: 0, values)))
    boolSeeds.append(("rle-\(columnName)", seed(BooleanRunLengthCodec.self, selector: 1, values)))
}
try write("FuzzBooleans", boolSeeds)

// MARK: Tag ids

let tagIDColumns: [(String, [UInt32])] = [
    ("series-runs-1000", (0..<1000).map { UInt32($0 / 100) }),
    ("random-300", (0..<300).map { _ in UInt32(rng.next() % 5000) }),
    ("extremes", [0, .max, 7, .max - 1, 0]),
    ("one", [42]),
]
var tagIDSeeds: [(String, [UInt8])] = []
for (columnName, values) in tagIDColumns {
    tagIDSeeds.append(("packed-\(columnName)", seed(TagIDBitPackedCodec.self, selector: 0, values)))
    tagIDSeeds.append(("rle-\(columnName)", seed(TagIDRunLengthCodec.self, selector: 1, values)))
}
try write("FuzzTagIDs", tagIDSeeds)

// MARK: Strings

let stringColumns: [(String, [String])] = [
    ("empty", []),
    ("empty-strings", ["", "", ""]),
    ("hosts-10", (0..<10).map { "host_\($0)" }),
    ("regions-200", (0..<200).map { ["us-east-1", "eu-central-1", "ap-southeast-2"][$0 % 3] }),
    ("unicode", ["🌞", "Grüße", "", "日時計", "a\u{0}b"]),
    ("long-repetitive", (0..<40).map { _ in String(repeating: "sundial", count: 9) }),
]
var stringSeeds: [(String, [UInt8])] = []
for (columnName, values) in stringColumns {
    var writer = ByteWriter(capacity: 64)
    let encoding = StringCodec.encode(values, into: &writer)
    stringSeeds.append(("\(encoding)-\(columnName)",
                        DecoderInput.seed(selector: encoding == .stringPlain ? 0 : 1, count: values.count, payload: writer.bytes)))
}
try write("FuzzStrings", stringSeeds)

// MARK: Blocks

/// A block of `values` written with `encode`; mode byte 0 (raw), or 1 (forged framing).
func block<V>(_ values: [V], mode: UInt8 = 0, _ encode: (UnsafeBufferPointer<V>, inout ByteWriter) -> Void) -> [UInt8] {
    var writer = ByteWriter(capacity: 64)
    values.withUnsafeBufferPointer { encode($0, &writer) }
    return [mode] + writer.bytes
}
let blockSeeds: [(String, [UInt8])] = [
    ("timestamps", block(timestampColumns[3].1) { ColumnBlock.encodeTimestamps($0, into: &$1) }),
    ("int64-for", block(int64Columns[0].1) { ColumnBlock.write(Int64FrameOfReferenceCodec.self, $0, into: &$1) }),
    ("int64-delta", block(int64Columns[1].1) { ColumnBlock.write(Int64DeltaCodec.self, $0, into: &$1) }),
    ("int64-rle", block(int64Columns[2].1) { ColumnBlock.write(Int64RunLengthCodec.self, $0, into: &$1) }),
    ("int64-delta-zstd", block(int64Columns[3].1) { ColumnBlock.write(Int64DeltaZstdCodec.self, $0, into: &$1) }),
    ("int64-chosen", block(int64Columns[3].1) { ColumnBlock.encodeInt64($0, into: &$1) }),
    ("double-gorilla", block(doubleColumns[1].1) { ColumnBlock.write(GorillaCodec.self, $0, into: &$1) }),
    ("double-decimal", block(doubleColumns[4].1) { ColumnBlock.write(DecimalCodec.self, $0, into: &$1) }),
    ("double-chosen", block(doubleColumns[0].1) { ColumnBlock.encodeDoubles($0, into: &$1) }),
    ("bool-bitmap", block(boolColumns[3].1) { ColumnBlock.write(BooleanBitmapCodec.self, $0, into: &$1) }),
    ("bool-rle", block(boolColumns[2].1) { ColumnBlock.write(BooleanRunLengthCodec.self, $0, into: &$1) }),
    ("tagid-packed", block(tagIDColumns[1].1) { ColumnBlock.write(TagIDBitPackedCodec.self, $0, into: &$1) }),
    ("tagid-rle", block(tagIDColumns[0].1) { ColumnBlock.write(TagIDRunLengthCodec.self, $0, into: &$1) }),
    ("string-plain", [0] + { var w = ByteWriter(); ColumnBlock.encodeStrings(stringColumns[2].1, into: &w); return w.bytes }()),
    ("string-zstd", [0] + { var w = ByteWriter(); ColumnBlock.encodeStrings(stringColumns[5].1, into: &w); return w.bytes }()),
    ("forged-int64-delta-zstd", block(int64Columns[3].1, mode: 1) { ColumnBlock.write(Int64DeltaZstdCodec.self, $0, into: &$1) }),
    ("forged-double-decimal", block(doubleColumns[4].1, mode: 1) { ColumnBlock.write(DecimalCodec.self, $0, into: &$1) }),
    ("forged-string-plain", [1] + { var w = ByteWriter(); ColumnBlock.encodeStrings(stringColumns[4].1, into: &w); return w.bytes }()),
]
try write("FuzzBlocks", blockSeeds)

// MARK: Round trip

/// Shape byte (see FuzzRoundTrip/main.swift) plus `count` random data bytes.
@MainActor func roundTripSeed(_ shapes: UInt8, _ count: Int) -> [UInt8] {
    [shapes] + (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
}
var roundTripSeeds: [(String, [UInt8])] = [
    ("empty", [0]),
    ("raw-64", roundTripSeed(0b0000_0000, 64)),
    ("timestamps-decimals-runs-256", roundTripSeed(0b0011_0101, 256)),
    ("runs-mixed-vocab-200", roundTripSeed(0b1010_1010, 200)),
    ("small-prices-ids-512", roundTripSeed(0b1110_1111, 512)),
    ("all-shapes-1-100", roundTripSeed(0b1111_1111, 100)),
]
// Raw doubles built from NaN payloads, -0.0 and infinities.
roundTripSeeds.append(("nan-payloads", [0] + specials.flatMap { d in (0..<8).map { UInt8(truncatingIfNeeded: d.bitPattern >> (8 * UInt64($0))) } }))
try write("FuzzRoundTrip", roundTripSeeds)

// MARK: Line protocol, logs, segments

try write("FuzzLineProtocol", [
    ("tsbs", [0] + Array("cpu,hostname=host_0,region=eu-west-1 usage_user=58,usage_system=2i,ok=t,msg=\"x\" 1451606400000000000\n".utf8)),
    ("escapes", [1] + Array(#"my\ m\,x,k\=1=v\ 2 f\ k="a \"q\" \\ s",n=-3i,u=7u 17"#.utf8)),
    ("comments", [2] + Array("# comment\n\n  m v=1\r\nm v=2 2\n".utf8)),
    ("bad-lines", [3] + Array("m\nm,t v=1\nm v=abc\nm v=1 x\n".utf8)),
])

var walBody = ByteWriter()
let sampleBatch = WriteBatch(table: "cpu", columns: [ColumnDefinition(name: "v", type: .double), ColumnDefinition(name: "s", type: .string)],
                             series: [SeriesRows(tags: [("host", "a")], timestamps: [1, 2, 3],
                                                 columns: [.double([1, 2.5, 3], valid: nil), .string(["x", "", "z"], valid: [true, false, true])]),
                                      SeriesRows(tags: [("host", "b"), ("dc", "fra")], timestamps: [2, 4],
                                                 columns: [.double([-0.5, 0], valid: [true, false]), .string(["y", "w"], valid: nil)])])
/// The registry ids of sampleBatch's series (the second takes a two-byte varint).
let sampleSeriesIDs: [SeriesID] = [7, 300]
let change = SchemaChange.createTable(name: "cpu", options: TableOptions(), columns: [ColumnDefinition(name: "time", type: .timestamp)])
for (lsn, (kind, payload)) in [(1, (UInt8(2), change.encode())), (2, (UInt8(1), sampleBatch.encode(seriesIDs: sampleSeriesIDs)))] {
    payload.withUnsafeBytes { WALFormat.encodeRecord(lsn: UInt64(lsn), kind: kind, payload: $0, into: &walBody) }
}
var manifest = Manifest()
manifest.flushedLSN = 7
manifest.tables = [TableSchema(id: 1, name: "cpu", columns: [ColumnDefinition(name: "time", type: .timestamp), ColumnDefinition(name: "v", type: .double)])]
manifest.segments = [SegmentEntry(id: 3, tableID: 1, partitionStart: 0, rows: 10, minTime: 0, maxTime: 9, bytes: 500)]
manifest.tombstones = [Tombstone(lsn: 5, tableID: 1, timeRange: 2...4, series: [0, 7, 300], coversBelow: 4),
                       Tombstone(lsn: 6, tableID: 1, timeRange: Int64.min...Int64.max, series: nil, coversBelow: 4)]
let deletion = Deletion(table: "cpu", timeRange: -10...1_000_000, series: [1, 2, 70_000])
try write("FuzzLog", [
    ("wal-file", [0] + WALFormat.encodeHeader(firstLSN: 1) + walBody.bytes),
    ("wal-records", [1] + walBody.bytes),
    ("write-batch", [2] + sampleBatch.encode(seriesIDs: sampleSeriesIDs)),
    ("schema-change", [3] + change.encode()),
    ("manifest", [4] + manifest.encode()),
    ("deletion", [5] + deletion.encode()),
    ("deletion-every-series", [5] + Deletion(table: "cpu").encode()),
])

let segmentFS = FaultInjectingFileSystem()
try segmentFS.createDirectory("/s")
_ = try SegmentWriter.write(
    to: "/s/a.seg", fileSystem: segmentFS, table: "cpu", partition: 0..<86_400_000_000_000,
    fields: [ColumnDefinition(name: "usage", type: .double), ColumnDefinition(name: "n", type: .bigint),
             ColumnDefinition(name: "ok", type: .boolean), ColumnDefinition(name: "msg", type: .string)],
    series: (0..<2).map { s in
        SegmentSeriesData(id: SeriesID(s), tags: [("host", "h\(s)")], timestamps: (0..<30).map { Int64($0 * 1000) },
                          fields: [.double((0..<30).map { Double($0 % 7) / 2 }, valid: nil),
                                   .bigint((0..<30).map { Int64($0) }, valid: (0..<30).map { $0 % 4 != 0 }),
                                   .boolean((0..<30).map { $0 % 3 == 0 }, valid: nil),
                                   .string((0..<30).map { "e\($0 % 5)" }, valid: nil)])
    }, rowsPerBlock: 8)
let segmentBytes = segmentFS.contents(of: "/s/a.seg")!
let footerStart = Int(segmentBytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: segmentBytes.count - SegmentFormat.trailerSize, as: UInt64.self) })
try write("FuzzSegment", [
    ("empty", [0]),
    ("segment", [0] + segmentBytes),
    ("footer", [1] + Array(segmentBytes[footerStart..<(segmentBytes.count - SegmentFormat.trailerSize)])),
])

// MARK: Series log

/// Registrations of several tables: ASCII, unicode (NFC and NFD spellings, emoji, CJK, a
/// NUL byte), digits and separators inside tags, many tags, a long value; ids with one- to
/// five-byte varints.
let seriesRegistrations: [SeriesRegistration] = [
    SeriesRegistration(id: 0, table: 1, key: SeriesKey.canonical([("host", "h0")])),
    SeriesRegistration(id: 1, table: 1, key: SeriesKey.canonical([("region", "eu-central-1"), ("host", "h1")])),
    SeriesRegistration(id: 2, table: 2, key: SeriesKey.canonical([])),
    SeriesRegistration(id: 127, table: 2, key: SeriesKey.canonical([("ort", "Grüße"), ("sonne", "🌞"), ("日時計", "e\u{301}té")])),
    SeriesRegistration(id: 128, table: 3, key: SeriesKey.canonical([("a:1", "2:b;"), ("k", "a\u{0}b"), ("10", "0")])),
    SeriesRegistration(id: 16_384, table: 3, key: SeriesKey.canonical((0..<24).map { ("tag\($0)", "value-\($0 * 37)") })),
    SeriesRegistration(id: 1 << 28, table: 300, key: SeriesKey.canonical([("path", String(repeating: "/sundial", count: 40))])),
    SeriesRegistration(id: UInt32.max - 1, table: UInt32.max - 1, key: SeriesKey.canonical([("x", "y")])),
]
var seriesLog = ByteWriter()
seriesLog.writeBytes(SeriesLogFormat.encodeHeader())
SeriesLogFormat.encode(seriesRegistrations, into: &seriesLog)
let seriesRecords = Array(seriesLog.bytes[SeriesLogFormat.headerSize...])
/// A log of one record per key (keys written as given, not canonicalized).
func seriesLogBytes(_ keys: [String]) -> [UInt8] {
    var writer = ByteWriter()
    writer.writeBytes(SeriesLogFormat.encodeHeader())
    SeriesLogFormat.encode(keys.enumerated().map { SeriesRegistration(id: SeriesID($0.offset), table: 1, key: $0.element) }, into: &writer)
    return writer.bytes
}
// Regressions (bugs FuzzSeriesLog found; each input must now decode to nil / throw):
// SeriesKey.tags(ofCanonical:) accepted lengths with leading zeros and pairs out of key
// order, and SeriesLogFormat.decode accepted overlong varints — keys and records that are
// not what canonical(_:) / encode(_:into:) write, so they did not survive re-encoding.
let regressionSeeds: [(String, [UInt8])] = [
    ("regression-key-leading-zero", [2] + Array("01:a1:b;".utf8)),
    ("regression-key-unsorted", [2] + Array("1:b1:x;1:a1:y;".utf8)),
    ("regression-log-leading-zero", [0] + seriesLogBytes(["4:host2:h0;", "4:host002:h1;"])),
    ("regression-log-unsorted", [0] + seriesLogBytes(["4:host2:h0;", "4:host2:h1;2:dc3:fra;"])),
    // Forged mode: record length 4 | checksum (recomputed) | id 1 as 0x81 0x00, table 1, empty key.
    ("regression-records-overlong-varint", [1, 4, 0, 0, 0, 0, 0, 0, 0, 0x81, 0x00, 0x01, 0x00]),
    // The inputs as the fuzzer found them.
    ("regression-found-leading-zero", [2] + Array("2:)1012:b\u{0};;2:k3:a\u{0}b;".utf8)),
    ("regression-found-overlong-varint", [0x01, 0x05, 0x00, 0x00, 0x00, 0x34, 0x00, 0x00, 0x74, 0x2b, 0xff, 0xff, 0x00,
                                          0x00, 0x7c, 0xab, 0xee, 0x21, 0x22, 0x05, 0x00, 0x00, 0x00, 0x14]),
]
try write("FuzzSeriesLog", regressionSeeds + [
    ("log", [0] + seriesLog.bytes),
    ("log-torn", [0] + seriesLog.bytes.dropLast(5)),
    ("log-empty", [0] + SeriesLogFormat.encodeHeader()),
    ("log-torn-header", [0] + SeriesLogFormat.encodeHeader().prefix(9)),
    ("empty-file", [0]),
    ("records", [1] + seriesRecords),
    ("key", [2] + Array(seriesRegistrations[3].key.utf8)),
    ("key-many-tags", [2] + Array(seriesRegistrations[5].key.utf8)),
    ("key-separators", [2] + Array(seriesRegistrations[4].key.utf8)),
    ("key-empty", [2]),
])

// SQL: the TSBS devops queries and one statement of every other kind.
let sqlSeeds: [(String, String)] = [
    ("single-groupby", "SELECT time_bucket('1 minute', time) AS minute, max(usage) FROM cpu WHERE hostname IN ('host_1') AND time >= '2016-01-01T00:00:00Z' AND time < '2016-01-01T01:00:00Z' GROUP BY minute ORDER BY minute"),
    ("double-groupby", "SELECT time_bucket('1 hour', time) AS hour, hostname, avg(usage) FROM cpu WHERE time >= '2016-01-01' AND time < '2016-01-01T12:00:00Z' GROUP BY 1, 2 ORDER BY 1, 2"),
    ("high-cpu", "SELECT * FROM cpu WHERE usage > 90.0 AND time >= TIMESTAMP '2016-01-01 00:00:00' AND time < now() - 1h AND hostname = 'host_1'"),
    ("lastpoint", "SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC"),
    ("latest-on", "SELECT hostname, usage FROM cpu LATEST ON time PARTITION BY hostname"),
    ("groupby-orderby-limit", "SELECT time_bucket('1 minute', time) AS minute, max(usage) FROM cpu WHERE time < '2016-01-01T12:00:00Z' GROUP BY minute ORDER BY minute DESC LIMIT 5"),
    ("fill", "SELECT time_bucket(INTERVAL '10 minutes', time) AS b, avg(usage) FROM cpu WHERE time >= '2016-01-01' AND time < '2016-01-02' GROUP BY b FILL(LINEAR)"),
    ("expressions", "SELECT CASE WHEN n % 2 = 0 THEN 'even' ELSE 'odd' END, coalesce(region, 'none'), CAST(usage AS BIGINT), n::double, -n, abs(usage), round(usage, 2), substr(msg, 2, 3) || lower(hostname), json_extract(msg, '$.a[0]'), extract(hour FROM time), date_trunc('day', time) FROM cpu WHERE msg LIKE 'a%' AND hostname ~ '^h' AND NOT ok AND n BETWEEN $1 AND 10 AND region IS NOT NULL"),
    ("aggregates", "SELECT count(*), count(DISTINCT hostname), sum(n), first(usage, time), last(usage, time), stddev(usage), percentile_cont(usage, 0.9) FROM cpu GROUP BY region HAVING count(*) > 1"),
    ("ddl", "CREATE TABLE events (time TIMESTAMP, ws TAG, ms DOUBLE) PARTITION BY HOUR RETENTION 30d"),
    ("insert", "INSERT INTO events (time, ws, ms) VALUES ('2024-01-01T00:00:00Z', 'a', 1.5), (now(), 'b', NULL)"),
    ("explain", "EXPLAIN ANALYZE SELECT max(usage) FROM cpu WHERE hostname = 'h' /* comment */ -- tail"),
]
try write("FuzzSQL", sqlSeeds.map { ($0.0, Array($0.1.utf8)) })

// Wire: byte 0 even + a stream of real frames (one seed per frame type, and a
// conversation), odd + generator bytes.
func wireStream(_ frames: [Frame]) -> [UInt8] {
    var writer = ByteWriter()
    for frame in frames { frame.encode(into: &writer) }
    return writer.bytes
}
let wireRows = 100
let wireBatch = WireBatch(columns: [
    WireColumn(type: .timestamp, values: .int64((0..<wireRows).map { t0 + Int64($0) * 10 * second })),
    WireColumn(type: .string, values: .string((0..<wireRows).map { "host_\($0 % 7)" })),
    WireColumn(type: .double, values: .double((0..<wireRows).map { Double($0) / 4 }), validity: (0..<wireRows).map { $0 % 5 != 0 }),
    WireColumn(type: .boolean, values: .boolean((0..<wireRows).map { $0 % 3 == 0 })),
    WireColumn(type: .bigint, values: .int64((0..<wireRows).map { Int64($0 * $0) })),
], count: wireRows)
let wireSmall = WireBatch(columns: [
    WireColumn(type: .bigint, values: .int64([1, .min, .max])),
    WireColumn(type: .string, values: .string(["a", "", "日本"]), validity: [true, false, true]),
    WireColumn(type: .interval, values: .int64([0, 1, 2])),
    WireColumn(type: .null, values: .int64([0, 0, 0]), validity: [false, false, false]),
], count: 3)
let wireFrames: [(String, Frame)] = [
    ("hello", .hello(.init(clientName: "sundial-swift"))),
    ("welcome", .welcome(.init(version: 1, serverVersion: "sundial/0.6", maxFrameSize: 16 << 20))),
    ("auth", .auth(.init(token: "token-123"))),
    ("ready", .ready(.init(principal: "ingest", role: "writer", workspace: "ws_1"))),
    ("query", .query(.init(requestID: 1, sql: "SELECT * FROM cpu WHERE hostname = $1 AND time > $2",
                           parameters: [.string("host_1"), .timestamp(t0), .double(.nan), .null, .boolean(true), .bigint(-1), .interval(60)]))),
    ("schema", .resultSchema(.init(requestID: 1, columns: [.init(name: "time", type: .timestamp), .init(name: "hostname", type: .string)]))),
    ("batch-small", .resultBatch(.init(requestID: 1, batch: wireSmall))),
    ("batch-blocks", .resultBatch(.init(requestID: 1, batch: wireBatch))),
    ("complete", .complete(.init(requestID: 1, rows: 100, elapsedNanoseconds: 1_234_567, rowsAffected: 3))),
    ("write-lines", .write(.init(requestID: 2, content: .lineProtocol(Array("cpu,host=a usage=0.5 1\ncpu,host=b usage=1i 2\n".utf8), precision: .milliseconds)))),
    ("write-batch", .write(.init(requestID: 3, content: .batch(WriteBatch(
        table: "cpu", columns: [ColumnDefinition(name: "usage", type: .double), ColumnDefinition(name: "msg", type: .string)],
        series: [SeriesRows(tags: [("host", "a")], timestamps: [t0, t0 + second],
                            columns: [.double([0.5, 1], valid: [true, false]), .string(["x", "y"], valid: nil)])]))))),
    ("ack", .ack(.init(requestID: 2, lsn: 42, rowsWritten: 1, rejected: [.init(line: 2, column: 18, reason: "type conflict")]))),
    ("cancel", .cancel(.init(requestID: 1))),
    ("error", .error(.init(requestID: 1, code: .syntax, message: "expected an expression", line: 1, column: 24))),
    ("ping", .ping(.init(nonce: 7))),
    ("pong", .pong(.init(nonce: 7))),
]
var wireSeeds: [(String, [UInt8])] = wireFrames.map { ("frame-\($0.0)", [0] + wireStream([$0.1])) }
wireSeeds.append(("conversation", [2] + wireStream(wireFrames.map(\.1))))
wireSeeds.append(("oversize", [0] + [0xFF, 0xFF, 0xFF, 0x7F, 5]))
for i in 0..<12 {
    wireSeeds.append(("generated-\(i)", [1] + (0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
}
try write("FuzzWire", wireSeeds)

// MARK: HTTP bodies and credentials

let lineProtocol = Array((0..<40).map { "cpu,hostname=host_\($0 % 4),region=eu usage_user=\($0).5,n=\($0)i,ok=true \(1_700_000_000 + $0)000000000\n" }.joined().utf8)
let gzipLines = Gzip.compress(lineProtocol)
// A bomb: 4 MiB of one repeated line compresses to a few KiB (every cap here refuses it).
let gzipBomb = Gzip.compress(Array(String(repeating: "m,t=a v=1 1\n", count: (4 << 20) / 12).utf8), level: 9)
let jsonBodies: [(String, String)] = [
    ("json-params", #"{"sql": "SELECT avg(usage_user) FROM cpu WHERE hostname = $1 AND usage_user > $2 AND n < $3 AND ok = $4 AND region IS NOT $5", "params": ["host_1", 0.5, 42, true, null]}"#),
    ("json-sql-only", #"{"sql":"SELECT * FROM cpu LIMIT 10"}"#),
    ("json-escapes", #"{"params": ["caf\u00e9 \ud83d\ude00\n\t\"\\\/", -1.5e-300, 9223372036854775807, -9223372036854775808, 1e400, -0.0], "sql": "SELECT $1, $2, $3, $4, $5, $6"}"#),
    ("json-unknown-member", #"{"sql": "SELECT 1", "format": "csv"}"#),
    ("json-nested-param", #"{"sql": "SELECT $1", "params": [[1, 2], {"a": 1}]}"#),
    ("json-duplicate", #"{"sql": "SELECT 1", "sql": "SELECT 2"}"#),
    ("json-deep", String(repeating: "[", count: 70) + String(repeating: "]", count: 70)),
]
let forms: [(String, String)] = [
    ("form-params", "sql=SELECT+*+FROM+cpu+WHERE+hostname+%3D+%241+AND+n+%3E+%242&params=%5B%22host_1%22%2C3%2Cnull%2Cfalse%2C2.5%5D"),
    ("form-sql", "sql=SELECT%20count(*)%20FROM%20cpu&format=csv"),
    ("query-influx", "db=telegraf&u=telegraf&p=s%C3%A9cret+token&precision=ms&q=CREATE+DATABASE+%22telegraf%22"),
    ("form-bad-escapes", "sql=%ZZ%4&params=%5B&&=x&sql=second"),
]
let jwt = HTTPFixtures.signedTokens
let admin = jwt[0].token
/// `token` with the payload replaced by `claims` (base64url) but the old signature kept.
func forged(_ token: String, claims: String) -> String {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    return parts[0] + "." + Base64.encode(Array(claims.utf8), urlSafe: true) + "." + parts[2]
}
let flippedSignature: String = {
    var bytes = Array(admin.utf8)
    bytes[bytes.count - 2] = bytes[bytes.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
    return String(decoding: bytes, as: UTF8.self)
}()
let tampered: [(String, String)] = [
    ("jwt-tampered-payload", forged(admin, claims: #"{"sub":"ops","role":"admin","exp":4000000001,"iss":"sundial-fuzz","aud":"sundial"}"#)),
    ("jwt-tampered-signature", flippedSignature),
    ("jwt-alg-none-unsigned", Base64.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8), urlSafe: true) + "."
        + Base64.encode(Array(#"{"role":"admin","exp":4000000000}"#.utf8), urlSafe: true) + "."),
    ("jwt-two-parts", HTTPFixtures.head(of: admin)),
    // Regression: the signature re-spelled (padding, standard alphabet, stray low bits)
    // decoded to the same MAC and verified before the canonical-spelling check.
    ("jwt-padded-signature", admin + "="),
    ("jwt-standard-alphabet", admin.replacing("-", with: "+").replacing("_", with: "/")),
]
let credentialSeeds: [(String, Int, String)] = [
    ("cred-bearer", 0, "Bearer \(admin)\n"),
    ("cred-token", 0, "Token abc123  \nu=x"),
    ("cred-basic", 0, "Basic \(Base64.encode(Array("telegraf:influx-token".utf8)))\n"),
    ("cred-basic-no-colon", 0, "basic \(Base64.encode(Array("nocolon".utf8)))"),
    ("cred-unknown-scheme", 0, "Digest abc\np=x"),
    ("cred-basic-combining", 0, "Basic \(Base64.encode(Array("telegraf:\u{301}pw".utf8)))"),
    ("cred-influx-p", 1, "u=telegraf&p=influx%2Dtoken"),
    // Regression: a credential starting with a combining mark glued to the ':' of Basic.
    ("cred-p-combining", 1, "p=%CC%81x"),
    ("cred-none", 1, "u=telegraf"),
]
try write("FuzzHTTPBody",
    jsonBodies.map { ("\($0.0)", HTTPFixtures.input(.jsonBody, Array($0.1.utf8))) }
    + jsonBodies.prefix(3).enumerated().map { ("body-\($0.element.0)", HTTPFixtures.input(.body, variant: 2 + 2 * $0.offset, Array($0.element.1.utf8))) }
    + [("body-sql-text", HTTPFixtures.input(.body, variant: 1, Array("SELECT hostname, max(usage_user) FROM cpu GROUP BY hostname".utf8))),
       ("body-form", HTTPFixtures.input(.body, variant: 3, Array(forms[0].1.utf8))),
       ("body-form-charset", HTTPFixtures.input(.body, variant: 5, Array(forms[1].1.utf8)))]
    + forms.enumerated().map { ($0.element.0, HTTPFixtures.input(.form, variant: $0.offset, Array($0.element.1.utf8))) }
    + HTTPFixtures.gzipLimits.indices.map { ("gzip-lines-cap\(HTTPFixtures.gzipLimits[$0])", HTTPFixtures.input(.gzip, variant: $0, gzipLines)) }
    + [("gzip-bomb", HTTPFixtures.input(.gzip, variant: 5, gzipBomb)),
       ("gzip-bomb-header", HTTPFixtures.input(.gzip, variant: 2, Array(gzipBomb.prefix(600)))),
       ("gzip-small", HTTPFixtures.input(.gzip, variant: 3, Gzip.compress(Array("cpu v=1 1\n".utf8)))),
       ("gzip-two-members", HTTPFixtures.input(.gzip, variant: 4, Gzip.compress(Array("a".utf8)) + Gzip.compress(Array("b".utf8)))),
       ("gzip-truncated", HTTPFixtures.input(.gzip, variant: 4, Array(gzipLines.dropLast(9))))]
    + jwt.map { ("jwt-\($0.name)", HTTPFixtures.input(.jwt, Array($0.token.utf8))) }
    + tampered.map { ($0.0, HTTPFixtures.input(.jwt, Array($0.1.utf8))) }
    + credentialSeeds.map { ($0.0, HTTPFixtures.input(.credentials, variant: $0.1, Array($0.2.utf8))) })
