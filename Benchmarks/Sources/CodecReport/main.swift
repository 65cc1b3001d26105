// CodecReport: a plain release executable that times every Sundial column codec on
// the data sets the codecs are designed for and prints markdown tables, then checks the
// codec performance targets (printed, never asserted: the exit status is 0 on MISS).
//
//   swift run -c release --package-path Benchmarks CodecReport            # full: 100 hosts
//   swift run -c release --package-path Benchmarks CodecReport --smoke    # CI: a few seconds
//   swift run -c release --package-path Benchmarks CodecReport --hosts 10 --repetitions 3
//   swift run -c release --package-path Benchmarks CodecReport --only "tsbs-cpu-fields / double-decimal"
//
// Method: each data set is cut into blocks of 8640 values (one host-day at 10 s). Encode
// time covers encoding every block into a reused ByteWriter (the codecs' own internal
// allocations included). Decode time covers decoding every block from one contiguous,
// preallocated buffer of encoded blocks into one preallocated 8640-value output buffer.
// Each repetition runs whole passes over the data set until at least `minRepetitionTime`
// has passed; the best repetition is reported. One thread (one core).
import SundialStorage
import SundialWorkloads

// MARK: Options

struct Options {
    var hosts = 100
    var repetitions = 5
    var minRepetitionTime: Duration = .milliseconds(50)
    var smoke = false
    /// Only rows whose "data set / codec" contains this (for profiling one codec).
    var only: String?

    init(_ arguments: [String]) {
        var i = 1
        func value(_ name: String) -> Int {
            i += 1
            guard i < arguments.count, let v = Int(arguments[i]), v > 0 else {
                fatalError("\(name) needs a positive integer")
            }
            return v
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--smoke":
                smoke = true
                hosts = 2
                repetitions = 2
                minRepetitionTime = .milliseconds(5)
            case "--hosts": hosts = value("--hosts")
            case "--repetitions": repetitions = value("--repetitions")
            case "--only":
                i += 1
                guard i < arguments.count else { fatalError("--only needs a string") }
                only = arguments[i]
            case "-h", "--help":
                print("""
                    usage: CodecReport [--smoke] [--hosts N] [--repetitions N] [--only TEXT]
                      --smoke          small quick run (2 hosts, 2 repetitions) for CI
                      --hosts N        TSBS hosts; every data set holds N x 10 x 8640 values (default 100)
                      --repetitions N  timed repetitions per measurement, best one reported (default 5)
                      --only TEXT      only the rows whose "data set / codec" contains TEXT (for profiling)
                    """)
                exit(0)
            default:
                fatalError("unknown argument \(arguments[i]) (try --help)")
            }
            i += 1
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let options = Options(CommandLine.arguments)
let blockSize = 8640
let fieldCount = TSBSDevops.fieldNames.count
/// Blocks per data set: one per host and field (TSBS fields), so every data set holds
/// the same number of values.
let blockCount = options.hosts * fieldCount
let clock = ContinuousClock()

// MARK: Helpers

@inline(never) @_optimize(none)
func blackHole<T>(_ value: T) {}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}

func format(_ x: Double, _ decimals: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let n = (x * scale).rounded()
    let negative = n < 0
    var digits = String(Int64(n.magnitude))
    if decimals > 0 {
        while digits.count <= decimals { digits = "0" + digits }
        digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
    }
    // Thousands separators in the integer part.
    let dot = digits.firstIndex(of: ".") ?? digits.endIndex
    var integer = String(digits[..<dot])
    var grouped = ""
    while integer.count > 3 {
        grouped = "," + integer.suffix(3) + grouped
        integer.removeLast(3)
    }
    return (negative ? "-" : "") + integer + grouped + String(digits[dot...])
}

/// Runs `pass` (which processes `values` values) repeatedly; returns the best rate in
/// values per second over `options.repetitions` repetitions of at least
/// `options.minRepetitionTime` each.
func bestRate(values: Int, _ pass: () -> Void) -> Double {
    pass() // warm up
    var best = 0.0
    for _ in 0..<options.repetitions {
        var passes = 0
        let start = clock.now
        var elapsed = Duration.zero
        repeat {
            pass()
            passes += 1
            elapsed = clock.now - start
        } while elapsed < options.minRepetitionTime
        best = max(best, Double(values * passes) / elapsed.seconds)
    }
    return best
}

// MARK: Codecs

/// A codec under test: raw payload codecs (`framed == false`) or a ColumnBlock chooser
/// that writes a framed block (header, payload, CRC32C) and decodes through the tag.
struct Codec<Value> {
    var name: String
    /// Whether the codec writes a framed ColumnBlock (header before the payload).
    var framed = false
    var encode: (UnsafeBufferPointer<Value>, inout ByteWriter) -> ColumnEncoding
    var decode: (UnsafeRawBufferPointer, Int, UnsafeMutableBufferPointer<Value>) throws(StorageError) -> Void

