// SQL types and scalar values as the wire carries them: query parameters and the column
// types of results. TIMESTAMP is nanoseconds since the Unix epoch (UTC) and INTERVAL is
// nanoseconds, both 64-bit integers. This module does not import the query language: the
// server maps its `SQLType`/`SQLValue` to these.
import SundialStorage

/// The type of a result column or parameter on the wire. Never renumber one.
public enum WireType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The type of a bare NULL.
    case null = 0
    case bigint = 1
    case double = 2
    case boolean = 3
    case string = 4
    /// Nanoseconds since the Unix epoch, UTC.
    case timestamp = 5
    /// Nanoseconds.
    case interval = 6

    public var description: String {
        switch self {
        case .null: "NULL"
        case .bigint: "BIGINT"
        case .double: "DOUBLE"
        case .boolean: "BOOLEAN"
        case .string: "STRING"
        case .timestamp: "TIMESTAMP"
        case .interval: "INTERVAL"
        }
    }

    /// The storage of a column of this type.
    public var storage: WireColumn.Storage {
        switch self {
        case .null, .bigint, .timestamp, .interval: .int64
        case .double: .double
        case .boolean: .boolean
        case .string: .string
        }
    }
}

/// One value: a query parameter, or a cell of a result row.
///
/// Equality compares doubles by bit pattern, so NaN equals NaN and -0.0 differs from 0.0:
/// two values are equal when they travel as the same bytes.
public enum WireValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bigint(Int64)
    case double(Double)
    case boolean(Bool)
    case string(String)
    case timestamp(Int64)
    case interval(Int64)

    /// The value's type (`.null` for NULL).
    public var type: WireType {
        switch self {
        case .null: .null
        case .bigint: .bigint
        case .double: .double
        case .boolean: .boolean
        case .string: .string
        case .timestamp: .timestamp
        case .interval: .interval
        }
    }

    public static func == (a: WireValue, b: WireValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bigint(let x), .bigint(let y)), (.timestamp(let x), .timestamp(let y)), (.interval(let x), .interval(let y)): x == y
        case (.double(let x), .double(let y)): x.bitPattern == y.bitPattern
        case (.boolean(let x), .boolean(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        switch self {
        case .null: break
        case .bigint(let v), .timestamp(let v), .interval(let v): hasher.combine(v)
        case .double(let v): hasher.combine(v.bitPattern)
        case .boolean(let v): hasher.combine(v)
        case .string(let v): hasher.combine(v)
        }
    }

    public var description: String {
        switch self {
        case .null: "NULL"
        case .bigint(let v): String(v)
        case .double(let v): String(v)
        case .boolean(let v): v ? "TRUE" : "FALSE"
        case .string(let v): "'" + v + "'"
        case .timestamp(let v): "TIMESTAMP(\(v) ns)"
        case .interval(let v): "INTERVAL(\(v) ns)"
        }
    }
}

extension WireValue {
    /// Appends the value: its type byte, then BIGINT/TIMESTAMP/INTERVAL as a zigzag varint,
    /// DOUBLE as its IEEE 754 bits (u64), BOOLEAN as a byte (0 or 1), STRING length-prefixed.
    func write(into writer: inout ByteWriter) {
        writer.writeUInt8(type.rawValue)
        switch self {
        case .null: break
        case .bigint(let v), .timestamp(let v), .interval(let v): writer.writeZigZag(v)
        case .double(let v): writer.writeUInt64(v.bitPattern)
        case .boolean(let v): writer.writeBool(v)
        case .string(let v): writer.writeString(v)
        }
    }

    static func read(_ reader: inout WireReader) throws(WireError) -> WireValue {
        let start = reader.offset
        let tag = try reader.readUInt8("a value type")
        guard let type = WireType(rawValue: tag) else {
            throw reader.error(.corrupt, "unknown value type \(tag)", at: start)
        }
        switch type {
        case .null: return .null
        case .bigint: return .bigint(try reader.readZigZag("a BIGINT value"))
        case .timestamp: return .timestamp(try reader.readZigZag("a TIMESTAMP value"))
        case .interval: return .interval(try reader.readZigZag("an INTERVAL value"))
        case .double: return .double(Double(bitPattern: try reader.readUInt64("a DOUBLE value")))
        case .boolean: return .boolean(try reader.readBool("a BOOLEAN value"))
        case .string: return .string(try reader.readString("a STRING value"))
        }
    }
}
