// FuzzRoundTrip: libFuzzer target for the encoders: fuzz bytes become a column of one
// value type (chosen by the input's length modulo 5, so each input exercises one type and
// the target runs fast enough for millions of executions), which is encoded with every
// codec and every ColumnBlock encoder of that type and must decode back identical bit for
// bit (Doubles as bit patterns, so NaN payloads, -0.0, infinities and subnormals count;
// strings as UTF-8 bytes).
//
// Input: byte 0 picks a shape per value type, the rest is the data the column is built
// from (see the `*Column` functions below):
//   bits 0-1  Int64:  0 raw 8-byte chunks, 1 timestamps (base, interval, Int8 jitter),
//                     2 runs (Int8 value, 1...16 repeats), 3 Int16 chunks
//   bits 2-3  Double: 0 raw 8-byte bit patterns, 1 Int32 chunks / 100,
//                     2 mixed (tagged: raw bits, special values or short decimals),
//                     3 prices (random walk in cents / 100)
//   bit  4    Bool:   0 one value per bit, 1 alternating runs of 1...128
//   bits 5-6  UInt32: 0 raw 4-byte chunks, 1 runs (id byte, 1...32 repeats),
//                     2 one id per byte, 3 ids near UInt32.max
//   bit  7    String: 0 length-prefixed raw bytes (invalid UTF-8 kept for the raw
//                     bytes+lengths API, repaired for the String API),
//                     1 words from a small vocabulary (repetitive, so zstd pays)
// Every column is capped at `maxValues` values.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import FuzzSupport
import SundialStorage

/// The most values one column gets.
let maxValues = 8192

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let shapes = data[0]
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)

    switch size % 5 {
    case 0: int64Column(bytes, shape: Int(shapes & 3)).withUnsafeBufferPointer(checkInt64)
    case 1: doubleColumn(bytes, shape: Int(shapes >> 2 & 3)).withUnsafeBufferPointer(checkDoubles)
    case 2: boolColumn(bytes, shape: Int(shapes >> 4 & 1)).withUnsafeBufferPointer(checkBooleans)
    case 3: tagIDColumn(bytes, shape: Int(shapes >> 5 & 3)).withUnsafeBufferPointer(checkTagIDs)
    default: checkStrings(stringColumn(bytes, shape: Int(shapes >> 7 & 1)))
    }
    return 0
}

// MARK: Checks

/// Round-trips `values` through `codec` alone and through a block of that codec.
func checkCodec<C: ColumnCodec>(
    _ codec: C.Type, _ values: UnsafeBufferPointer<C.Value>,
    _ decode: (UnsafeRawBufferPointer, UnsafeMutableBufferPointer<C.Value>) throws(StorageError) -> Int
) where C.Value: BitwiseCopyable {
    let what = "\(values.count) values"
    CodecCheck.roundTrip(codec, values, what)
    BlockCheck.roundTrip(values, what, encode: { v, writer in
        ColumnBlock.write(C.self, v, into: &writer)
        return C.encoding
    }, decode: decode)
}

func checkInt64(_ values: UnsafeBufferPointer<Int64>) {
    checkCodec(TimestampCodec.self, values, ColumnBlock.decodeTimestamps)
    checkCodec(Int64FrameOfReferenceCodec.self, values, ColumnBlock.decodeInt64)
    checkCodec(Int64DeltaCodec.self, values, ColumnBlock.decodeInt64)
    checkCodec(Int64RunLengthCodec.self, values, ColumnBlock.decodeInt64)
    checkCodec(Int64DeltaZstdCodec.self, values, ColumnBlock.decodeInt64)
    BlockCheck.roundTrip(values, "encodeTimestamps of \(values.count) values",
                         encode: { ColumnBlock.encodeTimestamps($0, into: &$1) }, decode: ColumnBlock.decodeTimestamps)
    for zstdStage in [true, false] {
        let block = BlockCheck.roundTrip(values, "encodeInt64(zstdStage: \(zstdStage)) of \(values.count) values",
                                         encode: { ColumnBlock.encodeInt64($0, zstdStage: zstdStage, into: &$1) },
                                         decode: ColumnBlock.decodeInt64)
        if !zstdStage && block[0] == ColumnEncoding.int64DeltaZstd.rawValue {
            fatalError("encodeInt64(zstdStage: false) of \(values.count) values chose \(ColumnEncoding.int64DeltaZstd)")
        }
    }
}

