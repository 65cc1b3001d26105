// The head: writes not yet flushed to segments, as in-memory columnar buffers per table,
// time partition and series. Rows are appended in arrival order (out-of-order and late
// rows are accepted); sorting and duplicate resolution happen at flush and read time.
//
// The head is a value type made of arrays: a reader takes a snapshot by copying it (the
// arrays are shared copy-on-write), so a scan sees the head as of its start while writers
// go on. Not thread-safe by itself: the engine guards it with its lock.

/// One series' unflushed rows in one partition.
public struct SeriesBuffer: Sendable {
    public var tags: [(key: String, value: String)]
    public var times: [Int64] = []
    /// Field name → values, each as long as `times`.
    public var columns: [String: ColumnValues] = [:]

    mutating func append(_ rows: SeriesRows, range: Range<Int>, columns definitions: [ColumnDefinition]) {
        let existing = times.count
        times += rows.timestamps[range]
        var touched = Set<String>()
        for (definition, values) in zip(definitions, rows.columns) {
            let part = values.slice(range)
            if columns[definition.name] == nil {
                columns[definition.name] = .nulls(definition.type, count: existing)
            }
            columns[definition.name]!.append(part)
            touched.insert(definition.name)
        }
        for name in columns.keys where !touched.contains(name) {
            columns[name]!.append(.nulls(columns[name]!.type, count: range.count))
        }
    }
}

/// One partition's unflushed rows.
public struct PartitionHead: Sendable {
    public var start: Int64
    /// Series id → rows.
    public var series: [SeriesID: SeriesBuffer] = [:]
    public var rows = 0
}

/// The unflushed rows of every table.
public struct Head: Sendable {
    /// Table id → partition start → partition.
    public var tables: [UInt32: [Int64: PartitionHead]] = [:]
    public var rows = 0
    /// A rough count of the bytes the buffers hold.
    public var approximateBytes = 0

    public init() {}

    /// Adds a batch's rows (`ids`: the registry id of each series), splitting them by
    /// partition. Buffers are mutated in place through the dictionaries (never copied out
    /// and back, which would copy every array).
    public mutating func apply(_ batch: WriteBatch, ids: [SeriesID], table: TableSchema) {
        for (rows, key) in zip(batch.series, ids) {
            var start = 0
            // Rows arrive mostly in time order: cut runs that stay in one partition.
            while start < rows.timestamps.count {
                let partition = table.options.partitionStart(of: rows.timestamps[start])
                var end = start + 1
                while end < rows.timestamps.count && table.options.partitionStart(of: rows.timestamps[end]) == partition { end += 1 }
                tables[table.id, default: [:]][partition, default: PartitionHead(start: partition)]
                    .series[key, default: SeriesBuffer(tags: rows.tags.sorted { $0.key < $1.key })]
                    .append(rows, range: start..<end, columns: batch.columns)
                tables[table.id]![partition]!.rows += end - start
                self.rows += end - start
                approximateBytes += (end - start) * (16 + 9 * batch.columns.count)
                start = end
            }
        }
    }

    /// A partition's series as segment input: in id order, rows sorted by time and
    /// merged, one column per field of `fields` (absent fields have no values).
    public static func segmentData(_ partition: PartitionHead, fields: [ColumnDefinition]) -> [SegmentSeriesData] {
        partition.series.keys.sorted().map { id in
            let buffer = partition.series[id]!
            let columns = fields.map { buffer.columns[$0.name] ?? .nulls($0.type, count: buffer.times.count) }
            let (times, merged) = RowMerge.sortAndMerge(times: buffer.times, columns: columns)
            return SegmentSeriesData(id: id, tags: buffer.tags, timestamps: times, fields: merged)
        }
    }
}
