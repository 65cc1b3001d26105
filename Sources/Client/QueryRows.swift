// The rows of a query as they arrive: an AsyncSequence of column batches (one per
// ResultBatch frame), decodable into `Decodable` rows. The connection is leased to the
// result until Complete or Error; a result dropped unread is cancelled and drained in the
// background before its connection goes back to the pool.
import SundialStorage
import SundialWire

/// The result of ``SundialClient/query(_:parameters:)``: its columns, then its rows as
/// column batches.
///
/// ```swift
/// let rows = try await client.query("SELECT time, usage FROM cpu")
/// for try await batch in rows { print(batch.count, batch.columns[1]) }
/// ```
/// Iterate it once, from one task.
public struct QueryRows: AsyncSequence, Sendable {
    public typealias Element = WireBatch

    /// The result's columns.
    public let columns: [Frame.Column]
    let stream: QueryStream

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: QueryStream
        public mutating func next() async throws -> WireBatch? { try await stream.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: stream) }

    /// The Complete frame (rows, server time, rows affected), once every batch was read.
    public var completion: Frame.Complete? {
        get async { await stream.completion }
    }

    /// Every row, as values (for small results).
    public func rows() async throws -> [[WireValue]] {
        var out: [[WireValue]] = []
        for try await batch in self {
            for i in 0..<batch.count { out.append(batch.row(i)) }
        }
        return out
    }

    /// Asks the server to stop the query and reads what it already sent.
    /// - Returns: true when the server stopped it, false when it had already finished.
    @discardableResult
    public func cancel() async throws -> Bool { try await stream.cancel() }

    /// The rows decoded as `T`: each stored property reads the column of its coding key.
    /// BIGINT decodes into any integer type that holds it, TIMESTAMP and INTERVAL into
    /// integers (nanoseconds) or Double (seconds), NULL only into an Optional.
    public func decode<T: Decodable>(_ type: T.Type) -> DecodedRows<T> {
        DecodedRows(rows: self)
    }
}

/// Rows of a result decoded as `T`.
public struct DecodedRows<T: Decodable>: AsyncSequence, Sendable {
    public typealias Element = T
    let rows: QueryRows

    public struct AsyncIterator: AsyncIteratorProtocol {
        var batches: QueryRows.AsyncIterator
        let names: [String]
        var current: WireBatch?
        var row = 0

        public mutating func next() async throws -> T? {
            while true {
                if let current, row < current.count {
                    defer { row += 1 }
                    return try T(from: ResultRowDecoder(names: names, values: current.row(row)))
                }
                guard let batch = try await batches.next() else { return nil }
                current = batch
                row = 0
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(batches: rows.makeAsyncIterator(), names: rows.columns.map(\.name))
    }
}

/// The reading side of one query on its leased connection.
actor QueryStream {
    let requestID: UInt32
    let connection: ClientConnection
    let pool: ConnectionPool
    private var finished = false
    private(set) var completion: Frame.Complete?

    init(requestID: UInt32, connection: ClientConnection, pool: ConnectionPool) {
        self.requestID = requestID
        self.connection = connection
        self.pool = pool
    }

    deinit {
        guard !finished else { return }
        // Dropped before the end: cancel, drain, then give the connection back.
        let (id, connection, pool) = (requestID, connection, pool)
        Task {
            do {
                try await connection.send(.cancel(.init(requestID: id)))
                _ = try await Self.drain(id, connection)
            } catch {
                connection.markBroken()
            }
            await pool.release(connection)
        }
    }

    /// The next batch; nil after Complete. Throws the server's Error frame.
    func next() async throws -> WireBatch? {
        guard !finished else { return nil }
        do {
            while true {
                switch try await connection.receive() {
                case .resultBatch(let batch) where batch.requestID == requestID:
                    return batch.batch
                case .complete(let complete) where complete.requestID == requestID:
                    completion = complete
                    await finish()
                    return nil
                case .error(let failure) where failure.requestID == requestID:
                    await finish()
                    throw failure
                case .pong:
                    continue
                case let frame:
                    throw WireError(.protocolViolation, "expected rows of request \(requestID), the server sent \(frame.type)")
                }
            }
        } catch let failure as Frame.Failure where failure.requestID == requestID {
            throw failure
        } catch {
            connection.markBroken()
            await finish()
            throw error
        }
    }

    func cancel() async throws -> Bool {
        guard !finished else { return false }
        do {
            try await connection.send(.cancel(.init(requestID: requestID)))
            let (stopped, complete) = try await Self.drain(requestID, connection)
            completion = complete
            await finish()
            return stopped
        } catch {
            connection.markBroken()
            await finish()
            throw error
        }
    }

    private func finish() async {
        guard !finished else { return }
        finished = true
        await pool.release(connection)
    }

    /// Reads until the request's Complete or Error: (stopped by the server?, Complete).
    static func drain(_ id: UInt32, _ connection: ClientConnection) async throws -> (Bool, Frame.Complete?) {
        while true {
            switch try await connection.receive() {
            case .complete(let complete) where complete.requestID == id: return (false, complete)
            case .error(let failure) where failure.requestID == id: return (failure.code == .cancelled, nil)
            default: continue
            }
        }
    }
}
