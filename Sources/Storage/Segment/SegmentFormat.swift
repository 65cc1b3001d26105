// Segment file layout constants (docs/formats/segment.md).
//
// file    := header | data blocks | footer | trailer
// header  := magic "SNDLSEG\0" (8) | version u32 | reserved u32                  (16 bytes)
// blocks  := per series (in series order), per column (time first, then the fields in
//            schema order), per chunk of at most `rowsPerBlock` rows:
//              [validity block: a Bool ColumnBlock, only when some row lacks a value]
//              values block: a ColumnBlock (see codecs.md), CRC32C included
// footer  := see SegmentFooter.swift
// trailer := footer offset u64 | footer length u32 | footer crc32c u32 | magic (8)   (24 bytes)

/// Constants of the segment file format.
public enum SegmentFormat {
    public static let magic: [UInt8] = Array("SNDLSEG".utf8) + [0]
    public static let version: UInt32 = 2
    public static let headerSize = 16
    public static let trailerSize = 24
    /// Rows per block unless the writer is told otherwise.
    public static let defaultRowsPerBlock = 8192
    /// File name suffix of segments.
    public static let suffix = ".seg"
}
