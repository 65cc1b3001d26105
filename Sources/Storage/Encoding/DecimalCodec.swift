// Doubles that are decimals with few digits, in the manner of ALP (Afroozeh, Kuffo
// and Boncz, SIGMOD 2024).
//
// A value v is encoded as the integer d = round(v * 10^e * 10^-f) when
// Double(d) * 10^f * 10^-e reproduces v bit for bit; all other values (NaN, ±Inf,
// -0.0, too many digits, out of range) are exceptions stored apart, and their slot in
// the integer stream repeats the previous integer so it does not widen the packing.
// One (e, f) pair per block is chosen from a sample. The integers are stored with the
// smallest IntegerStream layout, a zstd stage included only where it pays.
//
// payload := e: u8 (0...18) | f: u8 (0...18) | exceptions: varint | mode: u8
//            | integer stream (IntegerStream.Mode) of count values
//            | exception positions: u32 LE x exceptions (strictly increasing)
//            | exception bit patterns: u64 LE x exceptions

/// Decimal doubles scaled to integers (ALP-style), exceptions stored apart.
public enum DecimalCodec: ColumnCodec {
    public typealias Value = Double
    public static var encoding: ColumnEncoding { .doubleDecimal }

    static let maxExponent = 18
    static let powers: [Double] = (0...18).map { exponent in
        var p = 1.0
        for _ in 0..<exponent { p *= 10 }
        return p
    }
    static let inversePowers: [Double] = [
        1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9,
        1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17, 1e-18,
    ]
    /// Adding and subtracting 2^52 + 2^51 rounds to the nearest integer for |x| < 2^51.
    static let roundingMagic = 6_755_399_441_055_744.0
    static let limit = 2_251_799_813_685_248.0

    /// The integer for `value` under (e, f), or nil when it does not round-trip.
    @inline(__always)
    static func scale(_ value: Double, _ scaleUp: Double, _ scaleDown: Double,
                      _ back: Double, _ backDown: Double) -> Int64? {
        let n = value * scaleUp * scaleDown
        guard n.magnitude < limit else { return nil }
        let d = Int64((n + roundingMagic) - roundingMagic)
        guard (Double(d) * back * backDown).bitPattern == value.bitPattern else { return nil }
        return d
    }

    /// Picks (e, f) minimizing bits on a sample of the values; nil when no pair encodes
    /// at least half of them. The sample takes one value from each of up to 64 equal
    /// strides, at a pseudo-random place inside the stride so periodic data does not alias.
    static func chooseExponents(_ values: UnsafeBufferPointer<Double>, sampleSize limit: Int = 64) -> (e: Int, f: Int)? {
        let count = values.count
        guard count > 0 else { return (0, 0) }
        let sampleSize = Swift.min(count, limit)
        let stride = count / sampleSize
        var sample = [Double](repeating: 0, count: sampleSize)
        for s in 0..<sampleSize {
            let jitter = Int(truncatingIfNeeded: (UInt64(s) &* 0x9E37_79B9_7F4A_7C15) &>> 40) % stride
            sample[s] = values[s * stride + jitter]
        }
        return sample.withUnsafeBufferPointer { bestExponents($0) }
    }

    /// The (e, f) pair with the fewest bits over all of `values`.
    static func bestExponents(_ values: UnsafeBufferPointer<Double>) -> (e: Int, f: Int)? {
        let count = values.count
        var best: (e: Int, f: Int)? = nil
        var bestCost = Int.max
        for e in 0...maxExponent {
            for f in 0...e {
                var exceptions = 0
                var low = Int64.max
                var high = Int64.min
                for v in values {
                    if let d = scale(v, powers[e], inversePowers[f], powers[f], inversePowers[e]) {
                        low = Swift.min(low, d)
                        high = Swift.max(high, d)
                    } else {
                        exceptions += 1
                    }
                }
                guard exceptions * 2 <= count else { continue }
                let width = low > high ? 0 : BitPacking.width(ofRange: UInt64(bitPattern: high &- low))
                let cost = width * (count - exceptions) + exceptions * 96
                if cost < bestCost {
                    bestCost = cost
                    best = (e, f)
                }
            }
        }
        return best
    }

    /// Counts the values that do not round-trip under (e, f).
    static func exceptionCount(_ values: UnsafeBufferPointer<Double>, e: Int, f: Int) -> Int {
        var exceptions = 0
        for v in values where scale(v, powers[e], inversePowers[f], powers[f], inversePowers[e]) == nil {
            exceptions += 1
        }
        return exceptions
    }

    /// The encoder's choice of (e, f): from a sample of 64 values, or from a sample of
    /// 1,024 when the first choice leaves more than an eighth of the block as exceptions
    /// (data whose period aliases with the sampling stride). No choice means the values
    /// are not decimals: the block goes to Gorilla.
    static func chooseExponentsForBlock(_ values: UnsafeBufferPointer<Double>) -> (e: Int, f: Int)? {
        guard let sampled = chooseExponents(values) else { return nil }
        if values.count > 64 && exceptionCount(values, e: sampled.e, f: sampled.f) * 8 > values.count {
            return chooseExponents(values, sampleSize: 1024) ?? sampled
        }
        return sampled
    }

