// FuzzBlocks: libFuzzer target for framed column blocks (ColumnBlock.open and every
// ColumnBlock.decode* entry point).
//
// Input: byte 0 picks the mode, the rest is the block:
//   even  raw: the bytes go to the decoders as they are (header parsing, CRC32C check);
//   odd   forged: the framing is made consistent before decoding, so the payload decoders
//         behind the checksum are reached: the payload length field becomes
//         "everything between header and trailer", the value count field is reduced
//         modulo 4097, and BlockMutations.refreshChecksum rewrites the CRC32C.
// Checks:
// - open and the decoders throw StorageError or succeed, never trap;
// - when open fails, every decode* fails; when it succeeds, the header is consistent
//   with the buffer, decoders for another value type refuse the block, and the decoder
//   for its type either throws or fills exactly header.count values (sentinel tail);
// - a decoded block re-encodes with ColumnBlock's encoders and decodes back bit for bit.
// Blocks declaring more than `maxFuzzValues` values (or strings of more than
// `maxFuzzBytes` bytes) are decoded into small buffers and must be refused.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import FuzzSupport
import SundialStorage
import SundialTestSupport

/// The largest value count this target allocates output for.
let maxFuzzValues = 1 << 16
/// The largest decoded string size this target allocates for.
let maxFuzzBytes = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    if data[0] % 2 == 0 {
        checkBlock(body)
    } else {
        var block = Array(body)
        forgeFraming(&block)
        // An exactly sized copy, so AddressSanitizer flags any read past the block.
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: block.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyBytes(from: block)
        checkBlock(UnsafeRawBufferPointer(copy))
    }
    return 0
}

