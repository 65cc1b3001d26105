import Testing
import SundialTestSupport
import SundialWorkloads
@testable import SundialStorage

@Suite struct SegmentTests {
    static let fields = [
        ColumnDefinition(name: "usage", type: .double),
        ColumnDefinition(name: "count", type: .bigint),
        ColumnDefinition(name: "ok", type: .boolean),
        ColumnDefinition(name: "msg", type: .string),
    ]

    static func sampleSeries(rows: Int = 1000) -> [SegmentSeriesData] {
        (0..<3).map { s in
            let times = (0..<rows).map { Int64(1_000_000 + $0 * 10) }
            let valid = (0..<rows).map { $0 % 7 != 3 }
            return SegmentSeriesData(
                id: SeriesID(s), tags: [("region", "eu"), ("host", "h\(s)")],
                timestamps: times,
                fields: [
                    .double((0..<rows).map { Double(($0 * (s + 1)) % 100) / 4 }, valid: nil),
                    .bigint((0..<rows).map { valid[$0] ? Int64($0 * 3 - s) : 0 }, valid: valid),
                    .boolean((0..<rows).map { $0 % 5 == 0 }, valid: nil),
                    .string((0..<rows).map { valid[$0] ? "event \($0 % 13)" : "" }, valid: valid),
                ])
        }
    }

    func write(_ fs: any FileSystem, _ series: [SegmentSeriesData], rowsPerBlock: Int = 256) throws -> Segment {
        try fs.createDirectory("/db/cpu")
        _ = try SegmentWriter.write(to: "/db/cpu/1.seg", fileSystem: fs, table: "cpu", partition: 0..<86_400_000_000_000,
                                    fields: Self.fields, series: series, rowsPerBlock: rowsPerBlock)
        return try Segment.open(path: "/db/cpu/1.seg", fileSystem: fs)
    }

    @Test func blocksAreFullExceptATailBlockOfTheNewestRows() {
        #expect(SegmentFormat.blockRanges(rows: 0, rowsPerBlock: 8192).isEmpty)
        #expect(SegmentFormat.blockRanges(rows: 100, rowsPerBlock: 8192) == [0..<100])
        #expect(SegmentFormat.blockRanges(rows: 128, rowsPerBlock: 8192) == [0..<128])
        #expect(SegmentFormat.blockRanges(rows: 129, rowsPerBlock: 8192) == [0..<1, 1..<129])
        #expect(SegmentFormat.blockRanges(rows: 8640, rowsPerBlock: 8192) == [0..<8192, 8192..<8512, 8512..<8640])
        #expect(SegmentFormat.blockRanges(rows: 16384, rowsPerBlock: 8192) == [0..<8192, 8192..<16256, 16256..<16384])
        #expect(SegmentFormat.blockRanges(rows: 20, rowsPerBlock: 8) == [0..<8, 8..<16, 16..<20])
    }

    @Test func roundTripWithNullsAndEveryType() throws {
        let fs = FaultInjectingFileSystem()
        let input = Self.sampleSeries()
        let segment = try write(fs, input)
        #expect(segment.table == "cpu")
        #expect(segment.rowCount == 3000)
        #expect(segment.columns.map(\.name) == ["time", "usage", "count", "ok", "msg"])
        #expect(segment.timeRange == 1_000_000...1_009_990)
        #expect(segment.series.count == 3)
        for (s, data) in zip(segment.series, input) {
            #expect(s.tags.map(\.key) == ["host", "region"], "tags are stored sorted by key")
            // 1000 rows in blocks of 256, the newest 128 in a block of their own.
            #expect(s.blocks[0].map(\.rows) == [256, 256, 256, 104, 128])
            var times: [Int64] = []
            for block in s.blocks[0] {
                var out = [Int64](repeating: 0, count: block.rows)
                try out.withUnsafeMutableBufferPointer { (o) throws(StorageError) in try segment.readTimestamps(block, into: o) }
                times += out
            }
            #expect(times == data.timestamps)
            for (c, column) in Self.fields.enumerated() {
                var decoded: [ColumnValues] = []
                for block in s.blocks[c + 1] { decoded.append(try segment.readValues(block, type: column.type)) }
                #expect(Self.concatenate(decoded) == data.fields[c], "\(column.name)")
            }
        }
        try segment.verify()
        // A second open of the same bytes through the real file system works too.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let real = PosixFileSystem()
        _ = try SegmentWriter.write(to: directory.path + "/x.seg", fileSystem: real, table: "cpu", partition: 0..<1,
                                    fields: Self.fields, series: input)
        let mapped = try Segment.open(path: directory.path + "/x.seg", fileSystem: real)
        try mapped.verify()
        #expect(mapped.rowCount == 3000)
    }

    static func concatenate(_ parts: [ColumnValues]) -> ColumnValues {
        func mask(_ masks: [[Bool]?], _ counts: [Int]) -> [Bool]? {
            masks.allSatisfy { $0 == nil } ? nil : zip(masks, counts).flatMap { $0 ?? Array(repeating: true, count: $1) }
        }
        let counts = parts.map(\.count)
        let valid = mask(parts.map(\.validity), counts)
        switch parts[0] {
        case .double: return .double(parts.flatMap { (p: ColumnValues) -> [Double] in if case .double(let v, _) = p { return v }; return [] }, valid: valid)
        case .bigint: return .bigint(parts.flatMap { (p: ColumnValues) -> [Int64] in if case .bigint(let v, _) = p { return v }; return [] }, valid: valid)
        case .boolean: return .boolean(parts.flatMap { (p: ColumnValues) -> [Bool] in if case .boolean(let v, _) = p { return v }; return [] }, valid: valid)
        case .string: return .string(parts.flatMap { (p: ColumnValues) -> [String] in if case .string(let v, _) = p { return v }; return [] }, valid: valid)
        }
    }