    static func raw<C: ColumnCodec>(_ codec: C.Type) -> Codec<Value> where C.Value == Value {
        Codec(name: C.encoding.description, framed: false,
              encode: { values, writer in C.encode(values, into: &writer); return C.encoding },
              decode: { payload, count, output throws(StorageError) in
                  try C.decode(payload, count: count, into: output)
              })
    }
}

let timestampsAuto = Codec<Int64>(
    name: "auto (encodeTimestamps)", framed: true,
    encode: { ColumnBlock.encodeTimestamps($0, into: &$1) },
    decode: { block, count, output throws(StorageError) in
        guard try ColumnBlock.decodeInt64(block, into: output) == count else { fatalError("count mismatch") }
    })
let int64Auto = Codec<Int64>(
    name: "auto (encodeInt64)", framed: true,
    encode: { ColumnBlock.encodeInt64($0, into: &$1) },
    decode: { block, count, output throws(StorageError) in
        guard try ColumnBlock.decodeInt64(block, into: output) == count else { fatalError("count mismatch") }
    })
let doublesAuto = Codec<Double>(
    name: "auto (encodeDoubles)", framed: true,
    encode: { ColumnBlock.encodeDoubles($0, into: &$1) },
    decode: { block, count, output throws(StorageError) in
        guard try ColumnBlock.decodeDoubles(block, into: output) == count else { fatalError("count mismatch") }
    })
let booleansAuto = Codec<Bool>(
    name: "auto (encodeBooleans)", framed: true,
    encode: { ColumnBlock.encodeBooleans($0, into: &$1) },
    decode: { block, count, output throws(StorageError) in
        guard try ColumnBlock.decodeBooleans(block, into: output) == count else { fatalError("count mismatch") }
    })
let tagIDsAuto = Codec<UInt32>(
    name: "auto (encodeTagIDs)", framed: true,
    encode: { ColumnBlock.encodeTagIDs($0, into: &$1) },
    decode: { block, count, output throws(StorageError) in
        guard try ColumnBlock.decodeTagIDs(block, into: output) == count else { fatalError("count mismatch") }
    })

let doublesAutoNoZstd = Codec<Double>(
    name: "auto (encodeDoubles, zstdStage: false)", framed: true,
    encode: { ColumnBlock.encodeDoubles($0, zstdStage: false, into: &$1) },
    decode: { block, count, output throws(StorageError) in
        guard try ColumnBlock.decodeDoubles(block, into: output) == count else { fatalError("count mismatch") }
    })
let decimalNoZstd = Codec<Double>(
    name: "double-decimal (zstdStage: false)", framed: false,
    encode: { DecimalCodec.encode($0, zstdStage: false, into: &$1); return .doubleDecimal },
    decode: { payload, count, output throws(StorageError) in try DecimalCodec.decode(payload, count: count, into: output) })
let int64AutoNoZstd = Codec<Int64>(
    name: "auto (encodeInt64, zstdStage: false)", framed: true,
    encode: { ColumnBlock.encodeInt64($0, zstdStage: false, into: &$1) },
    decode: { block, count, output throws(StorageError) in
        guard try ColumnBlock.decodeInt64(block, into: output) == count else { fatalError("count mismatch") }
    })

let int64Codecs: [Codec<Int64>] = [
    .raw(TimestampCodec.self), .raw(Int64FrameOfReferenceCodec.self), .raw(Int64DeltaCodec.self),
    .raw(Int64RunLengthCodec.self), .raw(Int64DeltaZstdCodec.self), timestampsAuto, int64Auto, int64AutoNoZstd,
]
let doubleCodecs: [Codec<Double>] = [
    .raw(GorillaCodec.self), .raw(DecimalCodec.self), decimalNoZstd, doublesAuto, doublesAutoNoZstd,
]
let booleanCodecs: [Codec<Bool>] = [.raw(BooleanBitmapCodec.self), .raw(BooleanRunLengthCodec.self), booleansAuto]
let tagIDCodecs: [Codec<UInt32>] = [.raw(TagIDBitPackedCodec.self), .raw(TagIDRunLengthCodec.self), tagIDsAuto]

// MARK: Measuring

struct Result {
    var dataset: String
    var codec: String
    var values: Int
    var bytes: Int
    var encodeRate: Double // values / s
    var decodeRate: Double // values / s
    var roundTrip: Bool
    /// Encodings chosen per block (with the integer layout inside decimal blocks).
    var chosen: [String: Int]
    var blockBytes: [Int]

