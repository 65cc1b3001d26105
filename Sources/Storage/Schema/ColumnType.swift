// Column types and table schemas, shared by the head, segments and the catalog.

/// The type of a table column.
public enum ColumnType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The designated time column: Int64 nanoseconds since the Unix epoch, UTC.
    case timestamp = 1
    /// A tag: a low-to-medium cardinality string, part of the series key.
    case tag = 2
    /// A 64-bit float field.
    case double = 3
    /// A 64-bit signed integer field.
    case bigint = 4
    /// A boolean field.
    case boolean = 5
    /// A string field (high-cardinality text, JSON text).
    case string = 6

    public var description: String {
        switch self {
        case .timestamp: "TIMESTAMP"
        case .tag: "TAG"
        case .double: "DOUBLE"
        case .bigint: "BIGINT"
        case .boolean: "BOOLEAN"
        case .string: "STRING"
        }
    }
}

/// A named, typed column.
public struct ColumnDefinition: Sendable, Hashable {
    public var name: String
    public var type: ColumnType

    public init(name: String, type: ColumnType) {
        self.name = name
        self.type = type
    }
}

/// The values of one field column for a run of rows, with an optional validity mask
/// (nil: every row has a value). Rows without a value hold a placeholder (0, false, "").
public enum ColumnValues: Sendable, Hashable {
    case double([Double], valid: [Bool]?)
    case bigint([Int64], valid: [Bool]?)
    case boolean([Bool], valid: [Bool]?)
    case string([String], valid: [Bool]?)

    /// The number of rows.
    public var count: Int {
        switch self {
        case .double(let v, _): v.count
        case .bigint(let v, _): v.count
        case .boolean(let v, _): v.count
        case .string(let v, _): v.count
        }
    }

    /// The column type these values belong to.
    public var type: ColumnType {
        switch self {
        case .double: .double
        case .bigint: .bigint
        case .boolean: .boolean
        case .string: .string
        }
    }

    /// The validity mask, if any row lacks a value.
    public var validity: [Bool]? {
        switch self {
        case .double(_, let m), .bigint(_, let m), .boolean(_, let m), .string(_, let m): m
        }
    }
}

extension ColumnDefinition {
    /// Appends `columns` as `count: varint | count × (name: string | type: u8)`, the column
    /// list layout shared by segment footers, the manifest and WAL records.
    static func write(_ columns: [ColumnDefinition], into writer: inout ByteWriter) {
        writer.writeVarUInt(UInt64(columns.count))
        for column in columns {
            writer.writeString(column.name)
            writer.writeUInt8(column.type.rawValue)
        }
    }

    /// Reads a column list written by ``write(_:into:)``; types `allowed` rejects are corrupt.
    static func read(_ reader: inout ByteReader, max limit: Int = 4096,
                     allowed: (ColumnType) -> Bool = { _ in true }) throws(StorageError) -> [ColumnDefinition] {
        let count = try reader.readVarInt("a column count", max: limit)
        var columns: [ColumnDefinition] = []
        for _ in 0..<count {
            let name = try reader.readString("a column name")
            let offset = reader.offset
            let raw = try reader.readUInt8("a column type")
            guard let type = ColumnType(rawValue: raw), allowed(type) else {
                throw reader.corrupt("invalid column type \(raw)", at: offset)
            }
            columns.append(ColumnDefinition(name: name, type: type))
        }
        return columns
    }
}
