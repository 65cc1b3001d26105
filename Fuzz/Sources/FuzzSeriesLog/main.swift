// FuzzSeriesLog: libFuzzer target for the series log (`SERIES`) decoder and the canonical
// series key parser.
//
// Input: byte 0 picks the mode (mod 3), the rest is its input:
//   0  a whole series log file, through SeriesLogFormat.decode
//   1  records after a valid header: the rest is appended to SeriesLogFormat.encodeHeader()
//      and every record whose length fits gets its checksum recomputed, so the payload
//      decoder behind the checksum is reached; then as mode 0
//   2  a string (invalid UTF-8 repaired) for SeriesKey.tags(ofCanonical:)
// Checks (a violation is a fatalError, which libFuzzer reports as a crash):
//   - decoding throws StorageError or succeeds; never traps or reads out of bounds (ASan);
//   - a decoded log: validLength <= input count; validLength is 0 (only for an input
//     shorter than a header, with no registrations) or >= 16; tornTail exactly when
//     validLength < input count; header + re-encoded registrations == bytes[0..<validLength];
//     every key parses with SeriesKey.tags(ofCanonical:) and re-canonicalizes to itself;
//   - a key that parses: canonical(tags) is the key itself and parses back to the same tags
//     (compared as UTF-8 bytes).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import FuzzSupport
import SundialStorage

/// Whether two tag lists hold the same pairs in the same order, byte for byte.
func sameTags(_ a: [(key: String, value: String)], _ b: [(key: String, value: String)]) -> Bool {
    a.elementsEqual(b) { $0.key.utf8.elementsEqual($1.key.utf8) && $0.value.utf8.elementsEqual($1.value.utf8) }
}

/// Parses `key`; when it parses, canonical(tags) must give `key` back and parse to the same tags.
/// Returns whether it parsed.
@discardableResult
func checkKey(_ key: String, _ what: @autoclosure () -> String) -> Bool {
    guard let tags = SeriesKey.tags(ofCanonical: key) else { return false }
    let canonical = SeriesKey.canonical(tags)
    guard canonical.utf8.elementsEqual(key.utf8) else {
        fatalError("\(what()): key \(key.debugDescription) parses to \(tags) whose canonical key is \(canonical.debugDescription)")
    }
    guard let again = SeriesKey.tags(ofCanonical: canonical), sameTags(again, tags) else {
        fatalError("\(what()): canonical key \(canonical.debugDescription) does not parse back to \(tags)")
    }
    return true
}

/// Decodes `file` as a series log and checks the properties above.
func checkLog(_ file: [UInt8]) {
    file.withUnsafeBytes { raw in
        guard let decoded = try? SeriesLogFormat.decode(raw) else { return }
        let valid = decoded.validLength
        guard valid >= 0, valid <= raw.count else {
            fatalError("validLength \(valid) outside an input of \(raw.count) bytes")
        }
        guard decoded.tornTail == (valid < raw.count) else {
            fatalError("tornTail \(decoded.tornTail) with validLength \(valid) of \(raw.count) bytes")
        }
        if valid < SeriesLogFormat.headerSize {
            guard valid == 0, decoded.registrations.isEmpty, raw.count < SeriesLogFormat.headerSize else {
                fatalError("validLength \(valid) with \(decoded.registrations.count) registrations in \(raw.count) bytes")
            }
            return
        }
        var writer = ByteWriter(capacity: valid)
        writer.writeBytes(SeriesLogFormat.encodeHeader())
        SeriesLogFormat.encode(decoded.registrations, into: &writer)
        let same = writer.bytes.withUnsafeBytes { sameBytes($0, UnsafeRawBufferPointer(rebasing: raw[0..<valid])) }
        guard same else {
            fatalError("\(decoded.registrations.count) registrations re-encode to \(writer.count) bytes"
                       + " that differ from the valid prefix of \(valid) bytes")
        }
        for (index, registration) in decoded.registrations.enumerated() {
            guard checkKey(registration.key, "registration \(index)") else {
                fatalError("registration \(index) has a key that does not parse: \(registration.key.debugDescription)")
            }
        }
    }
}

/// `input` after a valid header, each record's checksum recomputed while its length fits.
func forged(_ input: UnsafeRawBufferPointer) -> [UInt8] {
    var file = SeriesLogFormat.encodeHeader()
    file.append(contentsOf: input)
    var offset = SeriesLogFormat.headerSize
    let headerSize = SeriesLogFormat.recordHeaderSize
    file.withUnsafeMutableBytes { raw in
        while raw.count - offset >= headerSize {
            let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            guard length <= raw.count - offset - headerSize else { break }
            let start = offset + headerSize
            let head = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 4)]))
            let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)]), continuing: head)
            raw.storeBytes(of: crc.littleEndian, toByteOffset: offset + 4, as: UInt32.self)
            offset = start + length
        }
    }
    return file
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch data[0] % 3 {
    case 0:
        checkLog(Array(input))
    case 1:
        checkLog(forged(input))
    default:
        checkKey(String(decoding: input, as: UTF8.self), "SeriesKey.tags(ofCanonical:)")
    }
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
