import SundialStorage
import SundialWire
import Testing

@Suite struct FrameDecoderTests {
    /// Decodes everything in `bytes`, then signals the end of the stream.
    static func decodeAll(_ bytes: [UInt8], chunk: Int = .max, maxFrameSize: Int = WireFormat.defaultMaxFrameSize) throws(WireError) -> [Frame] {
        var decoder = FrameDecoder(maxFrameSize: maxFrameSize)
        var frames: [Frame] = []
        var i = 0
        repeat {
            let end = min(bytes.count, i + chunk)
            decoder.feed(Array(bytes[i..<end]))
            i = end
            while let frame = try decoder.next() { frames.append(frame) }
        } while i < bytes.count
        try decoder.finish()
        return frames
    }

    static func expectError(_ bytes: [UInt8], _ code: WireError.Code, at offset: Int,
                            maxFrameSize: Int = WireFormat.defaultMaxFrameSize, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let frames = try decodeAll(bytes, maxFrameSize: maxFrameSize)
            Issue.record("decoded \(frames.count) frames, expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.offset == offset, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [1, 2, 3, 5, 7, 64, 1000, Int.max])
    func splitAndCoalescedFeeding(chunk: Int) throws {
        #expect(try Self.decodeAll(WireSamples.stream, chunk: chunk) == WireSamples.frames)
    }

    @Test func everyTruncationOfAValidStream() throws {
        let frames = WireSamples.frames.filter {
            if case .resultBatch(let b) = $0 { return b.batch.count < 100 } else { return true }
        }
        var ends: [Int] = []
        var writer = ByteWriter()
        for frame in frames { frame.encode(into: &writer); ends.append(writer.count) }
        let stream = writer.bytes
        for length in 0...stream.count {
            var decoder = FrameDecoder()
            decoder.feed(Array(stream[0..<length]))
            var got: [Frame] = []
            while let frame = try decoder.next() { got.append(frame) }
            let complete = ends.filter { $0 <= length }.count
            #expect(got == Array(frames.prefix(complete)), "prefix \(length)")
            if ends.contains(length) || length == 0 {
                try decoder.finish()
            } else {
                do {
                    try decoder.finish()
                    Issue.record("prefix \(length) ends inside a frame but finish() passed")
                } catch {
                    #expect(error.code == .truncated)
                    #expect(error.offset == length)
                }
            }
        }
    }

    @Test func everyBitFlipIsAnErrorNotACrash() {
        let frames = WireSamples.frames.filter {
            if case .resultBatch(let b) = $0 { return b.batch.count < 100 } else { return true }
        }
        for frame in frames {
            let bytes = frame.encoded()
            for i in 0..<bytes.count {
                for bit in [0, 3, 7] {
                    var damaged = bytes
                    damaged[i] ^= 1 << bit
                    do {
                        let decoded = try Self.decodeAll(damaged)
                        Issue.record("flip of bit \(bit) at \(i) of \(frame.type) decoded to \(decoded.count) frames")
                    } catch {
                        #expect(error.offset.map { $0 >= 0 && $0 <= damaged.count } ?? false, "\(error)")
                    }
                }
            }
        }
    }

    @Test func oversizeLengthIsRejectedFromTheHeaderAlone() {
        var decoder = FrameDecoder(maxFrameSize: 1 << 20)
        decoder.feed([0xF0, 0xFF, 0xFF, 0xFF])   // ~4 GiB, and nothing else sent
        do {
            _ = try decoder.next()
            Issue.record("an oversize length was accepted")
        } catch {
            #expect(error.code == .frameTooLarge)
            #expect(error.offset == 0)
        }
        #expect(decoder.bufferedByteCount == 4)
        // The decoder stays failed.
        decoder.feed(Frame.ping(.init(nonce: 1)).encoded())
        #expect(throws: WireError.self) { try decoder.next() }
    }

    @Test func maxFrameSizeIsInclusive() throws {
        let frame = Frame.auth(.init(token: String(repeating: "x", count: 99)))
        #expect(try Self.decodeAll(frame.encoded(), maxFrameSize: 100) == [frame])
        Self.expectError(Frame.ping(.init(nonce: 1)).encoded() + frame.encoded(), .frameTooLarge, at: 17, maxFrameSize: 99)
    }

    @Test func unknownFrameType() {
        Self.expectError(WireSamples.rawFrame(0, []), .unknownFrameType, at: 4)
        Self.expectError(Frame.ping(.init(nonce: 1)).encoded() + WireSamples.rawFrame(200, [1, 2]), .unknownFrameType, at: 17 + 4)
    }

    @Test func checksumMismatchPointsAtTheCRC() {
        var bytes = Frame.ping(.init(nonce: 9)).encoded()
        bytes[7] ^= 0x10
        Self.expectError(bytes, .checksumMismatch, at: 13)
    }

    @Test func truncatedPayloadField() {
        // A Ping needs 8 bytes of nonce; the payload has 3.
        Self.expectError(WireSamples.rawFrame(FrameType.ping.rawValue, [1, 2, 3]), .truncated, at: 5)
    }

    @Test func trailingBytesInAPayload() {
        Self.expectError(WireSamples.rawFrame(FrameType.cancel.rawValue, [7, 0]), .badLength, at: 6)
    }

    @Test func badVarint() {
        // A request id of 11 continuation bytes.
        Self.expectError(WireSamples.rawFrame(FrameType.cancel.rawValue, Array(repeating: 0xFF, count: 9) + [0x7F]), .badVarint, at: 5)
        // A request id beyond UInt32.
        Self.expectError(WireSamples.rawFrame(FrameType.cancel.rawValue, [0x80, 0x80, 0x80, 0x80, 0x10]), .corrupt, at: 5)
    }

    @Test func badUTF8() {
        // Query: id 1, SQL of 2 bytes that are not UTF-8, 0 parameters.
        Self.expectError(WireSamples.rawFrame(FrameType.query.rawValue, [1, 2, 0xC3, 0x28, 0]), .badUTF8, at: 6)
    }

    @Test func countsThatLie() {
        // Query with 1,000 parameters and two bytes left.
        Self.expectError(WireSamples.rawFrame(FrameType.query.rawValue, [1, 0, 0xE8, 0x07, 0, 0]), .corrupt, at: 7)
        // A string claiming 100 bytes.
        Self.expectError(WireSamples.rawFrame(FrameType.auth.rawValue, [100, 65]), .truncated, at: 5)
        // A batch of 2^20 rows × 4,096 columns.
        var w = ByteWriter()
        w.writeVarUInt(1); w.writeVarUInt(1 << 20); w.writeVarUInt(4096)
        w.writeBytes(Array(repeating: 0, count: 4096 * 3))
        Self.expectError(WireSamples.rawFrame(FrameType.resultBatch.rawValue, w.bytes), .limitExceeded, at: 5 + 1 + 3 + 2)
        // 10 rows of plain BIGINT with 8 bytes of values.
        Self.expectError(WireSamples.rawFrame(FrameType.resultBatch.rawValue, [1, 10, 1, 1, 0, 0] + Array(repeating: 0, count: 8)),
                         .truncated, at: 5 + 6)
        // More rows than the limit.
        var rows = ByteWriter()
        rows.writeVarUInt(1); rows.writeVarUInt(UInt64(WireFormat.maxBatchRows + 1)); rows.writeVarUInt(0)
        Self.expectError(WireSamples.rawFrame(FrameType.resultBatch.rawValue, rows.bytes), .limitExceeded, at: 6)
    }

    @Test func unknownValueAndColumnTypes() {
        Self.expectError(WireSamples.rawFrame(FrameType.query.rawValue, [1, 0, 1, 9]), .corrupt, at: 8)
        Self.expectError(WireSamples.rawFrame(FrameType.resultSchema.rawValue, [1, 1, 1, 65, 99]), .corrupt, at: 9)
    }

    @Test func bitmapPaddingMustBeZero() {
        // 3 rows of plain BOOLEAN whose bitmap sets bit 5.
        Self.expectError(WireSamples.rawFrame(FrameType.resultBatch.rawValue, [1, 3, 1, 3, 0, 0, 0b0010_0001]), .corrupt, at: 11)
    }

    @Test func blockCountMustMatchTheRows() throws {
        // A real 100-row batch whose row count is rewritten to 99: the block says 100.
        let column = WireColumn(type: .bigint, values: .int64(Array(repeating: 7, count: 100)))
        var payload = Array(Frame.resultBatch(.init(requestID: 1, batch: WireBatch(columns: [column], count: 100))).encoded().dropFirst(5).dropLast(4))
        #expect(payload[1] == 100)
        payload[1] = 99
        Self.expectError(WireSamples.rawFrame(FrameType.resultBatch.rawValue, payload), .corrupt, at: 5 + 6 + 4)
    }

    @Test func damagedColumnBlockIsACheckedError() throws {
        let column = WireColumn(type: .bigint, values: .int64(Array(repeating: 7, count: 100)))
        var payload = Array(Frame.resultBatch(.init(requestID: 1, batch: WireBatch(columns: [column], count: 100))).encoded().dropFirst(5).dropLast(4))
        payload[payload.count - 1] ^= 1   // the block's own CRC
        do {
            _ = try Self.decodeAll(WireSamples.rawFrame(FrameType.resultBatch.rawValue, payload))
            Issue.record("a damaged block decoded")
        } catch {
            #expect(error.code == .checksumMismatch)
            #expect(error.offset == 5 + payload.count - 4)
        }
    }

    @Test func badWriteKindAndPrecision() {
        Self.expectError(WireSamples.rawFrame(FrameType.write.rawValue, [1, 3]), .corrupt, at: 6)
        Self.expectError(WireSamples.rawFrame(FrameType.write.rawValue, [1, 1, 4, 0]), .corrupt, at: 7)
        // A columnar write whose table name claims 3 bytes and has 1: the storage decoder's
        // error, moved to the position of the name's length in the frame.
        Self.expectError(WireSamples.rawFrame(FrameType.write.rawValue, [1, 2, 3, 0x63]), .corrupt, at: 7)
    }

    @Test func singleFrameDecodeRefusesLeftovers() {
        let bytes = Frame.ping(.init(nonce: 1)).encoded()
        #expect(throws: WireError.self) { try Frame.decode(bytes + [0]) }
        #expect(throws: WireError.self) { try Frame.decode(Array(bytes.dropLast())) }
    }
}
