// The incremental frame decoder: bytes in, as they arrive; whole frames out.
//
// A pure parser struct in the manner of swift-nio's WebSocketFrameDecoder: the caller
// feeds whatever the socket delivered (one byte or many frames at once) and pulls frames.
// The length field is checked against the maximum frame size as soon as its four bytes
// are in, before anything is reserved for the payload; the decoder only ever holds
// bytes the peer actually sent. After an error the stream cannot be resynchronized: the
// decoder keeps throwing that error.
import SundialStorage

/// Splits a byte stream into frames.
///
/// ```swift
/// var decoder = FrameDecoder(maxFrameSize: 1 << 20)
/// decoder.feed(bytesFromTheSocket)
/// while let frame = try decoder.next() { handle(frame) }
/// ```
/// Errors carry the offset in the stream (counted from the first byte ever fed).
public struct FrameDecoder: Sendable {
    /// The largest payload accepted.
    public let maxFrameSize: Int
    private var buffer: [UInt8] = []
    /// Index in `buffer` of the first byte not yet consumed.
    private var start = 0
    /// Stream offset of `buffer[0]`.
    private var bufferBase = 0
    private var failure: WireError?

    /// - Parameter maxFrameSize: the largest payload accepted, clamped to
    ///   ``WireFormat/maxFrameSizeLimit``.
    public init(maxFrameSize: Int = WireFormat.defaultMaxFrameSize) {
        self.maxFrameSize = max(0, min(maxFrameSize, WireFormat.maxFrameSizeLimit))
    }

    /// Bytes fed but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - start }

    /// The stream offset of the next byte to decode (bytes consumed so far).
    public var streamOffset: Int { bufferBase + start }

    /// Appends bytes received from the peer.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Appends bytes received from the peer.
    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Drops consumed bytes once they are the larger part of the buffer.
    private mutating func compact() {
        guard start > 0, start >= buffer.count - start || start >= 1 << 16 else { return }
        buffer.removeFirst(start)
        bufferBase += start
        start = 0
    }

    /// The next whole frame, or nil when more bytes are needed.
    /// - Throws: ``WireError`` with the stream offset of the bad byte; after a throw, every
    ///   later call throws the same error.
    public mutating func next() throws(WireError) -> Frame? {
        if let failure { throw failure }
        do {
            return try decodeNext()
        } catch {
            failure = error
            throw error
        }
    }

    /// Call at the end of the stream: throws `.truncated` when it ended inside a frame.
    public mutating func finish() throws(WireError) {
        if let failure { throw failure }
        guard bufferedByteCount == 0 else {
            let error = WireError(.truncated, "the stream ends \(bufferedByteCount) bytes into a frame", offset: bufferBase + buffer.count)
            failure = error
            throw error
        }
    }

    private mutating func decodeNext() throws(WireError) -> Frame? {
        let available = buffer.count - start
        guard available >= 4 else { return nil }
        let frameAt = bufferBase + start
        let (length, typeByte) = buffer.withUnsafeBytes { raw in
            (Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt32.self))),
             available > 4 ? raw[start + 4] : nil)
        }
        guard length <= maxFrameSize else {
            throw WireError(.frameTooLarge, "a frame of \(length) bytes exceeds the maximum of \(maxFrameSize)", offset: frameAt)
        }
        guard let typeByte else { return nil }
        // The type is checked before the payload arrives: an unknown type is refused at once.
        guard let type = FrameType(rawValue: typeByte) else {
            throw WireError(.unknownFrameType, "unknown frame type \(typeByte)", offset: frameAt + 4)
        }
        let total = WireFormat.headerSize + length + WireFormat.trailerSize
        guard available >= total else { return nil }
        let result = buffer.withUnsafeBytes { raw in Result { () throws(WireError) -> Frame in
            let frameBytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + total)])
            let covered = UnsafeRawBufferPointer(rebasing: frameBytes[0..<(total - WireFormat.trailerSize)])
            let stored = UInt32(littleEndian: frameBytes.loadUnaligned(fromByteOffset: total - WireFormat.trailerSize, as: UInt32.self))
            let computed = CRC32C.checksum(covered)
            guard stored == computed else {
                throw WireError(.checksumMismatch, "\(type) frame checksum is \(stored), its bytes hash to \(computed)",
                                offset: frameAt + total - WireFormat.trailerSize)
            }
            let payload = UnsafeRawBufferPointer(rebasing: frameBytes[WireFormat.headerSize..<(WireFormat.headerSize + length)])
            return try Frame.decodePayload(type: type, payload, base: frameAt + WireFormat.headerSize)
        } }
        let frame = try result.get()
        start += total
        return frame
    }
}
