// WAL byte layout constants (docs/formats/wal.md), in one place as LevelDB's
// log_format.h does.
//
// segment := header | record*
// header  := magic "SNDLWAL\0" (8) | version u32 | reserved u32 | firstLSN u64 | crc32c u32 of
//            the previous 24 bytes | reserved u32            (32 bytes)
// record  := length u32 (= 9 + payload: the bytes after the crc) | crc32c u32 | lsn u64 | kind u8 | payload
//            crc32c covers length, lsn, kind and payload (every byte but itself)

/// Constants of the write-ahead log format.
public enum WALFormat {
    public static let magic: [UInt8] = Array("SNDLWAL".utf8) + [0]
    public static let version: UInt32 = 2
    public static let segmentHeaderSize = 32
    /// Bytes before the payload: length, crc32c, lsn, kind.
    public static let recordHeaderSize = 17
    /// The largest payload one record may carry.
    public static let maxPayloadSize = 256 << 20
    /// Segment files are named by their first LSN, zero-padded to 20 digits.
    public static let segmentSuffix = ".wal"

    /// The file name of the segment whose first record has `lsn`.
    public static func segmentName(firstLSN lsn: UInt64) -> String {
        FilePath.paddedNumber(lsn) + segmentSuffix
    }

    /// The first LSN a segment file name carries, or nil when it is not a segment name.
    public static func firstLSN(ofSegmentNamed name: String) -> UInt64? {
        guard name.hasSuffix(segmentSuffix), name.count == 20 + segmentSuffix.count else { return nil }
        return UInt64(name.prefix(20))
    }

    /// The 32-byte header of a segment whose first record has `firstLSN`.
    public static func encodeHeader(firstLSN: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: segmentHeaderSize)
        writer.writeBytes(magic)
        writer.writeUInt32(version)
        writer.writeUInt32(0)
        writer.writeUInt64(firstLSN)
        writer.writeUInt32(CRC32C.checksum(writer.bytes))
        writer.writeUInt32(0)
        return writer.bytes
    }

    /// Appends one record to `writer`.
    public static func encodeRecord(lsn: UInt64, kind: UInt8, payload: UnsafeRawBufferPointer, into writer: inout ByteWriter) {
        let start = writer.count
        writer.writeUInt32(UInt32(9 + payload.count))
        writer.writeUInt32(0)
        writer.writeUInt64(lsn)
        writer.writeUInt8(kind)
        writer.writeBytes(payload)
        let crc = writer.bytes.withUnsafeBytes { raw in
            let length = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[start..<(start + 4)]))
            return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[(start + 8)..<writer.count]), continuing: length)
        }
        writer.setUInt32(crc, at: start + 4)
    }
}

/// A log sequence number: records are numbered 1, 2, 3, … in the order they were appended.
public typealias LSN = UInt64

/// One record read back from the log.
public struct WALRecord: Sendable, Hashable {
    public var lsn: LSN
    public var kind: UInt8
    public var payload: [UInt8]

    public init(lsn: LSN, kind: UInt8, payload: [UInt8]) {
        self.lsn = lsn
        self.kind = kind
        self.payload = payload
    }
}
