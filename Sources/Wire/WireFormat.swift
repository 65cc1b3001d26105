// Wire protocol byte layout constants (docs/formats/wire.md), in one place as LevelDB's
// log_format.h does.
//
// frame := length u32 (= payload bytes) | type u8 | payload | crc32c u32
//          crc32c covers length, type and payload (every byte but itself), so a damaged
//          length or type is caught as well as a damaged payload.

/// Constants of the wire protocol.
public enum WireFormat {
    /// The protocol version this release speaks (negotiated by Hello / Welcome).
    public static let protocolVersion: UInt16 = 1
    /// The oldest protocol version this release speaks.
    public static let minimumProtocolVersion: UInt16 = 1
    /// Bytes before the payload: length u32 and type u8.
    public static let headerSize = 5
    /// Bytes after the payload: the CRC32C.
    public static let trailerSize = 4
    /// The default largest payload a peer accepts (16 MiB).
    public static let defaultMaxFrameSize = 16 << 20
    /// The largest payload any peer may announce (1 GiB): a configured limit is clamped to it.
    public static let maxFrameSizeLimit = 1 << 30
    /// The most rows one ResultBatch may carry (the column codecs' block limit).
    public static let maxBatchRows = 1 << 20
    /// The most columns a schema or batch may carry.
    public static let maxColumns = 4096
    /// The most row × column cells one ResultBatch may carry: the decoder checks this
    /// before it allocates, so a small frame cannot claim gigabytes of values.
    public static let maxBatchCells = 1 << 23
    /// The most query parameters one Query may carry.
    public static let maxParameters = 65_536
    /// Columns with fewer rows than this are sent plain; larger ones go through the
    /// storage codecs (``ColumnBlock``) when that is smaller.
    public static let plainBelowRows = 64
}

/// The type byte of a frame. Never renumber one; retire a type by leaving its number unused.
public enum FrameType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Client → server: the protocol versions the client speaks, its name and frame limit.
    case hello = 1
    /// Server → client: the chosen version, the server's version and frame limit.
    case welcome = 2
    /// Client → server: the credential.
    case auth = 3
    /// Server → client: the credential was accepted; requests may follow.
    case ready = 4
    /// Client → server: run one SQL statement.
    case query = 5
    /// Server → client: the result's columns.
    case resultSchema = 6
    /// Server → client: rows of the result, columnar.
    case resultBatch = 7
    /// Server → client: the request finished.
    case complete = 8
    /// Client → server: line protocol or a columnar write batch.
    case write = 9
    /// Server → client: a write was made durable.
    case ack = 10
    /// Client → server: stop a running request.
    case cancel = 11
    /// Either way: a request (or the connection, for request id 0) failed.
    case error = 12
    /// Either way: are you there?
    case ping = 13
    /// Either way: the answer to a ping.
    case pong = 14

    public var description: String {
        switch self {
        case .hello: "Hello"
        case .welcome: "Welcome"
        case .auth: "Auth"
        case .ready: "Ready"
        case .query: "Query"
        case .resultSchema: "ResultSchema"
        case .resultBatch: "ResultBatch"
        case .complete: "Complete"
        case .write: "Write"
        case .ack: "Ack"
        case .cancel: "Cancel"
        case .error: "Error"
        case .ping: "Ping"
        case .pong: "Pong"
        }
    }
}