    var bitsPerValue: Double { Double(bytes * 8) / Double(values) }
}

var results: [Result] = []

/// Measures `codec` on `values`, cut into blocks of `blockSize`.
func measure<Value>(_ dataset: String, _ values: [Value], _ codec: Codec<Value>) -> Result {
    let count = values.count
    let blocks = (count + blockSize - 1) / blockSize
    var writer = ByteWriter(capacity: blockSize * 16 + 64)

    // Untimed pass: the encoded blocks, contiguous, and the chosen encodings.
    var store: [UInt8] = []
    store.reserveCapacity(count * 2)
    var offsets: [Int] = []
    var blockBytes: [Int] = []
    var chosen: [String: Int] = [:]
    values.withUnsafeBufferPointer { all in
        for b in 0..<blocks {
            let block = UnsafeBufferPointer(rebasing: all[(b * blockSize)..<min(count, (b + 1) * blockSize)])
            writer.bytes.removeAll(keepingCapacity: true)
            let encoding = codec.encode(block, &writer)
            chosen[describe(encoding, writer.bytes, payloadStart: codec.framed ? ColumnBlock.headerSize : 0), default: 0] += 1
            offsets.append(store.count)
            blockBytes.append(writer.count)
            store.append(contentsOf: writer.bytes)
        }
    }
    offsets.append(store.count)

    // Round trip, untimed.
    let output = UnsafeMutableBufferPointer<Value>.allocate(capacity: blockSize)
    output.withMemoryRebound(to: UInt8.self) { $0.initialize(repeating: 0) }
    defer { output.deallocate() }
    var roundTrip = true
    store.withUnsafeBytes { raw in
        values.withUnsafeBytes { expected in
            for b in 0..<blocks {
                let n = min(blockSize, count - b * blockSize)
                do throws(StorageError) {
                    try codec.decode(UnsafeRawBufferPointer(rebasing: raw[offsets[b]..<offsets[b + 1]]), n, output)
                } catch {
                    print("error: \(dataset) / \(codec.name) block \(b): \(error)")
                    roundTrip = false
                    return
                }
                let size = n * MemoryLayout<Value>.stride
                let start = b * blockSize * MemoryLayout<Value>.stride
                if memcmp(expected.baseAddress! + start, UnsafeRawPointer(output.baseAddress!), size) != 0 {
                    roundTrip = false
                }
            }
        }
    }

    // Encode: every block into the reused writer.
    let encodeRate = values.withUnsafeBufferPointer { all in
        bestRate(values: count) {
            var total = 0
            for b in 0..<blocks {
                let block = UnsafeBufferPointer(rebasing: all[(b * blockSize)..<min(count, (b + 1) * blockSize)])
                writer.bytes.removeAll(keepingCapacity: true)
                _ = codec.encode(block, &writer)
                total &+= writer.count
            }
            blackHole(total)
        }
    }

    // Decode: every block from the contiguous store into the preallocated output.
    let decodeRate = store.withUnsafeBytes { raw in
        bestRate(values: count) {
            var check: UInt8 = 0
            for b in 0..<blocks {
                let n = min(blockSize, count - b * blockSize)
                try! codec.decode(UnsafeRawBufferPointer(rebasing: raw[offsets[b]..<offsets[b + 1]]), n, output)
                check &+= UnsafeRawPointer(output.baseAddress!).load(as: UInt8.self)
            }
            blackHole(check)
        }
    }

    return Result(dataset: dataset, codec: codec.name, values: count, bytes: store.count,
                  encodeRate: encodeRate, decodeRate: decodeRate, roundTrip: roundTrip,
                  chosen: chosen, blockBytes: blockBytes)
}

@MainActor func run<Value>(_ dataset: String, _ values: [Value], _ codecs: [Codec<Value>]) {
    for codec in codecs {
        if let only = options.only, !"\(dataset) / \(codec.name)".contains(only) { continue }
        let result = measure(dataset, values, codec)
        results.append(result)
        printRow(result)
    }
}

/// The encoding's name; for decimal blocks with the integer layout its payload uses
/// (payload := e u8 | f u8 | exceptions varint | mode u8 | ...).
func describe(_ encoding: ColumnEncoding, _ bytes: [UInt8], payloadStart: Int) -> String {
    guard encoding == .doubleDecimal else { return encoding.description }
    var i = payloadStart + 2
    var exceptions = 0
    var shift = 0
    while i < bytes.count {
        exceptions |= Int(bytes[i] & 0x7F) << shift
        shift += 7
        i += 1
        if bytes[i - 1] < 0x80 { break }
    }
    guard i < bytes.count else { return encoding.description }
    let layouts = ["for", "delta", "rle", "delta-zstd"]
    let layout = Int(bytes[i]) < layouts.count ? layouts[Int(bytes[i])] : "?"
    return "\(encoding) [\(layout)\(exceptions > 0 ? ", exceptions" : "")]"
}

func printRow(_ r: Result) {
    let chosen = r.chosen.count == 1 && r.chosen.keys.first! == r.codec
        ? ""
        : r.chosen.sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
    print("| \(r.dataset) | \(r.codec) | \(format(r.bitsPerValue, 3)) | \(format(r.encodeRate / 1e6, 1)) | "
        + "\(format(r.decodeRate / 1e6, 1)) | \(r.roundTrip ? "ok" : "**FAILED**") | \(chosen) |")
}

// MARK: Data sets

let totalValues = blockCount * blockSize
print("# Sundial codec report")
print("")
print("\(options.hosts) TSBS hosts; every data set holds \(format(Double(totalValues), 0)) values in blocks of "
    + "\(blockSize); best of \(options.repetitions) repetitions; one thread.\(options.smoke ? " (smoke run)" : "")")
print("")
print("| data set | codec | bits/value | encode M values/s | decode M values/s | round trip | chosen |")
print("|---|---|---:|---:|---:|---|---|")

let generator = TSBSDevops(hosts: options.hosts, seed: 123)

do {
    // TSBS cpu fields: host-major, then field: each block is one host-day of one field.
    var fields: [Double] = []
    fields.reserveCapacity(totalValues)
    for h in 0..<options.hosts {
        for field in generator.seriesColumns(host: h, points: blockSize).fields { fields.append(contentsOf: field) }
    }
    run("tsbs-cpu-fields", fields, doubleCodecs)

    // The same fields as Int64 (they are integers 0...100): what the Int64 codecs make of a gauge.
    // (Not a target; shows the cost of the double layer.)
    run("tsbs-cpu-fields as int64", fields.map { Int64($0) }, int64Codecs.filter { $0.name != timestampsAuto.name && $0.name != "timestamp-dod" })

    // Booleans derived from the fields: usage > 50 (slowly changing flags).
    run("tsbs usage>50 flags", fields.map { $0 > 50 }, booleanCodecs)
}

do {
    // TSBS timestamps: regular 10 s, one day per block, consecutive days.
    var timestamps: [Int64] = []
    timestamps.reserveCapacity(totalValues)
    for k in 0..<blockCount {
        let start = TSBSDevops.defaultStart + Int64(k) * Int64(blockSize) * TSBSDevops.defaultInterval
        for p in 0..<blockSize { timestamps.append(start + Int64(p) * TSBSDevops.defaultInterval) }
    }
    run("tsbs-timestamps (10 s)", timestamps, int64Codecs)
}

do {
    // Jittered timestamps: 10 s with up to ±2 ms of random error per point.
    var timestamps: [Int64] = []
    timestamps.reserveCapacity(totalValues)
    for k in 0..<blockCount {
        let start = TSBSDevops.defaultStart + Int64(k) * Int64(blockSize) * TSBSDevops.defaultInterval
        timestamps.append(contentsOf: RandomColumns.jitteredTimestamps(
            count: blockSize, start: start, interval: TSBSDevops.defaultInterval, jitter: 2_000_000, seed: UInt64(k)))
    }
    run("jittered-timestamps (10 s ± 2 ms)", timestamps, int64Codecs)
}

run("random-doubles", RandomColumns.doubles(count: totalValues, seed: 5), doubleCodecs)
run("prices (2 decimals)", RandomColumns.prices(count: totalValues, seed: 6), doubleCodecs)

do {
    // Tag ids of rows sorted by series: runs of one host-day, ids of up to `hosts` series.
    let ids = (0..<totalValues).map { UInt32(($0 / blockSize) % max(options.hosts, 1)) * 7 }
    run("tag ids (sorted rows)", ids, tagIDCodecs)
}

// MARK: Strings (variable length: not a ColumnCodec)

if options.only.map({ "hostnames (random rows) / string (auto)".contains($0) }) ?? true {
    var rng = SplitMix64(seed: 17)
    let stringBlocks = max(1, blockCount / 10)
    let names = (0..<(stringBlocks * blockSize)).map { _ in generator.hosts[Int(rng.next() % UInt64(generator.hosts.count))].hostname }
    let blocks = (0..<stringBlocks).map { Array(names[($0 * blockSize)..<(($0 + 1) * blockSize)]) }
    var store: [[UInt8]] = []
    var encodings: [ColumnEncoding] = []
    var chosen: [String: Int] = [:]
    for block in blocks {
        var writer = ByteWriter(capacity: blockSize * 8)
        let encoding = StringCodec.encode(block, into: &writer)
        encodings.append(encoding)
        chosen[encoding.description, default: 0] += 1
        store.append(writer.bytes)
    }
    let maxBytes = try! zip(store, encodings).map { p, e in try p.withUnsafeBytes { raw throws(StorageError) in try StringCodec.decodedByteCount(raw, encoding: e) } }.max()!
    let offsets = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: blockSize + 1)
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: maxBytes, alignment: 8)
    var roundTrip = true
    for (b, payload) in store.enumerated() {
        payload.withUnsafeBytes { raw in
            try! StringCodec.decode(raw, encoding: encodings[b], count: blockSize, offsets: offsets, bytes: bytes)
        }
        for i in [0, blockSize / 2, blockSize - 1] {
            let s = String(decoding: bytes[Int(offsets[i])..<Int(offsets[i + 1])], as: UTF8.self)
            if s != blocks[b][i] { roundTrip = false }
        }
    }
    let count = stringBlocks * blockSize
    var writer = ByteWriter(capacity: blockSize * 16)
    let encodeRate = bestRate(values: count) {
        for block in blocks {
            writer.bytes.removeAll(keepingCapacity: true)
            StringCodec.encode(block, into: &writer)
        }
        blackHole(writer.count)
    }
    let decodeRate = bestRate(values: count) {
        for (b, payload) in store.enumerated() {
            payload.withUnsafeBytes { raw in
                try! StringCodec.decode(raw, encoding: encodings[b], count: blockSize, offsets: offsets, bytes: bytes)
            }
        }
        blackHole(offsets[blockSize])
    }
    offsets.deallocate()
    bytes.deallocate()
    let result = Result(dataset: "hostnames (random rows)", codec: "string (auto)", values: count,
                        bytes: store.reduce(0) { $0 + $1.count }, encodeRate: encodeRate, decodeRate: decodeRate,
                        roundTrip: roundTrip, chosen: chosen, blockBytes: store.map(\.count))
    results.append(result)
    printRow(result)
}

