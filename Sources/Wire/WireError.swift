// The one public error type of the wire module.
//
// Modeled on `StorageError` (and swift-nio's `FileSystemError`): a `Code` over a private
// enum so that codes can be added without breaking users, a message, and the byte offset
// in the stream (or in the frame, for a frame decoded on its own) of the first byte that
// could not be accepted, as Prometheus' `CorruptionErr` does.

/// An error raised while decoding or speaking the wire protocol.
///
/// Decoders never trap on bad input: every malformed, truncated or corrupted byte
/// sequence is reported as a `WireError` whose ``offset`` points at the offending byte.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable, extensible code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Wrapped: Hashable, Sendable {
            case truncated, frameTooLarge, badLength, unknownFrameType, checksumMismatch
            case badVarint, badUTF8, corrupt, limitExceeded
            case unsupportedVersion, protocolViolation, closed, remote
        }

        fileprivate var wrapped: Wrapped
        fileprivate init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The input ended inside a frame, or a payload ended inside a field.
        public static var truncated: Code { Code(.truncated) }
        /// A frame's declared length exceeds the receiver's maximum frame size (checked
        /// before anything is allocated for it).
        public static var frameTooLarge: Code { Code(.frameTooLarge) }
        /// A frame's length disagrees with its payload (bytes left after the last field).
        public static var badLength: Code { Code(.badLength) }
        /// A frame type byte this version does not know.
        public static var unknownFrameType: Code { Code(.unknownFrameType) }
        /// A frame's CRC32C does not match its bytes.
        public static var checksumMismatch: Code { Code(.checksumMismatch) }
        /// A varint longer than 10 bytes or wider than 64 bits.
        public static var badVarint: Code { Code(.badVarint) }
        /// A string that is not valid UTF-8.
        public static var badUTF8: Code { Code(.badUTF8) }
        /// A structurally invalid field: a count that lies, an unknown value type, a bad flag.
        public static var corrupt: Code { Code(.corrupt) }
        /// A protocol limit (rows, columns, cells, parameters) would be exceeded.
        public static var limitExceeded: Code { Code(.limitExceeded) }
        /// The peers share no protocol version.
        public static var unsupportedVersion: Code { Code(.unsupportedVersion) }
        /// A well-formed frame that is not allowed at this point of the conversation.
        public static var protocolViolation: Code { Code(.protocolViolation) }
        /// The connection is closed.
        public static var closed: Code { Code(.closed) }
        /// The peer answered with an Error frame (its code and message are in the message).
        public static var remote: Code { Code(.remote) }

        public var description: String {
            switch wrapped {
            case .truncated: "truncated"
            case .frameTooLarge: "frame too large"
            case .badLength: "bad length"
            case .unknownFrameType: "unknown frame type"
            case .checksumMismatch: "checksum mismatch"
            case .badVarint: "bad varint"
            case .badUTF8: "bad UTF-8"
            case .corrupt: "corrupt"
            case .limitExceeded: "limit exceeded"
            case .unsupportedVersion: "unsupported version"
            case .protocolViolation: "protocol violation"
            case .closed: "closed"
            case .remote: "remote error"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What failed, in words.
    public var message: String
    /// The byte offset of the problem: in the stream for ``FrameDecoder``, in the frame
    /// for ``Frame/decode(_:maxFrameSize:)``; nil when the error is not about bytes.
    public var offset: Int?

    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// The same error with its offset moved by `delta` bytes.
    public func shifted(by delta: Int) -> WireError {
        guard let offset else { return self }
        var copy = self
        copy.offset = offset + delta
        return copy
    }

    public var description: String {
        "\(code): \(message)" + (offset.map { " (offset \($0))" } ?? "")
    }
}
