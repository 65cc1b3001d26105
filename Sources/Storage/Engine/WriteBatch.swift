// A columnar batch of rows for one table: the unit of a write, of a WAL record, and of
// applying to the head. Rows are grouped by series; each group has its timestamps and,
// per column of the batch, values with an optional validity mask.
//
// WAL payload (record kind 1) := table string | columns varint | columns x (name string |
//   type u8) | groups varint | groups x (series id varint | tags varint | tags x (key string | value string)
//   | rows varint | timestamps block | per column: [validity block] values block)
// Blocks are framed column blocks (codecs.md) with cheap-to-encode codecs: delta-of-delta
// timestamps, Gorilla doubles, delta integers, bitmap booleans, plain or zstd strings.
// A flag byte before each column's blocks says whether a validity block is present.

/// Rows of one series in a batch.
public struct SeriesRows: Sendable, Hashable {
    /// Tag keys and values, sorted by key, unique keys.
    public var tags: [(key: String, value: String)]
    public var timestamps: [Int64]
    /// One entry per column of the batch, each `timestamps.count` long.
    public var columns: [ColumnValues]

    public init(tags: [(key: String, value: String)], timestamps: [Int64], columns: [ColumnValues]) {
        self.tags = tags.sorted { $0.key < $1.key }
        self.timestamps = timestamps
        self.columns = columns
    }

    public static func == (a: SeriesRows, b: SeriesRows) -> Bool {
        a.tags.elementsEqual(b.tags) { $0.key == $1.key && $0.value == $1.value } && a.timestamps == b.timestamps && a.columns == b.columns
    }

    public func hash(into hasher: inout Hasher) {
        for tag in tags { hasher.combine(tag.key); hasher.combine(tag.value) }
        hasher.combine(timestamps)
    }
}

/// A columnar write to one table.
public struct WriteBatch: Sendable, Hashable {
    public var table: String
    /// The field columns the batch carries (a subset of the table's fields).
    public var columns: [ColumnDefinition]
    public var series: [SeriesRows]

    public init(table: String, columns: [ColumnDefinition], series: [SeriesRows]) {
        self.table = table
        self.columns = columns
        self.series = series
    }

