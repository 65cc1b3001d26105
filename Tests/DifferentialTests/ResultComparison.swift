// Comparing a Sundial result with DuckDB's. Values are compared by meaning: numbers by
// value whether BIGINT, DOUBLE, HUGEINT or DECIMAL (doubles within a relative 1e-9 —
// absolute below 1, where a sum of inexact terms that cancels keeps only the rounding of
// its order — NaN equal to NaN), timestamps and intervals in nanoseconds, NULL equal to
// NULL. Rows are
// compared in order when the query's ORDER BY fixes it, else as multisets — and then the
// columns ORDER BY does fix must still come in the same sequence.
import Foundation
import Sundial

/// One result value, engine-neutral.
enum Cell: CustomStringConvertible {
    case null
    case boolean(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    /// Nanoseconds since the epoch.
    case timestamp(Int64)
    /// Nanoseconds.
    case interval(Int64)
    case other(String)

    init(_ value: SQLValue) {
        switch value {
        case .null: self = .null
        case .bigint(let v): self = .integer(v)
        case .double(let v): self = .double(v)
        case .boolean(let v): self = .boolean(v)
        case .string(let v): self = .string(v)
        case .timestamp(let v): self = .timestamp(v)
        case .interval(let v): self = .interval(v)
        }
    }

    init(_ cell: DuckDBCell) {
        switch cell {
        case .null: self = .null
        case .boolean(let b): self = .boolean(b)
        case .integer(let text): self = Int64(text).map { .integer($0) } ?? .double(Double(text) ?? .nan)
        case .double(let text), .decimal(let text): self = .double(Double(text) ?? .nan)
        case .string(let s): self = .string(s)
        case .timestamp(let us): self = .timestamp(us * 1_000)
        case .interval(let us): self = .interval(us * 1_000)
        case .other(let text): self = .other(text)
        }
    }

    var description: String {
        switch self {
        case .null: "NULL"
        case .boolean(let b): b ? "true" : "false"
        case .integer(let v): "\(v)"
        case .double(let v): "\(v)"
        case .string(let s): "'\(s)'"
        case .timestamp(let ns): "TS(\(DifferentialDataSet.timestampText(ns - ns % 1_000))\(ns % 1_000 == 0 ? "" : "+\(ns % 1_000)ns"))"
        case .interval(let ns): "IV(\(ns)ns)"
        case .other(let text): "?\(text)"
        }
    }

    var number: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }

    /// The order of kinds in a sorted row: NULL, booleans, numbers, strings, times.
    var rank: Int {
        switch self {
        case .null: 0
        case .boolean: 1
        case .integer, .double: 2
        case .string: 3
        case .timestamp: 4
        case .interval: 5
        case .other: 6
        }
    }

    static let tolerance = 1e-9

    /// Equal in meaning (doubles within the tolerance: relative, absolute below 1).
    static func matches(_ a: Cell, _ b: Cell) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.timestamp(let x), .timestamp(let y)), (.interval(let x), .interval(let y)): return x == y
        case (.other(let x), .other(let y)): return x == y
        default:
            guard let x = a.number, let y = b.number else { return false }
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
            if x == y { return true }
            if x.isInfinite || y.isInfinite { return false }
            return abs(x - y) <= tolerance * max(abs(x), abs(y), 1)
        }
    }

    /// A total order for sorting rows before a multiset comparison.
    static func precedes(_ a: Cell, _ b: Cell) -> Bool? {
        if a.rank != b.rank { return a.rank < b.rank }
        switch (a, b) {
        case (.boolean(let x), .boolean(let y)): return x == y ? nil : !x
        case (.string(let x), .string(let y)): return x == y ? nil : x < y
        case (.timestamp(let x), .timestamp(let y)), (.interval(let x), .interval(let y)): return x == y ? nil : x < y
        case (.other(let x), .other(let y)): return x == y ? nil : x < y
        default:
            guard let x = a.number, let y = b.number else { return nil }
            if x.isNaN || y.isNaN { return x.isNaN == y.isNaN ? nil : !x.isNaN }
            return x == y ? nil : x < y
        }
    }

    static func rowPrecedes(_ a: [Cell], _ b: [Cell]) -> Bool {
        for (x, y) in zip(a, b) { if let p = precedes(x, y) { return p } }
        return a.count < b.count
    }
}

enum ResultComparison {
    /// What the query's ORDER BY promises.
    enum Order {
        /// Nothing, or the sequence of these output columns only (the rows compare as a
        /// multiset).
        case partial([Int])
        /// Every row's place. With `keys` (every ORDER BY item is one of these output
        /// columns), rows whose keys are equal within the tolerance may come in either order.
        case total(keys: [Int]?)
        /// LIMIT/OFFSET without a total order: Sundial's rows must be that many of the
        /// rows DuckDB returns without the LIMIT and OFFSET.
        case some(limit: Int?, offset: Int)
    }

    /// Whether every row of `part` is a distinct row of `whole`.
    static func isSubMultiset(_ part: [[Cell]], of whole: [[Cell]]) -> Bool {
        var unmatched = whole
        for row in part {
            guard let i = unmatched.firstIndex(where: { rowsMatch($0, row) }) else { return false }
            unmatched.remove(at: i)
        }
        return true
    }

