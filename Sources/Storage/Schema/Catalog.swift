// The tables of a database and the rules for changing them.

/// The set of tables, by name.
public struct Catalog: Sendable, Hashable {
    public private(set) var tables: [String: TableSchema] = [:]
    public private(set) var nextTableID: UInt32 = 1

    public init() {}

    public init(tables: [TableSchema], nextTableID: UInt32) {
        for table in tables { self.tables[table.name] = table }
        self.nextTableID = max(nextTableID, (tables.map(\.id).max() ?? 0) + 1)
    }

    public func table(_ name: String) -> TableSchema? { tables[name] }
    public func table(id: UInt32) -> TableSchema? { tables.values.first { $0.id == id } }

    /// The change needed for `batch` to be written (a new table, new columns), nil if
    /// none. Throws when a column's type conflicts with the table's.
    public func changeNeeded(for batch: WriteBatch, defaultOptions: TableOptions, maxColumns: Int) throws(StorageError) -> SchemaChange? {
        var tagNames: [String] = []
        var seen = Set<String>()
        for s in batch.series { for tag in s.tags where seen.insert(tag.key).inserted { tagNames.append(tag.key) } }
        guard let table = tables[batch.table] else {
            let columns = [ColumnDefinition(name: "time", type: .timestamp)]
                + tagNames.map { ColumnDefinition(name: $0, type: .tag) } + batch.columns
            guard columns.count <= maxColumns else {
                throw StorageError(.limitExceeded, "table \"\(batch.table)\" would have \(columns.count) columns, the limit is \(maxColumns)")
            }
            return .createTable(name: batch.table, options: defaultOptions, columns: columns)
        }
        var added: [ColumnDefinition] = []
        for name in tagNames {
            if let existing = table.column(named: name) {
                guard existing.type == .tag else {
                    throw StorageError(.invalidArgument, "\"\(name)\" is a \(existing.type) field of table \"\(table.name)\", not a tag")
                }
            } else {
                added.append(ColumnDefinition(name: name, type: .tag))
            }
        }
        for column in batch.columns {
            if let existing = table.column(named: column.name) {
                guard existing.type == column.type else {
                    throw StorageError(.invalidArgument,
                                       "column \"\(column.name)\" of table \"\(table.name)\" is \(existing.type), the write has \(column.type)")
                }
            } else {
                added.append(column)
            }
        }
        guard !added.isEmpty else { return nil }
        guard table.columns.count + added.count <= maxColumns else {
            throw StorageError(.limitExceeded, "table \"\(table.name)\" would have \(table.columns.count + added.count) columns, the limit is \(maxColumns)")
        }
        return .addColumns(table: table.name, columns: added)
    }

    /// Applies a change. Replaying a change that is already applied is harmless.
    public mutating func apply(_ change: SchemaChange) throws(StorageError) {
        switch change {
        case .createTable(let name, let options, let columns):
            guard tables[name] == nil else { return }
            try TableSchema.validateName(name, what: "table")
            guard columns.first?.type == .timestamp, columns.first?.name == "time" else {
                throw StorageError(.invalidArgument, "the first column of a table must be \"time\" TIMESTAMP")
            }
            var names = Set<String>()
            for column in columns {
                try TableSchema.validateName(column.name, what: "column")
                guard names.insert(column.name).inserted else {
                    throw StorageError(.invalidArgument, "column \"\(column.name)\" appears twice")
                }
            }
            tables[name] = TableSchema(id: nextTableID, name: name, options: options, columns: columns)
            nextTableID += 1
        case .addColumns(let name, let columns):
            guard var table = tables[name] else { throw StorageError(.invalidArgument, "no table \"\(name)\"") }
            for column in columns where table.column(named: column.name) == nil {
                try TableSchema.validateName(column.name, what: "column")
                table.columns.append(column)
            }
            tables[name] = table
        case .setRetention(let name, let retention):
            guard var table = tables[name] else { throw StorageError(.invalidArgument, "no table \"\(name)\"") }
            table.options.retention = retention
            tables[name] = table
        case .dropTable(let name):
            guard tables.removeValue(forKey: name) != nil else { throw StorageError(.invalidArgument, "no table \"\(name)\"") }
        }
    }
}
