// Damaged input: every truncation and bit flip of a framed block is detected; payloads
// damaged behind a valid checksum decode to an error or to values, never to a trap;
// named corruption cases report the right code and offset.
import Testing
import SundialTestSupport
import SundialWorkloads
@testable import SundialStorage

@Suite struct CodecCorruptionTests {
    /// One framed block of every encoding, built from data that makes the chooser use it.
    static func sampleBlocks() -> [(String, [UInt8])] {
        var blocks: [(String, [UInt8])] = []
        func add(_ name: String, _ build: (inout ByteWriter) -> ColumnEncoding) {
            var writer = ByteWriter()
            let encoding = build(&writer)
            blocks.append(("\(name) [\(encoding)]", writer.bytes))
        }
        var rng = SplitMix64(seed: 12)
        let times = RandomColumns.jitteredTimestamps(count: 700, start: TSBSDevops.defaultStart, interval: 1000, jitter: 30, seed: 1)
        add("timestamps") { w in times.withUnsafeBufferPointer { ColumnBlock.encodeTimestamps($0, into: &w) } }
        let ints = (0..<700).map { _ in Int64(rng.next() % 100_000) }
        add("int64") { w in ints.withUnsafeBufferPointer { ColumnBlock.encodeInt64($0, into: &w) } }
        let counter = (0..<700).map { Int64($0) * 1_000_003 }
        add("counter") { w in counter.withUnsafeBufferPointer { ColumnBlock.encodeInt64($0, into: &w) } }
        let runs = (0..<700).map { Int64($0 / 100) }
        add("runs") { w in runs.withUnsafeBufferPointer { ColumnBlock.encodeInt64($0, into: &w) } }
        var walk: Int64 = 0
        let noisy = (0..<3000).map { _ -> Int64 in walk += Int64(rng.nextNormal()); return walk }
        add("noisy walk") { w in noisy.withUnsafeBufferPointer { ColumnBlock.encodeInt64($0, into: &w) } }
        let tsbs = TSBSDevops(hosts: 1).seriesColumns(host: 0, points: 3000).fields[0]
        add("tsbs") { w in tsbs.withUnsafeBufferPointer { ColumnBlock.encodeDoubles($0, into: &w) } }
        let prices = RandomColumns.prices(count: 500, seed: 2) + [.nan, -0.0]
        add("prices") { w in prices.withUnsafeBufferPointer { ColumnBlock.encodeDoubles($0, into: &w) } }
        let random = RandomColumns.doubles(count: 300, seed: 3)
        add("random doubles") { w in random.withUnsafeBufferPointer { ColumnBlock.encodeDoubles($0, into: &w) } }
        let flags = (0..<700).map { _ in rng.next() % 3 == 0 }
        add("flags") { w in flags.withUnsafeBufferPointer { ColumnBlock.encodeBooleans($0, into: &w) } }
        let rareFlags = (0..<700).map { $0 % 200 == 0 }
        add("rare flags") { w in rareFlags.withUnsafeBufferPointer { ColumnBlock.encodeBooleans($0, into: &w) } }
        let ids = (0..<700).map { _ in UInt32(rng.next() % 1000) }
        add("tag ids") { w in ids.withUnsafeBufferPointer { ColumnBlock.encodeTagIDs($0, into: &w) } }
        let sortedIDs = (0..<700).map { UInt32($0 / 70) }
        add("sorted tag ids") { w in sortedIDs.withUnsafeBufferPointer { ColumnBlock.encodeTagIDs($0, into: &w) } }
        add("short strings") { w in ColumnBlock.encodeStrings(["a", "bc", "", "déf"], into: &w) }
        add("json strings") { w in ColumnBlock.encodeStrings((0..<300).map { "{\"k\":\($0 % 7)}" }, into: &w) }
        return blocks
    }

