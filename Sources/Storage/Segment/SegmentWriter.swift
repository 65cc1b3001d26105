// Writing a segment: one partition of one table, rows sorted by (series, time), encoded
// column by column into framed blocks, then the footer and trailer. The file is written
// under a temporary name, synced, renamed into place, and the directory synced; only then
// may the manifest reference it.

/// One series' rows for a segment: its registry id, its tags, its timestamps (sorted
/// ascending), and one `ColumnValues` per field of the schema, all of the same length.
public struct SegmentSeriesData: Sendable {
    public var id: SeriesID
    public var tags: [(key: String, value: String)]
    public var timestamps: [Int64]
    public var fields: [ColumnValues]

    public init(id: SeriesID, tags: [(key: String, value: String)], timestamps: [Int64], fields: [ColumnValues]) {
        self.id = id
        self.tags = tags
        self.timestamps = timestamps
        self.fields = fields
    }
}

/// Builds a segment in memory one series at a time (so a caller never needs more than
/// one series' rows at once), then writes it durably.
public struct SegmentBuilder {
    let table: String
    let partition: Range<Int64>
    let fields: [ColumnDefinition]
    let rowsPerBlock: Int
    var writer = ByteWriter(capacity: 1 << 16)
    var entries: [SegmentSeries] = []
    var rows = 0
    var minTime = Int64.max
    var maxTime = Int64.min

    public init(table: String, partition: Range<Int64>, fields: [ColumnDefinition],
                rowsPerBlock: Int = SegmentFormat.defaultRowsPerBlock) {
        precondition(rowsPerBlock > 0 && rowsPerBlock <= ColumnBlock.maxValueCount)
        self.table = table
        self.partition = partition
        self.fields = fields
        self.rowsPerBlock = rowsPerBlock
        writer.writeBytes(SegmentFormat.magic)
        writer.writeUInt32(SegmentFormat.version)
        writer.writeUInt32(0)
    }

    /// Rows added so far.
    public var rowCount: Int { rows }

    /// Encodes one series (timestamps sorted ascending; one `ColumnValues` per field).
    /// Series are added in increasing id order: the series directory is sorted by id.
    public mutating func add(_ s: SegmentSeriesData) {
        precondition(entries.last.map { $0.id < s.id } ?? true, "series must be added in increasing id order")
        precondition(s.fields.count == fields.count, "a series has \(s.fields.count) field columns, the schema \(fields.count)")
        for (values, definition) in zip(s.fields, fields) {
            precondition(values.count == s.timestamps.count && values.type == definition.type, "column shape mismatch")
        }
        let n = s.timestamps.count
        guard n > 0 else { return }
        var perColumn: [[SegmentBlock]] = []
        var timeBlocks: [SegmentBlock] = []
        let ranges = SegmentFormat.blockRanges(rows: n, rowsPerBlock: rowsPerBlock)
        for range in ranges {
            let (start, end) = (range.lowerBound, range.upperBound)
            let offset = writer.count
            s.timestamps[start..<end].withUnsafeBufferPointer { _ = ColumnBlock.encodeTimestamps($0, into: &writer) }
            timeBlocks.append(SegmentBlock(offset: offset, length: writer.count - offset, rows: end - start, hasValidity: false,
                                           min: UInt64(bitPattern: s.timestamps[start]), max: UInt64(bitPattern: s.timestamps[end - 1])))
        }
        perColumn.append(timeBlocks)
        for values in s.fields {
            var blocks: [SegmentBlock] = []
            for range in ranges { blocks.append(SegmentWriter.writeBlock(values, range, into: &writer)) }
            perColumn.append(blocks)
        }
        entries.append(SegmentSeries(id: s.id, tags: s.tags.sorted { $0.key < $1.key }, rows: n,
                                     minTime: s.timestamps[0], maxTime: s.timestamps[n - 1], blocks: perColumn))
        rows += n
        minTime = Swift.min(minTime, s.timestamps[0])
        maxTime = Swift.max(maxTime, s.timestamps[n - 1])
    }

