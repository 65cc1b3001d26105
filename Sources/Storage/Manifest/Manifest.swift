// The manifest: which tables exist and which segment files are live, and the LSN up to
// which the WAL has been flushed into them. It is replaced atomically as a whole
// (temporary file, sync, rename, directory sync), so a reader sees the old or the new
// version, never a mix. Layout: docs/formats/manifest.md.
//
// file := magic "SNDLMAN\0" (8) | version u32 | body length u32 | body crc32c u32 | body
// body := generation varint | flushedLSN varint | nextTableID varint | nextSegmentID varint
//         | tables varint | tables x (id varint | name string | partitionDuration zigzag
//           | retention zigzag (0: none) | columns varint | columns x (name string | type u8))
//         | segments varint | segments x (id varint | tableID varint | partitionStart zigzag
//           | rows varint | minTime zigzag | maxTime zigzag | bytes varint)
//         | tombstones varint | tombstones x tombstone            (version 2; Deletion.swift)

/// A live segment file as the manifest records it.
public struct SegmentEntry: Sendable, Hashable {
    /// Unique, increasing: a higher id holds newer writes (it wins on duplicate rows).
    public var id: UInt64
    public var tableID: UInt32
    public var partitionStart: Int64
    public var rows: Int
    public var minTime: Int64
    public var maxTime: Int64
    public var bytes: Int

    public init(id: UInt64, tableID: UInt32, partitionStart: Int64, rows: Int, minTime: Int64, maxTime: Int64, bytes: Int) {
        self.id = id
        self.tableID = tableID
        self.partitionStart = partitionStart
        self.rows = rows
        self.minTime = minTime
        self.maxTime = maxTime
        self.bytes = bytes
    }

    /// The segment's file name inside its table's directory.
    public var fileName: String { FilePath.paddedNumber(id) + SegmentFormat.suffix }
}

/// The database's durable state outside the WAL.
public struct Manifest: Sendable, Hashable {
    public static let fileName = "MANIFEST"
    static let magic: [UInt8] = Array("SNDLMAN".utf8) + [0]
    /// Version 2 added tombstones; version 1 manifests (none) are still read.
    static let version: UInt32 = 2

    /// Incremented on every write of the manifest.
    public var generation: UInt64 = 0
    /// Every WAL record up to this LSN is in the live segments.
    public var flushedLSN: LSN = 0
    public var nextTableID: UInt32 = 1
    public var nextSegmentID: UInt64 = 1
    public var tables: [TableSchema] = []
    public var segments: [SegmentEntry] = []
    /// Deletions whose rows may still be in live segments.
    public var tombstones: [Tombstone] = []

    public init() {}

    public func encode() -> [UInt8] {
        var body = ByteWriter(capacity: 256)
        body.writeVarUInt(generation)
        body.writeVarUInt(flushedLSN)
        body.writeVarUInt(UInt64(nextTableID))
        body.writeVarUInt(nextSegmentID)
        body.writeVarUInt(UInt64(tables.count))
        for table in tables {
            body.writeVarUInt(UInt64(table.id))
            body.writeString(table.name)
            body.writeZigZag(table.options.partitionDuration)
            body.writeZigZag(table.options.retention ?? 0)
            ColumnDefinition.write(table.columns, into: &body)
        }
        body.writeVarUInt(UInt64(segments.count))
        for segment in segments {
            body.writeVarUInt(segment.id)
            body.writeVarUInt(UInt64(segment.tableID))
            body.writeZigZag(segment.partitionStart)
            body.writeVarUInt(UInt64(segment.rows))
            body.writeZigZag(segment.minTime)
            body.writeZigZag(segment.maxTime)
            body.writeVarUInt(UInt64(segment.bytes))
        }
        body.writeVarUInt(UInt64(tombstones.count))
        for tombstone in tombstones { tombstone.write(into: &body) }
        var file = ByteWriter(capacity: body.count + 20)
        file.writeBytes(Self.magic)
        file.writeUInt32(Self.version)
        file.writeUInt32(UInt32(body.count))
        file.writeUInt32(CRC32C.checksum(body.bytes))
        file.writeBytes(body.bytes)
        return file.bytes
    }

