// Corruption helpers for decoder tests: every truncation and bit flip of an encoded
// block must be rejected with an error (or, where the CRC is bypassed, decode without
// trapping).
import SundialStorage

/// Ways to damage an encoded block.
public enum BlockMutations {
    /// Every strict prefix of `bytes` (for short inputs) or a spread of them.
    public static func truncations(of bytes: [UInt8], limit: Int = 512) -> [[UInt8]] {
        guard !bytes.isEmpty else { return [] }
        let stride = Swift.max(1, bytes.count / limit)
        return Swift.stride(from: 0, to: bytes.count, by: stride).map { Array(bytes[0..<$0]) }
    }

    /// Copies of `bytes` with one bit flipped, at every bit (short inputs) or a spread of them.
    public static func bitFlips(of bytes: [UInt8], limit: Int = 2048) -> [[UInt8]] {
        let bits = bytes.count * 8
        guard bits > 0 else { return [] }
        let stride = Swift.max(1, bits / limit)
        return Swift.stride(from: 0, to: bits, by: stride).map { bit in
            var copy = bytes
            copy[bit / 8] ^= 1 << UInt8(bit % 8)
            return copy
        }
    }

    /// Rewrites the CRC32C of a framed block after a mutation of its payload, so that
    /// the decoder behind the checksum is exercised.
    public static func refreshChecksum(_ block: inout [UInt8]) {
        guard block.count >= ColumnBlock.headerSize + ColumnBlock.trailerSize else { return }
        let end = block.count - ColumnBlock.trailerSize
        let crc = block.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
        withUnsafeBytes(of: crc.littleEndian) { raw in
            for k in 0..<4 { block[end + k] = raw[k] }
        }
    }
}
