// Decoding result rows into `Decodable` types, as PostgresNIO and GRDB do: a property
// reads the column of its coding key (the rules are in SundialStorage's ResultRowDecoder,
// shared with the wire client).
import SundialStorage

extension QueryResult {
    /// The rows decoded as `T`, streamed batch by batch.
    ///
    /// ```swift
    /// struct Point: Decodable { var hostname: String; var hour: Int64; var peak: Double? }
    /// for try await point in try await db.query("SELECT hostname, time_bucket('1h', time) AS hour, max(usage_user) AS peak FROM cpu GROUP BY 1, 2").decode(Point.self) { … }
    /// ```
    public func decode<T: Decodable>(_ type: T.Type) -> DecodedRows<T> {
        DecodedRows(result: self)
    }
}

/// Rows of a result decoded as `T`.
public struct DecodedRows<T: Decodable>: AsyncSequence, Sendable {
    public typealias Element = T
    let result: QueryResult

    public struct AsyncIterator: AsyncIteratorProtocol {
        var batches: QueryResult.AsyncIterator
        let names: [String]
        var current: Batch?
        var row = 0

        public mutating func next() async throws -> T? {
            while current == nil || row >= current!.count {
                guard let batch = try batches.step() else { return nil }
                current = batch
                row = 0
            }
            let values = current!.row(row)
            row += 1
            return try T(from: ResultRowDecoder(names: names, values: values))
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(batches: result.makeAsyncIterator(), names: result.columns.map(\.name))
    }
}

extension SQLValue: ResultCell {
    public var isNullCell: Bool { isNull }
    public var boolCell: Bool? { if case .boolean(let b) = self { b } else { nil } }
    public var stringCell: String? { if case .string(let s) = self { s } else { nil } }
    public var int64Cell: Int64? { int64Value }
    public var doubleCell: Double? {
        switch self {
        case .double(let d): d
        case .bigint(let i): Double(i)
        case .timestamp(let t), .interval(let t): Double(t) / 1e9
        default: nil
        }
    }
    public var typeName: String { "\(type)" }
}
