// An open, immutable, memory-mapped segment file.
//
// Opening validates the header, the trailer and the footer's CRC32C, and checks that
// every block entry lies inside the data region; decoding a block verifies its own CRC32C.
// Every error names the file and the byte offset. The mapping is read-only and the object
// immutable, so a segment is shared freely between readers; the file may be deleted
// (by compaction or retention) only when no reader holds the object.

/// A segment file: one partition of one table.
public final class Segment: Sendable {
    public let path: String
    let file: any MappedFile
    let footer: SegmentFooter
    /// Column name → position in ``columns`` (derived once from the footer).
    let columnPositions: [String: Int]

    /// The table the rows belong to.
    public var table: String { footer.table }
    /// The partition's time range `[start, end)` in nanoseconds.
    public var partition: Range<Int64> { footer.partitionStart..<footer.partitionEnd }
    /// The columns: `time` first, then the fields.
    public var columns: [ColumnDefinition] { footer.columns }
    /// The series, each with its tags, row count, time range and blocks.
    public var series: [SegmentSeries] { footer.series }
    /// Rows in the segment.
    public var rowCount: Int { footer.rows }
    /// The smallest and largest timestamp (nil when the segment is empty).
    public var timeRange: ClosedRange<Int64>? { footer.rows == 0 ? nil : footer.minTime...footer.maxTime }
    /// The file's size in bytes.
    public var byteCount: Int { file.bytes.count }

    init(path: String, file: any MappedFile, footer: SegmentFooter) {
        self.path = path
        self.file = file
        self.footer = footer
        var positions: [String: Int] = [:]
        for (i, column) in footer.columns.enumerated() { positions[column.name] = i }
        self.columnPositions = positions
    }