func checkDoubles(_ values: UnsafeBufferPointer<Double>) {
    checkCodec(GorillaCodec.self, values, ColumnBlock.decodeDoubles)
    checkCodec(DecimalCodec.self, values, ColumnBlock.decodeDoubles)
    // The decimal codec without its zstd stage: must round-trip and keep the integers
    // out of the delta + zstd layout.
    var writer = ByteWriter(capacity: values.count)
    DecimalCodec.encode(values, zstdStage: false, into: &writer)
    expectNoZstdStage(writer.bytes, count: values.count)
    CodecCheck.expectDecodes(DecimalCodec.self, writer.bytes, to: values, "DecimalCodec(zstdStage: false) of \(values.count) values")
    for zstdStage in [true, false] {
        let block = BlockCheck.roundTrip(values, "encodeDoubles(zstdStage: \(zstdStage)) of \(values.count) values",
                                         encode: { ColumnBlock.encodeDoubles($0, zstdStage: zstdStage, into: &$1) },
                                         decode: ColumnBlock.decodeDoubles)
        if !zstdStage && block[0] == ColumnEncoding.doubleDecimal.rawValue {
            expectNoZstdStage(Array(block[ColumnBlock.headerSize..<(block.count - ColumnBlock.trailerSize)]), count: values.count)
        }
    }
}

/// Traps if a decimal payload's integers use the delta + zstd layout (IntegerStream mode 3).
func expectNoZstdStage(_ payload: [UInt8], count: Int) {
    guard count > 0 else { return }
    let mode: UInt8? = payload.withUnsafeBytes { raw in
        var reader = ByteReader(raw)
        return try? { () throws(StorageError) -> UInt8 in
            _ = try reader.readUInt8("e")
            _ = try reader.readUInt8("f")
            _ = try reader.readVarUInt("exceptions")
            return try reader.readUInt8("mode")
        }()
    }
    if mode == 3 { fatalError("decimal payload of \(count) values uses the zstd stage with zstdStage: false") }
}

func checkBooleans(_ values: UnsafeBufferPointer<Bool>) {
    checkCodec(BooleanBitmapCodec.self, values, ColumnBlock.decodeBooleans)
    checkCodec(BooleanRunLengthCodec.self, values, ColumnBlock.decodeBooleans)
    BlockCheck.roundTrip(values, "encodeBooleans of \(values.count) values",
                         encode: { ColumnBlock.encodeBooleans($0, into: &$1) }, decode: ColumnBlock.decodeBooleans)
}

func checkTagIDs(_ values: UnsafeBufferPointer<UInt32>) {
    checkCodec(TagIDBitPackedCodec.self, values, ColumnBlock.decodeTagIDs)
    checkCodec(TagIDRunLengthCodec.self, values, ColumnBlock.decodeTagIDs)
    BlockCheck.roundTrip(values, "encodeTagIDs of \(values.count) values",
                         encode: { ColumnBlock.encodeTagIDs($0, into: &$1) }, decode: ColumnBlock.decodeTagIDs)
}

