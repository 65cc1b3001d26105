// Decoding a framed block into caller-provided buffers, dispatching on its tag.
// Each entry point verifies the CRC, checks that the tag holds the requested value
// type, and returns the number of values written.

extension ColumnBlock {
    private static func expect(_ header: Header, _ types: ColumnValueType...) throws(StorageError) {
        guard types.contains(header.encoding.valueType) else {
            throw StorageError(.invalidArgument, "block holds \(header.encoding.valueType) values (\(header.encoding)), not \(types[0])",
                               offset: 0)
        }
    }

    /// Decodes a timestamp or Int64 block into `output`; returns the value count.
    public static func decodeInt64(_ block: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int64>) throws(StorageError) -> Int {
        let (header, payload) = try open(block)
        try expect(header, .int64, .timestamp)
        do {
            switch header.encoding {
            case .timestampDeltaOfDelta: try TimestampCodec.decode(payload, count: header.count, into: output)
            case .int64FrameOfReference: try Int64FrameOfReferenceCodec.decode(payload, count: header.count, into: output)
            case .int64Delta: try Int64DeltaCodec.decode(payload, count: header.count, into: output)
            case .int64RunLength: try Int64RunLengthCodec.decode(payload, count: header.count, into: output)
            default: try Int64DeltaZstdCodec.decode(payload, count: header.count, into: output)
            }
        } catch { throw error.shifted(by: headerSize) }
        return header.count
    }

    /// Decodes a timestamp block into `output`; returns the value count.
    public static func decodeTimestamps(_ block: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int64>) throws(StorageError) -> Int {
        try decodeInt64(block, into: output)
    }

    /// Decodes a Double block into `output`; returns the value count.
    public static func decodeDoubles(_ block: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Double>) throws(StorageError) -> Int {
        let (header, payload) = try open(block)
        try expect(header, .double)
        do {
            if header.encoding == .doubleDecimal {
                try DecimalCodec.decode(payload, count: header.count, into: output)
            } else {
                try GorillaCodec.decode(payload, count: header.count, into: output)
            }
        } catch { throw error.shifted(by: headerSize) }
        return header.count
    }

    /// Decodes a Bool block into `output`; returns the value count.
    public static func decodeBooleans(_ block: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Bool>) throws(StorageError) -> Int {
        let (header, payload) = try open(block)
        try expect(header, .boolean)
        do {
            if header.encoding == .booleanBitmap {
                try BooleanBitmapCodec.decode(payload, count: header.count, into: output)
            } else {
                try BooleanRunLengthCodec.decode(payload, count: header.count, into: output)
            }
        } catch { throw error.shifted(by: headerSize) }
        return header.count
    }

    /// Decodes a tag id block into `output`; returns the value count.
    public static func decodeTagIDs(_ block: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt32>) throws(StorageError) -> Int {
        let (header, payload) = try open(block)
        try expect(header, .tagID)
        do {
            if header.encoding == .tagIDBitPacked {
                try TagIDBitPackedCodec.decode(payload, count: header.count, into: output)
            } else {
                try TagIDRunLengthCodec.decode(payload, count: header.count, into: output)
            }
        } catch { throw error.shifted(by: headerSize) }
        return header.count
    }

    /// Decodes a string block into `offsets` (count + 1 entries) and `bytes`; returns the
    /// value count. Size the buffers with ``open(_:)`` and ``StringCodec/decodedByteCount(_:encoding:)``.
    public static func decodeStrings(
        _ block: UnsafeRawBufferPointer, offsets: UnsafeMutableBufferPointer<UInt32>, bytes: UnsafeMutableRawBufferPointer
    ) throws(StorageError) -> Int {
        let (header, payload) = try open(block)
        try expect(header, .string)
        do {
            try StringCodec.decode(payload, encoding: header.encoding, count: header.count, offsets: offsets, bytes: bytes)
        } catch { throw error.shifted(by: headerSize) }
        return header.count
    }

    /// Decodes a string block into an array (allocates; for tools and tests).
    public static func decodeStrings(_ block: UnsafeRawBufferPointer) throws(StorageError) -> [String] {
        let (header, payload) = try open(block)
        try expect(header, .string)
        do {
            return try StringCodec.decodeStrings(payload, encoding: header.encoding, count: header.count)
        } catch { throw error.shifted(by: headerSize) }
    }
}

extension StorageError {
    /// The same error with its offset moved by `delta` (payload-relative to block-relative).
    func shifted(by delta: Int) -> StorageError {
        guard code != .invalidArgument, let offset else { return self }
        var copy = self
        copy.offset = offset + delta
        return copy
    }
}
