// The series log: the registry on disk, one append-only file (docs/formats/index.md).
//
//   <data>/SERIES := header | record*
//   header := magic "SNDLSER\0" (8) | version u32 | crc32c u32 of the previous 12 bytes
//   record := length u32 (payload bytes) | crc32c u32 (of the length bytes and the payload)
//             | payload
//   payload := id varint | table varint | key string (the canonical series key)
//
// Registrations are appended and synced at each flush, before the manifest that makes
// segments holding their ids live, so the log always covers every id in a segment. A
// record that is damaged with no valid record after it is a torn tail (a crash during an
// append): it is cut off, and the WAL replay re-registers what it held (every WAL batch
// carries its series' ids). Damage followed by valid records is corruption: an error
// naming the file and the offset.

import Synchronization

/// Constants and the decoder of the series log.
public enum SeriesLogFormat {
    public static let fileName = "SERIES"
    public static let magic: [UInt8] = Array("SNDLSER".utf8) + [0]
    public static let version: UInt32 = 1
    public static let headerSize = 16
    public static let recordHeaderSize = 8
    /// The largest payload a record may have (a key of 1,024 long tags fits easily).
    public static let maxPayloadSize = 1 << 24

    /// The 16-byte header.
    public static func encodeHeader() -> [UInt8] {
        var writer = ByteWriter(capacity: headerSize)
        writer.writeBytes(magic)
        writer.writeUInt32(version)
        writer.writeUInt32(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// Appends one record per registration.
    public static func encode(_ registrations: [SeriesRegistration], into writer: inout ByteWriter) {
        for registration in registrations {
            let start = writer.count
            writer.writeUInt32(0)
            writer.writeUInt32(0)
            writer.writeVarUInt(UInt64(registration.id))
            writer.writeVarUInt(UInt64(registration.table))
            writer.writeString(registration.key)
            let length = writer.count - start - recordHeaderSize
            writer.setUInt32(UInt32(length), at: start)
            let crc = writer.bytes.withUnsafeBytes { raw in
                let head = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[start..<(start + 4)]))
                return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[(start + recordHeaderSize)..<writer.count]), continuing: head)
            }
            writer.setUInt32(crc, at: start + 4)
        }
    }

    /// What decoding a series log found.
    public struct Decoded: Sendable {
        public var registrations: [SeriesRegistration] = []
        /// The length of the valid prefix (header and whole records).
        public var validLength = 0
        /// Set when the file ends in a torn tail (from `validLength` on).
        public var tornTail = false
    }

    /// Decodes a whole series log.
    /// - Throws: `.corrupt` with the offset of damage that is not a torn tail (a bad
    ///   header, a damaged record with valid records after it, a record whose checksum
    ///   holds but whose contents are malformed).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(StorageError) -> Decoded {
        var decoded = Decoded()
        guard bytes.count >= headerSize else {
            // A crash while the header was being written: nothing was registered yet.
            decoded.tornTail = bytes.count > 0
            return decoded
        }
        var header = ByteReader(bytes)
        let magicBytes = try header.readBytes(magic.count, "the magic")
        guard magicBytes.elementsEqual(magic) else { throw StorageError(.corrupt, "not a series log (bad magic)", offset: 0) }
        let fileVersion = try header.readUInt32("the version")
        let crc = try header.readUInt32("the header checksum")
        guard crc == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<12])) else {
            throw StorageError(.corrupt, "series log header checksum mismatch", offset: 12)
        }
        guard fileVersion == version else {
            throw StorageError(.unknownEncoding, "series log version \(fileVersion) (this build reads \(version))", offset: 8)
        }
        var offset = headerSize
        decoded.validLength = offset
        while offset < bytes.count {
            switch try record(at: offset, in: bytes) {
            case .valid(let registration, let next):
                decoded.registrations.append(registration)
                offset = next
                decoded.validLength = next
            case .damaged(let reason):
                if validRecordExists(after: offset, in: bytes) {
                    throw StorageError(.corrupt, "series log record damaged (\(reason)) with valid records after it", offset: offset)
                }
                decoded.tornTail = true
                return decoded
            }
        }
        return decoded
    }

    enum RecordResult {
        case valid(SeriesRegistration, next: Int)
        case damaged(String)
    }

    /// The record at `offset`: valid, or damaged in a way a torn write explains. A record
    /// whose checksum holds but whose payload is malformed throws (no tear does that).
    static func record(at offset: Int, in bytes: UnsafeRawBufferPointer) throws(StorageError) -> RecordResult {
        guard bytes.count - offset >= recordHeaderSize else { return .damaged("a short record header") }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        guard length > 0, length <= maxPayloadSize, length <= bytes.count - offset - recordHeaderSize else {
            return .damaged("a record length of \(length) bytes")
        }
        let start = offset + recordHeaderSize
        let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])
        let crc = CRC32C.checksum(payload, continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 4)])))
        guard crc == stored else { return .damaged("checksum mismatch") }
        var reader = ByteReader(payload, errorBase: start)
        let id = try reader.readVarUInt("a series id")
        guard id < UInt64(UInt32.max) else { throw reader.corrupt("series id \(id) is out of range") }
        let table = try reader.readVarUInt("a table id")
        guard table < UInt64(UInt32.max) else { throw reader.corrupt("table id \(table) is out of range") }
        let keyOffset = reader.offset
        let key = try reader.readString("a series key")
        guard SeriesKey.isCanonical(key) else { throw reader.corrupt("malformed series key", at: keyOffset) }
        try reader.expectEnd("a series log record")
        // The writer's varints are minimal; a longer spelling (0x81 0x00 for 1) is not a
        // record it wrote, and would not survive re-encoding.
        let keyBytes = key.utf8.count
        guard ByteWriter.varUIntSize(id) + ByteWriter.varUIntSize(table) + ByteWriter.varUIntSize(UInt64(keyBytes)) + keyBytes == length else {
            throw StorageError(.corrupt, "series log record has an overlong varint", offset: start)
        }
        return .valid(SeriesRegistration(id: SeriesID(id), table: UInt32(table), key: key), next: start + length)
    }

    static func validRecordExists(after offset: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        var candidate = offset + 1
        while candidate + recordHeaderSize < bytes.count {
            if case .valid = (try? record(at: candidate, in: bytes)) ?? .damaged("") { return true }
            candidate += 1
        }
        return false
    }
}

