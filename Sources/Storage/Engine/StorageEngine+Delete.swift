// DELETE and DROP TABLE. A deletion is a WAL record (kind 3) applied in LSN order like a
// write: it removes the rows it covers from the head at once, and leaves a tombstone for
// the segments written before it, which hides their rows from reads until compaction
// rewrites those segments without them. Both run under the maintenance lock, so no flush
// or compaction is half-way while they apply (there is no frozen head then, and every
// live segment predates the deletion).

/// What a deletion did.
public struct DeleteOutcome: Sendable, Hashable {
    /// The LSN of the deletion's WAL record (the durable LSN when nothing was logged).
    public var lsn: LSN
    /// Rows that were visible and are gone.
    public var rowsDeleted: Int
}

extension StorageEngine.State {
    /// The pieces a read takes (arrays shared copy-on-write).
    var readState: StorageEngine.ReadState {
        StorageEngine.ReadState(catalog: catalog, segments: Array(segments.values), frozen: frozen, head: head, tombstones: tombstones)
    }

    /// Applies a logged deletion: head rows go now, segment rows get a tombstone (only
    /// when some live segment may hold rows it covers).
    mutating func applyDeletion(_ deletion: Deletion, lsn: LSN, tableID: UInt32) {
        deletions += 1
        let removed = head.remove(deletion, tableID: tableID)
        if removed > 0 && head.rows == 0 { headSince = nil }
        let tombstone = Tombstone(lsn: lsn, tableID: tableID, timeRange: deletion.timeRange, series: deletion.series,
                                  coversBelow: manifest.nextSegmentID)
        if segments.values.contains(where: { tombstone.applies(to: $0.entry) }) { tombstones.append(tombstone) }
    }

    /// Forgets a dropped table's rows: its head rows, its tombstones, and its segments
    /// (kept on disk until a manifest without them is written).
    mutating func dropData(of tableID: UInt32) {
        head.removeTable(tableID)
        tombstones.removeAll { $0.tableID == tableID }
        for (id, live) in segments where live.entry.tableID == tableID {
            segments[id] = nil
            droppedSegments.append(live)
        }
    }
}

extension StorageEngine {
    /// Deletes the rows `deletion` covers, durably: once this returns they are gone from
    /// every read, and compaction purges them from the segments. Rows written after the
    /// deletion (even with the same series and time) stay.
    ///
    /// - Returns: the deletion's LSN and the number of rows that were visible and are gone.
    /// - Throws: `.invalidArgument` for an unknown table; I/O errors as for a write (the
    ///   deletion is then not acknowledged).
    @discardableResult
    public func delete(_ deletion: Deletion) async throws(StorageError) -> DeleteOutcome {
        try checkWritable()
        return try await maintenance.withLock { () async throws(StorageError) -> DeleteOutcome in
            try checkWritable()
            guard state.withLock({ $0.catalog.table(deletion.table) }) != nil else {
                throw StorageError(.invalidArgument, "no table \"\(deletion.table)\"")
            }
            if deletion.series?.isEmpty == true { return DeleteOutcome(lsn: wal.durableLSN, rowsDeleted: 0) }
            let payload = deletion.encode()
            guard payload.count <= WALFormat.maxPayloadSize else {
                throw StorageError(.limitExceeded, "a deletion of \(deletion.series?.count ?? 0) series encodes to \(payload.count) bytes; split it below \(WALFormat.maxPayloadSize)")
            }
            let lsn = try await wal.append(kind: WALRecordKind.deletion, payload: payload)
            await applyInOrder(lsn, .delete(deletion))
            guard let before = state.withLock({ $0.beforeDeletion.removeValue(forKey: lsn) }) else {
                return DeleteOutcome(lsn: lsn, rowsDeleted: 0)
            }
            // Count what the deletion hid: the matching rows as a read just before it saw them.
            let range = deletion.timeRange
            let timeRange: Range<Int64>? = range.lowerBound == .min && range.upperBound == .max ? nil
                : range.lowerBound..<(range.upperBound == .max ? .max : range.upperBound + 1)
            var cursor = try Self.cursor(before, table: deletion.table, columns: [], timeRange: timeRange, series: deletion.series,
                                         batchRows: 65536, newestFirst: false)
            var rows = 0
            while let batch = try cursor.next() { rows += batch.rowCount }
            return DeleteOutcome(lsn: lsn, rowsDeleted: rows)
        }
    }

    /// Drops a table: its rows, segments and schema. The name can be used again (a new
    /// table with new series ids). Segment files are deleted once the manifest no longer
    /// lists them (this call flushes, so at once unless a reader still holds them).
    /// - Throws: `.invalidArgument` for an unknown table.
    public func dropTable(_ name: String) async throws(StorageError) {
        try checkWritable()
        try await maintenance.withLock { () async throws(StorageError) in
            try await schemaLock.withLock { () async throws(StorageError) in
                // Refuse new writes to the table, then wait for those already admitted to be
                // applied: no write batch of the table can be logged after the drop.
                guard let id = state.withLock({ (s) -> UInt32? in
                    guard let id = s.catalog.table(name)?.id else { return nil }
                    s.dropping.insert(id)
                    return id
                }) else { throw StorageError(.invalidArgument, "no table \"\(name)\"") }
                defer { state.withLock { _ = $0.dropping.remove(id) } }
                while state.withLock({ ($0.writesInFlight[id] ?? 0) > 0 }) {
                    try? await Task.sleep(for: .milliseconds(1))
                }
                try await logSchemaChange(.dropTable(name: name))
            }
            try flushLocked()
        }
    }
}
