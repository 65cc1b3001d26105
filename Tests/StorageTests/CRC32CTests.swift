import Testing
import SundialWorkloads
@testable import SundialStorage

@Suite struct CRC32CTests {
    /// Check vectors from RFC 3720 (iSCSI) appendix B.4 and the common "123456789" check.
    static let vectors: [(String, [UInt8], UInt32)] = [
        ("123456789", Array("123456789".utf8), 0xE306_9283),
        ("32 zero bytes", [UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        ("32 0xFF bytes", [UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        ("32 ascending bytes", (0..<32).map { UInt8($0) }, 0x46DD_794E),
        ("32 descending bytes", (0..<32).map { UInt8(31 - $0) }, 0x113F_DB5C),
        ("empty", [], 0),
        ("iSCSI read command", [
            0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ], 0xD996_3A56),
    ]

    @Test(arguments: 0..<vectors.count)
    func checkVectors(_ index: Int) {
        let (name, bytes, expected) = Self.vectors[index]
        #expect(CRC32C.checksum(bytes) == expected, "\(name)")
        bytes.withUnsafeBytes { #expect(CRC32C.portableChecksum($0) == expected, "\(name) (portable)") }
    }

    @Test func hardwareAndPortableAgreeAtEveryAlignmentAndLength() {
        var rng = SplitMix64(seed: 99)
        let data = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        data.withUnsafeBytes { raw in
            for start in 0..<9 {
                for length in [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4000] where start + length <= raw.count {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                    #expect(CRC32C.checksum(slice) == CRC32C.portableChecksum(slice))
                }
            }
        }
    }

    @Test func checksumsCanBeComputedInPieces() {
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        let whole = CRC32C.checksum(bytes)
        for split in 0...bytes.count {
            let first = CRC32C.checksum(Array(bytes[..<split]))
            #expect(CRC32C.checksum(Array(bytes[split...]), continuing: first) == whole)
        }
    }
}