    /// Decodes a block as whatever its tag says, returning the error if any.
    static func decodeAny(_ block: [UInt8]) -> StorageError? {
        block.withUnsafeBytes { raw -> StorageError? in
            do throws(StorageError) {
                let (header, _) = try ColumnBlock.open(raw)
                let n = header.count
                switch header.encoding.valueType {
                case .timestamp, .int64:
                    var out = [Int64](repeating: 0, count: n)
                    try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) in _ = try ColumnBlock.decodeInt64(raw, into: o) }
                case .double:
                    var out = [Double](repeating: 0, count: n)
                    try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) in _ = try ColumnBlock.decodeDoubles(raw, into: o) }
                case .boolean:
                    var out = [Bool](repeating: false, count: n)
                    try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) in _ = try ColumnBlock.decodeBooleans(raw, into: o) }
                case .tagID:
                    var out = [UInt32](repeating: 0, count: n)
                    try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) in _ = try ColumnBlock.decodeTagIDs(raw, into: o) }
                case .string:
                    _ = try ColumnBlock.decodeStrings(raw)
                }
                return nil
            } catch {
                return error
            }
        }
    }

    @Test func sampleBlocksCoverEveryEncoding() {
        let names = Self.sampleBlocks().map(\.0).joined(separator: " ")
        for encoding in ColumnEncoding.allCases {
            #expect(names.contains("[\(encoding)]"), "no sample block uses \(encoding)")
        }
    }

    @Test func intactBlocksDecode() {
        for (name, block) in Self.sampleBlocks() {
            #expect(Self.decodeAny(block) == nil, "\(name)")
        }
    }

    @Test func everyTruncationIsRejected() {
        for (name, block) in Self.sampleBlocks() {
            for prefix in BlockMutations.truncations(of: block) {
                let error = Self.decodeAny(prefix)
                #expect(error?.code == .truncated, "\(name) cut to \(prefix.count) bytes: \(String(describing: error))")
            }
        }
    }

    @Test func everyBitFlipIsDetected() {
        for (name, block) in Self.sampleBlocks() {
            for flipped in BlockMutations.bitFlips(of: block) {
                #expect(Self.decodeAny(flipped) != nil, "\(name): a flipped bit went unnoticed")
            }
        }
    }

    /// Behind a forged checksum the decoders themselves must hold: any flip decodes to an
    /// error or to values (never a trap), and any shortened payload is rejected.
    @Test func damageBehindAValidChecksumNeverTraps() {
        for (name, block) in Self.sampleBlocks() {
            for var flipped in BlockMutations.bitFlips(of: block, limit: 1500) {
                BlockMutations.refreshChecksum(&flipped)
                _ = Self.decodeAny(flipped)
            }
            let payloadLength = block.count - ColumnBlock.headerSize - ColumnBlock.trailerSize
            for cut in 1...min(payloadLength, 64) {
                var shortened = Array(block[0..<(block.count - ColumnBlock.trailerSize - cut)]) + [0, 0, 0, 0]
                let length = UInt32(payloadLength - cut)
                shortened.replaceSubrange(8..<12, with: withUnsafeBytes(of: length.littleEndian, Array.init))
                BlockMutations.refreshChecksum(&shortened)
                let error = Self.decodeAny(shortened)
                #expect(error != nil, "\(name): payload shortened by \(cut) bytes was accepted")
            }
        }
    }

    // MARK: Named cases (as LevelDB's log_test names them)

    static func block(_ values: [Int64]) -> [UInt8] {
        var writer = ByteWriter()
        values.withUnsafeBufferPointer { _ = ColumnBlock.encodeTimestamps($0, into: &writer) }
        return writer.bytes
    }

    static func expectError(_ bytes: [UInt8], _ code: StorageError.Code, at offset: Int?, _ text: String) {
        let error = decodeAny(bytes)
        #expect(error?.code == code, "\(String(describing: error))")
        #expect(error?.offset == offset, "\(String(describing: error))")
        #expect(error?.message.contains(text) == true, "\(String(describing: error))")
    }

    @Test func badLengthIsTruncation() {
        var bytes = Self.block([1, 2, 3])
        bytes[8] = 200
        Self.expectError(bytes, .truncated, at: bytes.count, "the block needs")
    }

    @Test func checksumMismatchNamesTheChecksumOffset() {
        var bytes = Self.block([1, 2, 3])
        bytes[13] ^= 0x10
        Self.expectError(bytes, .checksumMismatch, at: bytes.count - 4, "checksum")
    }

    @Test func unknownEncodingTag() {
        var bytes = Self.block([1, 2, 3])
        bytes[0] = 99
        Self.expectError(bytes, .unknownEncoding, at: 0, "tag 99")
    }

    @Test func unsupportedVersionAndReservedBits() {
        var bytes = Self.block([1, 2, 3])
        bytes[1] = 2
        Self.expectError(bytes, .corrupt, at: 1, "version 2")
        bytes = Self.block([1, 2, 3])
        bytes[3] = 1
        BlockMutations.refreshChecksum(&bytes)
        Self.expectError(bytes, .corrupt, at: 2, "reserved")
    }

    @Test func oversizedCountIsRejectedBeforeAnyAllocation() {
        var bytes = Self.block([1, 2, 3])
        bytes.replaceSubrange(4..<8, with: [0xFF, 0xFF, 0xFF, 0x7F])
        BlockMutations.refreshChecksum(&bytes)
        Self.expectError(bytes, .corrupt, at: 4, "exceeds")
    }

    @Test func bitWidthAbove64IsCorruptAtItsByte() {
        // Timestamp payload: 8-byte first value, 1-byte first delta, then base (1 byte) and width.
        var bytes = Self.block((0..<10).map { Int64($0 * $0) })
        let widthOffset = ColumnBlock.headerSize + 8 + 1 + 1
        bytes[widthOffset] = 65
        BlockMutations.refreshChecksum(&bytes)
        Self.expectError(bytes, .corrupt, at: widthOffset, "bit width 65")
    }

    @Test func decimalExponentOutOfRange() {
        var writer = ByteWriter()
        let prices = RandomColumns.prices(count: 100, seed: 1)
        #expect(prices.withUnsafeBufferPointer { ColumnBlock.encodeDoubles($0, into: &writer) } == .doubleDecimal)
        var bytes = writer.bytes
        bytes[ColumnBlock.headerSize] = 19
        BlockMutations.refreshChecksum(&bytes)
        Self.expectError(bytes, .corrupt, at: ColumnBlock.headerSize, "exponent 19")
    }

    @Test func bitmapPaddingMustBeZero() {
        var writer = ByteWriter()
        let flags = [true, false, true]
        flags.withUnsafeBufferPointer { ColumnBlock.write(BooleanBitmapCodec.self, $0, into: &writer) }
        var bytes = writer.bytes
        bytes[ColumnBlock.headerSize] |= 0x80
        BlockMutations.refreshChecksum(&bytes)
        Self.expectError(bytes, .corrupt, at: ColumnBlock.headerSize, "padding")
    }

    @Test func gorillaWindowReuseBeforeAWindowIsSet() throws {
        // First value, then the control bits '10' for the second value.
        let payload: [UInt8] = [0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0b1000_0000]
        var out = [Double](repeating: 0, count: 2)
        let error = payload.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { o -> StorageError? in
                do throws(StorageError) {
                    try GorillaCodec.decode(raw, count: 2, into: o)
                    return nil
                } catch { return error }
            }
        }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("reuses a window") == true)
    }

    @Test func wrongValueTypeAndSmallOutputAreInvalidArguments() {
        let bytes = Self.block([1, 2, 3])
        bytes.withUnsafeBytes { raw in
            var doubles = [Double](repeating: 0, count: 3)
            doubles.withUnsafeMutableBufferPointer { o in
                do {
                    _ = try ColumnBlock.decodeDoubles(raw, into: o)
                    Issue.record("decoded a timestamp block as doubles")
                } catch { #expect((error as? StorageError)?.code == .invalidArgument) }
            }
            var small = [Int64](repeating: 0, count: 2)
            small.withUnsafeMutableBufferPointer { o in
                do {
                    _ = try ColumnBlock.decodeInt64(raw, into: o)
                    Issue.record("decoded into a buffer that is too small")
                } catch { #expect((error as? StorageError)?.code == .invalidArgument) }
            }
        }
    }

    @Test func trailingBytesAreCorrupt() {
        let payload = TimestampCodec.encode([5, 6, 7]) + [0]
        var out = [Int64](repeating: 0, count: 3)
        payload.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { o in
                do {
                    try TimestampCodec.decode(raw, count: 3, into: o)
                    Issue.record("trailing byte accepted")
                } catch {
                    #expect((error as? StorageError)?.code == .corrupt)
                    #expect((error as? StorageError)?.offset == payload.count - 1)
                }
            }
        }
    }

    @Test func errorsDescribeThemselves() {
        let error = StorageError(.checksumMismatch, "block checksum differs", offset: 12).located(in: "seg-1.sdl", at: 4096)
        #expect(error.description == "checksum mismatch: block checksum differs (file seg-1.sdl, offset 4108)")
    }
}

