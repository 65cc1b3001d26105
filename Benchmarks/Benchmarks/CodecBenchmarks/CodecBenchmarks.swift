// ordo-one/benchmark micro benchmarks of Sundial's column codecs.
//
//   cd Benchmarks && swift package benchmark [--filter "Decode.*"] [--scale]
//
// Every benchmark iteration encodes or decodes exactly 1,000,000 values (115 blocks of
// 8640 values — one host-day at 10 s — and one block of 6400), and the configuration
// uses `scalingFactor: .mega`. So, unscaled, "Time (wall clock) (ms)" is numerically
// ns per value and "Throughput (# / s)" is M values/s; with `--scale` the tool prints
// per-value figures itself (marked '*').
//
// Encode benchmarks write every block into one reused ByteWriter (the codecs' own
// internal allocations included). Decode benchmarks read blocks from one contiguous
// buffer encoded in `setup` and write into one preallocated output buffer: no
// allocation happens in the measured loop (see the malloc column).
import Benchmark
import SundialStorage
import SundialWorkloads

let valuesPerIteration = 1_000_000
let blockSize = 8640

/// The blocks covering `valuesPerIteration` values: full blocks of `blockSize`, then the rest.
let blockRanges: [Range<Int>] = stride(from: 0, to: valuesPerIteration, by: blockSize).map {
    $0..<min($0 + blockSize, valuesPerIteration)
}

// MARK: Data sets (globals: built lazily, once per process)

/// TSBS devops cpu fields: host-major, then field, each block one host-day of one field
/// (all ten fields of hosts 0, 1, 2, …, truncated to 1,000,000 values).
let tsbsFields: [Double] = {
    let hosts = (valuesPerIteration + blockSize * 10 - 1) / (blockSize * 10)
    let generator = TSBSDevops(hosts: hosts, seed: 123)
    var values: [Double] = []
    values.reserveCapacity(hosts * 10 * blockSize)
    for h in 0..<hosts {
        for field in generator.seriesColumns(host: h, points: blockSize).fields { values.append(contentsOf: field) }
    }
    return Array(values[0..<valuesPerIteration])
}()

/// TSBS timestamps: regular 10 s, one day per block, consecutive days.
let tsbsTimestamps: [Int64] = (0..<valuesPerIteration).map {
    TSBSDevops.defaultStart + Int64($0) * TSBSDevops.defaultInterval
}

/// 10 s timestamps with up to ±2 ms of random error.
let jitteredTimestamps: [Int64] = RandomColumns.jitteredTimestamps(
    count: valuesPerIteration, start: TSBSDevops.defaultStart, interval: TSBSDevops.defaultInterval,
    jitter: 2_000_000, seed: 3)

/// Uniform doubles with all mantissa bits in use (Gorilla's worst case).
let randomDoubles: [Double] = RandomColumns.doubles(count: valuesPerIteration, seed: 5)

/// Prices with two decimals (random walk in cents): the decimal codec's home ground.
let prices: [Double] = RandomColumns.prices(count: valuesPerIteration, seed: 6)

/// Flags derived from the TSBS fields (usage > 50): long runs.
let flags: [Bool] = tsbsFields.map { $0 > 50 }

/// Tag ids of rows sorted by series: one id per host-day block.
let tagIDs: [UInt32] = (0..<valuesPerIteration).map { UInt32($0 / blockSize) * 7 }

/// Hostnames of rows in random order (100 distinct strings), as string blocks.
let hostnameBlocks: [[String]] = {
    let generator = TSBSDevops(hosts: 100, seed: 123)
    var rng = SplitMix64(seed: 17)
    return blockRanges.map { range in
        range.map { _ in generator.hosts[Int(rng.next() % 100)].hostname }
    }
}()

// MARK: Codecs

struct Codec<Value> {
    var name: String
    var encode: (UnsafeBufferPointer<Value>, inout ByteWriter) -> Void
    var decode: (UnsafeRawBufferPointer, Int, UnsafeMutableBufferPointer<Value>) throws(StorageError) -> Void

    static func raw<C: ColumnCodec>(_ codec: C.Type) -> Codec<Value> where C.Value == Value {
        Codec(name: C.encoding.description,
              encode: { C.encode($0, into: &$1) },
              decode: { payload, count, output throws(StorageError) in
                  try C.decode(payload, count: count, into: output)
              })
    }

