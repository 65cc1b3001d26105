// Builds a frame from fuzzer bytes: every field is drawn from the input (zero once it
// runs out), so libFuzzer's mutations explore frame types, counts, edge values, NULL
// masks and the plain/block column encodings.
import SundialStorage
import SundialWire

struct FrameGenerator {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u64() -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(byte()) << (8 * UInt64(i)) }
        return v
    }

    mutating func u32() -> UInt32 { UInt32(truncatingIfNeeded: u64()) }

    /// A small integer, usually below 8, sometimes up to `limit`.
    mutating func count(_ limit: Int) -> Int {
        let b = byte()
        if b < 200 { return min(limit, Int(b % 8)) }
        return Int(u32() % UInt32(limit + 1))
    }

    mutating func int64() -> Int64 {
        switch byte() % 6 {
        case 0: 0
        case 1: .min
        case 2: .max
        case 3: Int64(Int8(bitPattern: byte()))
        case 4: 1_700_000_000_000_000_000 + Int64(byte()) * 1_000_000_000
        default: Int64(bitPattern: u64())
        }
    }

    mutating func double() -> Double {
        switch byte() % 6 {
        case 0: Double(Int8(bitPattern: byte())) / 4
        case 1: .nan
        case 2: -0.0
        case 3: .infinity
        default: Double(bitPattern: u64())
        }
    }

    mutating func string() -> String {
        let n = count(40)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<n {
            let b = byte()
            let scalar: Unicode.Scalar? = b < 128 ? Unicode.Scalar(b) : Unicode.Scalar(UInt32(b) * 97 + 0x4E00)
            if let scalar { scalars.append(scalar) }
        }
        return String(scalars)
    }

    mutating func name() -> String {
        let names = ["time", "host", "usage", "n", "ok", "msg", "region", "workspace_id"]
        return names[Int(byte()) % names.count]
    }

    mutating func value() -> WireValue {
        switch byte() % 7 {
        case 0: .null
        case 1: .bigint(int64())
        case 2: .double(double())
        case 3: .boolean(byte() & 1 == 1)
        case 4: .string(string())
        case 5: .timestamp(int64())
        default: .interval(int64())
        }
    }

    mutating func column(rows: Int) -> WireColumn {
        let type = WireType(rawValue: byte() % 7) ?? .bigint
        let shape = byte()
        let nulls = shape & 1 == 1 ? (0..<rows).map { _ in byte() & 3 != 0 } : nil
        // shape bit 1: one repeated value (block-friendly); otherwise values drawn per row.
        let constant = shape & 2 == 2
        func fill<T>(_ make: (inout FrameGenerator) -> T) -> [T] {
            if constant { let v = make(&self); return Array(repeating: v, count: rows) }
            return (0..<rows).map { _ in make(&self) }
        }
        let values: WireColumn.Values = switch type.storage {
        case .int64: .int64(fill { $0.int64() })
        case .double: .double(fill { $0.double() })
        case .boolean: .boolean(fill { $0.byte() & 1 == 1 })
        case .string: .string(fill { $0.string() })
        }
        return WireColumn(type: type, values: values, validity: nulls)
    }

    mutating func batch() -> WireBatch {
        let rows = byte() < 220 ? count(70) : count(3000)
        let columns = count(6)
        return WireBatch(columns: (0..<columns).map { _ in column(rows: rows) }, count: rows)
    }

    mutating func writeBatch() -> WriteBatch {
        let types: [ColumnType] = [.double, .bigint, .boolean, .string]
        let columnCount = count(4)
        let columns = (0..<columnCount).map { i in ColumnDefinition(name: "f\(i)", type: types[Int(byte()) % 4]) }
        let series = (0..<count(3)).map { s -> SeriesRows in
            let rows = count(20)
            let times = (0..<rows).map { _ in int64() }
            let values = columns.map { column -> ColumnValues in
                let valid: [Bool]? = byte() & 1 == 1 ? (0..<rows).map { _ in byte() & 1 == 1 } : nil
                switch column.type {
                case .double: return .double((0..<rows).map { _ in double() }, valid: valid)
                case .bigint: return .bigint((0..<rows).map { _ in int64() }, valid: valid)
                case .boolean: return .boolean((0..<rows).map { _ in byte() & 1 == 1 }, valid: valid)
                default: return .string((0..<rows).map { _ in string() }, valid: valid)
                }
            }
            return SeriesRows(tags: [("host", "h\(s)")], timestamps: times, columns: values)
        }
        return WriteBatch(table: "t", columns: columns, series: series)
    }

    mutating func frame() -> Frame {
        let id = u32()
        switch FrameType(rawValue: 1 + byte() % 14) ?? .ping {
        case .hello: return .hello(.init(minVersion: UInt16(truncatingIfNeeded: u32()), maxVersion: UInt16(truncatingIfNeeded: u32()),
                                         clientName: string(), maxFrameSize: u32()))
        case .welcome: return .welcome(.init(version: UInt16(truncatingIfNeeded: u32()), serverVersion: string(), maxFrameSize: u32()))
        case .auth: return .auth(.init(token: string()))
        case .ready: return .ready(.init(principal: string(), role: string(), workspace: byte() & 1 == 1 ? string() : nil))
        case .query: return .query(.init(requestID: id, sql: string(), parameters: (0..<count(300)).map { _ in value() }))
        case .resultSchema:
            return .resultSchema(.init(requestID: id, columns: (0..<count(100)).map { _ in
                .init(name: name(), type: WireType(rawValue: byte() % 7) ?? .null)
            }))
        case .resultBatch: return .resultBatch(.init(requestID: id, batch: batch()))
        case .complete: return .complete(.init(requestID: id, rows: u64(), elapsedNanoseconds: u64(), rowsAffected: byte() & 1 == 1 ? u64() : nil))
        case .write:
            if byte() & 1 == 0 {
                let precision: [TimePrecision] = [.nanoseconds, .microseconds, .milliseconds, .seconds]
                return .write(.init(requestID: id, content: .lineProtocol(Array(string().utf8), precision: precision[Int(byte()) % 4])))
            }
            return .write(.init(requestID: id, content: .batch(writeBatch())))
        case .ack:
            return .ack(.init(requestID: id, lsn: u64(), rowsWritten: u64(), rejected: (0..<count(50)).map { _ in
                .init(line: u32(), column: u32(), reason: string())
            }))
        case .cancel: return .cancel(.init(requestID: id))
        case .error: return .error(.init(requestID: id, code: .init(rawValue: string()), message: string(), line: u32(), column: u32()))
        case .ping: return .ping(.init(nonce: u64()))
        case .pong: return .pong(.init(nonce: u64()))
        }
    }
}