// MARK: Per-field bits/value on TSBS

let fieldCodecs = results.filter { $0.dataset == "tsbs-cpu-fields" }
if !fieldCodecs.isEmpty {
print("")
print("## TSBS cpu fields: bits/value per field")
print("")
print("| field | " + fieldCodecs.map(\.codec).joined(separator: " | ") + " |")
print("|---|" + String(repeating: "---:|", count: fieldCodecs.count))
for (f, name) in TSBSDevops.fieldNames.enumerated() {
    let cells = fieldCodecs.map { r -> String in
        var bytes = 0
        for b in stride(from: f, to: r.blockBytes.count, by: fieldCount) { bytes += r.blockBytes[b] }
        return format(Double(bytes * 8) / Double(options.hosts * blockSize), 3)
    }
    print("| \(name) | " + cells.joined(separator: " | ") + " |")
}
}

// MARK: CRC32C

print("")
do {
    let large = 64 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: large, alignment: 64)
    defer { buffer.deallocate() }
    var rng = SplitMix64(seed: 99)
    for i in stride(from: 0, to: large, by: 8) { buffer.storeBytes(of: rng.next(), toByteOffset: i, as: UInt64.self) }
    let raw = UnsafeRawBufferPointer(buffer)
    let small = 64 << 10
    let smallRate = bestRate(values: small * 256) {
        var crc: UInt32 = 0
        for _ in 0..<256 { crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<small]), continuing: crc) }
        blackHole(crc)
    }
    let largeRate = bestRate(values: large) { blackHole(CRC32C.checksum(raw)) }
    print("CRC32C (hardware: \(CRC32C.isHardwareAccelerated ? "yes" : "no")): "
        + "\(format(smallRate / 1e9, 2)) GB/s on 64 KiB (cached), \(format(largeRate / 1e9, 2)) GB/s on 64 MiB")
}

