// The frames of the wire protocol as values (docs/formats/wire.md). Each case carries one
// message struct; `Frame+Encode.swift` and `Frame+Decode.swift` hold the byte layouts.
import SundialStorage

/// One message of the wire protocol.
///
/// ```swift
/// var writer = ByteWriter()
/// Frame.ping(Frame.Ping(nonce: 7)).encode(into: &writer)
/// var decoder = FrameDecoder()
/// decoder.feed(writer.bytes)
/// let frame = try decoder.next()   // .ping(Ping(nonce: 7))
/// ```
public enum Frame: Sendable, Hashable {
    case hello(Hello)
    case welcome(Welcome)
    case auth(Auth)
    case ready(Ready)
    case query(Query)
    case resultSchema(ResultSchema)
    case resultBatch(ResultBatch)
    case complete(Complete)
    case write(Write)
    case ack(Ack)
    case cancel(Cancel)
    case error(Failure)
    case ping(Ping)
    case pong(Ping)

    /// The frame's type byte.
    public var type: FrameType {
        switch self {
        case .hello: .hello
        case .welcome: .welcome
        case .auth: .auth
        case .ready: .ready
        case .query: .query
        case .resultSchema: .resultSchema
        case .resultBatch: .resultBatch
        case .complete: .complete
        case .write: .write
        case .ack: .ack
        case .cancel: .cancel
        case .error: .error
        case .ping: .ping
        case .pong: .pong
        }
    }

    /// The request the frame belongs to (nil for connection-level frames).
    public var requestID: UInt32? {
        switch self {
        case .query(let f): f.requestID
        case .resultSchema(let f): f.requestID
        case .resultBatch(let f): f.requestID
        case .complete(let f): f.requestID
        case .write(let f): f.requestID
        case .ack(let f): f.requestID
        case .cancel(let f): f.requestID
        case .error(let f): f.requestID
        default: nil
        }
    }
}

extension Frame {
    /// Client → server, first: the protocol versions the client speaks.
    public struct Hello: Sendable, Hashable {
        /// The oldest and newest protocol versions the client speaks.
        public var minVersion: UInt16
        public var maxVersion: UInt16
        /// For logs ("sundial-swift/1.0").
        public var clientName: String
        /// The largest frame payload the client accepts; the server splits result batches to fit.
        public var maxFrameSize: UInt32

        public init(minVersion: UInt16 = WireFormat.minimumProtocolVersion, maxVersion: UInt16 = WireFormat.protocolVersion,
                    clientName: String, maxFrameSize: UInt32 = UInt32(WireFormat.defaultMaxFrameSize)) {
            self.minVersion = minVersion
            self.maxVersion = maxVersion
            self.clientName = clientName
            self.maxFrameSize = maxFrameSize
        }
    }

    /// Server → client: the version both speak from now on.
    public struct Welcome: Sendable, Hashable {
        public var version: UInt16
        /// For logs ("sundial/0.6.0").
        public var serverVersion: String
        /// The largest frame payload the server accepts.
        public var maxFrameSize: UInt32

        public init(version: UInt16, serverVersion: String, maxFrameSize: UInt32) {
            self.version = version
            self.serverVersion = serverVersion
            self.maxFrameSize = maxFrameSize
        }
    }

    /// Client → server: the credential (an API token or a JWT; empty for none).
    public struct Auth: Sendable, Hashable {
        public var token: String
        public init(token: String) { self.token = token }
    }

    /// Server → client: who the credential belongs to; requests may follow.
    public struct Ready: Sendable, Hashable {
        public var principal: String
        /// "reader", "writer" or "admin".
        public var role: String
        /// The workspace the connection is confined to, if any.
        public var workspace: String?

        public init(principal: String, role: String, workspace: String? = nil) {
            self.principal = principal
            self.role = role
            self.workspace = workspace
        }
    }

    /// Client → server: run one SQL statement with `$1`, `$2`, … bound to `parameters`.
    public struct Query: Sendable, Hashable {
        public var requestID: UInt32
        public var sql: String
        public var parameters: [WireValue]

        public init(requestID: UInt32, sql: String, parameters: [WireValue] = []) {
            self.requestID = requestID
            self.sql = sql
            self.parameters = parameters
        }
    }

    /// A result column's name and type.
    public struct Column: Sendable, Hashable {
        public var name: String
        public var type: WireType
        public init(name: String, type: WireType) {
            self.name = name
            self.type = type
        }
    }

    /// Server → client: the columns of the result (sent before any batch, even for none).
    public struct ResultSchema: Sendable, Hashable {
        public var requestID: UInt32
        public var columns: [Column]
        public init(requestID: UInt32, columns: [Column]) {
            self.requestID = requestID
            self.columns = columns
        }
    }

    /// Server → client: rows of the result.
    public struct ResultBatch: Sendable, Hashable {
        public var requestID: UInt32
        public var batch: WireBatch
        public init(requestID: UInt32, batch: WireBatch) {
            self.requestID = requestID
            self.batch = batch
        }
    }

    /// Server → client: the request finished.
    public struct Complete: Sendable, Hashable {
        public var requestID: UInt32
        /// Rows sent in ResultBatch frames.
        public var rows: UInt64
        /// Server-side time, nanoseconds.
        public var elapsedNanoseconds: UInt64
        /// Rows changed by an INSERT (nil for other statements).
        public var rowsAffected: UInt64?