    /// Decodes a manifest file's bytes; errors carry `path` and the offset.
    public static func decode(_ bytes: [UInt8], path: String) throws(StorageError) -> Manifest {
        do {
            return try bytes.withBytes { (raw) throws(StorageError) -> Manifest in try decode(raw) }
        } catch {
            throw error.located(in: path, at: 0)
        }
    }

    static func decode(_ raw: UnsafeRawBufferPointer) throws(StorageError) -> Manifest {
        var reader = ByteReader(raw)
        let magic = try reader.readBytes(8, "the manifest magic")
        guard Array(magic) == Self.magic else { throw StorageError(.corrupt, "not a Sundial manifest (bad magic)", offset: 0) }
        let version = try reader.readUInt32("the manifest version")
        guard version == 1 || version == Self.version else { throw StorageError(.corrupt, "unsupported manifest version \(version)", offset: 8) }
        let length = Int(try reader.readUInt32("the manifest length"))
        let stored = try reader.readUInt32("the manifest checksum")
        guard reader.remaining == length else {
            throw reader.remaining < length ? reader.truncated("the manifest body")
                : reader.corrupt("\(reader.remaining - length) bytes after the manifest body")
        }
        let bodyStart = reader.offset
        let body = try reader.readBytes(length, "the manifest body")
        guard CRC32C.checksum(body) == stored else {
            throw StorageError(.checksumMismatch, "manifest checksum mismatch", offset: 16)
        }
        var r = ByteReader(body, errorBase: bodyStart)
        var manifest = Manifest()
        manifest.generation = try r.readVarUInt("the generation")
        manifest.flushedLSN = try r.readVarUInt("the flushed LSN")
        manifest.nextTableID = UInt32(try r.readVarInt("the next table id", max: Int(UInt32.max)))
        manifest.nextSegmentID = try r.readVarUInt("the next segment id")
        let tableCount = try r.readVarInt("the table count", max: r.remaining)
        for _ in 0..<tableCount {
            let id = UInt32(try r.readVarInt("a table id", max: Int(UInt32.max)))
            let name = try r.readString("a table name")
            let durationOffset = r.offset
            let duration = try r.readZigZag("a partition duration")
            guard duration > 0 else { throw r.corrupt("partition duration \(duration) is not positive", at: durationOffset) }
            let retention = try r.readZigZag("a retention")
            let columns = try ColumnDefinition.read(&r, max: r.remaining)
            manifest.tables.append(TableSchema(id: id, name: name,
                                               options: TableOptions(partitionDuration: duration, retention: retention == 0 ? nil : retention),
                                               columns: columns))
        }
        let segmentCount = try r.readVarInt("the segment count", max: r.remaining)
        for _ in 0..<segmentCount {
            let id = try r.readVarUInt("a segment id")
            let table = UInt32(try r.readVarInt("a segment's table id", max: Int(UInt32.max)))
            let start = try r.readZigZag("a partition start")
            let rows = try r.readVarInt("a row count", max: Int.max)
            let minTime = try r.readZigZag("a minimum time")
            let maxTime = try r.readZigZag("a maximum time")
            let bytes = try r.readVarInt("a byte count", max: Int.max)
            manifest.segments.append(SegmentEntry(id: id, tableID: table, partitionStart: start, rows: rows,
                                                  minTime: minTime, maxTime: maxTime, bytes: bytes))
        }
        if version >= 2 {
            let count = try r.readVarInt("the tombstone count", max: r.remaining)
            for _ in 0..<count { manifest.tombstones.append(try Tombstone.read(&r)) }
        }
        try r.expectEnd("the manifest")
        return manifest
    }
}