    /// A ColumnBlock chooser: framed block (header, payload, CRC32C), decoded through the tag.
    static func auto(
        _ name: String, _ encode: @escaping (UnsafeBufferPointer<Value>, inout ByteWriter) -> ColumnEncoding,
        _ decode: @escaping (UnsafeRawBufferPointer, UnsafeMutableBufferPointer<Value>) throws(StorageError) -> Int
    ) -> Codec<Value> {
        Codec(name: name,
              encode: { _ = encode($0, &$1) },
              decode: { block, _, output throws(StorageError) in _ = try decode(block, output) })
    }
}

/// The encoded blocks of one data set, contiguous, plus the decode output buffer.
final class Encoded<Value> {
    let bytes: [UInt8]
    let offsets: [Int]
    let output: UnsafeMutableBufferPointer<Value>

    init(_ values: [Value], _ codec: Codec<Value>) {
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]
        var writer = ByteWriter(capacity: blockSize * 16)
        values.withUnsafeBufferPointer { all in
            for range in blockRanges {
                writer.bytes.removeAll(keepingCapacity: true)
                codec.encode(UnsafeBufferPointer(rebasing: all[range]), &writer)
                bytes.append(contentsOf: writer.bytes)
                offsets.append(bytes.count)
            }
        }
        self.bytes = bytes
        self.offsets = offsets
        output = .allocate(capacity: blockSize)
        output.withMemoryRebound(to: UInt8.self) { $0.initialize(repeating: 0) }
        // Check the round trip once, outside the measurement.
        bytes.withUnsafeBytes { raw in
            values.withUnsafeBytes { expected in
                for (b, range) in blockRanges.enumerated() {
                    try! codec.decode(UnsafeRawBufferPointer(rebasing: raw[offsets[b]..<offsets[b + 1]]), range.count, output)
                    let size = range.count * MemoryLayout<Value>.stride
                    precondition(memcmp(expected.baseAddress! + range.lowerBound * MemoryLayout<Value>.stride,
                                        UnsafeRawPointer(output.baseAddress!), size) == 0,
                                 "\(codec.name): block \(b) does not round-trip")
                }
            }
        }
    }

    deinit { output.deallocate() }
}

final class WriterBox { var writer = ByteWriter(capacity: blockSize * 16) }

