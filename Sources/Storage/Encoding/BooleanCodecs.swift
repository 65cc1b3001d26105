// Booleans.
//
// bitmap    := ceil(count / 8) bytes; value i is bit (i % 8) of byte i / 8; the
//              padding bits of the last byte are zero.
// runLength := first: u8 (0 or 1) | runs: varint | runs x length: varint >= 1
//              (runs alternate, starting with `first`)

/// Booleans as a bitmap, one bit per value.
public enum BooleanBitmapCodec: ColumnCodec {
    public typealias Value = Bool
    public static var encoding: ColumnEncoding { .booleanBitmap }

    public static func encode(_ values: UnsafeBufferPointer<Bool>, into writer: inout ByteWriter) {
        let count = values.count
        writer.writeZeroed(count: (count + 7) / 8) { dst in
            for i in 0..<count where values[i] {
                dst[i &>> 3] |= 1 &<< UInt8(i & 7)
            }
        }
    }

    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<Bool>
    ) throws(StorageError) {
        try checkOutput(count, output)
        let bytes = (count + 7) / 8
        guard payload.count >= bytes else {
            throw StorageError(.truncated, "a bitmap of \(count) values needs \(bytes) bytes", offset: payload.count)
        }
        guard payload.count == bytes else {
            throw StorageError(.corrupt, "\(payload.count - bytes) unexpected trailing bytes after the bitmap", offset: bytes)
        }
        let out = output.baseAddress
        let full = count / 8
        for b in 0..<full {
            let byte = payload[b]
            for k in 0..<8 { out.unsafelyUnwrapped[b &* 8 &+ k] = (byte &>> UInt8(k)) & 1 != 0 }
        }
        let rest = count & 7
        if rest > 0 {
            let byte = payload[full]
            guard byte &>> UInt8(rest) == 0 else {
                throw StorageError(.corrupt, "padding bits of the last bitmap byte are not zero", offset: full)
            }
            for k in 0..<rest { out.unsafelyUnwrapped[full &* 8 &+ k] = (byte &>> UInt8(k)) & 1 != 0 }
        }
    }
}

/// Booleans as alternating run lengths (flags that rarely change).
public enum BooleanRunLengthCodec: ColumnCodec {
    public typealias Value = Bool
    public static var encoding: ColumnEncoding { .booleanRunLength }

    /// The encoded size, to compare with the bitmap's.
    static func encodedSize(_ values: UnsafeBufferPointer<Bool>) -> Int {
        guard values.count > 0 else { return 0 }
        var size = 1
        var runs = 0
        var i = 0
        while i < values.count {
            let v = values[i]
            var j = i + 1
            while j < values.count && values[j] == v { j += 1 }
            size += ByteWriter.varUIntSize(UInt64(j - i))
            runs += 1
            i = j
        }
        return size + ByteWriter.varUIntSize(UInt64(runs))
    }

    public static func encode(_ values: UnsafeBufferPointer<Bool>, into writer: inout ByteWriter) {
        let count = values.count
        guard count > 0 else { return }
        writer.writeUInt8(values[0] ? 1 : 0)
        var lengths: [Int] = []
        var i = 0
        while i < count {
            let v = values[i]
            var j = i + 1
            while j < count && values[j] == v { j += 1 }
            lengths.append(j - i)
            i = j
        }
        writer.writeVarUInt(UInt64(lengths.count))
        for length in lengths { writer.writeVarUInt(UInt64(length)) }
    }

    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<Bool>
    ) throws(StorageError) {
        try checkOutput(count, output)
        var reader = ByteReader(payload)
        guard count > 0 else { return try reader.expectEnd("an empty boolean block") }
        let first = try reader.readUInt8("the first value")
        guard first <= 1 else { throw reader.corrupt("first value \(first) is not 0 or 1", at: 0) }
        let runs = try reader.readVarInt("a run count", max: count)
        var value = first == 1
        var done = 0
        let out = output.baseAddress.unsafelyUnwrapped
        for _ in 0..<runs {
            let lengthOffset = reader.offset
            let length = try reader.readVarInt("a run length", max: count - done)
            guard length > 0 else { throw reader.corrupt("a run of length 0", at: lengthOffset) }
            (out + done).update(repeating: value, count: length)
            done += length
            value.toggle()
        }
        guard done == count else { throw reader.corrupt("runs cover \(done) values, the block has \(count)") }
        try reader.expectEnd("the boolean runs")
    }
}