        public init(requestID: UInt32, rows: UInt64, elapsedNanoseconds: UInt64, rowsAffected: UInt64? = nil) {
            self.requestID = requestID
            self.rows = rows
            self.elapsedNanoseconds = elapsedNanoseconds
            self.rowsAffected = rowsAffected
        }
    }

    /// Client → server: rows to write.
    public struct Write: Sendable, Hashable {
        /// What is written.
        public enum Content: Sendable, Hashable {
            /// InfluxDB line protocol with timestamps in `precision`.
            case lineProtocol([UInt8], precision: TimePrecision)
            /// A columnar batch (the WAL's write batch layout).
            case batch(WriteBatch)
        }

        public var requestID: UInt32
        public var content: Content

        public init(requestID: UInt32, content: Content) {
            self.requestID = requestID
            self.content = content
        }
    }

    /// One line a write refused.
    public struct RejectedLine: Sendable, Hashable {
        /// 1-based line number (for a columnar batch: 1-based series index).
        public var line: UInt32
        /// 1-based byte column within the line (0: the whole line).
        public var column: UInt32
        public var reason: String

        public init(line: UInt32, column: UInt32, reason: String) {
            self.line = line
            self.column = column
            self.reason = reason
        }
    }

    /// Server → client: a write is durable.
    public struct Ack: Sendable, Hashable {
        public var requestID: UInt32
        /// The LSN of the last batch written (0 when nothing was).
        public var lsn: UInt64
        public var rowsWritten: UInt64
        /// Lines refused; the others were written.
        public var rejected: [RejectedLine]

        public init(requestID: UInt32, lsn: UInt64, rowsWritten: UInt64, rejected: [RejectedLine] = []) {
            self.requestID = requestID
            self.lsn = lsn
            self.rowsWritten = rowsWritten
            self.rejected = rejected
        }
    }

    /// Client → server: stop request `requestID` (no effect when it already finished).
    public struct Cancel: Sendable, Hashable {
        public var requestID: UInt32
        public init(requestID: UInt32) { self.requestID = requestID }
    }

    /// Either way: a request failed (request id 0: the connection failed and will close).
    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        public var requestID: UInt32
        /// A stable code (``Frame/Failure/Code``).
        public var code: Code
        public var message: String
        /// 1-based position in the SQL text or line protocol (0: none).
        public var line: UInt32
        public var column: UInt32

        public init(requestID: UInt32, code: Code, message: String, line: UInt32 = 0, column: UInt32 = 0) {
            self.requestID = requestID
            self.code = code
            self.message = message
            self.line = line
            self.column = column
        }

        public var description: String {
            "\(code.rawValue): \(message)" + (line > 0 ? " at \(line):\(column)" : "")
        }

        /// The error codes a server sends; a client treats codes it does not know as errors too.
        public struct Code: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
            public var rawValue: String
            public init(rawValue: String) { self.rawValue = rawValue }
            public init(stringLiteral value: String) { rawValue = value }

            /// A frame could not be decoded (the connection closes).
            public static let badFrame: Code = "bad_frame"
            /// A frame exceeded the receiver's maximum frame size (the connection closes).
            public static let frameTooLarge: Code = "frame_too_large"
            /// A frame out of turn (a Query before Ready, a second Hello …).
            public static let protocolViolation: Code = "protocol_violation"
            /// No protocol version in common.
            public static let unsupportedVersion: Code = "unsupported_version"
            /// Missing, unknown, expired or malformed credential.
            public static let unauthorized: Code = "unauthorized"
            /// The credential lacks the role or workspace the request needs.
            public static let forbidden: Code = "forbidden"
            /// The handshake did not finish in time.
            public static let handshakeTimeout: Code = "handshake_timeout"
            /// The connection was idle too long.
            public static let idleTimeout: Code = "idle_timeout"
            /// The server holds as many connections as it may.
            public static let tooManyConnections: Code = "too_many_connections"
            /// SQL that does not lex or parse (line and column set).
            public static let syntax: Code = "syntax"
            /// An unknown table or column (line and column set).
            public static let unknownName: Code = "unknown_name"
            /// A type error, a value out of range, bad text for a type.
            public static let invalidQuery: Code = "invalid_query"
            /// A construct this version does not run.
            public static let unsupported: Code = "unsupported"
            /// A per-query limit (time, rows, memory) was reached.
            public static let limitExceeded: Code = "limit_exceeded"
            /// The request was cancelled by a Cancel frame.
            public static let cancelled: Code = "cancelled"
            /// A write was malformed (nothing of it was written).
            public static let invalidWrite: Code = "invalid_write"
            /// The storage engine failed (I/O, disk full): the request may not have happened.
            public static let storage: Code = "storage"
            /// A server bug or an unexpected failure.
            public static let `internal`: Code = "internal"
        }
    }

    /// Ping and Pong: a Pong echoes its Ping's nonce.
    public struct Ping: Sendable, Hashable {
        public var nonce: UInt64
        public init(nonce: UInt64) { self.nonce = nonce }
    }
}

/// An Error frame is also the error a client throws for a failed request.
extension Frame.Failure: Error {}
