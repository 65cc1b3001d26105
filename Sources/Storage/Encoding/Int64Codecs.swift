// Int64 field codecs: four layouts of IntegerStream, each with its own block tag.
// `Int64Column.encode` (ColumnBlock+Encode.swift) picks the smallest per block.

/// Int64 values, frame-of-reference bit-packed in groups of 128.
public enum Int64FrameOfReferenceCodec: ColumnCodec {
    public typealias Value = Int64
    public static var encoding: ColumnEncoding { .int64FrameOfReference }
    public static func encode(_ values: UnsafeBufferPointer<Int64>, into writer: inout ByteWriter) {
        IntegerStream.encode(.frameOfReference, values, into: &writer)
    }
    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<Int64>
    ) throws(StorageError) {
        try Int64Decoding.decode(.frameOfReference, payload, count: count, into: output)
    }
}

/// Int64 values as the first value and bit-packed differences (counters, sequences).
public enum Int64DeltaCodec: ColumnCodec {
    public typealias Value = Int64
    public static var encoding: ColumnEncoding { .int64Delta }
    public static func encode(_ values: UnsafeBufferPointer<Int64>, into writer: inout ByteWriter) {
        IntegerStream.encode(.delta, values, into: &writer)
    }
    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<Int64>
    ) throws(StorageError) {
        try Int64Decoding.decode(.delta, payload, count: count, into: output)
    }
}

/// Int64 values as (value, run length) pairs (status codes, flags, slowly changing gauges).
public enum Int64RunLengthCodec: ColumnCodec {
    public typealias Value = Int64
    public static var encoding: ColumnEncoding { .int64RunLength }
    public static func encode(_ values: UnsafeBufferPointer<Int64>, into writer: inout ByteWriter) {
        IntegerStream.encode(.runLength, values, into: &writer)
    }
    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<Int64>
    ) throws(StorageError) {
        try Int64Decoding.decode(.runLength, payload, count: count, into: output)
    }
}

/// Int64 values as differences packed to a byte-friendly width and compressed with zstd
/// (small, noisy differences: random walks, jittery gauges).
public enum Int64DeltaZstdCodec: ColumnCodec {
    public typealias Value = Int64
    public static var encoding: ColumnEncoding { .int64DeltaZstd }
    public static func encode(_ values: UnsafeBufferPointer<Int64>, into writer: inout ByteWriter) {
        IntegerStream.encode(.deltaZstd, values, into: &writer)
    }
    public static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<Int64>
    ) throws(StorageError) {
        try Int64Decoding.decode(.deltaZstd, payload, count: count, into: output)
    }
}

enum Int64Decoding {
    static func decode(
        _ mode: IntegerStream.Mode, _ payload: UnsafeRawBufferPointer, count: Int,
        into output: UnsafeMutableBufferPointer<Int64>
    ) throws(StorageError) {
        guard count >= 0, output.count >= count else {
            throw StorageError(.invalidArgument, "output holds \(output.count) values, the block has \(count)")
        }
        var reader = ByteReader(payload)
        guard count > 0 else { return try reader.expectEnd("an empty block") }
        try IntegerStream.decode(mode, &reader, count: count, into: output.baseAddress.unsafelyUnwrapped)
        try reader.expectEnd("the Int64 block")
    }
}
