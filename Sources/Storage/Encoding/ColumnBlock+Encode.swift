// Choosing an encoding per block: each value type has candidate codecs; the encoder
// keeps the smallest (a zstd stage only where it saves at least an eighth, because it
// decodes slower).

extension ColumnBlock {
    /// Appends a timestamp block (delta-of-delta).
    @discardableResult
    public static func encodeTimestamps(_ values: UnsafeBufferPointer<Int64>, into writer: inout ByteWriter) -> ColumnEncoding {
        write(TimestampCodec.self, values, into: &writer)
        return .timestampDeltaOfDelta
    }

    /// Appends an Int64 block in the smallest of the Int64 layouts.
    /// - Parameter zstdStage: whether the delta + zstd layout may be chosen where it is
    ///   smaller (it decodes slower); `false` favours decoding speed.
    @discardableResult
    public static func encodeInt64(_ values: UnsafeBufferPointer<Int64>, zstdStage: Bool = true,
                                   into writer: inout ByteWriter) -> ColumnEncoding {
        let start = beginBlock(count: values.count, into: &writer)
        let allowed: [IntegerStream.Mode] = zstdStage ? IntegerStream.Mode.allCases : [.frameOfReference, .delta, .runLength]
        let mode = IntegerStream.encodeSmallest(values, allowed: allowed, into: &writer)
        let encoding: ColumnEncoding = switch mode {
        case .frameOfReference: .int64FrameOfReference
        case .delta: .int64Delta
        case .runLength: .int64RunLength
        case .deltaZstd: .int64DeltaZstd
        }
        endBlock(start: start, encoding: encoding, into: &writer)
        return encoding
    }

    /// Appends a Double block: the decimal codec or Gorilla, whichever is smaller.
    /// - Parameter zstdStage: whether the decimal codec's integers may use the delta +
    ///   zstd layout where it is smaller (it decodes slower); `false` favours decoding speed.
    @discardableResult
    public static func encodeDoubles(_ values: UnsafeBufferPointer<Double>, zstdStage: Bool = true,
                                     into writer: inout ByteWriter) -> ColumnEncoding {
        let start = beginBlock(count: values.count, into: &writer)
        var gorilla = ByteWriter(capacity: values.count * 2)
        GorillaCodec.encode(values, into: &gorilla)
        var encoding = ColumnEncoding.doubleGorilla
        if let (e, f) = DecimalCodec.chooseExponentsForBlock(values) {
            var decimal = ByteWriter(capacity: values.count)
            DecimalCodec.encode(values, e: e, f: f, zstdStage: zstdStage, into: &decimal)
            if decimal.count <= gorilla.count {
                writer.writeBytes(decimal.bytes)
                encoding = .doubleDecimal
            }
        }
        if encoding == .doubleGorilla { writer.writeBytes(gorilla.bytes) }
        endBlock(start: start, encoding: encoding, into: &writer)
        return encoding
    }

    /// Appends a Bool block: bitmap or run lengths, whichever is smaller.
    @discardableResult
    public static func encodeBooleans(_ values: UnsafeBufferPointer<Bool>, into writer: inout ByteWriter) -> ColumnEncoding {
        if BooleanRunLengthCodec.encodedSize(values) < (values.count + 7) / 8 {
            write(BooleanRunLengthCodec.self, values, into: &writer)
            return .booleanRunLength
        }
        write(BooleanBitmapCodec.self, values, into: &writer)
        return .booleanBitmap
    }

    /// Appends a tag id block: bit-packed or run lengths, whichever is smaller.
    @discardableResult
    public static func encodeTagIDs(_ values: UnsafeBufferPointer<UInt32>, into writer: inout ByteWriter) -> ColumnEncoding {
        let start = beginBlock(count: values.count, into: &writer)
        let mode = TagIDDecoding.widen(values) {
            IntegerStream.encodeSmallest($0, allowed: [.frameOfReference, .runLength], into: &writer)
        }
        let encoding: ColumnEncoding = mode == .runLength ? .tagIDRunLength : .tagIDBitPacked
        endBlock(start: start, encoding: encoding, into: &writer)
        return encoding
    }

    /// Appends a string block, zstd-compressed where that pays.
    @discardableResult
    public static func encodeStrings(_ values: [String], into writer: inout ByteWriter) -> ColumnEncoding {
        let start = beginBlock(count: values.count, into: &writer)
        let encoding = StringCodec.encode(values, into: &writer)
        endBlock(start: start, encoding: encoding, into: &writer)
        return encoding
    }
}
