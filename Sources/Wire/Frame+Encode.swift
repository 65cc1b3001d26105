// Encoding frames: header, payload, CRC32C (docs/formats/wire.md). Encoders write into
// a caller's `ByteWriter`, so a batch of frames is one buffer and one socket write.
import SundialStorage

extension Frame {
    /// Appends the whole frame (length, type, payload, CRC32C) to `writer`.
    ///
    /// - Precondition: the payload is under 4 GiB. Whether it fits the peer's maximum
    ///   frame size is the caller's business (the server splits result batches to fit).
    public func encode(into writer: inout ByteWriter) {
        let start = writer.count
        writer.writeUInt32(0)
        writer.writeUInt8(type.rawValue)
        writePayload(into: &writer)
        let length = writer.count - start - WireFormat.headerSize
        precondition(length <= Int(UInt32.max), "a frame payload is under 4 GiB")
        writer.setUInt32(UInt32(length), at: start)
        let crc = writer.bytes.withUnsafeBytes { raw in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[start..<writer.count]))
        }
        writer.writeUInt32(crc)
    }

    /// The whole frame as bytes.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        encode(into: &writer)
        return writer.bytes
    }

    func writePayload(into w: inout ByteWriter) {
        switch self {
        case .hello(let f):
            w.writeUInt16(f.minVersion)
            w.writeUInt16(f.maxVersion)
            w.writeUInt32(f.maxFrameSize)
            w.writeString(f.clientName)
        case .welcome(let f):
            w.writeUInt16(f.version)
            w.writeUInt32(f.maxFrameSize)
            w.writeString(f.serverVersion)
        case .auth(let f):
            w.writeString(f.token)
        case .ready(let f):
            w.writeString(f.principal)
            w.writeString(f.role)
            w.writeBool(f.workspace != nil)
            if let workspace = f.workspace { w.writeString(workspace) }
        case .query(let f):
            w.writeVarUInt(UInt64(f.requestID))
            w.writeString(f.sql)
            w.writeVarUInt(UInt64(f.parameters.count))
            for value in f.parameters { value.write(into: &w) }
        case .resultSchema(let f):
            w.writeVarUInt(UInt64(f.requestID))
            w.writeVarUInt(UInt64(f.columns.count))
            for column in f.columns {
                w.writeString(column.name)
                w.writeUInt8(column.type.rawValue)
            }
        case .resultBatch(let f):
            w.writeVarUInt(UInt64(f.requestID))
            f.batch.write(into: &w)
        case .complete(let f):
            w.writeVarUInt(UInt64(f.requestID))
            w.writeVarUInt(f.rows)
            w.writeVarUInt(f.elapsedNanoseconds)
            w.writeBool(f.rowsAffected != nil)
            if let affected = f.rowsAffected { w.writeVarUInt(affected) }
        case .write(let f):
            w.writeVarUInt(UInt64(f.requestID))
            switch f.content {
            case .lineProtocol(let bytes, let precision):
                w.writeUInt8(WriteKind.lineProtocol.rawValue)
                w.writeUInt8(WriteKind.code(of: precision))
                w.writeLengthPrefixed(bytes)
            case .batch(let batch):
                w.writeUInt8(WriteKind.batch.rawValue)
                // The WAL layout, series ids unused (0): the server registers the series.
                w.writeBytes(batch.encode(seriesIDs: [SeriesID](repeating: 0, count: batch.series.count)))
            }
        case .ack(let f):
            w.writeVarUInt(UInt64(f.requestID))
            w.writeUInt64(f.lsn)
            w.writeVarUInt(f.rowsWritten)
            w.writeVarUInt(UInt64(f.rejected.count))
            for line in f.rejected {
                w.writeVarUInt(UInt64(line.line))
                w.writeVarUInt(UInt64(line.column))
                w.writeString(line.reason)
            }
        case .cancel(let f):
            w.writeVarUInt(UInt64(f.requestID))
        case .error(let f):
            w.writeVarUInt(UInt64(f.requestID))
            w.writeString(f.code.rawValue)
            w.writeString(f.message)
            w.writeVarUInt(UInt64(f.line))
            w.writeVarUInt(UInt64(f.column))
        case .ping(let f), .pong(let f):
            w.writeUInt64(f.nonce)
        }
    }
}

/// The kind byte of a Write frame.
enum WriteKind: UInt8 {
    case lineProtocol = 1
    case batch = 2

    static let precisions: [TimePrecision] = [.nanoseconds, .microseconds, .milliseconds, .seconds]

    static func code(of precision: TimePrecision) -> UInt8 {
        UInt8(precisions.firstIndex(of: precision) ?? 0)
    }
}
