// A bounds-checked cursor over borrowed bytes (a block, later a memory-mapped file).
//
// `read*` consumes and throws `StorageError` with the offset of the failing byte
// when the input is short or malformed; it never reads outside `bytes`.

/// A forward-only reader over an `UnsafeRawBufferPointer`. It does not own the memory.
public struct ByteReader {
    /// The bytes being read.
    public let bytes: UnsafeRawBufferPointer
    /// The position of the next byte to read, relative to the start of ``bytes``.
    public var offset: Int
    /// Added to offsets in errors, so that they are relative to an enclosing buffer.
    public let errorBase: Int

    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, errorBase: Int = 0) {
        self.bytes = bytes
        self.offset = 0
        self.errorBase = errorBase
    }

    /// Bytes left to read.
    @inlinable public var remaining: Int { bytes.count - offset }

    /// A `.truncated` error at the current position.
    @inlinable
    public func truncated(_ what: String) -> StorageError {
        StorageError(.truncated, "input ends inside \(what)", offset: errorBase + offset)
    }

    /// A `.corrupt` error at `position` (the current position by default).
    @inlinable
    public func corrupt(_ message: String, at position: Int? = nil) -> StorageError {
        StorageError(.corrupt, message, offset: errorBase + (position ?? offset))
    }

    @inlinable
    public mutating func readUInt8(_ what: String = "a byte") throws(StorageError) -> UInt8 {
        guard offset < bytes.count else { throw truncated(what) }
        let value = bytes[offset]
        offset += 1
        return value
    }

    @inlinable
    public mutating func readUInt32(_ what: String = "a 32-bit integer") throws(StorageError) -> UInt32 {
        guard remaining >= 4 else { throw truncated(what) }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: value)
    }

    @inlinable
    public mutating func readUInt64(_ what: String = "a 64-bit integer") throws(StorageError) -> UInt64 {
        guard remaining >= 8 else { throw truncated(what) }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    /// Reads a LEB128 varint of at most 10 bytes whose value fits in 64 bits.
    @inlinable
    public mutating func readVarUInt(_ what: String = "a varint") throws(StorageError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw truncated(what) }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 {
                throw corrupt("\(what) overflows 64 bits", at: start)
            }
            result |= UInt64(byte & 0x7F) &<< shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Reads a varint that must not exceed `limit`, as an `Int`.
    @inlinable
    public mutating func readVarInt(_ what: String, max limit: Int) throws(StorageError) -> Int {
        let start = offset
        let value = try readVarUInt(what)
        guard value <= UInt64(limit) else {
            throw corrupt("\(what) \(value) exceeds the limit \(limit)", at: start)
        }
        return Int(value)
    }

    @inlinable
    public mutating func readZigZag(_ what: String = "a varint") throws(StorageError) -> Int64 {
        ZigZag.decode(try readVarUInt(what))
    }

    /// Consumes `count` bytes and returns them without copying.
    @inlinable
    public mutating func readBytes(_ count: Int, _ what: String) throws(StorageError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw truncated(what) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return slice
    }

    /// Reads a string written by `ByteWriter.writeString`; it must be valid UTF-8.
    /// (Hot at segment and series log open: no error text is built unless it fails, and
    /// ASCII, the usual case, is copied without a validation pass of the generic kind.)
    public mutating func readString(_ what: String) throws(StorageError) -> String {
        let start = offset
        var length = 0
        var shift = 0
        var ok = false
        while offset < bytes.count && shift < 35 {
            let byte = bytes[offset]
            offset += 1
            length |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { ok = true; break }
            shift += 7
        }
        guard ok, length <= remaining else {
            // Slow path: let the checked reader produce the precise error.
            offset = start
            let checked = try readVarInt("the length of \(what)", max: remaining)
            _ = try readBytes(checked, what)
            throw corrupt("\(what) has a malformed length", at: start)
        }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
        offset += length
        let utf8 = raw.assumingMemoryBound(to: UInt8.self)
        var ascii = true
        for byte in utf8 where byte >= 0x80 { ascii = false; break }
        if ascii {
            return String(unsafeUninitializedCapacity: length) { buffer in
                _ = buffer.initialize(from: utf8)
                return length
            }
        }
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw corrupt("\(what) is not valid UTF-8", at: start)
        }
        return text
    }

    /// Throws unless every byte has been consumed.
    @inlinable
    public func expectEnd(_ what: String) throws(StorageError) {
        guard offset == bytes.count else {
            throw corrupt("\(bytes.count - offset) unexpected trailing bytes after \(what)")
        }
    }
}
