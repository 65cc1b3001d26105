// Doubles: Gorilla XOR compression (Pelkonen et al., VLDB 2015), the baseline codec.
//
// payload := first: u64 LE (bit pattern) | bit stream (MSB first) for values 1..<count:
//   '0'                                      same bit pattern as the previous value
//   '10' meaningful bits                     XOR fits the previous window
//   '11' leading: 5 bits | length: 6 bits (0 means 64) | meaningful bits
// then zero bits up to a byte boundary. Works on bit patterns, so NaN payloads,
// -0.0, infinities and subnormals round-trip exactly.

/// Gorilla XOR codec for doubles.
public enum GorillaCodec: ColumnCodec {
    public typealias Value = Double
    public static var encoding: ColumnEncoding { .doubleGorilla }

    public static func encode(_ values: UnsafeBufferPointer<Double>, into writer: inout ByteWriter) {
        let count = values.count
        guard count > 0 else { return }
        var previous = values[0].bitPattern
        writer.writeUInt64(previous)
        var bits = BitWriter(capacity: count * 2)
        var leading = -1
        var trailing = 0
        for i in 1..<Swift.max(count, 1) {
            let current = values[i].bitPattern
            let xor = current ^ previous
            previous = current
            if xor == 0 {
                bits.write(0, bits: 1)
                continue
            }
            let lz = Swift.min(xor.leadingZeroBitCount, 31)
            let tz = xor.trailingZeroBitCount
            if leading >= 0 && lz >= leading && tz >= trailing {
                bits.write(0b10, bits: 2)
                bits.write(xor &>> UInt64(trailing), bits: 64 - leading - trailing)
            } else {
                let significant = 64 - lz - tz
                bits.write(0b11, bits: 2)
                bits.write(UInt64(lz), bits: 5)
                bits.write(UInt64(significant & 63), bits: 6)
                bits.write(xor &>> UInt64(tz), bits: significant)
                leading = lz
                trailing = tz
            }
        }
        writer.writeBytes(bits.finish())
    }

    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<Double>
    ) throws(StorageError) {
        try checkOutput(count, output)
        var reader = ByteReader(payload)
        guard count > 0 else { return try reader.expectEnd("an empty Gorilla block") }
        let out = output.baseAddress.unsafelyUnwrapped
        var previous = try reader.readUInt64("the first value")
        out[0] = Double(bitPattern: previous)
        let stream = UnsafeRawBufferPointer(rebasing: payload[8...])
        // Every value after the first takes at least one bit.
        guard count - 1 <= stream.count &* 8 else {
            throw StorageError(.truncated, "\(count) values cannot fit in \(payload.count) bytes", offset: payload.count)
        }
        var bits = BitReader(stream)
        // The window (trailing zeros, significant bits) of the last '11' value.
        var haveWindow = false
        var trailing: UInt64 = 0
        var significant = 64
        for i in 1..<count {
            bits.refill()
            let word = bits.buffer
            if word &>> 62 != 0b11 {
                // '0' (repeat) or '10' (reuse the window), decided without a branch while
                // the payload fits the refilled buffer with its two control bits.
                let reuse = word &>> 63
                if reuse != 0 && (!haveWindow || significant > 54) {
                    guard haveWindow else {
                        throw StorageError(.corrupt, "value \(i) reuses a window before one was set",
                                           offset: 8 + bits.consumedBits / 8)
                    }
                    bits.consume(2)
                    previous ^= bits.read(significant) &<< trailing
                } else {
                    let payload = ((word &<< 2) &>> UInt64(truncatingIfNeeded: 64 &- significant)) &<< trailing
                    previous ^= payload & (0 &- reuse)
                    bits.consume(1 &+ Int(reuse) &* (1 &+ significant))
                }
            } else {
                let lz = Int((word &>> 57) & 31)
                var length = Int((word &>> 51) & 63)
                if length == 0 { length = 64 }
                guard lz &+ length <= 64 else {
                    throw StorageError(.corrupt, "value \(i): \(lz) leading and \(length) significant bits exceed 64",
                                       offset: 8 + bits.consumedBits / 8)
                }
                haveWindow = true
                significant = length
                trailing = UInt64(64 &- lz &- length)
                bits.consume(13)
                previous ^= bits.read(length) &<< trailing
            }
            out[i] = Double(bitPattern: previous)
        }
        guard bits.consumedBits <= bits.totalBits else {
            throw StorageError(.truncated, "the Gorilla stream ends inside value data", offset: payload.count)
        }
        guard bits.totalBits - bits.consumedBits < 8 else {
            throw StorageError(.corrupt, "\((bits.totalBits - bits.consumedBits) / 8) unexpected trailing bytes after the Gorilla stream",
                               offset: 8 + (bits.consumedBits + 7) / 8)
        }
    }
}
