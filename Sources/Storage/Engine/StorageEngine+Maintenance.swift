// Flush, compaction and retention: each writes segment files and then swaps the manifest
// atomically; files that leave the manifest are deleted when the last reader lets go.

/// A failpoint: tests name places where the engine should fail as if it crashed there.
public struct Failpoints: Sendable {
    let hit: @Sendable (String) -> Bool

    /// No failpoints.
    public static let none = Failpoints { _ in false }

    /// Fails at the places `names` lists: "flush.beforeSeriesLog", "flush.beforeSegmentRename",
    /// "flush.beforeManifest", "compaction.beforeManifest", "retention.beforeManifest".
    public static func at(_ names: Set<String>) -> Failpoints { Failpoints { names.contains($0) } }

    public init(_ hit: @escaping @Sendable (String) -> Bool) { self.hit = hit }

    func check(_ name: String) throws(StorageError) {
        if hit(name) { throw StorageError(.io, "failpoint \(name)") }
    }
}

extension StorageEngine {
    /// Writes everything in the head to segments and advances the flushed LSN.
    public func flush() async throws(StorageError) {
        try await maintenance.withLock { () async throws(StorageError) in try flushLocked() }
    }

    func flushLocked() throws(StorageError) {
        if let failure = state.withLock({ $0.failure }) { throw failure }
        let (frozen, lsn, catalog, manifest, registrations, registered) = state.withLock { s in
            let frozen = s.head
            s.head = Head()
            s.headSince = nil
            s.frozen.append(frozen)
            // Every series of the frozen head was registered before its rows were applied.
            return (frozen, s.nextApply - 1, s.catalog, s.manifest,
                    s.registry.registrations(from: s.registry.persistedCount), s.registry.count)
        }
        if frozen.rows == 0 && lsn == manifest.flushedLSN && catalog.tables.values.sorted(by: { $0.id < $1.id }) == manifest.tables
            && registrations.isEmpty {
            state.withLock { _ = $0.frozen.removeFirst() }
            return
        }
        var next = manifest
        var added: [SegmentEntry] = []
        do throws(StorageError) {
            // The registry first: the series log must cover every id of a live segment.
            try options.failpoints.check("flush.beforeSeriesLog")
            try seriesLog.append(registrations)
            state.withLock { $0.registry.persistedCount = max($0.registry.persistedCount, registered) }
            for (tableID, partitions) in frozen.tables.sorted(by: { $0.key < $1.key }) {
                guard let table = catalog.table(id: tableID) else { continue }
                try fileSystem.createDirectory(tableDirectory(tableID))
                for start in partitions.keys.sorted() {
                    let partition = partitions[start]!
                    guard partition.rows > 0 else { continue }
                    let entry = try writeSegment(id: next.nextSegmentID, table: table, partitionStart: start,
                                                 series: Head.segmentData(partition, fields: table.fields), failpoint: "flush.beforeSegmentRename")
                    next.nextSegmentID += 1
                    added.append(entry)
                }
            }
            next.segments += added
            next.flushedLSN = lsn
            next.tables = catalog.tables.values.sorted { $0.id < $1.id }
            next.nextTableID = catalog.nextTableID
            try commit(next, failpoint: "flush.beforeManifest")
        } catch {
            // The frozen head stays readable and in the WAL; refuse writes until reopened.
            poison(error)
            throw error
        }
        let opened = try openSegments(added)
        state.withLock { s in
            for live in opened { s.segments[live.entry.id] = live }
            s.frozen.removeFirst()
            s.flushes += 1
        }
        try wal.release(upTo: lsn)
        MemoryReturn.afterLargeRelease()
    }

    /// Writes one segment and returns its manifest entry.
    func writeSegment(id: UInt64, table: TableSchema, partitionStart: Int64, series: [SegmentSeriesData],
                      failpoint: String) throws(StorageError) -> SegmentEntry {
        var entry = SegmentEntry(id: id, tableID: table.id, partitionStart: partitionStart, rows: 0, minTime: 0, maxTime: 0, bytes: 0)
        let summary = try SegmentWriter.write(
            to: segmentPath(entry), fileSystem: fileSystem, table: table.name,
            partition: partitionStart..<(partitionStart &+ table.options.partitionDuration),
            fields: table.fields, series: series, rowsPerBlock: options.rowsPerBlock
        ) { () throws(StorageError) in try options.failpoints.check(failpoint) }
        entry.rows = summary.rows
        entry.bytes = summary.bytes
        entry.minTime = series.map { $0.timestamps.first ?? .max }.min() ?? 0
        entry.maxTime = series.map { $0.timestamps.last ?? .min }.max() ?? 0
        return entry
    }

