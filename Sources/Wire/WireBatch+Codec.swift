// The columnar payload of a ResultBatch (docs/formats/wire.md#resultbatch).
//
// column := type u8 | nulls u8 (0/1) | [validity bitmap ⌈rows/8⌉] | encoding u8 | values
// values := plain (0): BIGINT-like rows × i64, DOUBLE rows × u64 bits, BOOLEAN bitmap,
//                      STRING per row varint length + bytes
//         | block (1): one framed column block of the storage codecs (ColumnBlock: its own
//                      tag, count, length and CRC32C)
//
// Columns under `WireFormat.plainBelowRows` rows go plain (the block framing costs 16
// bytes and a CRC pass); larger ones are encoded with the storage codecs' choosers and
// kept only when smaller than plain. Plain numbers are copied with one memcpy each way;
// bitmaps are packed and unpacked through unsafe buffers without per-value allocation.
import SundialStorage

enum ColumnWireEncoding: UInt8 {
    case plain = 0
    case block = 1
}

extension WireBatch {
    /// Appends rows, columns and each column.
    func write(into writer: inout ByteWriter) {
        writer.writeVarUInt(UInt64(count))
        writer.writeVarUInt(UInt64(columns.count))
        for column in columns { column.write(rows: count, into: &writer) }
    }

    /// Reads a batch, checking rows, columns and cells against the protocol limits before
    /// allocating anything for them.
    static func read(_ reader: inout WireReader) throws(WireError) -> WireBatch {
        let rows = try reader.readCount("the row count", limit: WireFormat.maxBatchRows, minimumBytes: 0)
        let columnCount = try reader.readCount("the column count", limit: WireFormat.maxColumns, minimumBytes: 3)
        guard columnCount == 0 || rows <= WireFormat.maxBatchCells / columnCount else {
            throw reader.error(.limitExceeded, "\(rows) rows × \(columnCount) columns exceed \(WireFormat.maxBatchCells) cells")
        }
        var budget = StringBudget(remaining: WireFormat.maxBatchCells * 8)
        var columns: [WireColumn] = []
        columns.reserveCapacity(columnCount)
        for _ in 0..<columnCount {
            columns.append(try WireColumn.read(&reader, rows: rows, budget: &budget))
        }
        return WireBatch(columns: columns, count: rows)
    }
}

/// How many string bytes a batch may still decode to (zstd string blocks expand).
struct StringBudget {
    var remaining: Int
}

extension WireColumn {
    func write(rows: Int, into writer: inout ByteWriter) {
        writer.writeUInt8(type.rawValue)
        if let validity {
            writer.writeUInt8(1)
            validity.withUnsafeBufferPointer { Bitmap.pack($0, into: &writer) }
        } else {
            writer.writeUInt8(0)
        }
        let encodingAt = writer.count
        writer.writeUInt8(ColumnWireEncoding.block.rawValue)
        if rows >= WireFormat.plainBelowRows {
            let start = writer.count
            switch values {
            case .int64(let v): v.withUnsafeBufferPointer { _ = ColumnBlock.encodeInt64($0, zstdStage: true, into: &writer) }
            case .double(let v): v.withUnsafeBufferPointer { _ = ColumnBlock.encodeDoubles($0, zstdStage: true, into: &writer) }
            case .boolean(let v): v.withUnsafeBufferPointer { _ = ColumnBlock.encodeBooleans($0, into: &writer) }
            case .string(let v): _ = ColumnBlock.encodeStrings(v, into: &writer); return
            }
            if writer.count - start < plainSize(rows) { return }
            writer.bytes.removeLast(writer.count - start)
        }
        writer.bytes[encodingAt] = ColumnWireEncoding.plain.rawValue
        writePlain(into: &writer)
    }

    /// The size of the plain layout of a fixed-width column.
    func plainSize(_ rows: Int) -> Int {
        switch values {
        case .int64, .double: rows * 8
        case .boolean: (rows + 7) / 8
        case .string: Int.max
        }
    }

    func writePlain(into writer: inout ByteWriter) {
        switch values {
        case .int64(let v): v.withUnsafeBytes { writeWords($0, into: &writer) }
        case .double(let v): v.withUnsafeBytes { writeWords($0, into: &writer) }
        case .boolean(let v): v.withUnsafeBufferPointer { Bitmap.pack($0, into: &writer) }
        case .string(let v): for s in v { writer.writeString(s) }
        }
    }

    /// Copies 8-byte words as little endian.
    private func writeWords(_ raw: UnsafeRawBufferPointer, into writer: inout ByteWriter) {
        #if _endian(little)
        writer.writeBytes(raw)
        #else
        for i in stride(from: 0, to: raw.count, by: 8) { writer.writeUInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }
        #endif
    }

    static func read(_ reader: inout WireReader, rows: Int, budget: inout StringBudget) throws(WireError) -> WireColumn {
        let typeAt = reader.offset
        let tag = try reader.readUInt8("a column type")
        guard let type = WireType(rawValue: tag) else { throw reader.error(.corrupt, "unknown column type \(tag)", at: typeAt) }
        var validity: [Bool]?
        if try reader.readBool("a nulls flag") {
            validity = try Bitmap.unpack(&reader, count: rows, what: "a validity bitmap")
        }
        let encodingAt = reader.offset
        let raw = try reader.readUInt8("a column encoding")
        guard let encoding = ColumnWireEncoding(rawValue: raw) else {
            throw reader.error(.corrupt, "unknown column encoding \(raw)", at: encodingAt)
        }
        let values: Values = switch encoding {
        case .plain: try readPlain(&reader, storage: type.storage, rows: rows)
        case .block: try readBlock(&reader, storage: type.storage, rows: rows, budget: &budget)
        }
        return WireColumn(type: type, values: values, validity: validity)
    }

