// Property tests: random columns of random shapes and lengths round-trip bit for bit
// through every codec and every chooser.
import Testing
import SundialWorkloads
@testable import SundialStorage

@Suite struct CodecPropertyTests {
    /// A random Int64 column mixing the shapes real data has: runs, steps, noise, extremes.
    static func randomInt64Column(_ rng: inout SplitMix64) -> [Int64] {
        let count = Int(rng.next() % 2000)
        var values: [Int64] = []
        values.reserveCapacity(count)
        var x = Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64)
        let step = Int64(rng.next() % 1000) - 500
        let noise = UInt64(1) << (rng.next() % 40)
        while values.count < count {
            switch rng.next() % 6 {
            case 0: values.append(contentsOf: repeatElement(x, count: Int(rng.next() % 300)))
            case 1: x &+= step; values.append(x)
            case 2: values.append(x &+ Int64(bitPattern: rng.next() % noise))
            case 3: values.append(rng.next() % 2 == 0 ? .min : .max)
            case 4: x = Int64(bitPattern: rng.next()); values.append(x)
            default: x &+= Int64(rng.next() % 5) - 2; values.append(x)
            }
        }
        return Array(values.prefix(count))
    }

    static func randomDoubleColumn(_ rng: inout SplitMix64) -> [Double] {
        let count = Int(rng.next() % 2000)
        let decimals = Int(rng.next() % 6)
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (0..<count).map { _ in
            switch rng.next() % 20 {
            case 0: return Double(bitPattern: rng.next())
            case 1: return [Double.nan, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude][Int(rng.next() % 5)]
            default: return Double(Int64(rng.next() % 2_000_000) - 1_000_000) / scale
            }
        }
    }

    @Test(arguments: 0..<40)
    func randomInt64Columns(_ seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 7919)
        for _ in 0..<5 {
            let values = Self.randomInt64Column(&rng)
            #expect(try roundTrip(TimestampCodec.self, values, sentinel: 1, same: ==) == values)
            #expect(try roundTrip(Int64FrameOfReferenceCodec.self, values, sentinel: 1, same: ==) == values)
            #expect(try roundTrip(Int64DeltaCodec.self, values, sentinel: 1, same: ==) == values)
            #expect(try roundTrip(Int64RunLengthCodec.self, values, sentinel: 1, same: ==) == values)
            #expect(try roundTrip(Int64DeltaZstdCodec.self, values, sentinel: 1, same: ==) == values)
            var writer = ByteWriter()
            values.withUnsafeBufferPointer { _ = ColumnBlock.encodeInt64($0, into: &writer) }
            var out = [Int64](repeating: 0, count: values.count)
            _ = try writer.bytes.withUnsafeBytes { raw in
                try out.withUnsafeMutableBufferPointer { try ColumnBlock.decodeInt64(raw, into: $0) }
            }
            #expect(out == values)
        }
    }

    @Test(arguments: 0..<40)
    func randomDoubleColumns(_ seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 104_729)
        for _ in 0..<5 {
            let values = Self.randomDoubleColumn(&rng)
            let gorilla = try roundTrip(GorillaCodec.self, values, sentinel: 1) { $0.bitPattern == $1.bitPattern }
            #expect(bitwiseEqual(gorilla, values))
            let decimal = try roundTrip(DecimalCodec.self, values, sentinel: 1) { $0.bitPattern == $1.bitPattern }
            #expect(bitwiseEqual(decimal, values))
            var writer = ByteWriter()
            values.withUnsafeBufferPointer { _ = ColumnBlock.encodeDoubles($0, into: &writer) }
            var out = [Double](repeating: 0, count: values.count)
            _ = try writer.bytes.withUnsafeBytes { raw in
                try out.withUnsafeMutableBufferPointer { try ColumnBlock.decodeDoubles(raw, into: $0) }
            }
            #expect(bitwiseEqual(out, values))
        }
    }

    @Test(arguments: 0..<20)
    func randomBooleanAndTagColumns(_ seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &+ 31)
        let count = Int(rng.next() % 3000)
        let bias = rng.next() % 50 + 1
        let flags = (0..<count).map { _ in rng.next() % bias == 0 }
        #expect(try roundTrip(BooleanBitmapCodec.self, flags, sentinel: true, same: ==) == flags)
        #expect(try roundTrip(BooleanRunLengthCodec.self, flags, sentinel: true, same: ==) == flags)
        let span = UInt64(1) << (rng.next() % 33)
        var id = UInt32(truncatingIfNeeded: rng.next() % span)
        let ids = (0..<count).map { _ -> UInt32 in
            if rng.next() % 50 == 0 { id = UInt32(truncatingIfNeeded: rng.next() % span) }
            return id
        }
        #expect(try roundTrip(TagIDBitPackedCodec.self, ids, sentinel: 9, same: ==) == ids)
        #expect(try roundTrip(TagIDRunLengthCodec.self, ids, sentinel: 9, same: ==) == ids)
    }
}
