// The async Swift client of the wire protocol (docs/formats/wire.md). It depends on the
// frame codec only (SundialWire, over SwiftNIO), never on the engine.
import SundialStorage
import NIOSSL
import SundialWire
import Synchronization

/// A client of a Sundial server's wire protocol.
///
/// ```swift
/// let client = try await SundialClient.connect(host: "127.0.0.1", port: 9471, token: "…")
/// let ack = try await client.write(lineProtocol: "cpu,host=a usage=0.5 1700000000000000000")
/// struct Row: Decodable { var host: String; var usage: Double }
/// for try await row in try await client.query("SELECT host, usage FROM cpu WHERE host = $1",
///                                             parameters: [.string("a")]).decode(Row.self) {
///     print(row)
/// }
/// await client.close()
/// ```
///
/// A client is `Sendable`: share one between tasks. Each request leases a connection of a
/// small pool (``Configuration/maxConnections``) for its duration; requests beyond that
/// wait for a connection. A query's connection returns to the pool when its rows have
/// been read to the end, when it is cancelled, or (after draining) when its result is
/// dropped unread.
///
/// Failed requests throw ``Frame/Failure`` (the server's Error frame: code, message,
/// line, column); protocol and transport problems throw ``WireError`` or SwiftNIO's errors.
public final class SundialClient: Sendable {
    /// Pool size, limits and identity.
    public struct Configuration: Sendable {
        /// The most connections open at once.
        public var maxConnections = 4
        /// The largest frame payload this client accepts (sent in Hello).
        public var maxFrameSize = WireFormat.defaultMaxFrameSize
        /// Sent in Hello, for the server's logs.
        public var clientName = "sundial-swift/0.6"
        public var connectTimeout: Duration = .seconds(10)
        /// When set, connections speak TLS with this configuration (for a self-signed
        /// server certificate: `trustRoots: .certificates([cert])`).
        public var tls: TLSConfiguration?
        /// The name the server's certificate must carry (and the SNI sent); the host by default.
        public var serverHostname: String?

        public init() {}
    }

    let pool: ConnectionPool
    private let nextID = Atomic<UInt32>(1)

    private init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Connects (one connection, opened now, so a bad address or token fails here).
    ///
    /// - Parameter token: an API token or JWT; empty for a server without credentials.
    /// - Throws: ``Frame/Failure`` `unauthorized` for a refused token; NIO's errors when
    ///   the server cannot be reached.
    public static func connect(host: String, port: Int, token: String = "",
                               configuration: Configuration = Configuration()) async throws -> SundialClient {
        let pool = ConnectionPool(host: host, port: port, token: token, configuration: configuration)
        let connection = try await pool.acquire()
        await pool.release(connection)
        return SundialClient(pool: pool)
    }

    func makeRequestID() -> UInt32 {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        return id == 0 ? nextID.add(1, ordering: .relaxed).oldValue : id
    }

    /// Runs one SQL statement. Returns once the server has sent the result's columns; the
    /// rows stream as they are read from the returned sequence.
    ///
    /// - Parameters:
    ///   - parameters: values of `$1`, `$2`, … (bound, never spliced into the text).
    /// - Throws: ``Frame/Failure`` (`syntax` with line and column, `unknown_name`,
    ///   `forbidden`, …) when the statement fails before its first row.
    public func query(_ sql: String, parameters: [WireValue] = []) async throws -> QueryRows {
        let connection = try await pool.acquire()
        let id = makeRequestID()
        do {
            try await connection.send(.query(.init(requestID: id, sql: sql, parameters: parameters)))
            while true {
                switch try await connection.receive() {
                case .resultSchema(let schema) where schema.requestID == id:
                    return QueryRows(columns: schema.columns, stream: QueryStream(requestID: id, connection: connection, pool: pool))
                case .error(let failure) where failure.requestID == id:
                    await pool.release(connection)
                    throw failure
                case .pong:
                    continue
                case let frame:
                    connection.markBroken()
                    throw WireError(.protocolViolation, "expected the result of request \(id), the server sent \(frame.type)")
                }
            }
        } catch let failure as Frame.Failure where failure.requestID == id {
            throw failure
        } catch {
            connection.markBroken()
            await pool.release(connection)
            throw error
        }
    }

    /// Writes InfluxDB line protocol; returns once it is durable.
    /// - Returns: the Ack: LSN, rows written, and every refused line with its reason (the
    ///   good lines are written).
    /// - Throws: ``Frame/Failure`` (`forbidden` for a reader, `storage` …); ``WireError``
    ///   `.frameTooLarge` when the text exceeds the server's frame limit (nothing is sent).
    public func write(lineProtocol: String, precision: TimePrecision = .nanoseconds) async throws -> Frame.Ack {
        try await write(.lineProtocol(Array(lineProtocol.utf8), precision: precision))
    }

    /// Writes a columnar batch (the table and new columns are created on first write).
    public func write(_ batch: WriteBatch) async throws -> Frame.Ack {
        try await write(.batch(batch))
    }

    private func write(_ content: Frame.Write.Content) async throws -> Frame.Ack {
        try await withConnection { connection, id in
            try await connection.send(.write(.init(requestID: id, content: content)))
            while true {
                switch try await connection.receive() {
                case .ack(let ack) where ack.requestID == id: return ack
                case .error(let failure) where failure.requestID == id: throw failure
                case .pong: continue
                case let frame: throw WireError(.protocolViolation, "expected the Ack of request \(id), the server sent \(frame.type)")
                }
            }
        }
    }

    /// Sends a Ping and waits for its Pong.
    /// - Returns: the round-trip time.
    @discardableResult
    public func ping() async throws -> Duration {
        try await withConnection { connection, id in
            let started = ContinuousClock.now
            let nonce = UInt64(id) << 32 | UInt64(UInt32(truncatingIfNeeded: started.hashValue))
            try await connection.send(.ping(.init(nonce: nonce)))
            while true {
                if case .pong(let pong) = try await connection.receive(), pong.nonce == nonce {
                    return started.duration(to: .now)
                }
            }
        }
    }

    /// Runs `body` on a leased connection. A server Error for the request leaves the
    /// connection in the pool; anything else (transport, protocol) drops it.
    private func withConnection<T: Sendable>(_ body: (ClientConnection, UInt32) async throws -> T) async throws -> T {
        let connection = try await pool.acquire()
        let id = makeRequestID()
        do {
            let result = try await body(connection, id)
            await pool.release(connection)
            return result
        } catch let failure as Frame.Failure where failure.requestID == id {
            await pool.release(connection)
            throw failure
        } catch let error as WireError where error.code == .frameTooLarge && !connection.isBroken {
            await pool.release(connection)
            throw error
        } catch {
            connection.markBroken()
            await pool.release(connection)
            throw error
        }
    }

    /// Who the server says this client is (from the last connection's Ready frame).
    public func whoAmI() async throws -> Frame.Ready {
        try await withConnection { connection, _ in connection.ready }
    }

    /// Connections open now (for tests and metrics).
    public var openConnectionCount: Int {
        get async { await pool.openCount }
    }

    /// Closes the idle connections; connections of unfinished results close when those
    /// finish. Later requests throw ``WireError`` `.closed`.
    public func close() async {
        await pool.close()
    }
}
