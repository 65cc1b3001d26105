// The segment footer: what is in the file and where (docs/formats/segment.md).
//
// footer := table: string | partitionStart: zigzag | partitionEnd: zigzag
//           | rows: varint | minTime: zigzag | maxTime: zigzag
//           | columns: varint | columns x (name: string | type: u8)        -- column 0 is `time`
//           | series: varint | series x (                          -- in increasing id order
//               id: varint | tags: varint | tags x (key: string | value: string)
//               | rows: varint | minTime: zigzag | maxTime: zigzag
//               | per column: blocks: varint | blocks x block entry )
// block entry := offset: varint | length: varint | rows: varint | flags: u8
//                (bit 0: a validity block precedes the values; bit 1: min/max follow)
//                | [min: u64 | max: u64]   (bit patterns: Int64 for time/bigint/bool, Double for double)
// string := length: varint | UTF-8 bytes (ByteWriter.writeString)

/// Where one block of one column of one series lies in a segment, with its zone map.
public struct SegmentBlock: Sendable, Hashable {
    /// Absolute file offset of the block (of its validity block, when it has one).
    public var offset: Int
    /// Bytes of the validity block (if any) and the values block together.
    public var length: Int
    /// Rows in the block.
    public var rows: Int
    /// Whether some rows lack a value (a validity block precedes the values).
    public var hasValidity: Bool
    /// The smallest and largest value (bit patterns), when the column keeps statistics
    /// and the block has a non-null, non-NaN value.
    public var min: UInt64?
    public var max: UInt64?
}

/// One series' run of rows in a segment.
public struct SegmentSeries: Sendable {
    /// The series' id in the registry.
    public var id: SeriesID
    /// The series' tag keys and values, sorted by key.
    public var tags: [(key: String, value: String)]
    public var rows: Int
    public var minTime: Int64
    public var maxTime: Int64
    /// Blocks per column, columns in the segment's column order (time first).
    public var blocks: [[SegmentBlock]]
}

/// The decoded footer.
struct SegmentFooter: Sendable {
    var table: String
    var partitionStart: Int64
    var partitionEnd: Int64
    var rows: Int
    var minTime: Int64
    var maxTime: Int64
    var columns: [ColumnDefinition]
    var series: [SegmentSeries]

    func encode(into writer: inout ByteWriter) {
        writer.writeString(table)
        writer.writeZigZag(partitionStart)
        writer.writeZigZag(partitionEnd)
        writer.writeVarUInt(UInt64(rows))
        writer.writeZigZag(minTime)
        writer.writeZigZag(maxTime)
        ColumnDefinition.write(columns, into: &writer)
        writer.writeVarUInt(UInt64(series.count))
        for s in series {
            writer.writeVarUInt(UInt64(s.id))
            writer.writeVarUInt(UInt64(s.tags.count))
            for tag in s.tags {
                writer.writeString(tag.key)
                writer.writeString(tag.value)
            }
            writer.writeVarUInt(UInt64(s.rows))
            writer.writeZigZag(s.minTime)
            writer.writeZigZag(s.maxTime)
            for blocks in s.blocks {
                writer.writeVarUInt(UInt64(blocks.count))
                for block in blocks {
                    writer.writeVarUInt(UInt64(block.offset))
                    writer.writeVarUInt(UInt64(block.length))
                    writer.writeVarUInt(UInt64(block.rows))
                    let hasStats = block.min != nil && block.max != nil
                    writer.writeUInt8((block.hasValidity ? 1 : 0) | (hasStats ? 2 : 0))
                    if hasStats {
                        writer.writeUInt64(block.min!)
                        writer.writeUInt64(block.max!)
                    }
                }
            }
        }
    }

