import Testing
import SundialWorkloads
@testable import SundialStorage

@Suite struct BitPackingTests {
    /// Packs random values at every width and count around word and group boundaries,
    /// then unpacks them from a buffer of exactly the packed size (so the tail path runs).
    @Test(arguments: 0...64)
    func everyWidthRoundTrips(_ width: Int) {
        var rng = SplitMix64(seed: UInt64(width))
        let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
        for count in [0, 1, 2, 7, 8, 9, 63, 64, 65, 127, 128, 129, 300] {
            let values = (0..<count).map { _ in rng.next() & mask }
            let size = BitPacking.byteCount(count: count, width: width)
            var packed = [UInt8](repeating: 0, count: size)
            packed.withUnsafeMutableBytes { dst in
                if let base = dst.baseAddress { BitPacking.pack(count: count, width: width, into: base) { values[$0] } }
            }
            var decoded = [UInt64](repeating: .max, count: count)
            packed.withUnsafeBytes { src in
                let base = src.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!
                BitPacking.unpack(base, available: src.count, count: count, width: width) { decoded[$0] = $1 }
            }
            #expect(decoded == values, "width \(width) count \(count)")
        }
    }

    @Test func frameOfReferenceHandlesTheWholeInt64Range() throws {
        let values: [Int64] = [.min, .max, 0, -1, 1, .min, .max] + (0..<200).map { Int64($0) * 7_000_000_000_000_000 / 200 }
        var writer = ByteWriter()
        FrameOfReference.encode(count: values.count, into: &writer) { values[$0] }
        #expect(writer.count == FrameOfReference.encodedSize(count: values.count) { values[$0] })
        var decoded = [Int64](repeating: 0, count: values.count)
        try writer.bytes.withUnsafeBytes { raw in
            try decoded.withUnsafeMutableBufferPointer { out in
                var reader = ByteReader(raw)
                try FrameOfReference.decode(&reader, count: values.count, into: out.baseAddress!)
                #expect(reader.remaining == 0)
            }
        }
        #expect(decoded == values)
    }

    @Test func varintsRejectOverflowAndTruncation() {
        let overflow: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]
        overflow.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            #expect(throws: StorageError.self) { _ = try reader.readVarUInt() }
        }
        let maximal: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        maximal.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            #expect((try? reader.readVarUInt()) == UInt64.max)
        }
        let truncated: [UInt8] = [0x80, 0x80]
        truncated.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            do throws(StorageError) {
                _ = try reader.readVarUInt("a length")
                Issue.record("a truncated varint was accepted")
            } catch {
                #expect(error.code == .truncated)
                #expect(error.offset == 2)
                #expect(error.message.contains("a length"))
            }
        }
    }

    @Test func zigzagMapsSmallMagnitudesToSmallCodes() {
        #expect(ZigZag.encode(0) == 0)
        #expect(ZigZag.encode(-1) == 1)
        #expect(ZigZag.encode(1) == 2)
        #expect(ZigZag.encode(Int64.max) == UInt64.max - 1)
        #expect(ZigZag.encode(Int64.min) == UInt64.max)
        for v: Int64 in [0, 1, -1, 1234, -98765, .max, .min] { #expect(ZigZag.decode(ZigZag.encode(v)) == v) }
    }
}
