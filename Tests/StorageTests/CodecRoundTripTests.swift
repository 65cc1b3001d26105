// Every codec, every dataset shape: decode(encode(x)) == x, bit for bit.
import Testing
import SundialWorkloads
@testable import SundialStorage

@Suite struct CodecRoundTripTests {
    static func int64RoundTrip<C: ColumnCodec>(_ codec: C.Type, _ values: [Int64]) throws -> [Int64] where C.Value == Int64 {
        try roundTrip(codec, values, sentinel: 0x5A5A, same: ==)
    }

    @Test(arguments: Datasets.timestamps())
    func int64Codecs(_ dataset: Dataset<Int64>) throws {
        #expect(try Self.int64RoundTrip(TimestampCodec.self, dataset.values) == dataset.values)
        #expect(try Self.int64RoundTrip(Int64FrameOfReferenceCodec.self, dataset.values) == dataset.values)
        #expect(try Self.int64RoundTrip(Int64DeltaCodec.self, dataset.values) == dataset.values)
        #expect(try Self.int64RoundTrip(Int64RunLengthCodec.self, dataset.values) == dataset.values)
        #expect(try Self.int64RoundTrip(Int64DeltaZstdCodec.self, dataset.values) == dataset.values)
    }

    @Test(arguments: Datasets.doubles())
    func doubleCodecs(_ dataset: Dataset<Double>) throws {
        let gorilla = try roundTrip(GorillaCodec.self, dataset.values, sentinel: 7.5) { $0.bitPattern == $1.bitPattern }
        #expect(bitwiseEqual(gorilla, dataset.values))
        let decimal = try roundTrip(DecimalCodec.self, dataset.values, sentinel: 7.5) { $0.bitPattern == $1.bitPattern }
        #expect(bitwiseEqual(decimal, dataset.values))
    }

    /// Every exponent pair must round-trip every value (those that do not scale become exceptions).
    @Test func decimalCodecIsExactForEveryExponentPair() throws {
        let values: [Double] = [0, -0.0, 1, 0.1, 12.34, -5.5, 1e-7, 123_456.789, .nan, .infinity, 3e15, 2.5e-12, 99.99]
        for e in 0...DecimalCodec.maxExponent {
            for f in 0...e {
                var writer = ByteWriter()
                values.withUnsafeBufferPointer { DecimalCodec.encode($0, e: e, f: f, into: &writer) }
                var out = [Double](repeating: 0, count: values.count)
                try writer.bytes.withUnsafeBytes { raw in
                    try out.withUnsafeMutableBufferPointer { try DecimalCodec.decode(raw, count: values.count, into: $0) }
                }
                #expect(bitwiseEqual(out, values), "e=\(e) f=\(f)")
            }
        }
    }

    @Test(arguments: Datasets.booleans())
    func booleanCodecs(_ dataset: Dataset<Bool>) throws {
        #expect(try roundTrip(BooleanBitmapCodec.self, dataset.values, sentinel: true, same: ==) == dataset.values)
        #expect(try roundTrip(BooleanRunLengthCodec.self, dataset.values, sentinel: true, same: ==) == dataset.values)
    }

    @Test(arguments: Datasets.tagIDs())
    func tagIDCodecs(_ dataset: Dataset<UInt32>) throws {
        #expect(try roundTrip(TagIDBitPackedCodec.self, dataset.values, sentinel: 77, same: ==) == dataset.values)
        #expect(try roundTrip(TagIDRunLengthCodec.self, dataset.values, sentinel: 77, same: ==) == dataset.values)
    }

    @Test(arguments: Datasets.strings())
    func stringCodec(_ dataset: Dataset<String>) throws {
        var writer = ByteWriter()
        let encoding = ColumnBlock.encodeStrings(dataset.values, into: &writer)
        #expect(encoding.valueType == .string)
        let decoded = try writer.bytes.withUnsafeBytes { try ColumnBlock.decodeStrings($0) }
        #expect(decoded == dataset.values)
        // Both encodings, directly.
        for forced in [ColumnEncoding.stringPlain, .stringZstd] where forced == encoding {
            var payload = ByteWriter()
            StringCodec.encode(dataset.values, into: &payload)
            let back = try payload.bytes.withUnsafeBytes {
                try StringCodec.decodeStrings($0, encoding: forced, count: dataset.values.count)
            }
            #expect(back == dataset.values)
        }
    }

