// Deletions: `DELETE FROM t WHERE <time range> [AND <tags>]`, as a WAL record (kind 3)
// and, for rows already in segments, as tombstones the manifest keeps until compaction
// has purged every row they cover. Layout: docs/formats/wal.md, docs/formats/manifest.md.
//
// payload := table string | low zigzag | high zigzag | series
// series  := 0 u8 (every series of the table) | 1 u8 | count varint | count x (id delta varint)
//            (ids strictly ascending: the first delta is the id itself, each next one > 0)

/// Rows to delete: those of `table` with a time in `timeRange`, of the listed series (or
/// of every series of the table).
public struct Deletion: Sendable, Hashable {
    public var table: String
    /// Both ends included.
    public var timeRange: ClosedRange<Int64>
    /// Ascending, without duplicates; nil: every series of the table.
    public var series: [SeriesID]?

    public init(table: String, timeRange: ClosedRange<Int64> = Int64.min...Int64.max, series: [SeriesID]? = nil) {
        self.table = table
        self.timeRange = timeRange
        self.series = series.map { Array(Set($0)).sorted() }
    }

    public func encode() -> [UInt8] {
        var w = ByteWriter(capacity: 32 + (series?.count ?? 0) * 2)
        w.writeString(table)
        w.writeZigZag(timeRange.lowerBound)
        w.writeZigZag(timeRange.upperBound)
        Self.writeSeries(series, &w)
        return w.bytes
    }

    public static func decode(_ payload: [UInt8]) throws(StorageError) -> Deletion {
        try payload.withBytes { (raw) throws(StorageError) -> Deletion in
            var r = ByteReader(raw)
            let table = try r.readString("a table name")
            let (low, high) = try readRange(&r)
            let series = try readSeries(&r)
            try r.expectEnd("the deletion")
            var deletion = Deletion(table: table, timeRange: low...high)
            deletion.series = series
            return deletion
        }
    }

    static func readRange(_ r: inout ByteReader) throws(StorageError) -> (Int64, Int64) {
        let offset = r.offset
        let low = try r.readZigZag("the deletion's first time")
        let high = try r.readZigZag("the deletion's last time")
        guard low <= high else { throw r.corrupt("deletion time range \(low)...\(high) is empty", at: offset) }
        return (low, high)
    }

    static func writeSeries(_ series: [SeriesID]?, _ w: inout ByteWriter) {
        guard let series else {
            w.writeUInt8(0)
            return
        }
        w.writeUInt8(1)
        w.writeVarUInt(UInt64(series.count))
        var previous: UInt64 = 0
        for (i, id) in series.enumerated() {
            w.writeVarUInt(i == 0 ? UInt64(id) : UInt64(id) - previous)
            previous = UInt64(id)
        }
    }

    static func readSeries(_ r: inout ByteReader) throws(StorageError) -> [SeriesID]? {
        let flagOffset = r.offset
        switch try r.readUInt8("the deletion's series flag") {
        case 0:
            return nil
        case 1:
            let count = try r.readVarInt("the deletion's series count", max: r.remaining)
            var ids: [SeriesID] = []
            ids.reserveCapacity(count)
            var previous: UInt64 = 0
            for i in 0..<count {
                let offset = r.offset
                let delta = try r.readVarUInt("a series id")
                guard i == 0 || delta > 0 else { throw r.corrupt("series ids of a deletion are not ascending", at: offset) }
                let (id, overflow) = (i == 0 ? 0 : previous).addingReportingOverflow(delta)
                guard !overflow, id <= UInt64(SeriesID.max) else { throw r.corrupt("series id out of range", at: offset) }
                ids.append(SeriesID(id))
                previous = id
            }
            return ids
        case let flag:
            throw r.corrupt("unknown deletion series flag \(flag)", at: flagOffset)
        }
    }

    /// Whether the deletion covers series `id`.
    @inlinable
    public func covers(series id: SeriesID) -> Bool {
        guard let series else { return true }
        return series.sortedIndex(of: id) != nil
    }
}

/// A deletion's hold on segments written before it: their rows inside the range, of the
/// covered series, are hidden from reads and dropped when compaction rewrites them.
/// Segments written later (id ≥ `coversBelow`) are not affected: they hold newer writes.
public struct Tombstone: Sendable, Hashable {
    /// The LSN of the deletion's WAL record (identifies it across replays).
    public var lsn: LSN
    public var tableID: UInt32
    public var timeRange: ClosedRange<Int64>
    /// Ascending; nil: every series.
    public var series: [SeriesID]?
    /// Segments with a lower id hold rows written before the deletion.
    public var coversBelow: UInt64

    public init(lsn: LSN, tableID: UInt32, timeRange: ClosedRange<Int64>, series: [SeriesID]?, coversBelow: UInt64) {
        self.lsn = lsn
        self.tableID = tableID
        self.timeRange = timeRange
        self.series = series
        self.coversBelow = coversBelow
    }

    /// Whether the tombstone may hide rows of the segment `entry`.
    public func applies(to entry: SegmentEntry) -> Bool {
        entry.tableID == tableID && entry.id < coversBelow
            && entry.minTime <= timeRange.upperBound && entry.maxTime >= timeRange.lowerBound
    }

    @inlinable
    public func covers(series id: SeriesID) -> Bool {
        guard let series else { return true }
        return series.sortedIndex(of: id) != nil
    }

    func write(into w: inout ByteWriter) {
        w.writeVarUInt(lsn)
        w.writeVarUInt(UInt64(tableID))
        w.writeZigZag(timeRange.lowerBound)
        w.writeZigZag(timeRange.upperBound)
        w.writeVarUInt(coversBelow)
        Deletion.writeSeries(series, &w)
    }

    static func read(_ r: inout ByteReader) throws(StorageError) -> Tombstone {
        let lsn = try r.readVarUInt("a tombstone's LSN")
        let table = UInt32(try r.readVarInt("a tombstone's table id", max: Int(UInt32.max)))
        let (low, high) = try Deletion.readRange(&r)
        let coversBelow = try r.readVarUInt("a tombstone's segment bound")
        return Tombstone(lsn: lsn, tableID: table, timeRange: low...high, series: try Deletion.readSeries(&r),
                         coversBelow: coversBelow)
    }

    /// The rows of `times` (ascending) that none of `tombstones` hides, as indices; nil
    /// when every row stays.
    static func survivors(_ times: [Int64], _ tombstones: [Tombstone]) -> [Int]? {
        var hidden = false
        for t in tombstones {
            let first = times.sortedLowerBound(t.timeRange.lowerBound)
            if first < times.count && times[first] <= t.timeRange.upperBound { hidden = true; break }
        }
        guard hidden else { return nil }
        var keep: [Int] = []
        keep.reserveCapacity(times.count)
        for (i, time) in times.enumerated() where !tombstones.contains(where: { $0.timeRange.contains(time) }) {
            keep.append(i)
        }
        return keep
    }
}