/// The open series log of a database: appends registrations durably.
final class SeriesLog: Sendable {
    let path: String
    let fileSystem: any FileSystem
    private let handle: any FileHandle
    private let size: Mutex<Int>

    private init(path: String, fileSystem: any FileSystem, handle: any FileHandle, size: Int) {
        self.path = path
        self.fileSystem = fileSystem
        self.handle = handle
        self.size = Mutex(size)
    }

    /// Opens (creating when missing) the log in `directory`, cutting a torn tail.
    /// - Returns: the log, its registrations in order, and the torn tail cut (offset, bytes).
    static func open(directory: String, fileSystem: any FileSystem)
        throws(StorageError) -> (SeriesLog, [SeriesRegistration], torn: (offset: Int, bytes: Int)?) {
        let path = FilePath.join(directory, SeriesLogFormat.fileName)
        guard fileSystem.exists(path) else {
            let handle = try fileSystem.open(path, mode: .createNew)
            let header = SeriesLogFormat.encodeHeader()
            do throws(StorageError) {
                try header.withBytes { (raw) throws(StorageError) in try handle.write(raw, at: 0) }
                try handle.sync()
                try fileSystem.syncDirectory(directory)
            } catch {
                try? handle.close()
                throw error.located(in: path, at: 0)
            }
            return (SeriesLog(path: path, fileSystem: fileSystem, handle: handle, size: header.count), [], nil)
        }
        let (bytes, decoded) = try read(path, fileSystem: fileSystem)
        let handle = try fileSystem.open(path, mode: .readWrite)
        var torn: (offset: Int, bytes: Int)?
        var size = decoded.validLength
        do throws(StorageError) {
            if decoded.validLength < SeriesLogFormat.headerSize {
                // Torn while the header was written: start the file afresh.
                let header = SeriesLogFormat.encodeHeader()
                try handle.truncate(to: 0)
                try header.withBytes { (raw) throws(StorageError) in try handle.write(raw, at: 0) }
                try handle.sync()
                torn = (0, bytes.count)
                size = header.count
            } else if decoded.tornTail || decoded.validLength < bytes.count {
                try handle.truncate(to: decoded.validLength)
                try handle.sync()
                torn = (decoded.validLength, bytes.count - decoded.validLength)
            }
        } catch {
            try? handle.close()
            throw error
        }
        return (SeriesLog(path: path, fileSystem: fileSystem, handle: handle, size: size), decoded.registrations, torn)
    }

    /// Reads and decodes the log file at `path`; damage is located in the file.
    static func read(_ path: String, fileSystem: any FileSystem) throws(StorageError) -> ([UInt8], SeriesLogFormat.Decoded) {
        let bytes = try fileSystem.readFile(path)
        do {
            return (bytes, try bytes.withBytes { (raw) throws(StorageError) in try SeriesLogFormat.decode(raw) })
        } catch {
            throw error.located(in: path, at: 0)
        }
    }

    /// The log's size in bytes.
    var byteCount: Int { size.withLock { $0 } }

    /// Appends registrations and syncs. A failure leaves the log's state unknown: the
    /// engine refuses writes until reopened (recovery cuts a torn tail).
    func append(_ registrations: [SeriesRegistration]) throws(StorageError) {
        guard !registrations.isEmpty else { return }
        var writer = ByteWriter(capacity: registrations.count * 64)
        SeriesLogFormat.encode(registrations, into: &writer)
        let offset = size.withLock { $0 }
        try writer.bytes.withBytes { (raw) throws(StorageError) in try handle.write(raw, at: offset) }
        try handle.sync()
        size.withLock { $0 = offset + writer.count }
    }

    func close() throws(StorageError) { try handle.close() }
}
