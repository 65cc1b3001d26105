// Timestamps: delta-of-delta, zigzag, bit-packed.
//
// payload := first: i64 LE            (count >= 1)
//            firstDelta: zigzag varint (count >= 2)
//            frame-of-reference groups over the count-2 delta-of-deltas
//
// Regular series (constant interval) have every delta-of-delta 0: each group of 128
// costs two bytes (base 0, width 0), about 0.13 bits per value, and decodes as an
// arithmetic progression. All arithmetic wraps, so any Int64 sequence (irregular,
// duplicate, decreasing, Int64.min/max) round-trips exactly.

/// Delta-of-delta timestamp codec (Int64 nanoseconds).
public enum TimestampCodec: ColumnCodec {
    public typealias Value = Int64
    public static var encoding: ColumnEncoding { .timestampDeltaOfDelta }

    public static func encode(_ values: UnsafeBufferPointer<Int64>, into writer: inout ByteWriter) {
        let count = values.count
        guard count > 0 else { return }
        writer.writeUInt64(UInt64(bitPattern: values[0]))
        guard count > 1 else { return }
        let firstDelta = values[1] &- values[0]
        writer.writeZigZag(firstDelta)
        guard count > 2 else { return }
        FrameOfReference.encode(count: count - 2, into: &writer) { i in
            let k = i &+ 2
            return (values[k] &- values[k &- 1]) &- (values[k &- 1] &- values[k &- 2])
        }
    }

    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<Int64>
    ) throws(StorageError) {
        try checkOutput(count, output)
        var reader = ByteReader(payload)
        guard count > 0 else { return try reader.expectEnd("an empty timestamp block") }
        let out = output.baseAddress.unsafelyUnwrapped
        var t = Int64(bitPattern: try reader.readUInt64("the first timestamp"))
        out[0] = t
        if count > 1 {
            var delta = try reader.readZigZag("the first delta")
            t &+= delta
            out[1] = t
            var done = 2
            while done < count {
                let n = Swift.min(FrameOfReference.groupSize, count &- done)
                let base = try reader.readZigZag("a frame-of-reference base")
                let widthOffset = reader.offset
                let width = Int(try reader.readUInt8("a bit width"))
                guard width <= 64 else {
                    throw reader.corrupt("bit width \(width) is larger than 64", at: widthOffset)
                }
                let bytes = BitPacking.byteCount(count: n, width: width)
                guard reader.remaining >= bytes else { throw reader.truncated("bit-packed values") }
                let dst = out + done
                if width == 0 && base == 0 {
                    // Constant interval: an arithmetic progression, vectorizable.
                    for j in 0..<n { dst[j] = t &+ delta &* Int64(j &+ 1) }
                    t &+= delta &* Int64(n)
                } else if width == 0 {
                    for j in 0..<n {
                        delta &+= base
                        t &+= delta
                        dst[j] = t
                    }
                } else {
                    let src = reader.bytes.baseAddress.unsafelyUnwrapped + reader.offset
                    BitPacking.unpack(src, available: reader.remaining, count: n, width: width) { j, v in
                        delta &+= base &+ Int64(bitPattern: v)
                        t &+= delta
                        dst[j] = t
                    }
                }
                reader.offset &+= bytes
                done &+= n
            }
        }
        try reader.expectEnd("the timestamp block")
    }
}
