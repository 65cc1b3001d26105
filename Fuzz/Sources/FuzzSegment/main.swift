// FuzzSegment: libFuzzer target for the segment reader on hostile files.
//
// Input: byte 0 picks the mode (mod 2): 0 the rest is a whole segment file; 1 the rest
// replaces the footer of a valid segment, whose checksum is then recomputed (so the
// footer decoder and the bounds checks behind it are reached). Checks: Segment.open and
// verify() throw StorageError or succeed; never trap or read out of bounds (ASan).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import FuzzSupport
import SundialStorage
import SundialTestSupport

/// A small valid segment to mutate.
let template: [UInt8] = {
    let fs = FaultInjectingFileSystem()
    try! fs.createDirectory("/t")
    let fields = [ColumnDefinition(name: "v", type: .double), ColumnDefinition(name: "s", type: .string)]
    let series = (0..<3).map { s in
        SegmentSeriesData(id: SeriesID(s), tags: [("host", "h\(s)")], timestamps: (0..<40).map { Int64($0 * 10) },
                          fields: [.double((0..<40).map { Double($0) / 4 }, valid: nil),
                                   .string((0..<40).map { "x\($0 % 3)" }, valid: (0..<40).map { $0 % 5 != 0 })])
    }
    _ = try! SegmentWriter.write(to: "/t/a.seg", fileSystem: fs, table: "t", partition: 0..<1000, fields: fields,
                                 series: series, rowsPerBlock: 16)
    return fs.contents(of: "/t/a.seg")!
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let input = Array(UnsafeRawBufferPointer(start: data + 1, count: size - 1))
    var file: [UInt8]
    if data[0] % 2 == 0 {
        file = input
    } else {
        let trailer = template.count - SegmentFormat.trailerSize
        let footerOffset = Int(template.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: trailer, as: UInt64.self) })
        file = Array(template[0..<footerOffset]) + input
        var tail = ByteWriter()
        tail.writeUInt64(UInt64(footerOffset))
        tail.writeUInt32(UInt32(input.count))
        tail.writeUInt32(CRC32C.checksum(input))
        tail.writeBytes(SegmentFormat.magic)
        file += tail.bytes
    }
    let fs = FaultInjectingFileSystem()
    try? fs.createDirectory("/d")
    if let handle = try? fs.open("/d/x.seg", mode: .createNew) {
        _ = try? file.withBytes { (raw) throws(StorageError) in try handle.write(raw, at: 0) }
    }
    if let segment = try? Segment.open(path: "/d/x.seg", fileSystem: fs) {
        _ = try? segment.verify()
        for series in segment.series {
            for (index, column) in segment.columns.enumerated() where column.type != .timestamp {
                for block in series.blocks[index] { _ = try? segment.readValues(block, type: column.type) }
            }
        }
    }
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
