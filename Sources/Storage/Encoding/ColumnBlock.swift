// The framing of one encoded column block: the unit a segment file stores per column.
//
//  0      1        2            4            8               12            12+L
//  +------+--------+------------+------------+---------------+-------------+----------+
//  | tag  | version| reserved=0 | count u32  | payload len L | payload     | crc32c   |
//  | u8   | u8 = 1 | u16        | LE         | u32 LE        | L bytes     | u32 LE   |
//  +------+--------+------------+------------+---------------+-------------+----------+
//
// The CRC32C covers bytes [0, 12 + L). Readers verify it before decoding; decoders
// still bounds-check everything, so a block whose CRC was forged decodes to an error
// or to values, never to a trap. Layouts of each payload: docs/formats/codecs.md.

/// Framing, choosing and decoding of column blocks.
public enum ColumnBlock {
    /// Bytes before the payload.
    public static let headerSize = 12
    /// Bytes after the payload (the CRC32C).
    public static let trailerSize = 4
    /// The block format version written by this release.
    public static let formatVersion: UInt8 = 1
    /// The most values one block may hold; larger declared counts are rejected as corrupt.
    public static let maxValueCount = 1 << 20

    /// The parsed, checksum-verified header of a block.
    public struct Header: Sendable, Hashable {
        /// How the payload is encoded.
        public var encoding: ColumnEncoding
        /// The number of values in the block.
        public var count: Int
        /// The payload's length in bytes.
        public var payloadLength: Int
        /// The whole block's length: header, payload and CRC.
        public var blockLength: Int { ColumnBlock.headerSize + payloadLength + ColumnBlock.trailerSize }
    }

    // MARK: Reading

    /// Parses the block at the start of `bytes` (which may continue past it) and
    /// verifies its CRC32C.
    /// - Returns: the header and the payload, which borrows from `bytes`.
    /// - Throws: ``StorageError`` (`.truncated`, `.corrupt`, `.unknownEncoding`,
    ///   `.checksumMismatch`) with the offset of the offending field.
    public static func open(_ bytes: UnsafeRawBufferPointer) throws(StorageError) -> (header: Header, payload: UnsafeRawBufferPointer) {
        var reader = ByteReader(bytes)
        let tag = try reader.readUInt8("the block header")
        let version = try reader.readUInt8("the block header")
        guard reader.remaining >= 10 else { throw reader.truncated("the block header") }
        guard let encoding = ColumnEncoding(rawValue: tag) else {
            throw StorageError(.unknownEncoding, "unknown block encoding tag \(tag)", offset: 0)
        }
        guard version == formatVersion else {
            throw StorageError(.corrupt, "unsupported block format version \(version)", offset: 1)
        }
        let reserved = UInt16(try reader.readUInt8()) | UInt16(try reader.readUInt8()) << 8
        guard reserved == 0 else { throw StorageError(.corrupt, "reserved header bits are set", offset: 2) }
        let count = Int(try reader.readUInt32("the value count"))
        guard count <= maxValueCount else {
            throw StorageError(.corrupt, "value count \(count) exceeds \(maxValueCount)", offset: 4)
        }
        let length = Int(try reader.readUInt32("the payload length"))
        guard reader.remaining >= length + trailerSize else {
            throw StorageError(.truncated, "the block needs \(headerSize + length + trailerSize) bytes, \(bytes.count) remain",
                               offset: bytes.count)
        }
        let covered = UnsafeRawBufferPointer(rebasing: bytes[0..<(headerSize + length)])
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: headerSize + length, as: UInt32.self))
        let computed = CRC32C.checksum(covered)
        guard stored == computed else {
            throw StorageError(.checksumMismatch,
                               "block checksum is \(hex(stored)), the bytes hash to \(hex(computed))",
                               offset: headerSize + length)
        }
        let header = Header(encoding: encoding, count: count, payloadLength: length)
        return (header, UnsafeRawBufferPointer(rebasing: bytes[headerSize..<(headerSize + length)]))
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    // MARK: Writing

    /// Appends a complete block (header, payload from `codec`, CRC32C).
    public static func write<C: ColumnCodec>(
        _ codec: C.Type, _ values: UnsafeBufferPointer<C.Value>, into writer: inout ByteWriter
    ) {
        let start = beginBlock(count: values.count, into: &writer)
        codec.encode(values, into: &writer)
        endBlock(start: start, encoding: C.encoding, into: &writer)
    }

    /// Writes the header with placeholders; returns the block's start.
    static func beginBlock(count: Int, into writer: inout ByteWriter) -> Int {
        precondition(count <= maxValueCount, "a block holds at most \(maxValueCount) values")
        let start = writer.count
        writer.writeUInt8(0)
        writer.writeUInt8(formatVersion)
        writer.writeUInt16(0)
        writer.writeUInt32(UInt32(count))
        writer.writeUInt32(0)
        return start
    }

    /// Patches the tag and payload length and appends the CRC32C.
    static func endBlock(start: Int, encoding: ColumnEncoding, into writer: inout ByteWriter) {
        let length = writer.count - start - headerSize
        precondition(length <= Int(UInt32.max), "block payload larger than 4 GiB")
        writer.bytes[start] = encoding.rawValue
        writer.setUInt32(UInt32(length), at: start + 8)
        let crc = writer.bytes.withUnsafeBytes { raw in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[start..<writer.count]))
        }
        writer.writeUInt32(crc)
    }
}