/// Raw bytes + lengths through StringCodec (bit for bit, invalid UTF-8 included), then
/// the repaired Strings through StringCodec's [String] API and a string block.
func checkStrings(_ column: (bytes: [UInt8], lengths: [Int64])) {
    let count = column.lengths.count
    let what = "\(count) strings, \(column.bytes.count) bytes"
    var writer = ByteWriter(capacity: column.bytes.count + 16)
    let encoding = column.bytes.withUnsafeBytes { b in
        column.lengths.withUnsafeBufferPointer { StringCodec.encode(bytes: b, lengths: $0, into: &writer) }
    }
    let offsets = GuardedBuffer<UInt32>(count: count + 1)
    let decoded = GuardedBuffer<UInt8>(count: column.bytes.count)
    do throws(StorageError) {
        try withBytes(writer.bytes) { p throws(StorageError) in
            let total = try StringCodec.decodedByteCount(p, encoding: encoding)
            guard total == column.bytes.count else { fatalError("\(what): \(encoding) payload declares \(total) bytes") }
            try StringCodec.decode(p, encoding: encoding, count: count, offsets: offsets.all,
                                   bytes: UnsafeMutableRawBufferPointer(decoded.all))
        }
    } catch {
        fatalError("\(what): \(encoding) cannot decode its own encoding: \(error)")
    }
    offsets.checkTail(what)
    decoded.checkTail(what)
    column.bytes.withUnsafeBufferPointer { expectIdentical($0, decoded.values, "\(what) (\(encoding) bytes)") }
    var end: UInt32 = 0
    for i in 0..<count {
        guard offsets.values[i] == end else { fatalError("\(what): offset \(i) is \(offsets.values[i]), expected \(end)") }
        end += UInt32(column.lengths[i])
    }
    guard offsets.values[count] == end else { fatalError("\(what): last offset is \(offsets.values[count]), expected \(end)") }

    var start = 0
    let strings = column.lengths.map { length in
        defer { start += Int(length) }
        return String(decoding: column.bytes[start..<(start + Int(length))], as: UTF8.self)
    }
    var writer2 = ByteWriter(capacity: column.bytes.count + 16)
    let encoding2 = StringCodec.encode(strings, into: &writer2)
    do throws(StorageError) {
        let again = try withBytes(writer2.bytes) { p throws(StorageError) in
            try StringCodec.decodeStrings(p, encoding: encoding2, count: count)
        }
        expectSameStrings(strings, again, "\(what) (\(encoding2) strings)")
    } catch {
        fatalError("\(what): \(encoding2) cannot decode its own encoding of strings: \(error)")
    }
    BlockCheck.roundTrip(strings, what)
}

// MARK: Columns from bytes