    /// Replaces the manifest durably, then adopts it.
    /// Every commit also drops segments of tables the manifest's catalog no longer has
    /// and tombstones that no listed segment needs any more (both then leave memory).
    func commit(_ manifest: Manifest, failpoint: String) throws(StorageError) {
        var next = manifest
        next.generation += 1
        let tables = Set(next.tables.map(\.id))
        next.segments = next.segments.filter { tables.contains($0.tableID) }
        let tombstones = state.withLock { $0.tombstones }
        next.tombstones = tombstones.filter { t in next.segments.contains { t.applies(to: $0) } }
        try options.failpoints.check(failpoint)
        try fileSystem.writeFileAtomically(manifestPath, next.encode())
        state.withLock { s in
            s.manifest = next
            let kept = Set(next.tombstones.map(\.lsn))
            s.tombstones.removeAll { !kept.contains($0.lsn) }
            let listed = Set(next.segments.map(\.id))
            s.droppedSegments.removeAll { live in
                guard !listed.contains(live.entry.id) else { return false }
                live.obsolete.store(true, ordering: .releasing)
                return true
            }
        }
    }

    func openSegments(_ entries: [SegmentEntry]) throws(StorageError) -> [LiveSegment] {
        var opened: [LiveSegment] = []
        for entry in entries {
            opened.append(LiveSegment(entry: entry, segment: try Segment.open(path: segmentPath(entry), fileSystem: fileSystem),
                                      fileSystem: fileSystem))
        }
        return opened
    }

    // MARK: Compaction

    /// Merges the segments of every partition that has `compactionThreshold` or more into
    /// one (duplicates resolved, rows sorted), and rewrites every segment a deletion's
    /// tombstone covers without the deleted rows. Returns the number of partitions compacted.
    @discardableResult
    public func compact(minimumSegments: Int? = nil) async throws(StorageError) -> Int {
        try await maintenance.withLock { () async throws(StorageError) -> Int in
            let threshold = max(2, minimumSegments ?? options.compactionThreshold)
            let (segments, catalog, tombstones) = state.withLock { (Array($0.segments.values), $0.catalog, $0.tombstones) }
            var groups: [String: [LiveSegment]] = [:]
            for live in segments { groups["\(live.entry.tableID)/\(live.entry.partitionStart)", default: []].append(live) }
            var compacted = 0
            for (_, group) in groups.sorted(by: { $0.key < $1.key }) {
                let purge = group.contains { live in tombstones.contains { $0.applies(to: live.entry) } }
                guard group.count >= threshold || purge else { continue }
                let inputs = group.sorted { $0.entry.id < $1.entry.id }
                guard let table = catalog.table(id: inputs[0].entry.tableID) else { continue }
                var next = state.withLock { $0.manifest }
                let entry = try writeMergedSegment(id: next.nextSegmentID, inputs: inputs, table: table, tombstones: tombstones)
                next.nextSegmentID += 1
                let removed = Set(inputs.map(\.entry.id))
                next.segments = next.segments.filter { !removed.contains($0.id) } + (entry.rows > 0 ? [entry] : [])
                do throws(StorageError) {
                    try commit(next, failpoint: "compaction.beforeManifest")
                } catch {
                    try? fileSystem.removeFile(segmentPath(entry))
                    throw error
                }
                if entry.rows == 0 { try? fileSystem.removeFile(segmentPath(entry)) }
                let opened = entry.rows > 0 ? try openSegments([entry]) : []
                state.withLock { s in
                    for id in removed { s.segments.removeValue(forKey: id)?.obsolete.store(true, ordering: .releasing) }
                    for live in opened { s.segments[live.entry.id] = live }
                    s.compactions += 1
                }
                compacted += 1
            }
            if compacted > 0 { MemoryReturn.afterLargeRelease() }
            return compacted
        }
    }

