// Decoding one frame's payload into a `Frame`. Every field is bounds-checked, every count
// is checked against the protocol limit and against the bytes left before anything is
// allocated for it, and a payload must be consumed exactly (`.badLength` otherwise).
import SundialStorage

extension Frame {
    /// Decodes exactly one whole frame (header, payload, CRC32C).
    /// - Throws: ``WireError`` with the offset in `bytes` of the first bad byte, also when
    ///   `bytes` holds less or more than one frame.
    public static func decode(_ bytes: [UInt8], maxFrameSize: Int = WireFormat.defaultMaxFrameSize) throws(WireError) -> Frame {
        var decoder = FrameDecoder(maxFrameSize: maxFrameSize)
        decoder.feed(bytes)
        guard let frame = try decoder.next() else {
            throw WireError(.truncated, "the input ends inside a frame", offset: bytes.count)
        }
        guard decoder.bufferedByteCount == 0 else {
            throw WireError(.badLength, "\(decoder.bufferedByteCount) bytes follow the frame", offset: bytes.count - decoder.bufferedByteCount)
        }
        return frame
    }

    /// Decodes the payload of a frame of `type`; `base` is the payload's position for errors.
    static func decodePayload(type: FrameType, _ payload: UnsafeRawBufferPointer, base: Int) throws(WireError) -> Frame {
        var r = WireReader(payload, base: base)
        let frame: Frame
        switch type {
        case .hello:
            let minVersion = try r.readUInt16("the minimum version")
            let maxVersion = try r.readUInt16("the maximum version")
            let maxFrameSize = try r.readUInt32("the maximum frame size")
            frame = .hello(Hello(minVersion: minVersion, maxVersion: maxVersion,
                                 clientName: try r.readString("the client name"), maxFrameSize: maxFrameSize))
        case .welcome:
            let version = try r.readUInt16("the version")
            let maxFrameSize = try r.readUInt32("the maximum frame size")
            frame = .welcome(Welcome(version: version, serverVersion: try r.readString("the server version"), maxFrameSize: maxFrameSize))
        case .auth:
            frame = .auth(Auth(token: try r.readString("the token")))
        case .ready:
            let principal = try r.readString("the principal")
            let role = try r.readString("the role")
            let workspace = try r.readBool("the workspace flag") ? try r.readString("the workspace") : nil
            frame = .ready(Ready(principal: principal, role: role, workspace: workspace))
        case .query:
            let id = try readRequestID(&r)
            let sql = try r.readString("the SQL text")
            let count = try r.readCount("the parameter count", limit: WireFormat.maxParameters, minimumBytes: 1)
            var parameters: [WireValue] = []
            parameters.reserveCapacity(count)
            for _ in 0..<count { parameters.append(try WireValue.read(&r)) }
            frame = .query(Query(requestID: id, sql: sql, parameters: parameters))
        case .resultSchema:
            let id = try readRequestID(&r)
            let count = try r.readCount("the column count", limit: WireFormat.maxColumns, minimumBytes: 2)
            var columns: [Column] = []
            columns.reserveCapacity(count)
            for _ in 0..<count {
                let name = try r.readString("a column name")
                let typeAt = r.offset
                let tag = try r.readUInt8("a column type")
                guard let type = WireType(rawValue: tag) else { throw r.error(.corrupt, "unknown column type \(tag)", at: typeAt) }
                columns.append(Column(name: name, type: type))
            }
            frame = .resultSchema(ResultSchema(requestID: id, columns: columns))
        case .resultBatch:
            let id = try readRequestID(&r)
            frame = .resultBatch(ResultBatch(requestID: id, batch: try WireBatch.read(&r)))
        case .complete:
            let id = try readRequestID(&r)
            let rows = try r.readVarUInt("the row count")
            let elapsed = try r.readVarUInt("the elapsed time")
            let affected = try r.readBool("the rows-affected flag") ? try r.readVarUInt("the rows affected") : nil
            frame = .complete(Complete(requestID: id, rows: rows, elapsedNanoseconds: elapsed, rowsAffected: affected))
        case .write:
            frame = .write(try readWrite(&r))
        case .ack:
            let id = try readRequestID(&r)
            let lsn = try r.readUInt64("the LSN")
            let rows = try r.readVarUInt("the rows written")
            let count = try r.readCount("the rejected line count", limit: Int(UInt32.max), minimumBytes: 3)
            var rejected: [RejectedLine] = []
            rejected.reserveCapacity(count)
            for _ in 0..<count {
                let line = try r.readVarInt("a line number", max: Int(UInt32.max))
                let column = try r.readVarInt("a column number", max: Int(UInt32.max))
                rejected.append(RejectedLine(line: UInt32(line), column: UInt32(column), reason: try r.readString("a reason")))
            }
            frame = .ack(Ack(requestID: id, lsn: lsn, rowsWritten: rows, rejected: rejected))
        case .cancel:
            frame = .cancel(Cancel(requestID: try readRequestID(&r)))
        case .error:
            let id = try readRequestID(&r)
            let code = try r.readString("the error code")
            let message = try r.readString("the error message")
            let line = try r.readVarInt("the line", max: Int(UInt32.max))
            let column = try r.readVarInt("the column", max: Int(UInt32.max))
            frame = .error(Failure(requestID: id, code: Failure.Code(rawValue: code), message: message,
                                   line: UInt32(line), column: UInt32(column)))
        case .ping:
            frame = .ping(Ping(nonce: try r.readUInt64("the nonce")))
        case .pong:
            frame = .pong(Ping(nonce: try r.readUInt64("the nonce")))
        }
        try r.expectEnd(type.description)
        return frame
    }

    static func readRequestID(_ r: inout WireReader) throws(WireError) -> UInt32 {
        UInt32(try r.readVarInt("the request id", max: Int(UInt32.max)))
    }

    static func readWrite(_ r: inout WireReader) throws(WireError) -> Write {
        let id = try readRequestID(&r)
        let kindAt = r.offset
        let raw = try r.readUInt8("the write kind")
        switch WriteKind(rawValue: raw) {
        case .lineProtocol:
            let precisionAt = r.offset
            let code = try r.readUInt8("the precision")
            guard Int(code) < WriteKind.precisions.count else {
                throw r.error(.corrupt, "unknown precision \(code)", at: precisionAt)
            }
            let bytes = try r.readLengthPrefixed("the line protocol")
            return Write(requestID: id, content: .lineProtocol(Array(bytes), precision: WriteKind.precisions[Int(code)]))
        case .batch:
            let start = r.offset
            let payload = try r.readBytes(r.remaining, "the write batch")
            do {
                let (batch, _) = try WriteBatch.decode(Array(payload))
                return Write(requestID: id, content: .batch(batch))
            } catch {
                throw WireError(error, base: r.base + start, context: "write batch")
            }
        case nil:
            throw r.error(.corrupt, "unknown write kind \(raw)", at: kindAt)
        }
    }
}