    static func readPlain(_ reader: inout WireReader, storage: Storage, rows: Int) throws(WireError) -> Values {
        switch storage {
        case .int64: return .int64(try readWords(&reader, rows: rows, as: Int64.self))
        case .double: return .double(try readWords(&reader, rows: rows, as: Double.self))
        case .boolean: return .boolean(try Bitmap.unpack(&reader, count: rows, what: "a BOOLEAN bitmap"))
        case .string:
            guard rows <= reader.remaining else {
                throw reader.error(.corrupt, "\(rows) strings need at least \(rows) bytes, \(reader.remaining) remain")
            }
            var strings: [String] = []
            strings.reserveCapacity(rows)
            for _ in 0..<rows { strings.append(try reader.readString("a STRING value")) }
            return .string(strings)
        }
    }

    static func readWords<T: BitwiseCopyable>(_ reader: inout WireReader, rows: Int, as: T.Type) throws(WireError) -> [T] {
        let bytes = try reader.readBytes(rows * 8, "\(rows) 8-byte values")
        return [T](unsafeUninitializedCapacity: rows) { buffer, initialized in
            #if _endian(little)
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
            #else
            let out = UnsafeMutableRawBufferPointer(buffer)
            for i in 0..<rows {
                out.storeBytes(of: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)),
                               toByteOffset: i * 8, as: UInt64.self)
            }
            #endif
            initialized = rows
        }
    }

    static func readBlock(_ reader: inout WireReader, storage: Storage, rows: Int, budget: inout StringBudget) throws(WireError) -> Values {
        let start = reader.offset
        let rest = UnsafeRawBufferPointer(rebasing: reader.bytes[reader.offset...])
        let header: ColumnBlock.Header
        let payload: UnsafeRawBufferPointer
        do { (header, payload) = try ColumnBlock.open(rest) } catch { throw WireError(error, base: reader.base + start) }
        guard header.count == rows else {
            throw reader.error(.corrupt, "a column block holds \(header.count) values, the batch has \(rows) rows", at: start + 4)
        }
        let expected: [ColumnValueType] = switch storage {
        case .int64: [.int64, .timestamp]
        case .double: [.double]
        case .boolean: [.boolean]
        case .string: [.string]
        }
        guard expected.contains(header.encoding.valueType) else {
            throw reader.error(.corrupt, "a \(storage) column holds a \(header.encoding) block", at: start)
        }
        let block = try reader.readBytes(header.blockLength, "a column block")
        do {
            switch storage {
            case .int64:
                var out = [Int64](repeating: 0, count: rows)
                _ = try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeInt64(block, into: o) }
                return .int64(out)
            case .double:
                var out = [Double](repeating: 0, count: rows)
                _ = try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeDoubles(block, into: o) }
                return .double(out)
            case .boolean:
                var out = [Bool](repeating: false, count: rows)
                _ = try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) -> Int in try ColumnBlock.decodeBooleans(block, into: o) }
                return .boolean(out)
            case .string:
                let size = try StringCodec.decodedByteCount(payload, encoding: header.encoding)
                guard size <= budget.remaining else {
                    throw WireError(.limitExceeded, "string columns of the batch decode to more than \(WireFormat.maxBatchCells * 8) bytes",
                                    offset: reader.base + start)
                }
                budget.remaining -= size
                return .string(try ColumnBlock.decodeStrings(block))
            }
        } catch let error as StorageError {
            throw WireError(error, base: reader.base + start)
        } catch let error as WireError {
            throw error
        } catch {
            throw WireError(.corrupt, "\(error)", offset: reader.base + start)
        }
    }
}

extension WireError {
    /// A storage codec's error about bytes that start at `base`.
    init(_ error: StorageError, base: Int, context: String = "column block") {
        let code: Code = switch error.code {
        case .truncated: .truncated
        case .checksumMismatch: .checksumMismatch
        case .limitExceeded: .limitExceeded
        default: .corrupt
        }
        self.init(code, "\(context): \(error.message)", offset: base + (error.offset ?? 0))
    }
}

/// Validity and BOOLEAN bitmaps: bit i of byte i / 8 (least significant first) is row i.
enum Bitmap {
    static func pack(_ bits: UnsafeBufferPointer<Bool>, into writer: inout ByteWriter) {
        writer.writeZeroed(count: (bits.count + 7) / 8) { out in
            for i in 0..<bits.count where bits[i] { out[i &>> 3] |= 1 &<< UInt8(i & 7) }
        }
    }

    /// Reads ⌈count / 8⌉ bytes; the padding bits after the last row must be zero.
    static func unpack(_ reader: inout WireReader, count: Int, what: String) throws(WireError) -> [Bool] {
        let start = reader.offset
        let bytes = try reader.readBytes((count + 7) / 8, what)
        if count % 8 != 0, let last = bytes.last, last &>> UInt8(count % 8) != 0 {
            throw reader.error(.corrupt, "\(what) has bits set past its \(count) rows", at: start + bytes.count - 1)
        }
        return [Bool](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count { out[i] = bytes[i &>> 3] &>> UInt8(i & 7) & 1 == 1 }
            initialized = count
        }
    }
}
