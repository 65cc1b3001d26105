// FuzzStrings: libFuzzer target for StringCodec (bit-packed lengths + plain or zstd bytes).
//
// Input: DecoderInput; selector % 2 picks the encoding the payload is decoded as:
// 0 stringPlain, 1 stringZstd.
// Checks:
// - decodedByteCount / decode / decodeStrings throw StorageError or succeed, never trap;
//   decode writes nothing past count + 1 offsets or decodedByteCount bytes;
// - a non-string encoding, offsets one entry short, or bytes one byte short are refused;
// - on success the offsets start at 0, never decrease and end at decodedByteCount, and
//   decodeStrings agrees with them;
// - the decoded bytes and lengths re-encode (encode(bytes:lengths:)) and decode back bit
//   for bit (invalid UTF-8 included); the decoded Strings re-encode (encode(_:)) and
//   decode back to the same UTF-8.
// Payloads declaring more than `maxFuzzBytes` decoded bytes are only checked for
// refusal into a small buffer, so one exec never allocates StringCodec.maxBlockBytes.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import FuzzSupport
import SundialStorage

/// The largest decoded size this target allocates for.
let maxFuzzBytes = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = DecoderInput(data, size)
    let encoding: ColumnEncoding = input.selector % 2 == 0 ? .stringPlain : .stringZstd
    checkStrings(input.payload, encoding: encoding, count: input.count)
    return 0
}

