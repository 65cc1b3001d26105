// FuzzSupport: the input layout of the single-codec decoder targets (FuzzTimestamps,
// FuzzIntegers, FuzzDoubles, FuzzBooleans, FuzzTagIDs, FuzzStrings).
//
//   byte 0       selector: which codec (or variant) to decode with; each target reduces
//                it modulo its number of choices
//   bytes 1...2  value count, UInt16 little-endian, reduced modulo maxCount + 1
//   bytes 3...   the payload, handed to the decoder as it is (no copy, so AddressSanitizer
//                sees any read past libFuzzer's buffer)
//
// Missing header bytes read as zero. MakeSeeds writes seeds with `DecoderInput.seed`.

/// One fuzz input split into selector, value count and payload.
public struct DecoderInput {
    /// The largest value count a fuzz input can ask for (keeps output buffers small).
    public static let maxCount = 4096
    /// Bytes before the payload.
    public static let headerSize = 3

    /// The raw selector byte (targets reduce it modulo their choice count).
    public var selector: UInt8
    /// The number of values the decoder is asked for, in 0...maxCount.
    public var count: Int
    /// The bytes after the header, borrowed from libFuzzer's buffer.
    public var payload: UnsafeRawBufferPointer

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
        selector = bytes.count > 0 ? bytes[0] : 0
        let rawCount = (bytes.count > 1 ? Int(bytes[1]) : 0) | (bytes.count > 2 ? Int(bytes[2]) << 8 : 0)
        count = rawCount % (Self.maxCount + 1)
        payload = bytes.count > Self.headerSize
            ? UnsafeRawBufferPointer(rebasing: bytes[Self.headerSize...])
            : UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// The fuzz input that decodes `payload` as `count` values with choice `selector`.
    public static func seed(selector: UInt8, count: Int, payload: [UInt8]) -> [UInt8] {
        precondition(count >= 0 && count <= maxCount, "a seed holds at most \(maxCount) values")
        return [selector, UInt8(count & 0xFF), UInt8(count >> 8)] + payload
    }
}
