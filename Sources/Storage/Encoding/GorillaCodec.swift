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
        var leading = -1
        var trailing = 0
        for i in 1..<count {
            let word = bits.peek()
            if word &>> 63 == 0 {
                bits.bit &+= 1
            } else if (word &>> 62) & 1 == 0 {
                guard leading >= 0 else {
                    throw StorageError(.corrupt, "value \(i) reuses a window before one was set",
                                       offset: 8 + bits.bit / 8)
                }
                bits.bit &+= 2
                let significant = 64 &- leading &- trailing
                previous ^= bits.read(significant) &<< UInt64(trailing)
            } else {
                let lz = Int((word &>> 57) & 31)
                var significant = Int((word &>> 51) & 63)
                if significant == 0 { significant = 64 }
                guard lz &+ significant <= 64 else {
                    throw StorageError(.corrupt, "value \(i): \(lz) leading and \(significant) significant bits exceed 64",
                                       offset: 8 + bits.bit / 8)
                }
                bits.bit &+= 13
                leading = lz
                trailing = 64 &- lz &- significant
                previous ^= bits.read(significant) &<< UInt64(trailing)
            }
            out[i] = Double(bitPattern: previous)
        }
        guard bits.bit <= bits.totalBits else {
            throw StorageError(.truncated, "the Gorilla stream ends inside value data", offset: payload.count)
        }
        guard bits.totalBits - bits.bit < 8 else {
            throw StorageError(.corrupt, "\((bits.totalBits - bits.bit) / 8) unexpected trailing bytes after the Gorilla stream",
                               offset: 8 + (bits.bit + 7) / 8)
        }
    }
}
