// The encoding tags and the small protocol every fixed-width column codec follows.
//
// A tag byte is stored with every block (see ColumnBlock.swift) so a reader knows how
// to decode it. Tags are part of the on-disk format: never renumber one; retire a
// tag by leaving its number unused. Layouts: docs/formats/codecs.md.

/// The encoding of one column block, stored as its first byte.
public enum ColumnEncoding: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Int64 timestamps: first value, first delta, then delta-of-deltas in
    /// frame-of-reference bit-packed groups.
    case timestampDeltaOfDelta = 1
    /// Int64: frame-of-reference bit-packing of the values themselves.
    case int64FrameOfReference = 2
    /// Int64: first value, then the differences, frame-of-reference bit-packed.
    case int64Delta = 3
    /// Int64: (value, run length) pairs.
    case int64RunLength = 4
    /// Int64: differences packed to 4/8/16/32/64 bits, then compressed with zstd.
    case int64DeltaZstd = 5
    /// Double: Gorilla XOR compression.
    case doubleGorilla = 6
    /// Double: decimal values scaled to integers (in the manner of ALP), exceptions apart.
    case doubleDecimal = 7
    /// Bool: one bit per value.
    case booleanBitmap = 8
    /// Bool: first value and alternating run lengths.
    case booleanRunLength = 9
    /// UInt32 tag dictionary ids: frame-of-reference bit-packing.
    case tagIDBitPacked = 10
    /// UInt32 tag dictionary ids: (id, run length) pairs.
    case tagIDRunLength = 11
    /// Strings: lengths bit-packed, bytes stored as they are.
    case stringPlain = 12
    /// Strings: lengths bit-packed, bytes compressed with zstd.
    case stringZstd = 13

    /// The kind of values the encoding holds.
    public var valueType: ColumnValueType {
        switch self {
        case .timestampDeltaOfDelta: .timestamp
        case .int64FrameOfReference, .int64Delta, .int64RunLength, .int64DeltaZstd: .int64
        case .doubleGorilla, .doubleDecimal: .double
        case .booleanBitmap, .booleanRunLength: .boolean
        case .tagIDBitPacked, .tagIDRunLength: .tagID
        case .stringPlain, .stringZstd: .string
        }
    }

    public var description: String {
        switch self {
        case .timestampDeltaOfDelta: "timestamp-dod"
        case .int64FrameOfReference: "int64-for"
        case .int64Delta: "int64-delta"
        case .int64RunLength: "int64-rle"
        case .int64DeltaZstd: "int64-delta-zstd"
        case .doubleGorilla: "double-gorilla"
        case .doubleDecimal: "double-decimal"
        case .booleanBitmap: "bool-bitmap"
        case .booleanRunLength: "bool-rle"
        case .tagIDBitPacked: "tagid-packed"
        case .tagIDRunLength: "tagid-rle"
        case .stringPlain: "string-plain"
        case .stringZstd: "string-zstd"
        }
    }
}

/// The value types column blocks hold.
public enum ColumnValueType: UInt8, Sendable, CaseIterable {
    case timestamp = 1, int64 = 2, double = 3, boolean = 4, tagID = 5, string = 6
}

/// A codec for fixed-width values: encodes a buffer of values into a block payload
/// and decodes a payload into a caller-provided buffer.
///
/// Decoders read only inside `payload`, write only the first `count` elements of
/// `output`, allocate nothing per value, and throw ``StorageError`` on any malformed
/// input. The block framing (tag, count, length, CRC32C) is ``ColumnBlock``'s job.
public protocol ColumnCodec {
    /// The value type (`Int64`, `Double`, `Bool`, `UInt32`).
    associatedtype Value
    /// The tag stored with blocks of this codec.
    static var encoding: ColumnEncoding { get }
    /// Appends the payload encoding `values` to `writer`.
    static func encode(_ values: UnsafeBufferPointer<Value>, into writer: inout ByteWriter)
    /// Decodes a payload holding `count` values into `output[0..<count]`.
    /// - Throws: ``StorageError`` when the payload is malformed or `output` is too small.
    static func decode(
        _ payload: UnsafeRawBufferPointer, count: Int, into output: UnsafeMutableBufferPointer<Value>
    ) throws(StorageError)
}

extension ColumnCodec {
    /// Encodes an array of values into a payload (convenience for tests and tools).
    public static func encode(_ values: [Value]) -> [UInt8] {
        var writer = ByteWriter(capacity: values.count * 2 + 16)
        values.withUnsafeBufferPointer { encode($0, into: &writer) }
        return writer.bytes
    }

    /// Checks the common decode preconditions.
    @inline(__always)
    static func checkOutput(_ count: Int, _ output: UnsafeMutableBufferPointer<Value>) throws(StorageError) {
        guard count >= 0 else {
            throw StorageError(.invalidArgument, "negative value count \(count)")
        }
        guard output.count >= count else {
            throw StorageError(.invalidArgument,
                               "output holds \(output.count) values, the block has \(count)")
        }
    }
}
