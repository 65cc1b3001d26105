import SundialStorage
import SundialWire
import Testing

@Suite struct FrameRoundTripTests {
    @Test func samplesCoverEveryFrameType() {
        #expect(Set(WireSamples.frames.map(\.type)) == Set(FrameType.allCases))
    }

    @Test(arguments: WireSamples.frames)
    func roundTrip(_ frame: Frame) throws {
        let bytes = frame.encoded()
        #expect(try Frame.decode(bytes) == frame)
        // Re-encoding is byte for byte the same.
        #expect(try Frame.decode(bytes).encoded() == bytes)
    }

    @Test(arguments: WireType.allCases, [0, 1, 7, 8, 9, 63, 64, 65, 4096])
    func columnRoundTrip(_ type: WireType, rows: Int) throws {
        for nulls in [false, true] {
            let column = WireSamples.column(type, rows: rows, nulls: nulls)
            let frame = Frame.resultBatch(.init(requestID: 1, batch: WireBatch(columns: [column, column], count: rows)))
            #expect(try Frame.decode(frame.encoded()) == frame, "\(type) × \(rows), nulls: \(nulls)")
        }
    }

    @Test func largeRegularColumnsUseTheCodecs() throws {
        let rows = 8192
        let times = WireColumn(type: .timestamp, values: .int64((0..<rows).map { 1_700_000_000_000_000_000 + Int64($0) * 10_000_000_000 }))
        let flags = WireColumn(type: .boolean, values: .boolean(Array(repeating: true, count: rows)))
        let hosts = WireColumn(type: .string, values: .string(Array(repeating: "host_1", count: rows)))
        let frame = Frame.resultBatch(.init(requestID: 1, batch: WireBatch(columns: [times, flags, hosts], count: rows)))
        let bytes = frame.encoded()
        // Plain would be 8 bytes per time, a bit per flag and 7 bytes per host: ~123 KB.
        #expect(bytes.count < 2_000, "encoded size \(bytes.count)")
        #expect(try Frame.decode(bytes) == frame)
    }

    @Test func smallColumnsArePlain() throws {
        let column = WireColumn(type: .bigint, values: .int64([5, 5, 5]))
        let bytes = Frame.resultBatch(.init(requestID: 1, batch: WireBatch(columns: [column], count: 3))).encoded()
        // header 5 | id 1 | rows 1 | columns 1 | type 1 | nulls 1 | encoding 1 | 3 × 8 | crc 4
        #expect(bytes.count == 5 + 6 + 24 + 4)
    }

    @Test func randomNumericColumnsFallBackToPlainWhenTheCodecsDoNotPay() throws {
        var state: UInt64 = 0x1234_5678
        let values = (0..<1000).map { _ -> Int64 in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int64(bitPattern: state)
        }
        let column = WireColumn(type: .bigint, values: .int64(values))
        let bytes = Frame.resultBatch(.init(requestID: 1, batch: WireBatch(columns: [column], count: 1000))).encoded()
        #expect(bytes.count <= 5 + 1 + 2 + 1 + 3 + 8000 + 4)
        #expect(try Frame.decode(bytes) == .resultBatch(.init(requestID: 1, batch: WireBatch(columns: [column], count: 1000))))
    }

    @Test func equalityComparesDoublesByBits() {
        #expect(WireValue.double(.nan) == .double(.nan))
        #expect(WireValue.double(0) != .double(-0.0))
        let a = WireColumn(type: .double, values: .double([.nan, 1]), validity: [true, true])
        let b = WireColumn(type: .double, values: .double([.nan, 1]))
        #expect(a == b)
        #expect(a.validity == nil)
    }

    @Test func buildAndReadBackRows() throws {
        let column = try #require(WireColumn.build([.bigint(1), .null, .bigint(3)], type: .bigint))
        #expect((0..<3).map(column.value(at:)) == [.bigint(1), .null, .bigint(3)])
        #expect(WireColumn.build([.bigint(1), .string("x")], type: .bigint) == nil)
        let batch = WireBatch(columns: [column], count: 3)
        #expect(batch.slice(1..<3).row(0) == [.null])
    }
}