func checkStrings(_ payload: UnsafeRawBufferPointer, encoding: ColumnEncoding, count: Int) {
    let name = "\(encoding) x \(count)"
    let emptyBytes = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    // A non-string encoding is refused whatever the payload.
    do {
        let offsets = GuardedBuffer<UInt32>(count: count + 1)
        expectThrows("\(name): int64-delta accepted as a string encoding") { () throws(StorageError) in
            try StringCodec.decode(payload, encoding: .int64Delta, count: count, offsets: offsets.all, bytes: emptyBytes)
        }
        offsets.checkTail("\(name) (wrong encoding)")
    }

    let total: Int
    do throws(StorageError) {
        total = try StringCodec.decodedByteCount(payload, encoding: encoding)
    } catch {
        // No readable size: the decoders must fail too.
        let offsets = GuardedBuffer<UInt32>(count: count + 1)
        expectThrows("\(name): decode accepted a payload without a size") { () throws(StorageError) in
            try StringCodec.decode(payload, encoding: encoding, count: count, offsets: offsets.all, bytes: emptyBytes)
        }
        expectThrows("\(name): decodeStrings accepted a payload without a size") { () throws(StorageError) in
            _ = try StringCodec.decodeStrings(payload, encoding: encoding, count: count)
        }
        return
    }
    guard total >= 0, total <= StringCodec.maxBlockBytes else {
        fatalError("\(name): decodedByteCount returned \(total), outside 0...\(StringCodec.maxBlockBytes)")
    }
    guard total <= maxFuzzBytes else {
        // Too large to allocate per exec: a buffer smaller than the size must be refused.
        let offsets = GuardedBuffer<UInt32>(count: count + 1)
        let bytes = GuardedBuffer<UInt8>(count: maxFuzzBytes)
        expectThrows("\(name): decoded \(total) bytes into \(maxFuzzBytes)") { () throws(StorageError) in
            try StringCodec.decode(payload, encoding: encoding, count: count, offsets: offsets.all,
                                   bytes: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(bytes.all)[0..<maxFuzzBytes]))
        }
        return
    }

    // Offsets one entry short, bytes one byte short: refused.
    do {
        let offsets = GuardedBuffer<UInt32>(count: count)
        let bytes = GuardedBuffer<UInt8>(count: total)
        expectThrows("\(name): decoded into \(count) offsets") { () throws(StorageError) in
            try StringCodec.decode(payload, encoding: encoding, count: count,
                                   offsets: UnsafeMutableBufferPointer(rebasing: offsets.all[0..<count]),
                                   bytes: UnsafeMutableRawBufferPointer(bytes.all))
        }
        offsets.checkTail("\(name) (offsets too small)")
        bytes.checkTail("\(name) (offsets too small)")
    }
    if total > 0 {
        let offsets = GuardedBuffer<UInt32>(count: count + 1)
        let bytes = GuardedBuffer<UInt8>(count: total - 1)
        expectThrows("\(name): decoded \(total) bytes into \(total - 1)") { () throws(StorageError) in
            try StringCodec.decode(payload, encoding: encoding, count: count, offsets: offsets.all,
                                   bytes: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(bytes.all)[0..<(total - 1)]))
        }
        offsets.checkTail("\(name) (bytes too small)")
        bytes.checkTail("\(name) (bytes too small)")
    }

    // The real decode, into buffers with sentinel tails.
    let offsets = GuardedBuffer<UInt32>(count: count + 1)
    let bytes = GuardedBuffer<UInt8>(count: total)
    var failure: StorageError?
    do throws(StorageError) {
        try StringCodec.decode(payload, encoding: encoding, count: count, offsets: offsets.all,
                               bytes: UnsafeMutableRawBufferPointer(bytes.all))
    } catch { failure = error }
    offsets.checkTail("\(name)")
    bytes.checkTail("\(name)")

    // The allocating variant must agree on success or failure.
    let strings: [String]?
    do throws(StorageError) {
        strings = try StringCodec.decodeStrings(payload, encoding: encoding, count: count)
    } catch {
        strings = nil
    }
    guard failure == nil else {
        if strings != nil { fatalError("\(name): decode threw \(failure!), decodeStrings succeeded") }
        return
    }
    guard let strings else { fatalError("\(name): decode succeeded, decodeStrings threw") }

    // Offsets: 0, nondecreasing, ending at the declared size.
    let o = offsets.values
    guard o[0] == 0, o[count] == UInt32(total) else {
        fatalError("\(name): offsets run from \(o[0]) to \(o[count]), expected 0 to \(total)")
    }
    for i in 0..<count where o[i] > o[i + 1] {
        fatalError("\(name): offset \(i + 1) (\(o[i + 1])) is below offset \(i) (\(o[i]))")
    }
    let raw = Array(bytes.values)
    let repaired = (0..<count).map { i in String(decoding: raw[Int(o[i])..<Int(o[i + 1])], as: UTF8.self) }
    expectSameStrings(repaired, strings, "\(name): decodeStrings vs decode")

    // Raw round trip: the same bytes and lengths, bit for bit.
    let lengths = (0..<count).map { Int64(o[$0 + 1] - o[$0]) }
    var writer = ByteWriter(capacity: total + 16)
    let reencoding = raw.withUnsafeBytes { b in
        lengths.withUnsafeBufferPointer { StringCodec.encode(bytes: b, lengths: $0, into: &writer) }
    }
    let offsets2 = GuardedBuffer<UInt32>(count: count + 1)
    let bytes2 = GuardedBuffer<UInt8>(count: total)
    do throws(StorageError) {
        try withBytes(writer.bytes) { p throws(StorageError) in
            guard try StringCodec.decodedByteCount(p, encoding: reencoding) == total else {
                fatalError("\(name): re-encoding declares a different size than \(total)")
            }
            try StringCodec.decode(p, encoding: reencoding, count: count, offsets: offsets2.all,
                                   bytes: UnsafeMutableRawBufferPointer(bytes2.all))
        }
    } catch {
        fatalError("\(name): \(reencoding) cannot decode its own encoding: \(error)")
    }
    offsets2.checkTail("\(name) re-encoded")
    bytes2.checkTail("\(name) re-encoded")
    expectIdentical(offsets.values, offsets2.values, "\(name) re-encoded offsets")
    expectIdentical(bytes.values, bytes2.values, "\(name) re-encoded bytes")

    // String round trip (through the [String] API and through a block).
    var writer2 = ByteWriter(capacity: total + 16)
    let stringEncoding = StringCodec.encode(strings, into: &writer2)
    do throws(StorageError) {
        let again = try withBytes(writer2.bytes) { p throws(StorageError) in
            try StringCodec.decodeStrings(p, encoding: stringEncoding, count: count)
        }
        expectSameStrings(strings, again, "\(name) re-encoded strings")
    } catch {
        fatalError("\(name): \(stringEncoding) cannot decode its own encoding of \(count) strings: \(error)")
    }
    BlockCheck.roundTrip(strings, "\(name) decoded strings")
}

FuzzDriver.run { fuzzOne($0, $1) }
