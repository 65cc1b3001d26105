// The values a line protocol parse produces: points, field values, precisions, and the
// per-line errors a batch reports (a batch writes its good lines and reports every bad
// one, as InfluxDB does). Grammar and escaping: docs/line-protocol.md.

/// A field value of a line protocol point.
public enum FieldValue: Sendable, Hashable {
    /// A float (`1.5`, `-3e4`, `7`): a DOUBLE column.
    case double(Double)
    /// A signed integer (`12i`) or an unsigned one within Int64's range (`12u`): a BIGINT column.
    case int64(Int64)
    /// A double-quoted string: a STRING column.
    case string(String)
    /// `t`, `T`, `true`, `True`, `TRUE`, `f`, `F`, `false`, `False`, `FALSE`: a BOOLEAN column.
    case bool(Bool)
}

/// One parsed line: a measurement (table), its tags (series key) and fields at a time.
public struct Point: Sendable, Hashable {
    /// The measurement, which names the table.
    public var measurement: String
    /// Tag keys and values in the order written; keys are unique.
    public var tags: [(key: String, value: String)]
    /// Field keys and values in the order written; keys are unique; never empty.
    public var fields: [(key: String, value: FieldValue)]
    /// Nanoseconds since the Unix epoch (UTC).
    public var time: Int64

    public init(measurement: String, tags: [(key: String, value: String)], fields: [(key: String, value: FieldValue)], time: Int64) {
        self.measurement = measurement
        self.tags = tags
        self.fields = fields
        self.time = time
    }

    public static func == (a: Point, b: Point) -> Bool {
        a.measurement == b.measurement && a.time == b.time
            && a.tags.elementsEqual(b.tags) { $0.key == $1.key && $0.value == $1.value }
            && a.fields.elementsEqual(b.fields) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(measurement)
        hasher.combine(time)
        for tag in tags { hasher.combine(tag.key); hasher.combine(tag.value) }
        for field in fields { hasher.combine(field.key); hasher.combine(field.value) }
    }
}

/// The unit of line protocol timestamps.
public enum TimePrecision: String, Sendable, CaseIterable {
    case nanoseconds = "ns", microseconds = "us", milliseconds = "ms", seconds = "s"

    /// Nanoseconds per unit.
    public var nanoseconds: Int64 {
        switch self {
        case .nanoseconds: 1
        case .microseconds: 1_000
        case .milliseconds: 1_000_000
        case .seconds: 1_000_000_000
        }
    }
}

/// Why one line of a line protocol batch was rejected, and where.
public struct LineProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line number within the batch.
    public var line: Int
    /// The 1-based byte column within the line.
    public var column: Int
    /// What is wrong, and what was expected.
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// Limits that protect the parser from hostile input.
public struct LineProtocolLimits: Sendable {
    /// The longest accepted line, in bytes.
    public var maxLineBytes = 1 << 20
    /// The most tags one point may carry.
    public var maxTags = 256
    /// The most fields one point may carry.
    public var maxFields = 1024
    /// The longest name (measurement, tag key or value, field key), in bytes.
    public var maxNameBytes = 64 << 10

    public init() {}
}
