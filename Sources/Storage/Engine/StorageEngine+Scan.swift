// Reading: a scan takes a snapshot (segments, frozen heads, head) and walks it partition
// by partition and series by series, merging each series' rows from every source (older
// sources first, so newer rows win duplicates) and pruning by time with the zone maps.

/// Rows of one series, as a scan returns them.
public struct SeriesBatch: Sendable {
    public var table: String
    /// The series' tags, sorted by key.
    public var tags: [(key: String, value: String)]
    /// Timestamps, ascending, unique.
    public var times: [Int64]
    /// The requested columns, in the requested order.
    public var columnNames: [String]
    public var columns: [ColumnValues]
    public var rowCount: Int { times.count }
}

enum SegmentScan {
    /// One series of a segment: its rows inside `timeRange` (all when nil), one column per
    /// field of `fields` (fields the segment lacks have no values).
    static func readSeries(_ segment: Segment, _ index: Int, fields: [ColumnDefinition], timeRange: Range<Int64>?)
        throws(StorageError) -> (times: [Int64], columns: [ColumnValues]) {
        let series = segment.series[index]
        let positions = segment.columnPositions
        var times: [Int64] = []
        var columns = fields.map { ColumnValues.nulls($0.type, count: 0) }
        for (b, block) in series.blocks[0].enumerated() {
            if let range = timeRange, let low = block.min, let high = block.max,
               Int64(bitPattern: high) < range.lowerBound || Int64(bitPattern: low) >= range.upperBound {
                continue  // zone map: the block lies outside the range
            }
            var blockTimes = [Int64](repeating: 0, count: block.rows)
            try blockTimes.withUnsafeMutableBufferPointer { (out) throws(StorageError) in try segment.readTimestamps(block, into: out) }
            var keep: Range<Int> = 0..<block.rows
            if let range = timeRange {
                let first = blockTimes.firstIndex { $0 >= range.lowerBound } ?? block.rows
                let end = blockTimes[first...].firstIndex { $0 >= range.upperBound } ?? block.rows
                keep = first..<end
            }
            guard !keep.isEmpty else { continue }
            times += blockTimes[keep]
            for (c, field) in fields.enumerated() {
                if let position = positions[field.name], segment.columns[position].type == field.type {
                    let values = try segment.readValues(series.blocks[position][b], type: field.type)
                    columns[c].append(keep.count == block.rows ? values : values.slice(keep))
                } else {
                    columns[c].append(.nulls(field.type, count: keep.count))
                }
            }
        }
        return (times, columns)
    }
}

/// A snapshot of one table, iterated series by series.
public struct ScanCursor: Sendable {
    let table: TableSchema
    let fields: [ColumnDefinition]
    let timeRange: Range<Int64>?
    let segments: [LiveSegment]
    let heads: [[Int64: PartitionHead]]
    let partitions: [Int64]
    let batchRows: Int
    var partitionIndex = 0
    var pending: [SeriesBatch] = []

    /// The next series' rows (a long series comes in several batches), or nil at the end.
    public mutating func next() throws(StorageError) -> SeriesBatch? {
        while pending.isEmpty {
            guard partitionIndex < partitions.count else { return nil }
            pending = try readPartition(partitions[partitionIndex]).reversed()
            partitionIndex += 1
        }
        return pending.removeLast()
    }

    func readPartition(_ start: Int64) throws(StorageError) -> [SeriesBatch] {
        // Sources oldest first: segments by id, then frozen heads, then the head.
        struct Source { var segment: (Segment, [String: Int])?; var head: PartitionHead? }
        var sources: [Source] = []
        var tagsByKey: [String: [(key: String, value: String)]] = [:]
        for live in segments where live.entry.partitionStart == start {
            if let range = timeRange, live.entry.maxTime < range.lowerBound || live.entry.minTime >= range.upperBound { continue }
            for (key, i) in live.seriesIndex { tagsByKey[key] = live.segment.series[i].tags }
            sources.append(Source(segment: (live.segment, live.seriesIndex), head: nil))
        }
        for head in heads {
            guard let partition = head[start] else { continue }
            for (key, buffer) in partition.series { tagsByKey[key] = buffer.tags }
            sources.append(Source(segment: nil, head: partition))
        }
        var batches: [SeriesBatch] = []
        for key in tagsByKey.keys.sorted() {
            var times: [Int64] = []
            var columns = fields.map { ColumnValues.nulls($0.type, count: 0) }
            for source in sources {
                if let (segment, index) = source.segment, let i = index[key] {
                    let rows = try SegmentScan.readSeries(segment, i, fields: fields, timeRange: timeRange)
                    times += rows.times
                    for c in columns.indices { columns[c].append(rows.columns[c]) }
                } else if let head = source.head, let buffer = head.series[key] {
                    var keep: [Int] = []
                    for (i, t) in buffer.times.enumerated() where timeRange?.contains(t) ?? true { keep.append(i) }
                    guard !keep.isEmpty else { continue }
                    times += keep.map { buffer.times[$0] }
                    for (c, field) in fields.enumerated() {
                        let values = buffer.columns[field.name].map { $0.type == field.type ? $0.gathered(keep) : .nulls(field.type, count: keep.count) }
                        columns[c].append(values ?? .nulls(field.type, count: keep.count))
                    }
                }
            }
            guard !times.isEmpty else { continue }
            let (sortedTimes, merged) = RowMerge.sortAndMerge(times: times, columns: columns)
            var offset = 0
            while offset < sortedTimes.count {
                let end = min(offset + batchRows, sortedTimes.count)
                batches.append(SeriesBatch(table: table.name, tags: tagsByKey[key]!, times: Array(sortedTimes[offset..<end]),
                                           columnNames: fields.map(\.name),
                                           columns: merged.map { end - offset == sortedTimes.count ? $0 : $0.slice(offset..<end) }))
                offset = end
            }
        }
        return batches
    }
}

