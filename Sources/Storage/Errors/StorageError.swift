// The one public error type of the storage module.
//
// Modeled on swift-nio's `FileSystemError`: a `Code` that can grow without breaking
// users, a human-readable message, and where the data came from (file and byte
// offset) so corruption can be located, as Prometheus' `CorruptionErr` does.

/// An error raised by Sundial's storage layer.
///
/// Decoders never trap on bad input: every malformed, truncated or corrupted byte
/// sequence is reported as a `StorageError` whose ``offset`` points at the first byte
/// that could not be accepted.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable, extensible code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Wrapped: Hashable, Sendable {
            case truncated, corrupt, checksumMismatch, unknownEncoding
            case invalidArgument, limitExceeded, compression
            case io, diskFull, closed
        }

        fileprivate var wrapped: Wrapped
        fileprivate init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The input ended before the structure it describes.
        public static var truncated: Code { Code(.truncated) }
        /// The input is structurally invalid (a length, width or count out of range).
        public static var corrupt: Code { Code(.corrupt) }
        /// A stored CRC32C does not match the bytes it covers.
        public static var checksumMismatch: Code { Code(.checksumMismatch) }
        /// An encoding tag this version of Sundial does not know.
        public static var unknownEncoding: Code { Code(.unknownEncoding) }
        /// The caller passed something unusable (for example an output buffer that is too small).
        public static var invalidArgument: Code { Code(.invalidArgument) }
        /// A configured or format limit would be exceeded.
        public static var limitExceeded: Code { Code(.limitExceeded) }
        /// The compression library reported an error.
        public static var compression: Code { Code(.compression) }
        /// The operating system reported an I/O error.
        public static var io: Code { Code(.io) }
        /// The disk (or a quota) is full.
        public static var diskFull: Code { Code(.diskFull) }
        /// The database or file was closed, or refuses writes after a failed sync.
        public static var closed: Code { Code(.closed) }

        public var description: String {
            switch wrapped {
            case .truncated: "truncated"
            case .corrupt: "corrupt"
            case .checksumMismatch: "checksum mismatch"
            case .unknownEncoding: "unknown encoding"
            case .invalidArgument: "invalid argument"
            case .limitExceeded: "limit exceeded"
            case .compression: "compression error"
            case .io: "I/O error"
            case .diskFull: "disk full"
            case .closed: "closed"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What failed, in words.
    public var message: String
    /// The file the bytes came from, when known.
    public var file: String?
    /// The byte offset of the problem: within ``file`` when it is set, otherwise within
    /// the buffer handed to the failing call.
    public var offset: Int?

    public init(_ code: Code, _ message: String, file: String? = nil, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
    }

    /// The same error located in `file`, with its offset moved by `base` bytes
    /// (the position of the failing buffer inside that file).
    public func located(in file: String, at base: Int) -> StorageError {
        var copy = self
        copy.file = file
        copy.offset = (offset ?? 0) + base
        return copy
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let file { text += " (file \(file)" + (offset.map { ", offset \($0))" } ?? ")") }
        else if let offset { text += " (offset \(offset))" }
        return text
    }
}
