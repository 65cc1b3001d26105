// Reading: a scan takes a snapshot (segments, frozen heads, head) and walks it partition
// by partition and series by series, merging each series' rows from every source (older
// sources first, so newer rows win duplicates) and pruning by time with the zone maps.
// A series is read when the caller asks for it, so a scan holds one series' rows at a
// time and its caller can stop (a limit, a timeout) between any two series.

/// Rows of one series, as a scan returns them.
public struct SeriesBatch: Sendable {
    public var table: String
    /// The series' id in the registry.
    public var seriesID: SeriesID
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
    /// Rows that `tombstones` cover (each must cover the series) are left out.
    static func readSeries(_ segment: Segment, _ index: Int, fields: [ColumnDefinition], timeRange: Range<Int64>?,
                           tombstones: [Tombstone] = []) throws(StorageError) -> (times: [Int64], columns: [ColumnValues]) {
        var blocks = 0
        return try readSeries(segment, index, fields: fields, timeRange: timeRange, tombstones: tombstones, blocks: &blocks)
    }

    /// As above, counting the blocks decoded (those the zone maps did not skip).
    static func readSeries(_ segment: Segment, _ index: Int, fields: [ColumnDefinition], timeRange: Range<Int64>?,
                           tombstones: [Tombstone], blocks decoded: inout Int)
        throws(StorageError) -> (times: [Int64], columns: [ColumnValues]) {
        let rows = try readSeries(segment, index, fields: fields, timeRange: timeRange, blocks: &decoded)
        guard !tombstones.isEmpty, let keep = Tombstone.survivors(rows.times, tombstones) else { return rows }
        return (keep.map { rows.times[$0] }, rows.columns.map { $0.gathered(keep) })
    }

