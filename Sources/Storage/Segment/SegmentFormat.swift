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
    /// The newest rows of a series get a block of their own, at most this many rows, so
    /// the last point of a series decodes a small block instead of a full one.
    public static let tailBlockRows = 128

    /// How a series of `rows` rows is cut into blocks: `rowsPerBlock` rows each, except
    /// that the newest `tailBlockRows` rows (when the last block would hold more) form
    /// their own block.
    public static func blockRanges(rows: Int, rowsPerBlock: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for start in stride(from: 0, to: rows, by: rowsPerBlock) { ranges.append(start..<min(start + rowsPerBlock, rows)) }
        if let last = ranges.last, last.count > tailBlockRows {
            ranges[ranges.count - 1] = last.lowerBound..<(last.upperBound - tailBlockRows)
            ranges.append((last.upperBound - tailBlockRows)..<last.upperBound)
        }
        return ranges
    }
    /// File name suffix of segments.
    public static let suffix = ".seg"
}