/// Makes the payload length, value count and CRC32C consistent with the buffer.
func forgeFraming(_ block: inout [UInt8]) {
    guard block.count >= ColumnBlock.headerSize + ColumnBlock.trailerSize else { return }
    func setUInt32(_ value: UInt32, at offset: Int) {
        for k in 0..<4 { block[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
    }
    let count = (0..<4).reduce(UInt32(0)) { $0 | UInt32(block[4 + $1]) << (8 * UInt32($1)) }
    setUInt32(count % 4097, at: 4)
    setUInt32(UInt32(block.count - ColumnBlock.headerSize - ColumnBlock.trailerSize), at: 8)
    BlockMutations.refreshChecksum(&block)
}

func checkBlock(_ bytes: UnsafeRawBufferPointer) {
    let opened: (header: ColumnBlock.Header, payload: UnsafeRawBufferPointer)?
    do throws(StorageError) {
        opened = try ColumnBlock.open(bytes)
    } catch {
        opened = nil
    }
    guard let (header, payload) = opened else {
        // Every entry point opens the block first: all must fail.
        expectRefused(bytes, "unopenable block", count: 1)
        return
    }
    guard header.count >= 0, header.count <= ColumnBlock.maxValueCount,
          header.blockLength <= bytes.count, payload.count == header.payloadLength,
          header.encoding.rawValue == bytes[0] else {
        fatalError("open returned \(header) for a \(bytes.count)-byte buffer, payload \(payload.count) bytes")
    }
    let name = "\(header.encoding) block of \(header.count) values"
    let type = header.encoding.valueType
    let count = Swift.min(header.count, maxFuzzValues)

    // Decoders for the other value types refuse the block.
    if type != .int64 && type != .timestamp {
        let out = GuardedBuffer<Int64>(count: count)
        expectThrows("\(name) decoded as Int64") { () throws(StorageError) in _ = try ColumnBlock.decodeInt64(bytes, into: out.all) }
        expectThrows("\(name) decoded as timestamps") { () throws(StorageError) in _ = try ColumnBlock.decodeTimestamps(bytes, into: out.all) }
        out.checkTail("\(name) decoded as Int64")
    }
    if type != .double {
        let out = GuardedBuffer<Double>(count: count)
        expectThrows("\(name) decoded as Double") { () throws(StorageError) in _ = try ColumnBlock.decodeDoubles(bytes, into: out.all) }
        out.checkTail("\(name) decoded as Double")
    }
    if type != .boolean {
        let out = GuardedBuffer<Bool>(count: count)
        expectThrows("\(name) decoded as Bool") { () throws(StorageError) in _ = try ColumnBlock.decodeBooleans(bytes, into: out.all) }
        out.checkTail("\(name) decoded as Bool")
    }
    if type != .tagID {
        let out = GuardedBuffer<UInt32>(count: count)
        expectThrows("\(name) decoded as tag ids") { () throws(StorageError) in _ = try ColumnBlock.decodeTagIDs(bytes, into: out.all) }
        out.checkTail("\(name) decoded as tag ids")
    }
    if type != .string {
        expectThrows("\(name) decoded as strings") { () throws(StorageError) in _ = try ColumnBlock.decodeStrings(bytes) }
    }

    // The decoder for the block's own type.
    switch type {
    case .int64, .timestamp:
        decodeFixed(bytes, header, ColumnBlock.decodeInt64) { values in
            for zstdStage in [true, false] {
                BlockCheck.roundTrip(values, "\(name) re-encoded as Int64 (zstdStage: \(zstdStage))",
                                     encode: { ColumnBlock.encodeInt64($0, zstdStage: zstdStage, into: &$1) },
                                     decode: ColumnBlock.decodeInt64)
            }
            BlockCheck.roundTrip(values, "\(name) re-encoded as timestamps",
                                 encode: { ColumnBlock.encodeTimestamps($0, into: &$1) }, decode: ColumnBlock.decodeTimestamps)
        }
        // decodeTimestamps is the same entry point: it must agree.
        decodeFixed(bytes, header, ColumnBlock.decodeTimestamps) { _ in }
    case .double:
        decodeFixed(bytes, header, ColumnBlock.decodeDoubles) { values in
            for zstdStage in [true, false] {
                BlockCheck.roundTrip(values, "\(name) re-encoded (zstdStage: \(zstdStage))",
                                     encode: { ColumnBlock.encodeDoubles($0, zstdStage: zstdStage, into: &$1) },
                                     decode: ColumnBlock.decodeDoubles)
            }
        }
    case .boolean:
        decodeFixed(bytes, header, ColumnBlock.decodeBooleans) { values in
            BlockCheck.roundTrip(values, "\(name) re-encoded",
                                 encode: { ColumnBlock.encodeBooleans($0, into: &$1) }, decode: ColumnBlock.decodeBooleans)
        }
    case .tagID:
        decodeFixed(bytes, header, ColumnBlock.decodeTagIDs) { values in
            BlockCheck.roundTrip(values, "\(name) re-encoded",
                                 encode: { ColumnBlock.encodeTagIDs($0, into: &$1) }, decode: ColumnBlock.decodeTagIDs)
        }
    case .string:
        decodeStringBlock(bytes, header, payload)
    }
}

/// Decodes a fixed-width block with `decode`; on success checks the count and the
/// sentinel tail and hands the values to `onSuccess`.
func decodeFixed<Value: BitwiseCopyable>(
    _ bytes: UnsafeRawBufferPointer, _ header: ColumnBlock.Header,
    _ decode: (UnsafeRawBufferPointer, UnsafeMutableBufferPointer<Value>) throws(StorageError) -> Int,
    onSuccess: (UnsafeBufferPointer<Value>) -> Void
) {
    let name = "\(header.encoding) block of \(header.count) values"
    guard header.count <= maxFuzzValues else {
        let out = GuardedBuffer<Value>(count: maxFuzzValues)
        expectThrows("\(name) decoded into \(maxFuzzValues) values") { () throws(StorageError) in
            _ = try decode(bytes, UnsafeMutableBufferPointer(rebasing: out.all[0..<maxFuzzValues]))
        }
        out.checkTail("\(name) (output too small)")
        return
    }
    if header.count > 0 {
        let small = GuardedBuffer<Value>(count: header.count - 1)
        expectThrows("\(name) decoded into \(header.count - 1) values") { () throws(StorageError) in
            _ = try decode(bytes, UnsafeMutableBufferPointer(rebasing: small.all[0..<(header.count - 1)]))
        }
        small.checkTail("\(name) (output too small)")
    }
    let out = GuardedBuffer<Value>(count: header.count)
    let decoded: Int
    do throws(StorageError) {
        decoded = try decode(bytes, out.all)
    } catch {
        out.checkTail("\(name) (failed decode: \(error))")
        return
    }
    guard decoded == header.count else { fatalError("\(name): decoded \(decoded) values") }
    out.checkTail(name)
    onSuccess(out.values)
}

/// Decodes a string block with both string entry points; they must agree, and the
/// strings must survive a block round trip.
func decodeStringBlock(_ bytes: UnsafeRawBufferPointer, _ header: ColumnBlock.Header, _ payload: UnsafeRawBufferPointer) {
    let name = "\(header.encoding) block of \(header.count) strings"
    let total: Int
    do throws(StorageError) {
        total = try StringCodec.decodedByteCount(payload, encoding: header.encoding)
    } catch {
        expectThrows("\(name) without a size decoded") { () throws(StorageError) in _ = try ColumnBlock.decodeStrings(bytes) }
        return
    }
    guard total <= maxFuzzBytes, header.count <= maxFuzzValues else {
        // Too large to allocate per exec: at least one of the capped buffers is too
        // small, so the decoder must refuse them.
        let offsets = GuardedBuffer<UInt32>(count: Swift.min(header.count, maxFuzzValues) + 1)
        let buffer = GuardedBuffer<UInt8>(count: Swift.min(total, maxFuzzBytes))
        expectThrows("\(name) decoded into \(offsets.count) offsets, \(buffer.count) bytes") { () throws(StorageError) in
            _ = try ColumnBlock.decodeStrings(
                bytes, offsets: UnsafeMutableBufferPointer(rebasing: offsets.all[0..<offsets.count]),
                bytes: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer.all)[0..<buffer.count]))
        }
        offsets.checkTail("\(name) (capped offsets)")
        buffer.checkTail("\(name) (capped bytes)")
        return
    }
    let offsets = GuardedBuffer<UInt32>(count: header.count + 1)
    let buffer = GuardedBuffer<UInt8>(count: total)
    var failure: StorageError?
    do throws(StorageError) {
        let decoded = try ColumnBlock.decodeStrings(bytes, offsets: offsets.all, bytes: UnsafeMutableRawBufferPointer(buffer.all))
        if decoded != header.count { fatalError("\(name): decoded \(decoded) strings") }
    } catch { failure = error }
    offsets.checkTail(name)
    buffer.checkTail(name)

    let strings: [String]?
    do throws(StorageError) { strings = try ColumnBlock.decodeStrings(bytes) } catch { strings = nil }
    guard failure == nil else {
        if strings != nil { fatalError("\(name): decodeStrings(_:offsets:bytes:) threw \(failure!), decodeStrings(_:) succeeded") }
        return
    }
    guard let strings else { fatalError("\(name): decodeStrings(_:offsets:bytes:) succeeded, decodeStrings(_:) threw") }
    let o = offsets.values
    let raw = buffer.values
    let expected = (0..<header.count).map { i in
        String(decoding: UnsafeBufferPointer(rebasing: raw[Int(o[i])..<Int(o[i + 1])]), as: UTF8.self)
    }
    expectSameStrings(expected, strings, "\(name): the two string decoders")
    BlockCheck.roundTrip(strings, "\(name) re-encoded")
}