    /// Appends the footer and trailer and writes the file durably at `path`: a temporary
    /// file is synced, `beforeRename` runs (a failpoint for crash tests), the file is
    /// renamed into place and the directory synced.
    public consuming func write(
        to path: String, fileSystem: any FileSystem, beforeRename: () throws(StorageError) -> Void = {}
    ) throws(StorageError) -> SegmentWriter.Summary {
        let footer = SegmentFooter(table: table, partitionStart: partition.lowerBound, partitionEnd: partition.upperBound,
                                   rows: rows, minTime: rows == 0 ? 0 : minTime, maxTime: rows == 0 ? 0 : maxTime,
                                   columns: [ColumnDefinition(name: "time", type: .timestamp)] + fields, series: entries)
        let footerOffset = writer.count
        footer.encode(into: &writer)
        let footerLength = writer.count - footerOffset
        let footerCRC = writer.bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[footerOffset...])) }
        writer.writeUInt64(UInt64(footerOffset))
        writer.writeUInt32(UInt32(footerLength))
        writer.writeUInt32(footerCRC)
        writer.writeBytes(SegmentFormat.magic)

        let temporary = path + ".tmp"
        if fileSystem.exists(temporary) { try fileSystem.removeFile(temporary) }
        let handle = try fileSystem.open(temporary, mode: .createNew)
        do throws(StorageError) {
            try writer.bytes.withBytes { (raw) throws(StorageError) in try handle.write(raw, at: 0) }
            try handle.sync()
            try handle.close()
            try beforeRename()
        } catch {
            try? handle.close()
            try? fileSystem.removeFile(temporary)
            throw error
        }
        try fileSystem.rename(temporary, to: path)
        try fileSystem.syncDirectory(FilePath.directory(of: path))
        return SegmentWriter.Summary(path: path, bytes: writer.count, rows: rows)
    }
}

/// Writes segment files.
public enum SegmentWriter {
    /// What was written.
    public struct Summary: Sendable {
        public var path: String
        public var bytes: Int
        public var rows: Int
    }

    /// Writes a segment durably at `path` (see ``SegmentBuilder``).
    ///
    /// - Parameters:
    ///   - fields: the field columns (not `time`, not tags), in storage order.
    ///   - series: the series in increasing id order; each one's timestamps sorted.
    ///   - beforeRename: called after the temporary file is synced, before it is renamed
    ///     (a failpoint for crash tests).
    /// - Throws: `StorageError` on I/O failure; the temporary file is removed.
    public static func write(
        to path: String, fileSystem: any FileSystem, table: String, partition: Range<Int64>,
        fields: [ColumnDefinition], series: [SegmentSeriesData],
        rowsPerBlock: Int = SegmentFormat.defaultRowsPerBlock,
        beforeRename: () throws(StorageError) -> Void = {}
    ) throws(StorageError) -> Summary {
        var builder = SegmentBuilder(table: table, partition: partition, fields: fields, rowsPerBlock: rowsPerBlock)
        for s in series { builder.add(s) }
        return try builder.write(to: path, fileSystem: fileSystem, beforeRename: beforeRename)
    }

    /// Encodes rows `range` of `values` (a validity block first when some lack a value).
    static func writeBlock(_ values: ColumnValues, _ range: Range<Int>, into writer: inout ByteWriter) -> SegmentBlock {
        let offset = writer.count
        var hasValidity = false
        if let valid = values.validity, valid[range].contains(false) {
            hasValidity = true
            valid[range].withUnsafeBufferPointer { _ = ColumnBlock.encodeBooleans($0, into: &writer) }
        }
        let isValid: (Int) -> Bool = { i in values.validity?[i] ?? true }
        var min: UInt64?
        var max: UInt64?
        switch values {
        case .double(let v, _):
            v[range].withUnsafeBufferPointer { _ = ColumnBlock.encodeDoubles($0, into: &writer) }
            var low = Double.infinity, high = -Double.infinity, any = false
            for i in range where isValid(i) && !v[i].isNaN {
                low = Swift.min(low, v[i]); high = Swift.max(high, v[i]); any = true
            }
            if any { min = low.bitPattern; max = high.bitPattern }
        case .bigint(let v, _):
            v[range].withUnsafeBufferPointer { _ = ColumnBlock.encodeInt64($0, into: &writer) }
            var low = Int64.max, high = Int64.min, any = false
            for i in range where isValid(i) { low = Swift.min(low, v[i]); high = Swift.max(high, v[i]); any = true }
            if any { min = UInt64(bitPattern: low); max = UInt64(bitPattern: high) }
        case .boolean(let v, _):
            v[range].withUnsafeBufferPointer { _ = ColumnBlock.encodeBooleans($0, into: &writer) }
            var seenFalse = false, seenTrue = false
            for i in range where isValid(i) { if v[i] { seenTrue = true } else { seenFalse = true } }
            if seenFalse || seenTrue { min = seenFalse ? 0 : 1; max = seenTrue ? 1 : 0 }
        case .string(let v, _):
            _ = ColumnBlock.encodeStrings(Array(v[range]), into: &writer)
        }
        return SegmentBlock(offset: offset, length: writer.count - offset, rows: range.count, hasValidity: hasValidity, min: min, max: max)
    }
}
