// Sample frames covering every frame type and the edge values of each field, shared by
// the round-trip, truncation and bit-flip tests.
import SundialStorage
import SundialWire

enum WireSamples {
    /// A column of `rows` values of `type`, a third of them NULL when `nulls`.
    static func column(_ type: WireType, rows: Int, nulls: Bool, seed: UInt64 = 1) -> WireColumn {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let validity = nulls ? (0..<rows).map { $0 % 3 != 1 } : nil
        let values: WireColumn.Values
        switch type.storage {
        case .int64:
            let edges: [Int64] = [0, -1, 1, .min, .max]
            values = .int64((0..<rows).map { i in i < edges.count ? edges[i] : 1_700_000_000_000_000_000 + Int64(i) * 10_000 + Int64(next() % 5) })
        case .double:
            let edges: [Double] = [0, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
            values = .double((0..<rows).map { i in i < edges.count ? edges[i] : Double(next() % 10_000) / 100 })
        case .boolean:
            values = .boolean((0..<rows).map { _ in next() % 3 == 0 })
        case .string:
            let edges = ["", "é", "日本語", "a\u{0}b", "emoji 🎉"]
            values = .string((0..<rows).map { i in i < edges.count ? edges[i] : "host_\(next() % 50)" })
        }
        return WireColumn(type: type, values: values, validity: validity)
    }

    /// A batch with one column of every type.
    static func batch(rows: Int, nulls: Bool) -> WireBatch {
        WireBatch(columns: WireType.allCases.enumerated().map { i, type in
            type == .null ? WireColumn(type: .null, values: .int64(Array(repeating: 0, count: rows)),
                                       validity: Array(repeating: false, count: rows))
                : column(type, rows: rows, nulls: nulls, seed: UInt64(i + 1))
        }, count: rows)
    }

    static let writeBatch = WriteBatch(
        table: "cpu",
        columns: [ColumnDefinition(name: "usage", type: .double), ColumnDefinition(name: "n", type: .bigint),
                  ColumnDefinition(name: "ok", type: .boolean), ColumnDefinition(name: "msg", type: .string)],
        series: [SeriesRows(tags: [("host", "a"), ("workspace_id", "ws1")], timestamps: [1, 2, 3],
                            columns: [.double([0.5, 1.5, 2.5], valid: nil), .bigint([1, 2, 3], valid: [true, false, true]),
                                      .boolean([true, false, true], valid: nil), .string(["x", "", "z"], valid: nil)])])

    /// At least one frame of every type.
    static let frames: [Frame] = [
        .hello(.init(clientName: "sundial-tests", maxFrameSize: 1 << 20)),
        .hello(.init(minVersion: 0, maxVersion: .max, clientName: "", maxFrameSize: .max)),
        .welcome(.init(version: 1, serverVersion: "sundial/0.6", maxFrameSize: 16 << 20)),
        .auth(.init(token: "s3cret-token")),
        .auth(.init(token: "")),
        .ready(.init(principal: "ingest", role: "writer", workspace: "ws_1")),
        .ready(.init(principal: "root", role: "admin")),
        .query(.init(requestID: 1, sql: "SELECT 1")),
        .query(.init(requestID: .max, sql: "SELECT * FROM cpu WHERE host = $1 AND t > $2",
                     parameters: [.null, .bigint(.min), .bigint(.max), .double(.nan), .double(-0.0), .boolean(true),
                                  .boolean(false), .string("日本"), .timestamp(1_700_000_000_000_000_000), .interval(-5)])),
        .resultSchema(.init(requestID: 2, columns: [.init(name: "time", type: .timestamp), .init(name: "avg", type: .double),
                                                     .init(name: "", type: .null)])),
        .resultSchema(.init(requestID: 2, columns: [])),
        .resultBatch(.init(requestID: 3, batch: batch(rows: 0, nulls: false))),
        .resultBatch(.init(requestID: 3, batch: WireBatch(columns: [], count: 5))),
        .resultBatch(.init(requestID: 3, batch: batch(rows: 10, nulls: true))),
        .resultBatch(.init(requestID: 3, batch: batch(rows: 1000, nulls: false))),
        .resultBatch(.init(requestID: 3, batch: batch(rows: 777, nulls: true))),
        .complete(.init(requestID: 4, rows: 1234, elapsedNanoseconds: 5_000_000)),
        .complete(.init(requestID: 4, rows: 0, elapsedNanoseconds: 0, rowsAffected: 17)),
        .write(.init(requestID: 5, content: .lineProtocol(Array("cpu,host=a usage=1 1\n".utf8), precision: .nanoseconds))),
        .write(.init(requestID: 5, content: .lineProtocol([], precision: .seconds))),
        .write(.init(requestID: 6, content: .batch(writeBatch))),
        .ack(.init(requestID: 7, lsn: 42, rowsWritten: 3, rejected: [.init(line: 2, column: 5, reason: "bad field"),
                                                                  .init(line: 9, column: 0, reason: "")])),
        .ack(.init(requestID: 7, lsn: .max, rowsWritten: 0)),
        .cancel(.init(requestID: 8)),
        .error(.init(requestID: 9, code: .syntax, message: "expected an expression", line: 1, column: 24)),
        .error(.init(requestID: 0, code: "something_new", message: "")),
        .ping(.init(nonce: 0)),
        .pong(.init(nonce: .max)),
    ]

    /// Every sample, encoded back to back.
    static var stream: [UInt8] {
        var writer = ByteWriter()
        for frame in frames { frame.encode(into: &writer) }
        return writer.bytes
    }

    /// A frame of `type` around `payload` as given, with a correct length and CRC32C.
    static func rawFrame(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.writeUInt32(UInt32(payload.count))
        writer.writeUInt8(type)
        writer.writeBytes(payload)
        writer.writeUInt32(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }
}