@Suite struct StringSizeBoundTests {
    /// A few bytes cannot make a reader allocate hundreds of megabytes: the declared size
    /// is checked against what the payload could hold before anyone sizes a buffer by it.
    @Test func declaredSizeIsBoundedByThePayload() throws {
        var writer = ByteWriter()
        writer.writeVarUInt(UInt64(StringCodec.maxBlockBytes))  // 256 MiB declared
        writer.writeUInt8(0)
        writer.writeUInt8(0)
        for encoding in [ColumnEncoding.stringPlain, .stringZstd] {
            #expect(throws: StorageError.self) {
                _ = try writer.bytes.withBytes { (p) throws(StorageError) in try StringCodec.decodedByteCount(p, encoding: encoding) }
            }
            #expect(throws: StorageError.self) {
                _ = try writer.bytes.withBytes { (p) throws(StorageError) in try StringCodec.decodeStrings(p, encoding: encoding, count: 1) }
            }
        }
        // Legitimate highly compressible data stays within the bound.
        var block = ByteWriter()
        let values = Array(repeating: String(repeating: "a", count: 100_000), count: 20)
        #expect(ColumnBlock.encodeStrings(values, into: &block) == .stringZstd)
        #expect(try block.bytes.withBytes { (b) throws(StorageError) in try ColumnBlock.decodeStrings(b) } == values)
    }
}
