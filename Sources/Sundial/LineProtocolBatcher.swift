// Turning line protocol points into columnar write batches, one per table, rejecting
// each line whose types conflict with the table (or with an earlier line of the write).

struct LineProtocolBatcher {
    let catalog: Catalog
    private(set) var errors: [LineProtocolError] = []
    private var tables: [String: TableState] = [:]
    private var tableOrder: [String] = []

    init(catalog: Catalog) { self.catalog = catalog }

    enum Builder {
        case double([Double], [Bool])
        case bigint([Int64], [Bool])
        case boolean([Bool], [Bool])
        case string([String], [Bool])

        init(_ type: ColumnType, nulls: Int) {
            let none = [Bool](repeating: false, count: nulls)
            switch type {
            case .double: self = .double([Double](repeating: 0, count: nulls), none)
            case .bigint: self = .bigint([Int64](repeating: 0, count: nulls), none)
            case .boolean: self = .boolean([Bool](repeating: false, count: nulls), none)
            default: self = .string([String](repeating: "", count: nulls), none)
            }
        }

        mutating func append(_ value: FieldValue?) {
            // Move the arrays out of `self` first so they stay uniquely referenced and grow in place.
            let current = self
            self = .boolean([], [])
            switch (consume current, value) {
            case (.double(var v, var m), .double(let x)): v.append(x); m.append(true); self = .double(v, m)
            case (.double(var v, var m), _): v.append(0); m.append(false); self = .double(v, m)
            case (.bigint(var v, var m), .int64(let x)): v.append(x); m.append(true); self = .bigint(v, m)
            case (.bigint(var v, var m), _): v.append(0); m.append(false); self = .bigint(v, m)
            case (.boolean(var v, var m), .bool(let x)): v.append(x); m.append(true); self = .boolean(v, m)
            case (.boolean(var v, var m), _): v.append(false); m.append(false); self = .boolean(v, m)
            case (.string(var v, var m), .string(let x)): v.append(x); m.append(true); self = .string(v, m)
            case (.string(var v, var m), _): v.append(""); m.append(false); self = .string(v, m)
            }
        }

        var values: ColumnValues {
            func mask(_ m: [Bool]) -> [Bool]? { m.contains(false) ? m : nil }
            switch self {
            case .double(let v, let m): return .double(v, valid: mask(m))
            case .bigint(let v, let m): return .bigint(v, valid: mask(m))
            case .boolean(let v, let m): return .boolean(v, valid: mask(m))
            case .string(let v, let m): return .string(v, valid: mask(m))
            }
        }
    }

    struct SeriesState {
        var tags: [(key: String, value: String)]
        /// The line of each row.
        var lines: [Int] = []
        var times: [Int64] = []
        var fields: [String: Builder] = [:]
    }

    struct TableState {
        var fieldTypes: [String: ColumnType] = [:]
        var fieldOrder: [String] = []
        var tagKeys = Set<String>()
        var series: [String: SeriesState] = [:]
        var seriesOrder: [String] = []
    }

    static func type(of value: FieldValue) -> ColumnType {
        switch value {
        case .double: .double
        case .int64: .bigint
        case .string: .string
        case .bool: .boolean
        }
    }

    mutating func add(_ point: Point, line: Int) {
        let schema = catalog.table(point.measurement)
        func reject(_ message: String) { errors.append(LineProtocolError(line: line, column: 1, message: message)) }
        do throws(StorageError) {
            try TableSchema.validateName(point.measurement, what: "table")
        } catch {
            return reject(error.message)
        }
        // Checks first, against the stored table and earlier lines (read-only), in a scope
        // that ends before the mutation below (a live copy would make it copy the buffers).
        if let problem = check(point, schema: schema) { return reject(problem) }
        if tables[point.measurement] == nil {
            tableOrder.append(point.measurement)
            tables[point.measurement] = TableState()
        }
        // Then mutate in place: never copy a table's or a series' buffers out and back.
        Self.append(point, line: line, to: &tables[point.measurement]!)
    }

    private func check(_ point: Point, schema: TableSchema?) -> String? {
        let seen = tables[point.measurement]
        for tag in point.tags {
            if let column = schema?.column(named: tag.key), column.type != .tag {
                return "\"\(tag.key)\" is a \(column.type) field of table \"\(point.measurement)\", not a tag"
            }
            if seen?.fieldTypes[tag.key] != nil {
                return "\"\(tag.key)\" is a field in an earlier line of this write, not a tag"
            }
        }
        for field in point.fields {
            let type = Self.type(of: field.value)
            if let column = schema?.column(named: field.key), column.type != type {
                return "field \"\(field.key)\" is \(type) but column \"\(field.key)\" of table \"\(point.measurement)\" is \(column.type)"
            }
            if let earlier = seen?.fieldTypes[field.key], earlier != type {
                return "field \"\(field.key)\" is \(type) but an earlier line of this write made it \(earlier)"
            }
            if seen?.tagKeys.contains(field.key) == true {
                return "\"\(field.key)\" is a tag in an earlier line of this write, not a field"
            }
        }
        return nil
    }

    private static func append(_ point: Point, line: Int, to table: inout TableState) {
        for tag in point.tags { table.tagKeys.insert(tag.key) }
        for field in point.fields where table.fieldTypes[field.key] == nil {
            table.fieldTypes[field.key] = type(of: field.value)
            table.fieldOrder.append(field.key)
        }
        let key = SeriesKey.canonical(point.tags)
        if table.series[key] == nil {
            table.series[key] = SeriesState(tags: point.tags.sorted { $0.key < $1.key })
            table.seriesOrder.append(key)
        }
        let fieldTypes = table.fieldTypes
        table.series[key]!.lines.append(line)
        Self.appendRow(point, fieldTypes: fieldTypes, fieldOrder: table.fieldOrder, to: &table.series[key]!)
    }

    private static func appendRow(_ point: Point, fieldTypes: [String: ColumnType], fieldOrder: [String], to series: inout SeriesState) {
        let row = series.times.count
        series.times.append(point.time)
        var present: [String: FieldValue] = [:]
        for field in point.fields { present[field.key] = field.value }
        for field in point.fields where series.fields[field.key] == nil {
            series.fields[field.key] = Builder(fieldTypes[field.key]!, nulls: row)
        }
        for name in series.fields.keys { series.fields[name]!.append(present[name]) }
    }

    /// One batch per table, with the lines of each of its series.
    func batches() -> [(WriteBatch, [[Int]])] {
        tableOrder.map { name in
            let table = tables[name]!
            let columns = table.fieldOrder.map { ColumnDefinition(name: $0, type: table.fieldTypes[$0]!) }
            let series = table.seriesOrder.map { key -> SeriesRows in
                let s = table.series[key]!
                let values = columns.map { column in
                    s.fields[column.name]?.values ?? ColumnValues.nulls(column.type, count: s.times.count)
                }
                return SeriesRows(tags: s.tags, timestamps: s.times, columns: values)
            }
            return (WriteBatch(table: name, columns: columns, series: series), table.seriesOrder.map { table.series[$0]!.lines })
        }
    }
}
