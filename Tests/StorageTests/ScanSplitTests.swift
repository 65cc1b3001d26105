import Testing
import SundialTestSupport
import SundialWorkloads
@testable import SundialStorage

/// `ScanCursor.split`: the parts, read one after the other, give the serial scan's
/// batches in the serial order, and their statistics add up to the serial scan's.
@Suite struct ScanSplitTests {
    static let day = TableOptions.day
    static let base = StorageEngineTests.base

    /// 12 hosts over 3 daily partitions (host 11 only in the last), partly flushed into
    /// two segments, partly in the head, with one deletion.
    static func engine(_ rng: inout SplitMix64) async throws -> StorageEngine {
        let engine = try StorageEngineTests.open(FaultInjectingFileSystem())
        for round in 0..<3 {
            for host in 0..<12 {
                let count = Int(rng.next() % 40)
                let times = (0..<count).map { _ in base + Int64(host == 11 ? 2 : rng.next() % 3) * day + Int64(rng.next() % 1000) * 1_000_000_000 }
                try await engine.write(StorageEngineTests.batch(host: "h\(host)", times: times, usage: times.map { _ in Double(rng.next() % 100) }))
            }
            if round < 2 { try await engine.flush() }
            if round == 1 { _ = try await engine.delete(Deletion(table: "cpu", timeRange: (base + day)...(base + day + 300_000_000_000))) }
        }
        return engine
    }

    struct Read: Equatable {
        var series: SeriesID
        var times: [Int64]
        var values: [Double]
    }

    static func read(_ cursor: inout ScanCursor) throws -> [Read] {
        var out: [Read] = []
        while let batch = try cursor.next() {
            guard case .double(let values, _) = batch.columns[0] else { continue }
            out.append(Read(series: batch.seriesID, times: batch.times, values: values))
        }
        return out
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func partsReadInOrderAreTheSerialScan(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let engine = try await Self.engine(&rng)
        let ranges: [Range<Int64>?] = [nil, (Self.base + 500_000_000_000)..<(Self.base + 2 * Self.day + 100_000_000_000)]
        var probe = try engine.scan(table: "cpu", columns: ["usage"])
        let ids = Set(try Self.read(&probe).map(\.series)).sorted()
        #expect(ids.count == 12)
        for range in ranges {
            for series in [nil, Array(ids.prefix(5)) + [ids[11]]] as [[SeriesID]?] {
                var whole = try engine.scan(table: "cpu", columns: ["usage"], timeRange: range, series: series, batchRows: 7)
                let parts = whole.split(into: 100)
                let serial = try Self.read(&whole)
                // An upper bound over all time (duplicates and deleted rows count); over a
                // range, partly covered blocks count the share of their time span covered
                // (the head's rows all count).
                let estimate = whole.estimatedRows, read = whole.statistics.rows
                if range == nil { #expect(estimate >= read) } else {
                    let all = try engine.scan(table: "cpu", series: series).estimatedRows
                    #expect(estimate >= read / 2 && estimate < all, "\(estimate) vs \(read) of \(all)")
                }
                var joined: [Read] = []
                var sum = ScanStatistics()
                for var part in parts {
                    let reads = try Self.read(&part)
                    joined += reads
                    sum.partitions += part.statistics.partitions
                    sum.segments += part.statistics.segments
                    sum.blocks += part.statistics.blocks
                    sum.series += part.statistics.series
                    sum.rows += part.statistics.rows
                }
                #expect(parts.count >= 4)
                #expect(joined == serial)
                #expect(sum == whole.statistics, "\(sum) vs \(whole.statistics)")
                // Two parts of about equal rows.
                let halves = try engine.scan(table: "cpu", columns: ["usage"], timeRange: range, series: series).split(into: 2)
                #expect(halves.count == 2)
                var rows: [Int] = []
                for var half in halves { rows.append(try Self.read(&half).reduce(0) { $0 + $1.times.count }) }
                let total: Int = rows[0] + rows[1]
                let expected: Int = serial.reduce(0) { $0 + $1.times.count }
                #expect(total == expected)
                // The cut falls on the boundary of a piece (a series in a partition) by
                // the estimates (which count the rows of the blocks the range cuts).
                let imbalance: Int = abs(halves[0].estimatedRows - halves[1].estimatedRows)
                let largest = whole.pieces().map(\.rows).max() ?? 0
                #expect(imbalance <= 2 * largest, "\(rows)")
            }
        }
        // Too few rows for two parts of `minimumRows`: the cursor itself.
        #expect(try engine.scan(table: "cpu").split(into: 4, minimumRows: 1 << 20).count == 1)
        try await engine.close()
    }
}