    static func readSeries(_ segment: Segment, _ index: Int, fields: [ColumnDefinition], timeRange: Range<Int64>?,
                           blocks decoded: inout Int) throws(StorageError) -> (times: [Int64], columns: [ColumnValues]) {
        let series = segment.series[index]
        let positions = segment.columnPositions
        var times: [Int64] = []
        var columns = fields.map { ColumnValues.nulls($0.type, count: 0) }
        for (b, block) in series.blocks[0].enumerated() {
            if let range = timeRange, let low = block.min, let high = block.max,
               Int64(bitPattern: high) < range.lowerBound || Int64(bitPattern: low) >= range.upperBound {
                continue  // zone map: the block lies outside the range
            }
            decoded += 1
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

/// One source of a partition's rows: a segment (with the tombstones that may hide its
/// rows), or a (frozen or live) head's partition.
struct ScanSource: Sendable {
    var segment: LiveSegment?
    var head: PartitionHead?
    var tombstones: [Tombstone] = []
}

/// A snapshot of one table, iterated series by series (in series id order within each
/// partition, partitions in time order).
public struct ScanCursor: Sendable {
    let table: TableSchema
    let fields: [ColumnDefinition]
    let timeRange: Range<Int64>?
    /// Only these series (ascending), when set: the answer of a tag predicate.
    let series: [SeriesID]?
    let segments: [LiveSegment]
    let heads: [[Int64: PartitionHead]]
    /// Deletions of this table whose rows segments may still hold.
    let tombstones: [Tombstone]
    var partitions: [Int64]
    let batchRows: Int
    /// Only the newest row of each series in each partition (the last point).
    let newestOnly: Bool
    var partitionIndex = 0
    var pending: [SeriesBatch] = []
    /// The sources of the partition being read, and its series still to read (last first).
    var sources: [ScanSource] = []
    var remaining: [SeriesID] = []
    /// What the scan has read so far.
    public internal(set) var statistics = ScanStatistics()
    /// A part of a split scan (see `split`): the series to read of each of `partitions`
    /// (instead of `series`), and whether this part counts the partition and its segments
    /// in `statistics` (the first part that enters it does).
    var partitionSeries: [[SeriesID]]?
    var countsPartition: [Bool]?

    /// The next series' rows (a long series comes in several consecutive batches), or nil
    /// at the end.
    public mutating func next() throws(StorageError) -> SeriesBatch? {
        while pending.isEmpty {
            if let id = remaining.popLast() {
                pending = try readSeries(id).reversed()
                continue
            }
            guard partitionIndex < partitions.count else { return nil }
            openPartition(partitions[partitionIndex])
            partitionIndex += 1
        }
        return pending.removeLast()
    }

    /// The start of the partition the last batch came from.
    public var currentPartition: Int64? { partitionIndex > 0 ? partitions[partitionIndex - 1] : nil }

    /// The ids of `source` that the scan wants: all, or those of `series` (a merge of two
    /// sorted lists, or binary searches when the wanted list is much shorter).
    static func wanted(_ present: [SeriesID], _ series: [SeriesID]?) -> [SeriesID] {
        guard let series else { return present }
        var result: [SeriesID] = []
        if series.count * 16 < present.count {
            for id in series where present.sortedIndex(of: id) != nil { result.append(id) }
            return result
        }
        var i = 0
        var j = 0
        while i < present.count && j < series.count {
            if present[i] < series[j] { i += 1 } else if present[i] > series[j] { j += 1 } else {
                result.append(present[i])
                i += 1
                j += 1
            }
        }
        return result
    }

    /// Makes `start` the partition being read: its sources and the wanted series they hold.
    mutating func openPartition(_ start: Int64) {
        // Sources oldest first: segments by id, then frozen heads, then the head.
        let series = self.series(of: partitionIndex)
        sources = []
        var ids = Set<SeriesID>()
        for live in segments where live.entry.partitionStart == start {
            if let range = timeRange, live.entry.maxTime < range.lowerBound || live.entry.minTime >= range.upperBound { continue }
            ids.formUnion(Self.wanted(live.ids, series))
            sources.append(ScanSource(segment: live, head: nil, tombstones: tombstones.filter { $0.applies(to: live.entry) }))
        }
        for head in heads {
            guard let partition = head[start] else { continue }
            if let series {
                for id in series where partition.series[id] != nil { ids.insert(id) }
            } else {
                ids.formUnion(partition.series.keys)
            }
            sources.append(ScanSource(segment: nil, head: partition))
        }
        remaining = ids.sorted(by: >)
        guard countsPartition?[partitionIndex] ?? true else { return }
        statistics.partitions += 1
        statistics.segments += sources.count(where: { $0.segment != nil })
    }

    /// One series of the partition being read, merged from its sources, in batches.
    mutating func readSeries(_ id: SeriesID) throws(StorageError) -> [SeriesBatch] {
        if newestOnly {
            guard let batch = try newestRow(of: id, sources) else { return [] }
            statistics.series += 1
            statistics.rows += 1
            return [batch]
        }
        var batches: [SeriesBatch] = []
        var times: [Int64] = []
        var columns = fields.map { ColumnValues.nulls($0.type, count: 0) }
        var tags: [(key: String, value: String)] = []
        for source in sources {
            if let live = source.segment, let i = live.index(of: id) {
                tags = live.segment.series[i].tags
                let rows = try SegmentScan.readSeries(live.segment, i, fields: fields, timeRange: timeRange,
                                                      tombstones: source.tombstones.filter { $0.covers(series: id) },
                                                      blocks: &statistics.blocks)
                times += rows.times
                for c in columns.indices { columns[c].append(rows.columns[c]) }
            } else if let head = source.head, let buffer = head.series[id] {
                tags = buffer.tags
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
        guard !times.isEmpty else { return [] }
        let (sortedTimes, merged) = RowMerge.sortAndMerge(times: times, columns: columns)
        statistics.series += 1
        statistics.rows += sortedTimes.count
        var offset = 0
        while offset < sortedTimes.count {
            let end = min(offset + batchRows, sortedTimes.count)
            batches.append(SeriesBatch(table: table.name, seriesID: id, tags: tags, times: Array(sortedTimes[offset..<end]),
                                       columnNames: fields.map(\.name),
                                       columns: merged.map { end - offset == sortedTimes.count ? $0 : $0.slice(offset..<end) }))
            offset = end
        }
        return batches
    }
}

extension StorageEngine {
    /// A consistent snapshot of `table` as of now, restricted to `timeRange`, the field
    /// `columns` (all fields when nil) and the `series` ids (all series when nil; any
    /// order) — a tag predicate's answer from the index: only those series' row ranges
    /// are read from each segment.
    ///
    /// - Throws: `.invalidArgument` for an unknown table or column.
    ///
    /// With `newestFirst`, partitions come newest first (rows within a partition still
    /// ascend): the newest row of each series is found without reading older partitions.
    /// With `newestOnly`, each series gives only its newest row of each partition, read
    /// from the last blocks of the segments (the last point of every series at the cost of
    /// one block per series instead of its whole partition).
    public func scan(table name: String, columns: [String]? = nil, timeRange: Range<Int64>? = nil,
                     series: [SeriesID]? = nil, batchRows: Int = 8192, newestFirst: Bool = false,
                     newestOnly: Bool = false) throws(StorageError) -> ScanCursor {
        try Self.cursor(state.withLock { $0.readState }, table: name, columns: columns, timeRange: timeRange, series: series,
                        batchRows: batchRows, newestFirst: newestFirst, newestOnly: newestOnly)
    }

    /// A cursor over `read` (see `scan`).
    static func cursor(_ read: ReadState, table name: String, columns: [String]?, timeRange: Range<Int64>?,
                       series: [SeriesID]?, batchRows: Int, newestFirst: Bool, newestOnly: Bool = false) throws(StorageError) -> ScanCursor {
        guard let table = read.catalog.table(name) else { throw StorageError(.invalidArgument, "no table \"\(name)\"") }
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
        let segments = read.segments.filter { $0.entry.tableID == table.id }.sorted { $0.entry.id < $1.entry.id }
        let heads = (read.frozen + [read.head]).map { $0.tables[table.id] ?? [:] }
        var starts = Set(segments.map(\.entry.partitionStart))
        for head in heads { starts.formUnion(head.keys) }
        let ordered = newestFirst ? starts.sorted(by: >) : starts.sorted()
        let partitions = ordered.filter { start in
            guard let range = timeRange else { return true }
            return start < range.upperBound && start &+ table.options.partitionDuration > range.lowerBound
        }
        var wanted = series
        if let ids = series, zip(ids, ids.dropFirst()).contains(where: { $0 >= $1 }) { wanted = Array(Set(ids)).sorted() }
        return ScanCursor(table: table, fields: fields, timeRange: timeRange, series: wanted, segments: segments, heads: heads,
                          tombstones: read.tombstones.filter { $0.tableID == table.id },
                          partitions: partitions, batchRows: max(1, batchRows), newestOnly: newestOnly)
    }

    /// Figures for `sundial stats`.
    public struct Statistics: Sendable {
        public struct Table: Sendable {
            public var name: String
            public var rows = 0
            public var headRows = 0
            /// Series registered for the table.
            public var series = 0
            public var partitions = Set<Int64>()
            public var segments = 0
            public var segmentBytes = 0
            public var fieldValues = 0
        }
        public var tables: [Table]
        /// Series registered in all tables.
        public var series: Int
        /// Bytes of the series log on disk.
        public var seriesLogBytes: Int
        /// Bytes the series registry holds in memory (an estimate).
        public var registryMemoryBytes: Int
        public var walBytes: Int
        public var flushedLSN: LSN
        public var nextLSN: LSN
        /// Durations of the WAL's fsyncs since open.
        public var walSyncs = SyncStatistics()
        /// Since open: flushes, partitions compacted, deletions applied.
        public var flushes = 0
        public var compactions = 0
        public var deletions = 0
    }

    /// Tables, rows, series, partitions, segments and bytes.
    public func statistics() -> Statistics {
        let (manifest, catalog, segments, head, frozen, counts, registryBytes, series, work) = state.withLock { s in
            (s.manifest, s.catalog, Array(s.segments.values), s.head, s.frozen,
             s.catalog.tables.values.map { ($0.id, s.registry.count(table: $0.id)) }, s.registry.approximateBytes, s.registry.count,
             (s.flushes, s.compactions, s.deletions))
        }
        var tables: [UInt32: Statistics.Table] = [:]
        for table in catalog.tables.values { tables[table.id] = Statistics.Table(name: table.name) }
        for (id, count) in counts { tables[id]?.series = count }
        for live in segments {
            guard var t = tables[live.entry.tableID] else { continue }
            t.rows += live.entry.rows
            t.segments += 1
            t.segmentBytes += live.segment.byteCount
            t.partitions.insert(live.entry.partitionStart)
            t.fieldValues += live.entry.rows * max(0, live.segment.columns.count - 1)
            tables[live.entry.tableID] = t
        }
        for h in frozen + [head] {
            for (id, partitions) in h.tables {
                guard var t = tables[id] else { continue }
                for (start, partition) in partitions {
                    t.headRows += partition.rows
                    t.partitions.insert(start)
                }
                tables[id] = t
            }
        }
        let walBytes = wal.segmentPaths.reduce(0) { $0 + ((try? fileSystem.fileSize($1)) ?? 0) }
        return Statistics(tables: tables.values.sorted { $0.name < $1.name }, series: series,
                          seriesLogBytes: seriesLog.byteCount, registryMemoryBytes: registryBytes, walBytes: walBytes,
                          flushedLSN: manifest.flushedLSN, nextLSN: wal.nextLSN, walSyncs: wal.syncStatistics,
                          flushes: work.0, compactions: work.1, deletions: work.2)
    }

    /// Checks every checksum of every live segment, the manifest and the series log, and
    /// that every series a segment holds is registered under the same id, table and tags.
    /// - Throws: the first damage found, with file and offset.
    public func verify() throws(StorageError) {
        let segments = state.withLock { Array($0.segments.values) }
        for live in segments.sorted(by: { $0.entry.id < $1.entry.id }) { try live.segment.verify() }
        if fileSystem.exists(manifestPath) {
            _ = try Manifest.decode(fileSystem.readFile(manifestPath), path: manifestPath)
        }
        // The series log as on disk: every record's checksum (a torn tail only past the
        // records this process wrote is tolerated, as recovery would cut it).
        let onDisk = try SeriesRegistry(SeriesLog.read(seriesLog.path, fileSystem: fileSystem).1.registrations, log: seriesLog.path)
        for live in segments.sorted(by: { $0.entry.id < $1.entry.id }) {
            for series in live.segment.series {
                let key = SeriesKey(table: live.entry.tableID, key: SeriesKey.canonical(series.tags))
                guard let registered = onDisk.key(of: series.id) else {
                    throw StorageError(.corrupt, "series id \(series.id) of the segment is missing from the series log",
                                       file: live.segment.path)
                }
                guard registered == key else {
                    throw StorageError(.corrupt, "series id \(series.id) of the segment has tags \(key.key) but is registered for \(registered.key) (table \(registered.table))",
                                       file: live.segment.path)
                }
            }
        }
    }
}