extension StorageEngine {
    /// A consistent snapshot of `table` as of now, restricted to `timeRange` and the field
    /// `columns` (all fields when nil).
    ///
    /// - Throws: `.invalidArgument` for an unknown table or column.
    public func scan(table name: String, columns: [String]? = nil, timeRange: Range<Int64>? = nil,
                     batchRows: Int = 8192) throws(StorageError) -> ScanCursor {
        let snapshot = state.withLock { s in
            (s.catalog.table(name), Array(s.segments.values), s.frozen, s.head)
        }
        guard let table = snapshot.0 else { throw StorageError(.invalidArgument, "no table \"\(name)\"") }
        var fields = table.fields
        if let columns {
            fields = []
            for column in columns {
                guard let definition = table.fields.first(where: { $0.name == column }) else {
                    throw StorageError(.invalidArgument, "table \"\(name)\" has no field \"\(column)\"")
                }
                fields.append(definition)
            }
        }
        let segments = snapshot.1.filter { $0.entry.tableID == table.id }.sorted { $0.entry.id < $1.entry.id }
        let heads = (snapshot.2 + [snapshot.3]).map { $0.tables[table.id] ?? [:] }
        var starts = Set(segments.map(\.entry.partitionStart))
        for head in heads { starts.formUnion(head.keys) }
        let partitions = starts.sorted().filter { start in
            guard let range = timeRange else { return true }
            return start < range.upperBound && start &+ table.options.partitionDuration > range.lowerBound
        }
        return ScanCursor(table: table, fields: fields, timeRange: timeRange, segments: segments, heads: heads,
                          partitions: partitions, batchRows: max(1, batchRows))
    }

    /// Figures for `sundial stats`.
    public struct Statistics: Sendable {
        public struct Table: Sendable {
            public var name: String
            public var rows = 0
            public var headRows = 0
            public var series = Set<String>()
            public var partitions = Set<Int64>()
            public var segments = 0
            public var segmentBytes = 0
            public var fieldValues = 0
        }
        public var tables: [Table]
        public var walBytes: Int
        public var flushedLSN: LSN
        public var nextLSN: LSN
    }

    /// Tables, rows, series, partitions, segments and bytes.
    public func statistics() -> Statistics {
        let (manifest, catalog, segments, head, frozen) = state.withLock { ($0.manifest, $0.catalog, Array($0.segments.values), $0.head, $0.frozen) }
        var tables: [UInt32: Statistics.Table] = [:]
        for table in catalog.tables.values { tables[table.id] = Statistics.Table(name: table.name) }
        for live in segments {
            guard var t = tables[live.entry.tableID] else { continue }
            t.rows += live.entry.rows
            t.segments += 1
            t.segmentBytes += live.segment.byteCount
            t.partitions.insert(live.entry.partitionStart)
            t.series.formUnion(live.seriesIndex.keys)
            t.fieldValues += live.entry.rows * max(0, live.segment.columns.count - 1)
            tables[live.entry.tableID] = t
        }
        for h in frozen + [head] {
            for (id, partitions) in h.tables {
                guard var t = tables[id] else { continue }
                for (start, partition) in partitions {
                    t.headRows += partition.rows
                    t.partitions.insert(start)
                    t.series.formUnion(partition.series.keys)
                }
                tables[id] = t
            }
        }
        let walBytes = wal.segmentPaths.reduce(0) { $0 + ((try? fileSystem.fileSize($1)) ?? 0) }
        return Statistics(tables: tables.values.sorted { $0.name < $1.name }, walBytes: walBytes,
                          flushedLSN: manifest.flushedLSN, nextLSN: wal.nextLSN)
    }

    /// Checks every checksum of every live segment, the manifest and the WAL.
    /// - Throws: the first damage found, with file and offset.
    public func verify() throws(StorageError) {
        let segments = state.withLock { Array($0.segments.values) }
        for live in segments.sorted(by: { $0.entry.id < $1.entry.id }) { try live.segment.verify() }
        if fileSystem.exists(manifestPath) {
            _ = try Manifest.decode(fileSystem.readFile(manifestPath), path: manifestPath)
        }
    }
}