// MARK: Targets

@MainActor func find(_ dataset: String, _ codec: String) -> Result? {
    results.first { $0.dataset == dataset && $0.codec == codec }
}

print("")
print("## Targets")
print("")
if options.smoke {
    print("(smoke run: a few blocks on a busy CI machine; the targets are judged on the full run)")
    print("")
}
struct Target {
    var label: String
    var measured: Double?
    var unit: String
    var pass: (Double) -> Bool
}
let targets = [
    Target(label: "decode of regular timestamps ≥ 1,000 M values/s (timestamp-dod, tsbs-timestamps)",
           measured: find("tsbs-timestamps (10 s)", "timestamp-dod").map { $0.decodeRate / 1e6 },
           unit: "M values/s", pass: { $0 >= 1000 }),
    Target(label: "decode of decimal-codec doubles ≥ 1,000 M values/s (double-decimal, tsbs-cpu-fields)",
           measured: find("tsbs-cpu-fields", "double-decimal").map { $0.decodeRate / 1e6 },
           unit: "M values/s", pass: { $0 >= 1000 }),
    Target(label: "TSBS cpu fields ≤ 3 bits/value (auto chooser, framing and CRC included)",
           measured: find("tsbs-cpu-fields", doublesAuto.name).map(\.bitsPerValue),
           unit: "bits/value", pass: { $0 <= 3 }),
    Target(label: "Gorilla decode ≥ 200 M values/s (double-gorilla, tsbs-cpu-fields)",
           measured: find("tsbs-cpu-fields", "double-gorilla").map { $0.decodeRate / 1e6 },
           unit: "M values/s", pass: { $0 >= 200 }),
]
for t in targets {
    if let m = t.measured {
        print("- \(t.pass(m) ? "PASS" : "MISS") — \(t.label): \(format(m, t.unit == "bits/value" ? 3 : 1)) \(t.unit)")
    } else {
        print("- MISS — \(t.label): not measured\(options.only == nil ? "" : " (--only)")")
    }
}
if let d = find("tsbs-cpu-fields", decimalNoZstd.name) {
    print("  (for reference: \(decimalNoZstd.name) on tsbs-cpu-fields: decode \(format(d.decodeRate / 1e6, 1)) M values/s "
        + "at \(format(d.bitsPerValue, 3)) bits/value)")
}
if let g = find("random-doubles", "double-gorilla") {
    print("  (for reference: Gorilla decode on random full-precision doubles: \(format(g.decodeRate / 1e6, 1)) M values/s)")
}
if results.contains(where: { !$0.roundTrip }) {
    print("")
    print("WARNING: some round trips failed (see the table)")
}
