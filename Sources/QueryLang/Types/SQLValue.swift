// SQL types and scalar values as the executor sees them. TIMESTAMP is nanoseconds since
// the Unix epoch (UTC) and INTERVAL is nanoseconds; both are stored as 64-bit integers.
// TAG columns are strings. NULL is a value of every type; `SQLType.null` is the type of
// the bare NULL literal until context gives it one.
import SundialStorage

/// The type of an expression or result column.
public enum SQLType: String, Sendable, Hashable, CustomStringConvertible {
    case bigint = "BIGINT"
    case double = "DOUBLE"
    case boolean = "BOOLEAN"
    case string = "STRING"
    case timestamp = "TIMESTAMP"
    case interval = "INTERVAL"
    case null = "NULL"

    public var description: String { rawValue }

    /// Whether values are numbers (BIGINT or DOUBLE).
    public var isNumeric: Bool { self == .bigint || self == .double }

    /// The storage of a vector of this type.
    var storage: ColumnType {
        switch self {
        case .bigint, .timestamp, .interval, .null: .bigint
        case .double: .double
        case .boolean: .boolean
        case .string: .string
        }
    }

    init(_ column: ColumnType) {
        switch column {
        case .timestamp: self = .timestamp
        case .tag, .string: self = .string
        case .double: self = .double
        case .bigint: self = .bigint
        case .boolean: self = .boolean
        }
    }
}

/// One SQL value.
///
/// Equality is SQL's "not distinct": NULL equals NULL, and NaN equals NaN (as PostgreSQL
/// groups and compares doubles), so grouping, DISTINCT and sets treat each as one value.
public enum SQLValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bigint(Int64)
    case double(Double)
    case boolean(Bool)
    case string(String)
    case timestamp(Int64)
    case interval(Int64)

    /// The value's type (`.null` for NULL).
    public var type: SQLType {
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

    public var isNull: Bool { if case .null = self { true } else { false } }

    public static func == (a: SQLValue, b: SQLValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bigint(let x), .bigint(let y)), (.timestamp(let x), .timestamp(let y)), (.interval(let x), .interval(let y)): x == y
        case (.double(let x), .double(let y)): x == y || (x.isNaN && y.isNaN)
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
        case .double(let v): hasher.combine(v.isNaN ? Double.nan : v)  // -0 and 0 hash alike already
        case .boolean(let v): hasher.combine(v)
        case .string(let v): hasher.combine(v)
        }
    }

    /// The value as a double, for numbers.
    public var doubleValue: Double? {
        switch self {
        case .bigint(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }

    /// The value as a 64-bit integer, for BIGINT, TIMESTAMP and INTERVAL.
    public var int64Value: Int64? {
        switch self {
        case .bigint(let v), .timestamp(let v), .interval(let v): v
        default: nil
        }
    }

    /// SQL text of the value (strings quoted), as `EXPLAIN` and errors show it.
    public var description: String {
        switch self {
        case .null: "NULL"
        case .bigint(let v): String(v)
        case .double(let v): SQLValue.format(v)
        case .boolean(let v): v ? "TRUE" : "FALSE"
        case .string(let v): "'" + v.replacingAll("'", with: "''") + "'"
        case .timestamp(let v): "TIMESTAMP '" + TimeFormat.rfc3339(v) + "'"
        case .interval(let v): "INTERVAL '" + TimeFormat.interval(v) + "'"
        }
    }

    /// Text of the value for results (CSV, tables): strings unquoted, NULL empty.
    public var text: String {
        switch self {
        case .null: ""
        case .string(let v): v
        case .timestamp(let v): TimeFormat.rfc3339(v)
        case .interval(let v): TimeFormat.interval(v)
        default: description
        }
    }

    /// The shortest text that reads back as the same double.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) + ".0" }
        return "\(value)"
    }

    /// Orders two non-null values of comparable types (numbers with numbers, otherwise
    /// the same type); nil when either is NULL or they cannot be compared.
    public static func compare(_ a: SQLValue, _ b: SQLValue) -> Int? {
        switch (a, b) {
        case (.bigint(let x), .bigint(let y)), (.timestamp(let x), .timestamp(let y)), (.interval(let x), .interval(let y)):
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)):
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.boolean(let x), .boolean(let y)):
            return x == y ? 0 : (x ? 1 : -1)
        default:
            guard let x = a.doubleValue, let y = b.doubleValue else { return nil }
            return compareDoubles(x, y)
        }
    }

    /// Doubles ordered as PostgreSQL does: NaN above every number and equal to itself.
    static func compareDoubles(_ x: Double, _ y: Double) -> Int {
        if x.isNaN || y.isNaN { return x.isNaN ? (y.isNaN ? 0 : 1) : -1 }
        return x < y ? -1 : (x > y ? 1 : 0)
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