    /// Decodes a footer; `fileSize` bounds every block entry; `errorBase` is the footer's
    /// file offset, so errors carry file offsets.
    static func decode(_ bytes: UnsafeRawBufferPointer, fileSize: Int, dataEnd: Int, errorBase: Int) throws(StorageError) -> SegmentFooter {
        var reader = ByteReader(bytes, errorBase: errorBase)
        let table = try reader.readString("the table name")
        let partitionStart = try reader.readZigZag("the partition start")
        let partitionEnd = try reader.readZigZag("the partition end")
        let rows = try reader.readVarInt("the row count", max: Int(Int32.max))
        let minTime = try reader.readZigZag("the minimum time")
        let maxTime = try reader.readZigZag("the maximum time")
        let columns = try ColumnDefinition.read(&reader) { $0 != .tag }
        let columnCount = columns.count
        guard columnCount >= 1 else { throw reader.corrupt("a segment without a time column") }
        guard columns[0].type == .timestamp else { throw reader.corrupt("column 0 is not the time column") }
        let seriesCount = try reader.readVarInt("the series count", max: reader.remaining)
        var series: [SegmentSeries] = []
        series.reserveCapacity(seriesCount)
        var totalRows = 0
        var previousID: Int64 = -1
        for _ in 0..<seriesCount {
            let idOffset = reader.offset
            let id = try reader.readVarUInt("a series id")
            guard id < UInt64(UInt32.max), Int64(id) > previousID else {
                throw reader.corrupt("series id \(id) is out of range or not above the previous one (\(previousID))", at: idOffset)
            }
            previousID = Int64(id)
            let tagCount = try reader.readVarInt("a tag count", max: 1024)
            var tags: [(key: String, value: String)] = []
            for _ in 0..<tagCount {
                let key = try reader.readString("a tag key")
                let value = try reader.readString("a tag value")
                tags.append((key, value))
            }
            let seriesRows = try reader.readVarInt("a series row count", max: rows)
            let seriesMin = try reader.readZigZag("a series minimum time")
            let seriesMax = try reader.readZigZag("a series maximum time")
            var perColumn: [[SegmentBlock]] = []
            for _ in 0..<columnCount {
                let blockCount = try reader.readVarInt("a block count", max: reader.remaining)
                var blocks: [SegmentBlock] = []
                var blockRows = 0
                for _ in 0..<blockCount {
                    let entry = reader.offset
                    let offset = try reader.readVarInt("a block offset", max: fileSize)
                    let length = try reader.readVarInt("a block length", max: fileSize)
                    let count = try reader.readVarInt("a block row count", max: ColumnBlock.maxValueCount)
                    let flags = try reader.readUInt8("block flags")
                    guard flags & ~3 == 0 else { throw reader.corrupt("unknown block flags \(flags)", at: entry) }
                    var min: UInt64?
                    var max: UInt64?
                    if flags & 2 != 0 {
                        min = try reader.readUInt64("a block minimum")
                        max = try reader.readUInt64("a block maximum")
                    }
                    guard offset >= SegmentFormat.headerSize, offset + length <= dataEnd, length > 0 else {
                        throw reader.corrupt("block at \(offset) of \(length) bytes lies outside the data region", at: entry)
                    }
                    blocks.append(SegmentBlock(offset: offset, length: length, rows: count, hasValidity: flags & 1 != 0, min: min, max: max))
                    blockRows += count
                }
                guard blockRows == seriesRows else {
                    throw reader.corrupt("blocks of a column hold \(blockRows) rows, the series has \(seriesRows)")
                }
                perColumn.append(blocks)
            }
            totalRows += seriesRows
            series.append(SegmentSeries(id: SeriesID(id), tags: tags, rows: seriesRows, minTime: seriesMin, maxTime: seriesMax, blocks: perColumn))
        }
        guard totalRows == rows else { throw reader.corrupt("series hold \(totalRows) rows, the footer says \(rows)") }
        try reader.expectEnd("the footer")
        return SegmentFooter(table: table, partitionStart: partitionStart, partitionEnd: partitionEnd, rows: rows,
                             minTime: minTime, maxTime: maxTime, columns: columns, series: series)
    }
}
