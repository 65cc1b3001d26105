// A growable little-endian byte buffer for encoders.
//
// Encoders append whole structures; the bit-packing kernels reserve a zeroed region
// and fill it through a pointer, so the per-value path never touches `Array` methods.

/// An append-only byte buffer used by the encoders.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The number of bytes written so far.
    @inlinable public var count: Int { bytes.count }

    @inlinable public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    @inlinable public mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value &>> 8))
    }

    @inlinable public mutating func writeUInt32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inlinable public mutating func writeUInt64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// LEB128 unsigned varint: 7 bits per byte, low bits first, at most 10 bytes.
    @inlinable public mutating func writeVarUInt(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v &>>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    /// A signed value as a zigzag-mapped varint (small magnitudes take one byte).
    @inlinable public mutating func writeZigZag(_ value: Int64) {
        writeVarUInt(ZigZag.encode(value))
    }

    /// A string as its UTF-8 length (varint) and bytes.
    public mutating func writeString(_ text: String) {
        var copy = text
        copy.withUTF8 { utf8 in
            writeVarUInt(UInt64(utf8.count))
            writeBytes(UnsafeRawBufferPointer(utf8))
        }
    }

    @inlinable public mutating func writeBytes(_ source: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: source)
    }

    @inlinable public mutating func writeBytes(_ source: [UInt8]) {
        bytes.append(contentsOf: source)
    }

    /// Appends `count` zero bytes and lets `body` fill them through a pointer.
    @inlinable public mutating func writeZeroed(
        count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void
    ) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBytes { raw in
            body(UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + count)]))
        }
    }

    /// Overwrites four bytes at `offset` with `value` (little endian).
    @inlinable public mutating func setUInt32(_ value: UInt32, at offset: Int) {
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
        }
    }

    /// The number of bytes `writeVarUInt(value)` appends.
    @inlinable public static func varUIntSize(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }
}

/// Zigzag mapping of signed to unsigned integers: 0, -1, 1, -2, … → 0, 1, 2, 3, …
public enum ZigZag {
    @inlinable @inline(__always)
    public static func encode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value &<< 1) ^ (value &>> 63))
    }

    @inlinable @inline(__always)
    public static func decode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value &>> 1) ^ (0 &- (value & 1)))
    }
}