    /// Rows in the batch.
    public var rowCount: Int { series.reduce(0) { $0 + $1.timestamps.count } }
    /// Field values in the batch (rows × columns, counting present values only).
    public var valueCount: Int {
        series.reduce(0) { total, s in
            total + s.columns.reduce(0) { $0 + ($1.validity.map { m in m.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? $1.count) }
        }
    }

    /// Checks shapes: every series' columns match the batch's columns in count, type and length.
    public func validate() throws(StorageError) {
        try TableSchema.validateName(table, what: "table")
        var names = Set<String>()
        for column in columns {
            try TableSchema.validateName(column.name, what: "column")
            guard column.type != .tag && column.type != .timestamp else {
                throw StorageError(.invalidArgument, "column \"\(column.name)\" of a batch must be a field")
            }
            guard names.insert(column.name).inserted else {
                throw StorageError(.invalidArgument, "column \"\(column.name)\" appears twice in the batch")
            }
        }
        for s in series {
            guard s.columns.count == columns.count else {
                throw StorageError(.invalidArgument, "a series carries \(s.columns.count) columns, the batch declares \(columns.count)")
            }
            for (values, column) in zip(s.columns, columns) {
                guard values.type == column.type, values.count == s.timestamps.count,
                      values.validity.map({ $0.count == s.timestamps.count }) ?? true else {
                    throw StorageError(.invalidArgument, "column \"\(column.name)\" does not match its declared type or the row count")
                }
            }
            var seen = Set<String>()
            for tag in s.tags {
                try TableSchema.validateName(tag.key, what: "tag")
                guard !tag.value.isEmpty else { throw StorageError(.invalidArgument, "tag \"\(tag.key)\" has an empty value") }
                guard seen.insert(tag.key).inserted, !names.contains(tag.key) else {
                    throw StorageError(.invalidArgument, "tag \"\(tag.key)\" appears twice or also as a field")
                }
            }
        }
    }

    // MARK: WAL encoding

    /// The WAL payload of the batch, with the registry id of each series (in `series` order).
    public func encode(seriesIDs: [SeriesID]) -> [UInt8] {
        precondition(seriesIDs.count == series.count, "one series id per series")
        var writer = ByteWriter(capacity: 64 + rowCount * (8 + columns.count * 4))
        writer.writeString(table)
        ColumnDefinition.write(columns, into: &writer)
        writer.writeVarUInt(UInt64(series.count))
        for (s, id) in zip(series, seriesIDs) {
            writer.writeVarUInt(UInt64(id))
            writer.writeVarUInt(UInt64(s.tags.count))
            for tag in s.tags {
                writer.writeString(tag.key)
                writer.writeString(tag.value)
            }
            writer.writeVarUInt(UInt64(s.timestamps.count))
            s.timestamps.withUnsafeBufferPointer { ColumnBlock.write(TimestampCodec.self, $0, into: &writer) }
            for values in s.columns {
                if let valid = values.validity {
                    writer.writeUInt8(1)
                    valid.withUnsafeBufferPointer { ColumnBlock.write(BooleanBitmapCodec.self, $0, into: &writer) }
                } else {
                    writer.writeUInt8(0)
                }
                switch values {
                case .double(let v, _): v.withUnsafeBufferPointer { ColumnBlock.write(GorillaCodec.self, $0, into: &writer) }
                case .bigint(let v, _): v.withUnsafeBufferPointer { ColumnBlock.write(Int64DeltaCodec.self, $0, into: &writer) }
                case .boolean(let v, _): v.withUnsafeBufferPointer { ColumnBlock.write(BooleanBitmapCodec.self, $0, into: &writer) }
                case .string(let v, _): _ = ColumnBlock.encodeStrings(v, into: &writer)
                }
            }
        }
        return writer.bytes
    }

    /// Decodes a WAL payload into the batch and the series ids it carries.
    public static func decode(_ payload: [UInt8]) throws(StorageError) -> (batch: WriteBatch, seriesIDs: [SeriesID]) {
        try payload.withBytes { (raw) throws(StorageError) -> (batch: WriteBatch, seriesIDs: [SeriesID]) in
            var r = ByteReader(raw)
            let table = try r.readString("the table name")
            let columns = try ColumnDefinition.read(&r) { $0 != .tag && $0 != .timestamp }
            let groupCount = try r.readVarInt("the series count", max: r.remaining)
            var series: [SeriesRows] = []
            var ids: [SeriesID] = []
            for _ in 0..<groupCount {
                let idOffset = r.offset
                let id = try r.readVarUInt("a series id")
                guard id < UInt64(UInt32.max) else { throw r.corrupt("series id \(id) is out of range", at: idOffset) }
                ids.append(SeriesID(id))
                let tagCount = try r.readVarInt("a tag count", max: 1024)
                var tags: [(key: String, value: String)] = []
                for _ in 0..<tagCount {
                    tags.append((try r.readString("a tag key"), try r.readString("a tag value")))
                }
                let rows = try r.readVarInt("a row count", max: ColumnBlock.maxValueCount)
                var times = [Int64](repeating: 0, count: rows)
                try readBlock(&r) { (block) throws(StorageError) in
                    let n = try times.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeTimestamps(block, into: o) }
                    guard n == rows else { throw StorageError(.corrupt, "timestamps block holds \(n) rows, expected \(rows)") }
                }
                var values: [ColumnValues] = []
                for column in columns {
                    let flagOffset = r.offset
                    let flag = try r.readUInt8("a validity flag")
                    guard flag <= 1 else { throw r.corrupt("invalid validity flag \(flag)", at: flagOffset) }
                    var valid: [Bool]?
                    if flag == 1 {
                        var mask = [Bool](repeating: false, count: rows)
                        try readBlock(&r) { (block) throws(StorageError) in
                            let n = try mask.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeBooleans(block, into: o) }
                            guard n == rows else { throw StorageError(.corrupt, "validity block holds \(n) rows, expected \(rows)") }
                        }
                        valid = mask
                    }
                    values.append(try readValues(&r, column.type, rows: rows, valid: valid))
                }
                series.append(SeriesRows(tags: tags, timestamps: times, columns: values))
            }
            try r.expectEnd("the write batch")
            return (WriteBatch(table: table, columns: columns, series: series), ids)
        }
    }

    static func readBlock(_ r: inout ByteReader, _ body: (UnsafeRawBufferPointer) throws(StorageError) -> Void) throws(StorageError) {
        let start = r.offset
        let rest = UnsafeRawBufferPointer(rebasing: r.bytes[start...])
        let (header, _) = try ColumnBlock.open(rest)
        let block = try r.readBytes(header.blockLength, "a column block")
        do { try body(block) } catch { throw error.located(in: "WAL record", at: start) }
    }

    static func readValues(_ r: inout ByteReader, _ type: ColumnType, rows: Int, valid: [Bool]?) throws(StorageError) -> ColumnValues {
        var result: ColumnValues = .boolean([], valid: nil)
        try readBlock(&r) { (block) throws(StorageError) in
            var n = 0
            switch type {
            case .double:
                var out = [Double](repeating: 0, count: rows)
                n = try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeDoubles(block, into: o) }
                result = .double(out, valid: valid)
            case .bigint:
                var out = [Int64](repeating: 0, count: rows)
                n = try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeInt64(block, into: o) }
                result = .bigint(out, valid: valid)
            case .boolean:
                var out = [Bool](repeating: false, count: rows)
                n = try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeBooleans(block, into: o) }
                result = .boolean(out, valid: valid)
            case .string:
                let strings = try ColumnBlock.decodeStrings(block)
                n = strings.count
                result = .string(strings, valid: valid)
            case .tag, .timestamp:
                throw StorageError(.corrupt, "a write batch cannot carry a \(type) column")
            }
            guard n == rows else { throw StorageError(.corrupt, "values block holds \(n) rows, expected \(rows)") }
        }
        return result
    }
}
