// Literal values as written. Numbers keep their spelling: the binder chooses their
// type and reports overflow; the parser never has to round or reject a number.

/// A constant written in a query.
public enum Literal: Hashable, Sendable, CustomStringConvertible {
    /// Digits, as written (`42`). A leading minus is a separate unary operator, so
    /// `-9223372036854775808` is `-` applied to `9223372036854775808`.
    case integer(String)
    /// A number with a fraction or exponent, as written (`1.5`, `.5`, `1e3`).
    case float(String)
    /// A string (`'it''s'` is `it's`).
    case string(String)
    /// `TRUE` or `FALSE`.
    case boolean(Bool)
    /// `NULL`.
    case null
    /// A duration shorthand (`7d`, `500ms`).
    case duration(DurationLiteral)
    /// `TIMESTAMP '2016-01-01 01:38:42'`: the text between the quotes.
    case timestamp(String)
    /// `INTERVAL '7 days'`: the text between the quotes.
    case interval(String)

    /// The literal as SQL.
    public var description: String {
        switch self {
        case .integer(let text), .float(let text): text
        case .string(let text): Literal.quoted(text)
        case .boolean(let value): value ? "TRUE" : "FALSE"
        case .null: "NULL"
        case .duration(let duration): duration.description
        case .timestamp(let text): "TIMESTAMP " + Literal.quoted(text)
        case .interval(let text): "INTERVAL " + Literal.quoted(text)
        }
    }

    static func quoted(_ text: String) -> String {
        var quoted = "'"
        for character in text {
            quoted.append(character)
            if character == "'" { quoted.append("'") }
        }
        return quoted + "'"
    }
}

/// A duration written as digits immediately followed by a unit: `7d`, `1h`, `30m`,
/// `10s`, `500ms`, `1w`.
public struct DurationLiteral: Hashable, Sendable, CustomStringConvertible {
    /// The unit of a duration.
    public enum Unit: String, Hashable, Sendable, CaseIterable {
        case nanoseconds = "ns", microseconds = "us", milliseconds = "ms", seconds = "s"
        case minutes = "m", hours = "h", days = "d", weeks = "w"

        /// The length of one unit in nanoseconds.
        public var nanoseconds: Int64 {
            switch self {
            case .nanoseconds: 1
            case .microseconds: 1_000
            case .milliseconds: 1_000_000
            case .seconds: 1_000_000_000
            case .minutes: 60_000_000_000
            case .hours: 3_600_000_000_000
            case .days: 86_400_000_000_000
            case .weeks: 604_800_000_000_000
            }
        }
    }

    /// How many units (never negative).
    public var count: Int64
    /// The unit.
    public var unit: Unit
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates a duration of `count` `unit`s.
    public init(_ count: Int64, _ unit: Unit, at location: SourceLocation = .unknown) {
        self.count = count
        self.unit = unit
        self.location = location
    }

    /// The duration in nanoseconds, or nil if that overflows `Int64`.
    public var nanoseconds: Int64? {
        let (product, overflow) = count.multipliedReportingOverflow(by: unit.nanoseconds)
        return overflow ? nil : product
    }

    /// `7d`.
    public var description: String { "\(count)\(unit.rawValue)" }
}