/// Traps unless every ColumnBlock decoder refuses `bytes`.
func expectRefused(_ bytes: UnsafeRawBufferPointer, _ name: String, count: Int) {
    let ints = GuardedBuffer<Int64>(count: count)
    let doubles = GuardedBuffer<Double>(count: count)
    let bools = GuardedBuffer<Bool>(count: count)
    let ids = GuardedBuffer<UInt32>(count: count)
    let offsets = GuardedBuffer<UInt32>(count: count + 1)
    let buffer = GuardedBuffer<UInt8>(count: 16)
    expectThrows("\(name) decoded as Int64") { () throws(StorageError) in _ = try ColumnBlock.decodeInt64(bytes, into: ints.all) }
    expectThrows("\(name) decoded as timestamps") { () throws(StorageError) in _ = try ColumnBlock.decodeTimestamps(bytes, into: ints.all) }
    expectThrows("\(name) decoded as Double") { () throws(StorageError) in _ = try ColumnBlock.decodeDoubles(bytes, into: doubles.all) }
    expectThrows("\(name) decoded as Bool") { () throws(StorageError) in _ = try ColumnBlock.decodeBooleans(bytes, into: bools.all) }
    expectThrows("\(name) decoded as tag ids") { () throws(StorageError) in _ = try ColumnBlock.decodeTagIDs(bytes, into: ids.all) }
    expectThrows("\(name) decoded as strings") { () throws(StorageError) in _ = try ColumnBlock.decodeStrings(bytes) }
    expectThrows("\(name) decoded as strings") { () throws(StorageError) in
        _ = try ColumnBlock.decodeStrings(bytes, offsets: offsets.all, bytes: UnsafeMutableRawBufferPointer(buffer.all))
    }
    ints.checkTail("\(name) (Int64)")
    doubles.checkTail("\(name) (Double)")
    bools.checkTail("\(name) (Bool)")
    ids.checkTail("\(name) (tag ids)")
    offsets.checkTail("\(name) (offsets)")
    buffer.checkTail("\(name) (bytes)")
}

FuzzDriver.run { fuzzOne($0, $1) }
