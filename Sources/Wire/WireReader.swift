// A bounds-checked cursor over one frame's payload that throws `WireError` with the
// absolute offset of the failing byte (the payload's position in the frame or stream is
// `base`). It never reads outside `bytes` and never allocates for a count it has not
// checked against the bytes that remain.
import SundialStorage

/// A forward-only reader over a payload. It does not own the memory.
struct WireReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    /// Added to offsets in errors.
    let base: Int

    init(_ bytes: UnsafeRawBufferPointer, base: Int) {
        self.bytes = bytes
        self.base = base
    }

    var remaining: Int { bytes.count - offset }

    /// The absolute position of the next byte.
    var position: Int { base + offset }

    func error(_ code: WireError.Code, _ message: String, at position: Int? = nil) -> WireError {
        WireError(code, message, offset: base + (position ?? offset))
    }

    func truncated(_ what: String) -> WireError {
        error(.truncated, "the payload ends inside \(what)")
    }

    mutating func readUInt8(_ what: String) throws(WireError) -> UInt8 {
        guard offset < bytes.count else { throw truncated(what) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt16(_ what: String) throws(WireError) -> UInt16 {
        guard remaining >= 2 else { throw truncated(what) }
        defer { offset += 2 }
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    mutating func readUInt32(_ what: String) throws(WireError) -> UInt32 {
        guard remaining >= 4 else { throw truncated(what) }
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func readUInt64(_ what: String) throws(WireError) -> UInt64 {
        guard remaining >= 8 else { throw truncated(what) }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// A LEB128 varint of at most 10 bytes whose value fits in 64 bits.
    mutating func readVarUInt(_ what: String) throws(WireError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw truncated(what) }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 {
                throw error(.badVarint, "\(what) is a varint wider than 64 bits", at: start)
            }
            result |= UInt64(byte & 0x7F) &<< shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readZigZag(_ what: String) throws(WireError) -> Int64 {
        ZigZag.decode(try readVarUInt(what))
    }

    /// A varint that must not exceed `limit`.
    mutating func readVarInt(_ what: String, max limit: Int) throws(WireError) -> Int {
        let start = offset
        let value = try readVarUInt(what)
        guard value <= UInt64(limit) else {
            throw error(.corrupt, "\(what) \(value) exceeds \(limit)", at: start)
        }
        return Int(value)
    }

    /// A count of items each taking at least `minimumBytes` bytes: it may not exceed `limit`
    /// (`.limitExceeded`) nor claim more items than the remaining bytes can hold (`.corrupt`).
    mutating func readCount(_ what: String, limit: Int, minimumBytes: Int) throws(WireError) -> Int {
        let start = offset
        let value = try readVarUInt(what)
        guard value <= UInt64(limit) else {
            throw error(.limitExceeded, "\(what) \(value) exceeds the limit \(limit)", at: start)
        }
        let count = Int(value)
        guard minimumBytes == 0 || count <= remaining / minimumBytes else {
            throw error(.corrupt, "\(what) \(count) needs at least \(count * minimumBytes) bytes, \(remaining) remain", at: start)
        }
        return count
    }

    mutating func readBytes(_ count: Int, _ what: String) throws(WireError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw truncated(what) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    /// A varint length and that many bytes, returned without copying.
    mutating func readLengthPrefixed(_ what: String) throws(WireError) -> UnsafeRawBufferPointer {
        let start = offset
        let length = try readVarUInt("the length of \(what)")
        guard length <= UInt64(remaining) else {
            throw error(.truncated, "\(what) claims \(length) bytes, \(remaining) remain", at: start)
        }
        return try readBytes(Int(length), what)
    }

    /// A string: varint length and UTF-8 bytes, which must be valid.
    mutating func readString(_ what: String) throws(WireError) -> String {
        let start = offset
        let raw = try readLengthPrefixed(what)
        guard let text = String(validating: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
            throw error(.badUTF8, "\(what) is not valid UTF-8", at: start)
        }
        return text
    }

    mutating func readBool(_ what: String) throws(WireError) -> Bool {
        let start = offset
        let byte = try readUInt8(what)
        guard byte <= 1 else { throw error(.corrupt, "\(what) is \(byte), expected 0 or 1", at: start) }
        return byte == 1
    }

    /// Throws `.badLength` unless every byte has been consumed.
    func expectEnd(_ what: String) throws(WireError) {
        guard offset == bytes.count else {
            throw error(.badLength, "\(bytes.count - offset) bytes left after the \(what) payload")
        }
    }
}

extension ByteWriter {
    /// A varint length and the bytes.
    mutating func writeLengthPrefixed(_ source: UnsafeRawBufferPointer) {
        writeVarUInt(UInt64(source.count))
        writeBytes(source)
    }

    mutating func writeLengthPrefixed(_ source: [UInt8]) {
        source.withUnsafeBytes { writeLengthPrefixed($0) }
    }

    mutating func writeBool(_ value: Bool) { writeUInt8(value ? 1 : 0) }
}