    @Test func repetitiveStringsAreCompressed() throws {
        var writer = ByteWriter()
        let values = (0..<2000).map { "{\"user\":\"u\($0 % 50)\",\"ok\":true}" }
        #expect(ColumnBlock.encodeStrings(values, into: &writer) == .stringZstd)
        let raw = values.reduce(0) { $0 + $1.utf8.count }
        #expect(writer.count * 5 < raw)
    }

    // MARK: Framed blocks and the choosers

    @Test(arguments: Datasets.timestamps())
    func int64Blocks(_ dataset: Dataset<Int64>) throws {
        for encodeTimestamps in [true, false] {
            var writer = ByteWriter()
            let encoding = dataset.values.withUnsafeBufferPointer {
                encodeTimestamps ? ColumnBlock.encodeTimestamps($0, into: &writer) : ColumnBlock.encodeInt64($0, into: &writer)
            }
            var out = [Int64](repeating: 0, count: dataset.values.count)
            let count = try writer.bytes.withUnsafeBytes { raw in
                try out.withUnsafeMutableBufferPointer { try ColumnBlock.decodeInt64(raw, into: $0) }
            }
            #expect(count == dataset.values.count)
            #expect(out == dataset.values, "\(encoding)")
            // The chooser never does worse than the plain frame-of-reference layout.
            if !encodeTimestamps {
                let plain = Int64FrameOfReferenceCodec.encode(dataset.values).count
                #expect(writer.count <= plain + ColumnBlock.headerSize + ColumnBlock.trailerSize)
            }
        }
    }

    @Test(arguments: Datasets.doubles())
    func doubleBlocks(_ dataset: Dataset<Double>) throws {
        var writer = ByteWriter()
        let encoding = dataset.values.withUnsafeBufferPointer { ColumnBlock.encodeDoubles($0, into: &writer) }
        var out = [Double](repeating: 0, count: dataset.values.count)
        let count = try writer.bytes.withUnsafeBytes { raw in
            try out.withUnsafeMutableBufferPointer { try ColumnBlock.decodeDoubles(raw, into: $0) }
        }
        #expect(count == dataset.values.count)
        #expect(bitwiseEqual(out, dataset.values), "\(encoding)")
        let gorilla = GorillaCodec.encode(dataset.values).count
        #expect(writer.count <= gorilla + ColumnBlock.headerSize + ColumnBlock.trailerSize)
    }

    @Test(arguments: Datasets.booleans())
    func booleanBlocks(_ dataset: Dataset<Bool>) throws {
        var writer = ByteWriter()
        dataset.values.withUnsafeBufferPointer { _ = ColumnBlock.encodeBooleans($0, into: &writer) }
        var out = [Bool](repeating: false, count: dataset.values.count)
        _ = try writer.bytes.withUnsafeBytes { raw in
            try out.withUnsafeMutableBufferPointer { try ColumnBlock.decodeBooleans(raw, into: $0) }
        }
        #expect(out == dataset.values)
    }

    @Test(arguments: Datasets.tagIDs())
    func tagIDBlocks(_ dataset: Dataset<UInt32>) throws {
        var writer = ByteWriter()
        dataset.values.withUnsafeBufferPointer { _ = ColumnBlock.encodeTagIDs($0, into: &writer) }
        var out = [UInt32](repeating: 0, count: dataset.values.count)
        _ = try writer.bytes.withUnsafeBytes { raw in
            try out.withUnsafeMutableBufferPointer { try ColumnBlock.decodeTagIDs(raw, into: $0) }
        }
        #expect(out == dataset.values)
    }
}