    static func rowsMatch(_ a: [Cell], _ b: [Cell]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { Cell.matches($0, $1) }
    }

    static func render(_ row: [Cell]) -> String { "(" + row.map(\.description).joined(separator: ", ") + ")" }

    /// Whether two lists of rows hold the same rows, in any order.
    static func sameMultiset(_ a: [[Cell]], _ b: [[Cell]]) -> Bool {
        guard a.count == b.count else { return false }
        let x = a.sorted(by: Cell.rowPrecedes), y = b.sorted(by: Cell.rowPrecedes)
        if zip(x, y).allSatisfy({ rowsMatch($0, $1) }) { return true }
        // Values within the tolerance may sort apart: match greedily instead.
        var unmatched = y
        for row in x {
            guard let i = unmatched.firstIndex(where: { rowsMatch($0, row) }) else { return false }
            unmatched.remove(at: i)
        }
        return true
    }

    /// nil when the results agree; otherwise what differs.
    static func difference(sundial: [[Cell]], duckdb: [[Cell]], order: Order) -> String? {
        switch order {
        case .total(let keys?):
            // Runs of rows whose keys tie (within the tolerance) compare as multisets.
            guard sundial.count == duckdb.count else { break }
            var i = 0
            while i < sundial.count {
                let key = keys.map { sundial[i][$0] }
                var j = i + 1
                while j < sundial.count && rowsMatch(keys.map { sundial[j][$0] }, key) { j += 1 }
                if !sameMultiset(Array(sundial[i..<j]), Array(duckdb[i..<j])) {
                    return "row \(i) differs (order is fixed by ORDER BY):\n  Sundial: \(render(sundial[i]))\n  DuckDB:  \(render(duckdb[i]))"
                        + sample(sundial, duckdb)
                }
                i = j
            }
            return nil
        case .total(nil): return difference(sundial: sundial, duckdb: duckdb, ordered: true, orderedColumns: [])
        case .partial(let columns): return difference(sundial: sundial, duckdb: duckdb, ordered: false, orderedColumns: columns)
        case .some(let limit, let offset):
            let expected = min(limit ?? .max, max(0, duckdb.count - offset))
            if sundial.count != expected {
                return "Sundial returned \(sundial.count) rows; LIMIT \(limit.map(String.init) ?? "ALL") OFFSET \(offset) of DuckDB's \(duckdb.count) rows is \(expected)"
                    + sample(sundial, duckdb)
            }
            if !isSubMultiset(sundial, of: duckdb) {
                let strays = sundial.filter { row in !duckdb.contains { rowsMatch($0, row) } }.prefix(5)
                return "Sundial returned rows DuckDB does not have (LIMIT without a total order): " + strays.map(render).joined(separator: " ")
            }
            return nil
        }
        return difference(sundial: sundial, duckdb: duckdb, ordered: true, orderedColumns: [])
    }

    static func difference(sundial: [[Cell]], duckdb: [[Cell]], ordered: Bool, orderedColumns: [Int]) -> String? {
        if sundial.count != duckdb.count {
            return "Sundial returned \(sundial.count) rows, DuckDB \(duckdb.count)" + sample(sundial, duckdb)
        }
        if let width = sundial.first?.count, let other = duckdb.first?.count, width != other {
            return "Sundial returned \(width) columns, DuckDB \(other)" + sample(sundial, duckdb)
        }
        if ordered {
            for (i, (s, d)) in zip(sundial, duckdb).enumerated() where !rowsMatch(s, d) {
                return "row \(i) differs (order is fixed by ORDER BY):\n  Sundial: \(render(s))\n  DuckDB:  \(render(d))" + sample(sundial, duckdb)
            }
            return nil
        }
        if !sameMultiset(sundial, duckdb) {
            let s = sundial.sorted(by: Cell.rowPrecedes), d = duckdb.sorted(by: Cell.rowPrecedes)
            let (x, y) = zip(s, d).first { !rowsMatch($0, $1) } ?? (s[0], d[0])
            let onlySundial = s.filter { row in !d.contains { rowsMatch($0, row) } }.prefix(5)
            let onlyDuck = d.filter { row in !s.contains { rowsMatch($0, row) } }.prefix(5)
            return "the rows differ (compared as multisets):\n  first difference: Sundial \(render(x)) vs DuckDB \(render(y))"
                + "\n  only in Sundial: " + onlySundial.map(render).joined(separator: " ")
                + "\n  only in DuckDB:  " + onlyDuck.map(render).joined(separator: " ")
        }
        if !orderedColumns.isEmpty {
            for (i, (x, y)) in zip(sundial, duckdb).enumerated() {
                let a = orderedColumns.map { x[$0] }, b = orderedColumns.map { y[$0] }
                if !rowsMatch(a, b) {
                    return "the same rows, but row \(i) is out of ORDER BY's order (columns \(orderedColumns.map { $0 + 1 })):"
                        + "\n  Sundial: \(render(x))\n  DuckDB:  \(render(y))"
                }
            }
        }
        return nil
    }

    static func sample(_ sundial: [[Cell]], _ duckdb: [[Cell]]) -> String {
        "\n  Sundial's first rows: " + sundial.prefix(4).map(render).joined(separator: " ")
            + "\n  DuckDB's first rows:  " + duckdb.prefix(4).map(render).joined(separator: " ")
    }
}