/// Encoded string blocks and the decode buffers.
final class EncodedStrings {
    var payloads: [[UInt8]] = []
    var encodings: [ColumnEncoding] = []
    let offsets = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: blockSize + 1)
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize * 16, alignment: 8)

    init(_ blocks: [[String]]) {
        for block in blocks {
            var writer = ByteWriter()
            encodings.append(StringCodec.encode(block, into: &writer))
            payloads.append(writer.bytes)
        }
    }

    deinit {
        offsets.deallocate()
        bytes.deallocate()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: Registration

var encodeConfiguration: Benchmark.Configuration {
    .init(metrics: [.wallClock, .throughput], scalingFactor: .mega, maxDuration: .seconds(1), maxIterations: 1_000)
}

var decodeConfiguration: Benchmark.Configuration {
    .init(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .mega,
          maxDuration: .seconds(1), maxIterations: 1_000)
}

func register<Value>(_ dataset: String, _ data: @escaping () -> [Value], _ codecs: [Codec<Value>]) {
    for codec in codecs {
        Benchmark("Encode \(dataset) \(codec.name)", configuration: encodeConfiguration) { _, state in
            let (values, box) = state
            values.withUnsafeBufferPointer { all in
                for range in blockRanges {
                    box.writer.bytes.removeAll(keepingCapacity: true)
                    codec.encode(UnsafeBufferPointer(rebasing: all[range]), &box.writer)
                    blackHole(box.writer.count)
                }
            }
        } setup: {
            (data(), WriterBox())
        }

        Benchmark("Decode \(dataset) \(codec.name)", configuration: decodeConfiguration) { _, encoded in
            let offsets = encoded.offsets
            let output = encoded.output
            encoded.bytes.withUnsafeBytes { raw in
                for (b, range) in blockRanges.enumerated() {
                    try! codec.decode(UnsafeRawBufferPointer(rebasing: raw[offsets[b]..<offsets[b + 1]]), range.count, output)
                    blackHole(output[0])
                }
            }
        } setup: {
            Encoded(data(), codec)
        }
    }
}

/// Counts the mallocs of decoding 1,000,000 values (unscaled, so any allocation shows):
/// expected 0.
func registerAllocationCheck<Value>(_ dataset: String, _ data: @escaping () -> [Value], _ codec: Codec<Value>) {
    Benchmark("Allocations decode \(dataset) \(codec.name)",
              configuration: .init(metrics: [.mallocCountTotal], scalingFactor: .one,
                                   maxDuration: .seconds(1), maxIterations: 20)) { _, encoded in
        let offsets = encoded.offsets
        encoded.bytes.withUnsafeBytes { raw in
            for (b, range) in blockRanges.enumerated() {
                try! codec.decode(UnsafeRawBufferPointer(rebasing: raw[offsets[b]..<offsets[b + 1]]), range.count, encoded.output)
            }
        }
        blackHole(encoded.output[0])
    } setup: {
        Encoded(data(), codec)
    }
}

let benchmarks: @Sendable () -> Void = {
    let gorilla = Codec<Double>.raw(GorillaCodec.self)
    let decimal = Codec<Double>.raw(DecimalCodec.self)
    var decimalNoZstd = decimal
    decimalNoZstd.name = "double-decimal-no-zstd"
    decimalNoZstd.encode = { DecimalCodec.encode($0, zstdStage: false, into: &$1) }
    let autoDoubles = Codec<Double>.auto("auto", { ColumnBlock.encodeDoubles($0, into: &$1) },
                                         { b, o throws(StorageError) in try ColumnBlock.decodeDoubles(b, into: o) })
    let timestamp = Codec<Int64>.raw(TimestampCodec.self)
    let autoTimestamps = Codec<Int64>.auto("auto", { ColumnBlock.encodeTimestamps($0, into: &$1) },
                                           { b, o throws(StorageError) in try ColumnBlock.decodeInt64(b, into: o) })
    let autoInt64 = Codec<Int64>.auto("auto-int64", { ColumnBlock.encodeInt64($0, into: &$1) },
                                      { b, o throws(StorageError) in try ColumnBlock.decodeInt64(b, into: o) })
    let int64Codecs: [Codec<Int64>] = [
        .raw(Int64FrameOfReferenceCodec.self), .raw(Int64DeltaCodec.self),
        .raw(Int64RunLengthCodec.self), .raw(Int64DeltaZstdCodec.self),
    ]

    register("tsbs-cpu-fields", { tsbsFields }, [gorilla, decimal, decimalNoZstd, autoDoubles])
    registerAllocationCheck("tsbs-cpu-fields", { tsbsFields }, autoDoubles)
    registerAllocationCheck("tsbs-timestamps", { tsbsTimestamps }, autoTimestamps)
    registerAllocationCheck("random-doubles", { randomDoubles }, autoDoubles)
    register("random-doubles", { randomDoubles }, [gorilla, decimal, autoDoubles])
    register("prices", { prices }, [gorilla, decimal, autoDoubles])
    register("tsbs-timestamps", { tsbsTimestamps }, [timestamp] + int64Codecs + [autoTimestamps, autoInt64])
    register("jittered-timestamps", { jitteredTimestamps }, [timestamp, int64Codecs[1], int64Codecs[3], autoInt64])
    register("tsbs-flags", { flags }, [
        .raw(BooleanBitmapCodec.self), .raw(BooleanRunLengthCodec.self),
        .auto("auto", { ColumnBlock.encodeBooleans($0, into: &$1) },
              { b, o throws(StorageError) in try ColumnBlock.decodeBooleans(b, into: o) }),
    ])
    register("sorted-tag-ids", { tagIDs }, [
        .raw(TagIDBitPackedCodec.self), .raw(TagIDRunLengthCodec.self),
        .auto("auto", { ColumnBlock.encodeTagIDs($0, into: &$1) },
              { b, o throws(StorageError) in try ColumnBlock.decodeTagIDs(b, into: o) }),
    ])

    // Strings: not a ColumnCodec (variable length); same 1,000,000-value iteration.
    Benchmark("Encode hostnames string", configuration: encodeConfiguration) { (_, box: WriterBox) in
        for block in hostnameBlocks {
            box.writer.bytes.removeAll(keepingCapacity: true)
            blackHole(StringCodec.encode(block, into: &box.writer))
        }
    } setup: {
        _ = hostnameBlocks
        return WriterBox()
    }

    Benchmark("Decode hostnames string", configuration: decodeConfiguration) { _, state in
        for (b, payload) in state.payloads.enumerated() {
            payload.withUnsafeBytes { raw in
                try! StringCodec.decode(raw, encoding: state.encodings[b], count: blockRanges[b].count,
                                        offsets: state.offsets, bytes: state.bytes)
            }
            blackHole(state.offsets[1])
        }
    } setup: {
        EncodedStrings(hostnameBlocks)
    }

    // CRC32C over 1,000,000 bytes per iteration (throughput reads MB/s, time ns/byte).
    Benchmark("CRC32C 1 MB", configuration: encodeConfiguration) { _, buffer in
        buffer.withUnsafeBytes { blackHole(CRC32C.checksum($0)) }
    } setup: {
        var rng = SplitMix64(seed: 99)
        return (0..<valuesPerIteration).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }
}