/// Little-endian unsigned integer of `width` bytes at `offset`.
func load(_ bytes: UnsafeRawBufferPointer, _ offset: Int, _ width: Int) -> UInt64 {
    var value: UInt64 = 0
    for k in 0..<width { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
    return value
}

func int64Column(_ bytes: UnsafeRawBufferPointer, shape: Int) -> [Int64] {
    var values: [Int64] = []
    switch shape {
    case 0:
        for i in stride(from: 0, through: bytes.count - 8, by: 8) { values.append(Int64(bitPattern: load(bytes, i, 8))) }
    case 1:
        guard bytes.count >= 10 else { return [] }
        var t = Int64(bitPattern: load(bytes, 0, 8))
        let interval = Int64(load(bytes, 8, 2)) &* 1_000_000
        for b in bytes[10...] {
            t = t &+ interval &+ Int64(Int8(bitPattern: b))
            values.append(t)
        }
    case 2:
        for i in stride(from: 0, through: bytes.count - 2, by: 2) {
            let value = Int64(Int8(bitPattern: bytes[i])) &* 1000
            values.append(contentsOf: repeatElement(value, count: Int(bytes[i + 1] & 15) + 1))
        }
    default:
        for i in stride(from: 0, through: bytes.count - 2, by: 2) {
            values.append(Int64(Int16(bitPattern: UInt16(load(bytes, i, 2)))))
        }
    }
    return Array(values.prefix(maxValues))
}

/// Doubles the codecs treat specially: NaNs with payloads and signs, infinities, zeros,
/// subnormals, extremes.
let specialDoubles: [Double] = [
    .nan, -.nan, .signalingNaN, Double(nan: 0x5_5555, signaling: false), Double(bitPattern: 0x7FF0_0000_0000_0001),
    Double(bitPattern: 0xFFFF_FFFF_FFFF_FFFF), .infinity, -.infinity, 0.0, -0.0,
    .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
    .ulpOfOne, 0.1, 1e300, 2_251_799_813_685_248.0,
]

func doubleColumn(_ bytes: UnsafeRawBufferPointer, shape: Int) -> [Double] {
    var values: [Double] = []
    switch shape {
    case 0:
        for i in stride(from: 0, through: bytes.count - 8, by: 8) { values.append(Double(bitPattern: load(bytes, i, 8))) }
    case 1:
        for i in stride(from: 0, through: bytes.count - 4, by: 4) {
            values.append(Double(Int32(bitPattern: UInt32(load(bytes, i, 4)))) / 100)
        }
    case 2:
        var i = 0
        while i < bytes.count {
            let tag = bytes[i]
            i += 1
            switch tag % 8 {
            case 0:
                guard i + 8 <= bytes.count else { i = bytes.count; break }
                values.append(Double(bitPattern: load(bytes, i, 8)))
                i += 8
            case 1:
                values.append(specialDoubles[Int(tag / 8) % specialDoubles.count])
            default:
                guard i + 2 <= bytes.count else { i = bytes.count; break }
                let digits = Double(Int16(bitPattern: UInt16(load(bytes, i, 2))))
                values.append(digits / [1, 10, 100, 1000, 1e4, 1e6][Int(tag / 8) % 6])
                i += 2
            }
        }
    default:
        var cents: Int64 = 10_000
        for b in bytes {
            cents += Int64(Int8(bitPattern: b))
            values.append(Double(cents) / 100)
        }
    }
    return Array(values.prefix(maxValues))
}

func boolColumn(_ bytes: UnsafeRawBufferPointer, shape: Int) -> [Bool] {
    var values: [Bool] = []
    if shape == 0 {
        for b in bytes { for k in 0..<8 { values.append(b >> UInt8(k) & 1 == 1) } }
    } else {
        var value = bytes.first.map { $0 & 1 == 1 } ?? false
        for b in bytes.dropFirst() {
            values.append(contentsOf: repeatElement(value, count: Int(b & 0x7F) + 1))
            value.toggle()
        }
    }
    return Array(values.prefix(maxValues))
}

func tagIDColumn(_ bytes: UnsafeRawBufferPointer, shape: Int) -> [UInt32] {
    var values: [UInt32] = []
    switch shape {
    case 0:
        for i in stride(from: 0, through: bytes.count - 4, by: 4) { values.append(UInt32(load(bytes, i, 4))) }
    case 1:
        for i in stride(from: 0, through: bytes.count - 2, by: 2) {
            values.append(contentsOf: repeatElement(UInt32(bytes[i]), count: Int(bytes[i + 1] & 31) + 1))
        }
    case 2:
        values = bytes.map { UInt32($0) }
    default:
        values = bytes.map { UInt32.max - UInt32($0) }
    }
    return Array(values.prefix(maxValues))
}

let vocabulary = ["host_0", "host_1", "us-east-1", "eu-central-1", "", "x86", "Ubuntu16.04LTS", "🌞 sundial"]

/// Strings as concatenated bytes and lengths (not necessarily valid UTF-8).
func stringColumn(_ bytes: UnsafeRawBufferPointer, shape: Int) -> (bytes: [UInt8], lengths: [Int64]) {
    var out: [UInt8] = []
    var lengths: [Int64] = []
    if shape == 0 {
        var i = 0
        while i < bytes.count && lengths.count < maxValues {
            let length = Swift.min(Int(bytes[i] % 24), bytes.count - i - 1)
            out.append(contentsOf: bytes[(i + 1)..<(i + 1 + length)])
            lengths.append(Int64(length))
            i += 1 + length
        }
    } else {
        for b in bytes.prefix(maxValues) {
            var word = Array(vocabulary[Int(b) % vocabulary.count].utf8)
            if b >= 128 { word += Array(String(b % 16).utf8) }
            out += word
            lengths.append(Int64(word.count))
        }
    }
    return (out, lengths)
}

FuzzDriver.run { fuzzOne($0, $1) }
