// What the codecs are for: regular timestamps cost about nothing, TSBS fields a few
// bits, and the choosers pick the encoding that fits the data.
import Testing
import SundialWorkloads
@testable import SundialStorage

@Suite struct CodecCompressionTests {
    @Test func regularTimestampsCostAboutZeroBitsPerValue() {
        let values = (0..<8640).map { TSBSDevops.defaultStart + Int64($0) * TSBSDevops.defaultInterval }
        let payload = TimestampCodec.encode(values)
        #expect(bitsPerValue(payload.count, values.count) < 0.2)
    }

    @Test func tsbsFieldsAreStoredInAboutTwoAndAHalfBitsPerValue() {
        let generator = TSBSDevops(hosts: 4, seed: 11)
        var bytes = 0
        var values = 0
        for host in 0..<4 {
            for field in generator.seriesColumns(host: host, points: 8640).fields {
                var writer = ByteWriter()
                let encoding = field.withUnsafeBufferPointer { ColumnBlock.encodeDoubles($0, into: &writer) }
                #expect(encoding == .doubleDecimal)
                bytes += writer.count
                values += field.count
            }
        }
        #expect(bitsPerValue(bytes, values) <= 3.0)
    }

    @Test func choosersPickTheEncodingThatFitsTheData() {
        func int64Encoding(_ values: [Int64]) -> ColumnEncoding {
            var writer = ByteWriter()
            return values.withUnsafeBufferPointer { ColumnBlock.encodeInt64($0, into: &writer) }
        }
        #expect(int64Encoding(Array(repeating: 5, count: 4000)) == .int64RunLength)
        var rng = SplitMix64(seed: 3)
        var counter: Int64 = 1_000_000_000
        #expect(int64Encoding((0..<4000).map { _ in counter += 1000 + Int64(rng.next() % 8); return counter }) == .int64Delta)
        // A constant step: runs of zeros that zstd shrinks to almost nothing.
        #expect(int64Encoding((0..<4000).map { 1_000_000_000 + Int64($0) * 1_000_003 }) == .int64DeltaZstd)
        #expect(int64Encoding((0..<4000).map { _ in Int64(rng.next() % 1000) }) == .int64FrameOfReference)
        var walk: Int64 = 0
        let noisyWalk = (0..<8640).map { _ -> Int64 in walk += Int64(rng.nextNormal() * 1.2); return walk }
        #expect(int64Encoding(noisyWalk) == .int64DeltaZstd)

        var writer = ByteWriter()
        let random = RandomColumns.doubles(count: 1000, seed: 1)
        #expect(random.withUnsafeBufferPointer { ColumnBlock.encodeDoubles($0, into: &writer) } == .doubleGorilla)
        writer = ByteWriter()
        let prices = RandomColumns.prices(count: 1000, seed: 1)
        #expect(prices.withUnsafeBufferPointer { ColumnBlock.encodeDoubles($0, into: &writer) } == .doubleDecimal)

        writer = ByteWriter()
        let flags = (0..<4000).map { $0 > 2500 }
        #expect(flags.withUnsafeBufferPointer { ColumnBlock.encodeBooleans($0, into: &writer) } == .booleanRunLength)
        writer = ByteWriter()
        let noise = (0..<4000).map { _ in rng.next() & 1 == 0 }
        #expect(noise.withUnsafeBufferPointer { ColumnBlock.encodeBooleans($0, into: &writer) } == .booleanBitmap)

        writer = ByteWriter()
        let sorted = (0..<4000).map { UInt32($0 / 500) }
        #expect(sorted.withUnsafeBufferPointer { ColumnBlock.encodeTagIDs($0, into: &writer) } == .tagIDRunLength)
        #expect(writer.count < 64)
    }

    @Test func decimalCodecStoresExceptionsApart() {
        var values = (0..<1000).map { Double($0 % 100) / 10 }
        values[10] = .nan
        values[500] = -0.0
        values[999] = Double(bitPattern: 0x7FF4_0000_0000_0001)
        let payload = DecimalCodec.encode(values)
        // Three exceptions cost 12 bytes each; the rest packs into a few bits per value.
        #expect(payload.count < 1000)
    }
}

@Suite struct ZstdStageOptionTests {
    @Test func withoutTheZstdStageBlocksStayBitPacked() throws {
        let field = TSBSDevops(hosts: 1, seed: 2).seriesColumns(host: 0, points: 8640).fields[0]
        var small = ByteWriter()
        var fast = ByteWriter()
        field.withUnsafeBufferPointer {
            _ = ColumnBlock.encodeDoubles($0, into: &small)
            _ = ColumnBlock.encodeDoubles($0, zstdStage: false, into: &fast)
        }
        // The mode byte follows e, f and the exception count in the decimal payload.
        let modeOffset = ColumnBlock.headerSize + 3
        #expect(small.bytes[modeOffset] == IntegerStream.Mode.deltaZstd.rawValue)
        #expect(fast.bytes[modeOffset] != IntegerStream.Mode.deltaZstd.rawValue)
        #expect(fast.count > small.count)
        var out = [Double](repeating: 0, count: field.count)
        _ = try fast.bytes.withUnsafeBytes { raw in
            try out.withUnsafeMutableBufferPointer { try ColumnBlock.decodeDoubles(raw, into: $0) }
        }
        #expect(bitwiseEqual(out, field))

        var walk: Int64 = 0
        var rng = SplitMix64(seed: 4)
        let ints = (0..<8640).map { _ -> Int64 in walk += Int64(rng.nextNormal() * 1.2); return walk }
        var writer = ByteWriter()
        #expect(ints.withUnsafeBufferPointer { ColumnBlock.encodeInt64($0, zstdStage: false, into: &writer) } == .int64Delta)
    }
}