    /// Merges `inputs` (oldest first) into one new segment, one series at a time so memory
    /// stays at one series' rows whatever the partition's size. Rows of an input that one
    /// of `tombstones` covers are left out (purged).
    func writeMergedSegment(id: UInt64, inputs: [LiveSegment], table: TableSchema, tombstones: [Tombstone]) throws(StorageError) -> SegmentEntry {
        let covering = inputs.map { live in tombstones.filter { $0.applies(to: live.entry) } }
        var ids = Set<SeriesID>()
        for live in inputs { ids.formUnion(live.ids) }
        let start = inputs[0].entry.partitionStart
        var builder = SegmentBuilder(table: table.name, partition: start..<(start &+ table.options.partitionDuration),
                                     fields: table.fields, rowsPerBlock: options.rowsPerBlock)
        var minTime = Int64.max
        var maxTime = Int64.min
        for id in ids.sorted() {
            var times: [Int64] = []
            var columns = table.fields.map { ColumnValues.nulls($0.type, count: 0) }
            var tags: [(key: String, value: String)] = []
            for (n, live) in inputs.enumerated() {
                guard let i = live.index(of: id) else { continue }
                tags = live.segment.series[i].tags
                let rows = try SegmentScan.readSeries(live.segment, i, fields: table.fields, timeRange: nil,
                                                      tombstones: covering[n].filter { $0.covers(series: id) })
                times += rows.times
                for c in columns.indices { columns[c].append(rows.columns[c]) }
            }
            let (sorted, merged) = RowMerge.sortAndMerge(times: times, columns: columns)
            guard let first = sorted.first, let last = sorted.last else { continue }
            minTime = min(minTime, first)
            maxTime = max(maxTime, last)
            builder.add(SegmentSeriesData(id: id, tags: tags, timestamps: sorted, fields: merged))
        }
        var entry = SegmentEntry(id: id, tableID: table.id, partitionStart: start, rows: 0, minTime: 0, maxTime: 0, bytes: 0)
        let summary = try builder.write(to: segmentPath(entry), fileSystem: fileSystem) { () throws(StorageError) in
            try options.failpoints.check("compaction.beforeSegmentRename")
        }
        entry.rows = summary.rows
        entry.bytes = summary.bytes
        entry.minTime = summary.rows == 0 ? 0 : minTime
        entry.maxTime = summary.rows == 0 ? 0 : maxTime
        return entry
    }

    // MARK: Retention

    /// Drops every partition that ended before now − retention, for tables with a
    /// retention. Returns the number of segments dropped.
    @discardableResult
    public func enforceRetention() async throws(StorageError) -> Int {
        try await maintenance.withLock { () async throws(StorageError) -> Int in
            let now = options.now()
            let (manifest, catalog) = state.withLock { ($0.manifest, $0.catalog) }
            var expired = Set<UInt64>()
            for entry in manifest.segments {
                guard let table = catalog.table(id: entry.tableID), let retention = table.options.retention else { continue }
                if entry.partitionStart &+ table.options.partitionDuration <= now &- retention { expired.insert(entry.id) }
            }
            // Head rows in expired partitions go too (they would be dropped at the next flush).
            state.withLock { s in
                for (tableID, partitions) in s.head.tables {
                    guard let table = s.catalog.table(id: tableID), let retention = table.options.retention else { continue }
                    for start in partitions.keys where start &+ table.options.partitionDuration <= now &- retention {
                        s.head.rows -= partitions[start]!.rows
                        s.head.tables[tableID]![start] = nil
                    }
                }
            }
            guard !expired.isEmpty else { return 0 }
            var next = manifest
            next.segments = next.segments.filter { !expired.contains($0.id) }
            try commit(next, failpoint: "retention.beforeManifest")
            state.withLock { s in
                for id in expired { s.segments.removeValue(forKey: id)?.obsolete.store(true, ordering: .releasing) }
            }
            return expired.count
        }
    }

    /// Runs what is due: a flush when the head is older than `flushAge`, retention, and
    /// compaction. Call it periodically (the `Database` facade runs it in the background).
    public func maintain() async throws(StorageError) {
        let due = state.withLock { s -> Bool in
            guard let since = s.headSince else { return false }
            return since.duration(to: .now) >= options.flushAge
        }
        if due { try await flush() }
        try await enforceRetention()
        try await compact()
    }
}

/// Hands freed heap memory back to the operating system after a flush or compaction drops
/// a large head: glibc otherwise keeps it in per-thread arenas, and resident memory only
/// grows across flushes.
enum MemoryReturn {
    static func afterLargeRelease() {
        sundial_release_free_memory()
    }
}
import CSundialShims
