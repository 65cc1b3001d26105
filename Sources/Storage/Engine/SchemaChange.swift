// Schema changes as WAL records (kind 2), so DDL and schema-on-write survive a crash
// before the next flush writes the catalog into the manifest.
//
// payload := op u8 | table string | op 1 (create): partitionDuration zigzag | retention
//            zigzag (0: none) | columns varint | columns x (name string | type u8)
//            | op 2 (add columns): columns varint | columns x (name string | type u8)
//            | op 3 (set retention): retention zigzag (0: none)
//            | op 4 (drop table): nothing more

/// A change to the catalog.
public enum SchemaChange: Sendable, Hashable {
    case createTable(name: String, options: TableOptions, columns: [ColumnDefinition])
    case addColumns(table: String, columns: [ColumnDefinition])
    case setRetention(table: String, retention: Int64?)
    /// Removes the table, its rows and its segments (DROP TABLE).
    case dropTable(name: String)

    public func encode() -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        switch self {
        case .createTable(let name, let options, let columns):
            w.writeUInt8(1)
            w.writeString(name)
            w.writeZigZag(options.partitionDuration)
            w.writeZigZag(options.retention ?? 0)
            Self.writeColumns(columns, &w)
        case .addColumns(let table, let columns):
            w.writeUInt8(2)
            w.writeString(table)
            Self.writeColumns(columns, &w)
        case .setRetention(let table, let retention):
            w.writeUInt8(3)
            w.writeString(table)
            w.writeZigZag(retention ?? 0)
        case .dropTable(let name):
            w.writeUInt8(4)
            w.writeString(name)
        }
        return w.bytes
    }

    static func writeColumns(_ columns: [ColumnDefinition], _ w: inout ByteWriter) {
        ColumnDefinition.write(columns, into: &w)
    }

    static func readColumns(_ r: inout ByteReader) throws(StorageError) -> [ColumnDefinition] {
        try ColumnDefinition.read(&r)
    }

    public static func decode(_ payload: [UInt8]) throws(StorageError) -> SchemaChange {
        try payload.withBytes { (raw) throws(StorageError) -> SchemaChange in
            var r = ByteReader(raw)
            let op = try r.readUInt8("a schema operation")
            let table = try r.readString("a table name")
            let change: SchemaChange
            switch op {
            case 1:
                let duration = try r.readZigZag("a partition duration")
                guard duration > 0 else { throw r.corrupt("partition duration \(duration) is not positive") }
                let retention = try r.readZigZag("a retention")
                change = .createTable(name: table, options: TableOptions(partitionDuration: duration, retention: retention == 0 ? nil : retention),
                                      columns: try readColumns(&r))
            case 2:
                change = .addColumns(table: table, columns: try readColumns(&r))
            case 3:
                let retention = try r.readZigZag("a retention")
                change = .setRetention(table: table, retention: retention == 0 ? nil : retention)
            case 4:
                change = .dropTable(name: table)
            default:
                throw r.corrupt("unknown schema operation \(op)", at: 0)
            }
            try r.expectEnd("the schema change")
            return change
        }
    }
}

/// Kinds of WAL records the engine writes.
public enum WALRecordKind {
    public static let writeBatch: UInt8 = 1
    public static let schemaChange: UInt8 = 2
    /// A `Deletion` (DELETE).
    public static let deletion: UInt8 = 3
}
