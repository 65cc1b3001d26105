// Checks that the engines answered alike: the same row count, and the same values, with
// timestamps as nanoseconds, columns matched by name, doubles equal to 1e-9 relative
// (averages may be summed in another order), and the rows of a query without a total
// ORDER BY compared as a multiset.
import BenchmarkSupport
import Sundial

/// A result value in a form every engine's answer converts to.
enum Cell: Codable, Sendable {
    case null
    case int(Int64)
    case double(Double)
    case string(String)

    init(_ value: SQLValue) {
        switch value {
        case .null: self = .null
        case .bigint(let v), .timestamp(let v), .interval(let v): self = .int(v)
        case .double(let v): self = .double(v)
        case .boolean(let v): self = .int(v ? 1 : 0)
        case .string(let v): self = .string(v)
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let v = try? container.decode(Int64.self) { self = .int(v) }
        else if let v = try? container.decode(Double.self) { self = .double(v) }
        else { self = .string(try container.decode(String.self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .int(let v): try container.encode(v)
        case .double(let v): try container.encode(v)
        case .string(let v): try container.encode(v)
        }
    }

    /// Text that sorts rows the same way whichever engine gave them (whole doubles read
    /// as integers; other doubles rounded to 6 decimals).
    var sortText: String {
        switch self {
        case .null: "\u{0}"
        case .int(let v): String(v)
        case .double(let v): v == v.rounded() && abs(v) < 9e15 ? String(Int64(v)) : String(format6: v)
        case .string(let v): v
        }
    }

    func matches(_ other: Cell) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.int(let a), .int(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double):
            guard let a = number, let b = other.number else { return false }
            return abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
        default: return false
        }
    }

    var number: Double? {
        switch self {
        case .int(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }
}

extension String {
    init(format6 value: Double) {
        let scaled = (value * 1e6).rounded()
        self = String(scaled / 1e6)
    }
}

/// The differences between `peer`'s answer and `reference`'s (empty when they agree).
/// Columns of `peer` are matched to `reference`'s by name (case-insensitive), else by position.
func differences(_ reference: QueryTiming, _ peer: QueryTiming, ordered: Bool) -> [String] {
    guard reference.error == nil, peer.error == nil else { return [] }
    if reference.rows != peer.rows { return ["\(peer.rows) rows, Sundial \(reference.rows)"] }
    let names = peer.columns.map { $0.lowercased() }
    let mapping = reference.columns.enumerated().map { (i, name) in names.firstIndex(of: name.lowercased()) ?? i }
    guard reference.columns.count == peer.columns.count, mapping.allSatisfy({ $0 < peer.columns.count }) else {
        return ["columns \(peer.columns), Sundial \(reference.columns)"]
    }
    var mine = reference.result
    var theirs = peer.result.map { row in mapping.map { row[$0] } }
    if !ordered {
        func key(_ row: [Cell]) -> [String] { row.map(\.sortText) }
        mine.sort { key($0).lexicographicallyPrecedes(key($1)) }
        theirs.sort { key($0).lexicographicallyPrecedes(key($1)) }
    }
    for (r, (a, b)) in zip(mine, theirs).enumerated() {
        for (c, (x, y)) in zip(a, b).enumerated() where !x.matches(y) {
            return ["row \(r + 1) column \(reference.columns[c]): \(y.sortText), Sundial \(x.sortText)"]
        }
    }
    return []
}
