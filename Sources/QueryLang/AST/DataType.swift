// Type names, folded to the engine's types at parse time: INT and INTEGER are BIGINT
// (the engine has one integer type), FLOAT and DOUBLE PRECISION are DOUBLE, TEXT and
// VARCHAR are STRING. Printing uses the canonical names.

/// A type named in `CAST(x AS type)`, `x::type` or a column declaration.
public enum DataType: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `TIMESTAMP`: nanoseconds since the Unix epoch, UTC.
    case timestamp = "TIMESTAMP"
    /// `DOUBLE`, `DOUBLE PRECISION`, `FLOAT`.
    case double = "DOUBLE"
    /// `BIGINT`, `INT`, `INTEGER`: a 64-bit signed integer.
    case bigint = "BIGINT"
    /// `BOOLEAN`, `BOOL`.
    case boolean = "BOOLEAN"
    /// `STRING`, `TEXT`, `VARCHAR`.
    case string = "STRING"
    /// `TAG`: an indexed, series-identifying string column.
    case tag = "TAG"
    /// `INTERVAL`: a length of time.
    case interval = "INTERVAL"

    /// The type a keyword names, if any (`DOUBLE` alone; `PRECISION` is the parser's).
    init?(keyword: Keyword) {
        switch keyword {
        case .timestamp: self = .timestamp
        case .double, .float: self = .double
        case .bigint, .int, .integer: self = .bigint
        case .boolean, .bool: self = .boolean
        case .string, .text, .varchar: self = .string
        case .tag: self = .tag
        case .interval: self = .interval
        default: return nil
        }
    }

    /// The canonical name.
    public var description: String { rawValue }
}

/// A part of a date or time, as taken by `EXTRACT(field FROM expr)`.
public enum ExtractField: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case century = "CENTURY", day = "DAY", decade = "DECADE", dayOfWeek = "DOW"
    case dayOfYear = "DOY", epoch = "EPOCH", hour = "HOUR", isoDayOfWeek = "ISODOW"
    case isoYear = "ISOYEAR", microseconds = "MICROSECONDS", millennium = "MILLENNIUM"
    case milliseconds = "MILLISECONDS", minute = "MINUTE", month = "MONTH"
    case quarter = "QUARTER", second = "SECOND", week = "WEEK", year = "YEAR"

    /// The field named `name`, ignoring case.
    public init?(name: String) {
        self.init(rawValue: name.uppercased())
    }

    /// The name, in capitals.
    public var description: String { rawValue }
}