    @Test func zoneMapsDescribeEachBlock() throws {
        let fs = FaultInjectingFileSystem()
        let segment = try write(fs, Self.sampleSeries())
        let series = segment.series[0]
        let firstTime = series.blocks[0][0]
        #expect(firstTime.min.map { Int64(bitPattern: $0) } == Int64(1_000_000))
        #expect(firstTime.max.map { Int64(bitPattern: $0) } == Int64(1_002_550))
        let usage = series.blocks[1][0]
        #expect(usage.min.map(Double.init(bitPattern:)) == 0)
        #expect(usage.max.map(Double.init(bitPattern:)) == 24.75)
        #expect(!usage.hasValidity)
        #expect(series.blocks[2][0].hasValidity)
        #expect(series.blocks[4][0].min == nil, "strings keep no statistics")
    }

    static func openAndVerify(_ fs: any FileSystem) -> StorageError? {
        do throws(StorageError) {
            try Segment.open(path: "/db/cpu/1.seg", fileSystem: fs).verify()
            return nil
        } catch {
            return error
        }
    }

    @Test func everyTruncationAndBitFlipIsDetected() throws {
        let fs = FaultInjectingFileSystem()
        _ = try write(fs, Self.sampleSeries(rows: 300), rowsPerBlock: 100)
        let original = fs.contents(of: "/db/cpu/1.seg")!
        for prefix in BlockMutations.truncations(of: original, limit: 300) {
            fs.setContents(of: "/db/cpu/1.seg", prefix)
            #expect(throws: StorageError.self) { try Segment.open(path: "/db/cpu/1.seg", fileSystem: fs).verify() }
        }
        for flipped in BlockMutations.bitFlips(of: original, limit: 1500) {
            fs.setContents(of: "/db/cpu/1.seg", flipped)
            let error = Self.openAndVerify(fs)
            #expect(error != nil, "a flipped bit went unnoticed")
            #expect(error?.file == "/db/cpu/1.seg")
            #expect(error?.offset != nil)
        }
    }

    /// A hostile footer whose checksum was recomputed: lying offsets, lengths and counts
    /// must give errors, never a crash or an out-of-bounds read.
    @Test func lyingFooterBehindAValidChecksum() throws {
        let fs = FaultInjectingFileSystem()
        _ = try write(fs, Self.sampleSeries(rows: 200), rowsPerBlock: 64)
        let original = fs.contents(of: "/db/cpu/1.seg")!
        let trailer = original.count - SegmentFormat.trailerSize
        let footerOffset = Int(original.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: trailer, as: UInt64.self) })
        var seed: UInt64 = 7
        for _ in 0..<2000 {
            var bytes = original
            for _ in 0..<2 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                let position = footerOffset + Int(seed >> 33) % (trailer - footerOffset)
                bytes[position] = UInt8(truncatingIfNeeded: seed >> 11)
            }
            let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[footerOffset..<trailer])) }
            withUnsafeBytes(of: crc.littleEndian) { for k in 0..<4 { bytes[trailer + 12 + k] = $0[k] } }
            fs.setContents(of: "/db/cpu/1.seg", bytes)
            _ = try? Segment.open(path: "/db/cpu/1.seg", fileSystem: fs).verify()
        }
    }

    @Test func crashBeforeRenameLeavesNoSegment() throws {
        let fs = FaultInjectingFileSystem()
        try fs.createDirectory("/db/cpu")
        struct Crash: Error {}
        #expect(throws: StorageError.self) {
            _ = try SegmentWriter.write(to: "/db/cpu/1.seg", fileSystem: fs, table: "cpu", partition: 0..<1,
                                        fields: Self.fields, series: Self.sampleSeries(rows: 10)) { () throws(StorageError) in
                throw StorageError(.io, "failpoint: before segment rename")
            }
        }
        #expect(!fs.exists("/db/cpu/1.seg"))
        #expect(!fs.exists("/db/cpu/1.seg.tmp"))
        // Power loss after the rename but before the directory sync: the segment may be
        // missing afterwards, and it is never half there.
        _ = try SegmentWriter.write(to: "/db/cpu/2.seg", fileSystem: fs, table: "cpu", partition: 0..<1,
                                    fields: Self.fields, series: Self.sampleSeries(rows: 10))
        fs.simulatePowerLoss()
        #expect(fs.exists("/db/cpu/2.seg"))
        try Segment.open(path: "/db/cpu/2.seg", fileSystem: fs).verify()
    }

    @Test func tsbsDayCompressesToAFractionOfAByte() throws {
        let fs = FaultInjectingFileSystem()
        let generator = TSBSDevops(hosts: 5)
        let fields = TSBSDevops.fieldNames.map { ColumnDefinition(name: $0, type: .double) }
        let series = (0..<5).map { h -> SegmentSeriesData in
            let (times, values) = generator.seriesColumns(host: h, points: 8640)
            return SegmentSeriesData(id: SeriesID(h), tags: zip(TSBSDevops.tagKeys, generator.hosts[h].tags).map { ($0, $1) },
                                     timestamps: times, fields: values.map { .double($0, valid: nil) })
        }
        try fs.createDirectory("/db/cpu")
        let summary = try SegmentWriter.write(to: "/db/cpu/t.seg", fileSystem: fs, table: "cpu", partition: 0..<1,
                                              fields: fields, series: series)
        let values = 5 * 8640 * 10
        let bytesPerValue = Double(summary.bytes) / Double(values)
        #expect(bytesPerValue < 0.35, "\(bytesPerValue) bytes per stored value")
    }
}
