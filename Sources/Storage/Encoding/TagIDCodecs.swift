// Tag dictionary ids (UInt32). Rows are sorted by series, so ids come in long runs.
//
// bitPacked := FOR groups over the ids (IntegerStream.frameOfReference)
// runLength := IntegerStream.runLength over the ids
// Decoded values outside 0...UInt32.max are rejected as corrupt.

/// Tag dictionary ids, frame-of-reference bit-packed.
public enum TagIDBitPackedCodec: ColumnCodec {
    public typealias Value = UInt32
    public static var encoding: ColumnEncoding { .tagIDBitPacked }
    public static func encode(_ values: UnsafeBufferPointer<UInt32>, into writer: inout ByteWriter) {
        TagIDDecoding.widen(values) { IntegerStream.encode(.frameOfReference, $0, into: &writer) }
    }
    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<UInt32>
    ) throws(StorageError) {
        try TagIDDecoding.decode(.frameOfReference, payload, count: count, into: output)
    }
}

/// Tag dictionary ids as (id, run length) pairs.
public enum TagIDRunLengthCodec: ColumnCodec {
    public typealias Value = UInt32
    public static var encoding: ColumnEncoding { .tagIDRunLength }
    public static func encode(_ values: UnsafeBufferPointer<UInt32>, into writer: inout ByteWriter) {
        TagIDDecoding.widen(values) { IntegerStream.encode(.runLength, $0, into: &writer) }
    }
    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<UInt32>
    ) throws(StorageError) {
        try TagIDDecoding.decode(.runLength, payload, count: count, into: output)
    }
}

enum TagIDDecoding {
    static func widen<R>(_ values: UnsafeBufferPointer<UInt32>, _ body: (UnsafeBufferPointer<Int64>) -> R) -> R {
        let wide = values.map { Int64($0) }
        return wide.withUnsafeBufferPointer(body)
    }

    static func decode(
        _ mode: IntegerStream.Mode, _ payload: UnsafeRawBufferPointer, count: Int,
        into output: UnsafeMutableBufferPointer<UInt32>
    ) throws(StorageError) {
        guard count >= 0, output.count >= count else {
            throw StorageError(.invalidArgument, "output holds \(output.count) values, the block has \(count)")
        }
        var reader = ByteReader(payload)
        guard count > 0 else { return try reader.expectEnd("an empty tag id block") }
        let out = output.baseAddress.unsafelyUnwrapped
        var outOfRange = false
        try withUnsafeTemporaryAllocation(of: Int64.self, capacity: count) { (wide) throws(StorageError) in
            let ints = wide.baseAddress.unsafelyUnwrapped
            try IntegerStream.decode(mode, &reader, count: count, into: ints)
            for i in 0..<count {
                let v = ints[i]
                outOfRange = outOfRange || UInt64(bitPattern: v) > UInt64(UInt32.max)
                out[i] = UInt32(truncatingIfNeeded: v)
            }
        }
        guard !outOfRange else { throw StorageError(.corrupt, "a tag id is outside 0...\(UInt32.max)", offset: 0) }
        try reader.expectEnd("the tag id block")
    }
}