    public static func encode(_ values: UnsafeBufferPointer<Double>, into writer: inout ByteWriter) {
        encode(values, zstdStage: true, into: &writer)
    }

    /// Appends the payload for `values`.
    /// - Parameter zstdStage: whether the integers may use the delta + zstd layout where it
    ///   is smaller (smaller blocks, slower decoding); `false` keeps them bit-packed.
    public static func encode(_ values: UnsafeBufferPointer<Double>, zstdStage: Bool, into writer: inout ByteWriter) {
        let (e, f) = chooseExponentsForBlock(values) ?? (0, 0)
        encode(values, e: e, f: f, zstdStage: zstdStage, into: &writer)
    }

    /// Encodes with a given exponent pair (the encoder's choice is ``chooseExponentsForBlock``).
    static func encode(_ values: UnsafeBufferPointer<Double>, e: Int, f: Int, zstdStage: Bool = true,
                       into writer: inout ByteWriter) {
        let count = values.count
        guard count > 0 else { return }
        writer.writeUInt8(UInt8(e))
        writer.writeUInt8(UInt8(f))
        var digits = [Int64](repeating: 0, count: count)
        var positions: [UInt32] = []
        var previous: Int64 = 0
        var seenValid = false
        for i in 0..<count {
            if let d = scale(values[i], powers[e], inversePowers[f], powers[f], inversePowers[e]) {
                digits[i] = d
                if !seenValid {
                    // Back-fill leading exceptions with the first valid integer.
                    for k in 0..<i { digits[k] = d }
                    seenValid = true
                }
                previous = d
            } else {
                digits[i] = previous
                positions.append(UInt32(i))
            }
        }
        writer.writeVarUInt(UInt64(positions.count))
        let modeOffset = writer.count
        writer.writeUInt8(0)
        let allowed: [IntegerStream.Mode] = zstdStage ? IntegerStream.Mode.allCases : [.frameOfReference, .delta, .runLength]
        let mode = digits.withUnsafeBufferPointer { IntegerStream.encodeSmallest($0, allowed: allowed, into: &writer) }
        writer.bytes[modeOffset] = mode.rawValue
        for p in positions { writer.writeUInt32(p) }
        for p in positions { writer.writeUInt64(values[Int(p)].bitPattern) }
    }

    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<Double>
    ) throws(StorageError) {
        try checkOutput(count, output)
        var reader = ByteReader(payload)
        guard count > 0 else { return try reader.expectEnd("an empty decimal block") }
        let e = Int(try reader.readUInt8("the exponent"))
        let f = Int(try reader.readUInt8("the factor"))
        guard e <= maxExponent, f <= maxExponent else {
            throw reader.corrupt("exponent \(e) or factor \(f) above \(maxExponent)", at: 0)
        }
        let exceptions = try reader.readVarInt("an exception count", max: count)
        let modeOffset = reader.offset
        guard let mode = IntegerStream.Mode(rawValue: try reader.readUInt8("an integer layout")) else {
            throw reader.corrupt("unknown integer layout \(payload[modeOffset])", at: modeOffset)
        }
        let out = output.baseAddress.unsafelyUnwrapped
        let factor = powers[f]
        let inverse = inversePowers[e]
        // Decode the integers into the output's own 8-byte slots; the delta layouts convert
        // to doubles in the same pass, the others in a second one.
        let converted = try out.withMemoryRebound(to: Int64.self, capacity: count) { (ints) throws(StorageError) -> Bool in
            try IntegerStream.decode(mode, &reader, count: count, into: ints, decimal: (factor, inverse))
        }
        if !converted {
            if e == 0 && f == 0 {
                for i in 0..<count { out[i] = Double(Int64(bitPattern: out[i].bitPattern)) }
            } else {
                for i in 0..<count { out[i] = Double(Int64(bitPattern: out[i].bitPattern)) * factor * inverse }
            }
        }
        guard reader.remaining == exceptions * 12 else {
            throw reader.remaining < exceptions * 12
                ? reader.truncated("the exceptions")
                : reader.corrupt("\(reader.remaining - exceptions * 12) unexpected trailing bytes")
        }
        let positionsStart = reader.offset
        let valuesStart = positionsStart + exceptions * 4
        var last = -1
        for k in 0..<exceptions {
            let position = Int(UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: positionsStart + k * 4, as: UInt32.self)))
            guard position > last, position < count else {
                throw reader.corrupt("exception position \(position) out of order or range", at: positionsStart + k * 4)
            }
            last = position
            let bits = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: valuesStart + k * 8, as: UInt64.self))
            out[position] = Double(bitPattern: bits)
        }
    }
}
