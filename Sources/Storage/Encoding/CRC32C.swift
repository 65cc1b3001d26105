// CRC32C (Castagnoli), the checksum of every block, WAL record and footer.
// The work is done by `sundial_crc32c` in the C shim, which uses the CPU's CRC32
// instruction when present and a slicing-by-8 table otherwise.
import CSundialShims

/// CRC32C (Castagnoli polynomial 0x1EDC6F41, reflected), as used by iSCSI, ext4 and LevelDB.
///
/// ```swift
/// CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283
/// ```
public enum CRC32C {
    /// The checksum of `bytes`, continuing from `crc` (pass the previous result to
    /// checksum data in pieces; 0 to start).
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return sundial_crc32c(crc, base, bytes.count)
    }

    /// The checksum of a byte array.
    @inlinable
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// The table-driven implementation, bypassing the hardware path (for tests).
    public static func portableChecksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return sundial_crc32c_portable(crc, base, bytes.count)
    }

    /// Whether this CPU computes CRC32C in hardware.
    public static var isHardwareAccelerated: Bool { sundial_crc32c_is_hardware_accelerated() != 0 }
}