    /// Maps and validates the segment at `path`.
    /// - Throws: `StorageError` with the file and offset of the first problem found.
    public static func open(path: String, fileSystem: any FileSystem) throws(StorageError) -> Segment {
        let file = try fileSystem.map(path)
        let bytes = file.bytes
        func fail(_ code: StorageError.Code, _ message: String, _ offset: Int) -> StorageError {
            StorageError(code, message, file: path, offset: offset)
        }
        guard bytes.count >= SegmentFormat.headerSize + SegmentFormat.trailerSize else {
            throw fail(.truncated, "file of \(bytes.count) bytes is too short for a segment", bytes.count)
        }
        guard Array(bytes[0..<8]) == SegmentFormat.magic else { throw fail(.corrupt, "not a Sundial segment (bad magic)", 0) }
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == SegmentFormat.version else { throw fail(.corrupt, "unsupported segment version \(version)", 8) }
        guard bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self) == 0 else {
            throw fail(.corrupt, "reserved header bytes are not zero", 12)
        }
        let trailer = bytes.count - SegmentFormat.trailerSize
        guard Array(bytes[(trailer + 16)..<(trailer + 24)]) == SegmentFormat.magic else {
            throw fail(.truncated, "trailer magic missing: the file is cut short or damaged", trailer + 16)
        }
        let rawFooterOffset = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: trailer, as: UInt64.self))
        let footerLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: trailer + 8, as: UInt32.self)))
        let footerOffset = rawFooterOffset <= UInt64(trailer) ? Int(rawFooterOffset) : -1
        guard footerOffset >= SegmentFormat.headerSize, footerOffset + footerLength == trailer else {
            throw fail(.corrupt, "footer at \(rawFooterOffset) of \(footerLength) bytes does not end at the trailer", trailer)
        }
        let footerBytes = UnsafeRawBufferPointer(rebasing: bytes[footerOffset..<trailer])
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: trailer + 12, as: UInt32.self))
        guard stored == CRC32C.checksum(footerBytes) else {
            throw fail(.checksumMismatch, "footer checksum mismatch", trailer + 12)
        }
        do {
            let footer = try SegmentFooter.decode(footerBytes, fileSize: bytes.count, dataEnd: footerOffset, errorBase: footerOffset)
            return Segment(path: path, file: file, footer: footer)
        } catch {
            throw error.located(in: path, at: 0)
        }
    }

    // MARK: Reading blocks

    func blockBytes(_ block: SegmentBlock) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[block.offset..<(block.offset + block.length)])
    }

    /// Splits a block into its validity block (if any) and its values block.
    func parts(_ block: SegmentBlock) throws(StorageError) -> (validity: UnsafeRawBufferPointer?, values: UnsafeRawBufferPointer) {
        let bytes = blockBytes(block)
        guard block.hasValidity else { return (nil, bytes) }
        let (header, _) = try ColumnBlock.open(bytes)
        let split = header.blockLength
        return (UnsafeRawBufferPointer(rebasing: bytes[0..<split]), UnsafeRawBufferPointer(rebasing: bytes[split...]))
    }

    /// Runs `body`, turning its errors into errors located in this file at `block`'s offset.
    func located<R>(_ block: SegmentBlock, _ body: () throws(StorageError) -> R) throws(StorageError) -> R {
        do { return try body() } catch { throw error.located(in: path, at: block.offset) }
    }

    func checkRows(_ decoded: Int, _ block: SegmentBlock) throws(StorageError) {
        guard decoded == block.rows else {
            throw StorageError(.corrupt, "block holds \(decoded) rows, the footer says \(block.rows)", file: path, offset: block.offset)
        }
    }

    /// Decodes a block of the time column into `output` (at least `block.rows` long).
    public func readTimestamps(_ block: SegmentBlock, into output: UnsafeMutableBufferPointer<Int64>) throws(StorageError) {
        let count = try located(block) { () throws(StorageError) in try ColumnBlock.decodeTimestamps(blockBytes(block), into: output) }
        try checkRows(count, block)
    }

    /// Decodes a block of any field column into an array (with its validity).
    public func readValues(_ block: SegmentBlock, type: ColumnType) throws(StorageError) -> ColumnValues {
        try located(block) { () throws(StorageError) -> ColumnValues in
            let (validityBytes, values) = try parts(block)
            var valid: [Bool]?
            if let validityBytes {
                var mask = [Bool](repeating: false, count: block.rows)
                let n = try mask.withUnsafeMutableBufferPointer { (out) throws(StorageError) -> Int in
                    try ColumnBlock.decodeBooleans(validityBytes, into: out)
                }
                guard n == block.rows else { throw StorageError(.corrupt, "validity block holds \(n) rows, expected \(block.rows)", offset: 0) }
                valid = mask
            }
            let result: ColumnValues
            switch type {
            case .double:
                var out = [Double](repeating: 0, count: block.rows)
                let n = try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeDoubles(values, into: o) }
                guard n == block.rows else { throw StorageError(.corrupt, "block holds \(n) rows, expected \(block.rows)", offset: 0) }
                result = .double(out, valid: valid)
            case .bigint, .timestamp:
                var out = [Int64](repeating: 0, count: block.rows)
                let n = try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeInt64(values, into: o) }
                guard n == block.rows else { throw StorageError(.corrupt, "block holds \(n) rows, expected \(block.rows)", offset: 0) }
                result = .bigint(out, valid: valid)
            case .boolean:
                var out = [Bool](repeating: false, count: block.rows)
                let n = try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeBooleans(values, into: o) }
                guard n == block.rows else { throw StorageError(.corrupt, "block holds \(n) rows, expected \(block.rows)", offset: 0) }
                result = .boolean(out, valid: valid)
            case .string:
                let strings = try ColumnBlock.decodeStrings(values)
                guard strings.count == block.rows else { throw StorageError(.corrupt, "block holds \(strings.count) rows, expected \(block.rows)", offset: 0) }
                result = .string(strings, valid: valid)
            case .tag:
                throw StorageError(.invalidArgument, "tags are not stored as columns", offset: 0)
            }
            return result
        }
    }

    /// Decodes every block and checks every checksum and row count.
    /// - Throws: the first problem, with file and offset.
    public func verify() throws(StorageError) {
        var times = [Int64](repeating: 0, count: 1)
        for s in series {
            for (index, column) in columns.enumerated() {
                for block in s.blocks[index] {
                    if column.type == .timestamp {
                        if times.count < block.rows { times = [Int64](repeating: 0, count: block.rows) }
                        try times.withUnsafeMutableBufferPointer { (out) throws(StorageError) in try readTimestamps(block, into: out) }
                    } else {
                        _ = try readValues(block, type: column.type)
                    }
                }
            }
        }
    }
}
