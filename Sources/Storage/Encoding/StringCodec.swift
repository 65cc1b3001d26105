// Strings: an offsets array (as bit-packed lengths) plus the concatenated UTF-8 bytes,
// compressed with zstd when that pays.
//
// payload := totalBytes: varint | FOR groups over the count lengths
//            | plain: totalBytes bytes
//            | zstd:  frameLength: varint | zstd frame of totalBytes bytes
//
// Strings are variable-length, so they do not use `ColumnCodec`: the caller asks for
// `decodedByteCount` first, provides an offsets buffer of count + 1 entries and a byte
// buffer of that size, and decodes into them.

/// The string column codec.
public enum StringCodec {
    /// The largest decoded size of one block; larger declared sizes are rejected as corrupt.
    public static let maxBlockBytes = 256 << 20

    /// Appends the payload for `strings`, compressed with zstd when that saves at least
    /// an eighth; returns the encoding used (``ColumnEncoding/stringPlain`` or
    /// ``ColumnEncoding/stringZstd``).
    @discardableResult
    public static func encode(_ strings: [String], into writer: inout ByteWriter) -> ColumnEncoding {
        var bytes: [UInt8] = []
        var lengths: [Int64] = []
        lengths.reserveCapacity(strings.count)
        for s in strings {
            var s = s
            s.withUTF8 { bytes.append(contentsOf: $0) }
            lengths.append(Int64(s.utf8.count))
        }
        return bytes.withUnsafeBytes { raw in
            lengths.withUnsafeBufferPointer { encode(bytes: raw, lengths: $0, into: &writer) }
        }
    }

    /// Appends the payload for strings given as concatenated bytes and their lengths.
    @discardableResult
    public static func encode(
        bytes: UnsafeRawBufferPointer, lengths: UnsafeBufferPointer<Int64>, into writer: inout ByteWriter
    ) -> ColumnEncoding {
        precondition(bytes.count <= maxBlockBytes, "a string block holds at most \(maxBlockBytes) bytes")
        writer.writeVarUInt(UInt64(bytes.count))
        FrameOfReference.encode(count: lengths.count, into: &writer) { lengths[$0] }
        if bytes.count >= 64 {
            var frame = ByteWriter(capacity: bytes.count / 2 + 64)
            let size = Zstd.compress(bytes, into: &frame)
            if IntegerStream.zstdPays(size + ByteWriter.varUIntSize(UInt64(size)), over: bytes.count) {
                writer.writeVarUInt(UInt64(size))
                writer.writeBytes(frame.bytes)
                return .stringZstd
            }
        }
        writer.writeBytes(bytes)
        return .stringPlain
    }

    /// zstd expands at most this much: a 4-byte RLE block stands for 128 KiB.
    static let maxZstdExpansion = 32_768

    /// The number of bytes the strings of a payload decode to, checked against what the
    /// payload can hold (raw bytes: its length; zstd: 32,768 times it), so a hostile
    /// header cannot make a reader allocate more than the data could fill.
    public static func decodedByteCount(_ payload: UnsafeRawBufferPointer, encoding: ColumnEncoding) throws(StorageError) -> Int {
        var reader = ByteReader(payload)
        let bound = encoding == .stringZstd ? payload.count * maxZstdExpansion : payload.count
        return try reader.readVarInt("the total string size", max: Swift.min(maxBlockBytes, bound))
    }

    /// Decodes `count` strings into `offsets` (count + 1 entries: string i is
    /// `bytes[offsets[i]..<offsets[i + 1]]`) and `bytes` (at least ``decodedByteCount(_:encoding:)``).
    public static func decode(
        _ payload: UnsafeRawBufferPointer, encoding: ColumnEncoding, count: Int,
        offsets: UnsafeMutableBufferPointer<UInt32>, bytes: UnsafeMutableRawBufferPointer
    ) throws(StorageError) {
        guard encoding == .stringPlain || encoding == .stringZstd else {
            throw StorageError(.invalidArgument, "\(encoding) is not a string encoding")
        }
        guard count >= 0, offsets.count >= count + 1 else {
            throw StorageError(.invalidArgument, "offsets hold \(offsets.count) entries, \(count + 1) are needed")
        }
        let total = try decodedByteCount(payload, encoding: encoding)
        var reader = ByteReader(payload)
        _ = try reader.readVarUInt()
        guard bytes.count >= total else {
            throw StorageError(.invalidArgument, "the byte buffer holds \(bytes.count) bytes, \(total) are needed")
        }
        let lengthsOffset = reader.offset
        let out = offsets.baseAddress.unsafelyUnwrapped
        out[0] = 0
        var sum = 0
        var bad = false
        try withUnsafeTemporaryAllocation(of: Int64.self, capacity: count) { (lengths) throws(StorageError) in
            try FrameOfReference.decode(&reader, count: count, into: lengths.baseAddress.unsafelyUnwrapped)
            for i in 0..<count {
                let length = lengths[i]
                bad = bad || length < 0 || length > Int64(total)
                sum &+= Int(truncatingIfNeeded: length)
                bad = bad || sum > total
                out[i &+ 1] = UInt32(truncatingIfNeeded: sum)
            }
        }
        guard !bad, sum == total else {
            throw reader.corrupt("string lengths do not add up to \(total) bytes", at: lengthsOffset)
        }
        let destination = UnsafeMutableRawBufferPointer(rebasing: bytes[0..<total])
        if encoding == .stringZstd {
            let frameLength = try reader.readVarInt("a zstd frame length", max: reader.remaining)
            let frameOffset = reader.offset
            let frame = try reader.readBytes(frameLength, "a zstd frame")
            try Zstd.decompress(frame, into: destination, errorOffset: frameOffset)
        } else {
            let raw = try reader.readBytes(total, "the string bytes")
            if total > 0 { destination.copyMemory(from: raw) }
        }
        try reader.expectEnd("the string block")
    }

    /// Decodes a payload into an array of strings (for tools and tests; allocates).
    /// Invalid UTF-8 is repaired with U+FFFD as `String(decoding:as:)` does.
    public static func decodeStrings(
        _ payload: UnsafeRawBufferPointer, encoding: ColumnEncoding, count: Int
    ) throws(StorageError) -> [String] {
        let total = try decodedByteCount(payload, encoding: encoding)
        var offsets = [UInt32](repeating: 0, count: count + 1)
        var bytes = [UInt8](repeating: 0, count: total)
        var failure: StorageError?
        offsets.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeMutableBytes { b in
                do throws(StorageError) {
                    try decode(payload, encoding: encoding, count: count, offsets: o, bytes: b)
                } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return (0..<count).map { i in
            String(decoding: bytes[Int(offsets[i])..<Int(offsets[i + 1])], as: UTF8.self)
        }
    }
}
