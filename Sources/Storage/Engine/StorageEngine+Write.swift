// Writing: schema changes first (each its own durable WAL record), then series ids (the
// cardinality guard), then the batch's WAL record, then the head — in LSN order, after
// durability.

/// What a batch write did.
public struct WriteOutcome: Sendable {
    /// The LSN of the batch's WAL record (the durable LSN when nothing was logged).
    public var lsn: LSN
    /// Rows written.
    public var rowsWritten: Int
    /// Series of the batch that were not written, by index in `WriteBatch.series`, with
    /// the reason (a new series past its table's limit: `.limitExceeded`).
    public var rejected: [(series: Int, error: StorageError)] = []
}

extension StorageEngine {
    /// Writes a batch and returns once it is durable (per the fsync policy) and visible to
    /// reads. Creates the table and adds columns as needed (schema on write). A new series
    /// past its table's series limit (``StorageOptions/maxSeriesPerTable``) is not written
    /// and is reported in ``WriteOutcome/rejected``; the batch's other series are written.
    ///
    /// - Throws: `StorageError` — `.invalidArgument` for a malformed batch or a column
    ///   whose type conflicts with the table's (nothing is written), `.limitExceeded`,
    ///   or an I/O error (the write is not acknowledged; the engine refuses further writes
    ///   until reopened).
    @discardableResult
    public func write(_ batch: WriteBatch) async throws(StorageError) -> WriteOutcome {
        try checkWritable()
        try batch.validate()
        guard batch.rowCount > 0 else { return WriteOutcome(lsn: wal.durableLSN, rowsWritten: 0) }
        try await ensureSchema(for: batch)
        let (batch, ids, rejected, tableID) = try admitSeries(batch)
        // Admitted: a DROP TABLE of this table waits until the batch is applied (or failed),
        // so the batch's WAL record comes before the drop's, in every replay as now.
        defer { state.withLock { s in s.writesInFlight[tableID, default: 1] -= 1; if s.writesInFlight[tableID] == 0 { s.writesInFlight[tableID] = nil } } }
        guard !batch.series.isEmpty else { return WriteOutcome(lsn: wal.durableLSN, rowsWritten: 0, rejected: rejected) }
        if let hook = options.afterAdmission { await hook(batch.table) }
        let payload = batch.encode(seriesIDs: ids)
        guard payload.count <= WALFormat.maxPayloadSize else {
            throw StorageError(.limitExceeded, "a batch encodes to \(payload.count) bytes; split it below \(WALFormat.maxPayloadSize)")
        }
        let lsn = try await wal.append(kind: WALRecordKind.writeBatch, payload: payload)
        let rows = batch.rowCount
        await applyInOrder(lsn, .batch(batch, ids))
        scheduleFlushIfNeeded()
        // Backpressure: when writers outrun the background flush and the head reaches twice
        // the flush threshold, the writer waits for a flush (memory stays bounded).
        let stall = state.withLock { s in
            s.head.rows / 2 >= options.flushRows || s.head.approximateBytes / 2 >= options.flushBytes
        }
        if stall { try await flush() }
        return WriteOutcome(lsn: lsn, rowsWritten: rows, rejected: rejected)
    }

    /// The maximum number of series of `table`.
    public func seriesLimit(table: String) -> Int { options.seriesLimits[table] ?? options.maxSeriesPerTable }

    /// Gives every series of the batch its registry id, registering new ones unless that
    /// would pass the table's series limit. Returns the batch without the refused series,
    /// the ids of the rest, and the refused series (by index in the original batch).
    func admitSeries(_ batch: WriteBatch) throws(StorageError)
        -> (WriteBatch, [SeriesID], [(series: Int, error: StorageError)], UInt32) {
        let keys = batch.series.map { SeriesKey.canonical($0.tags) }
        let limit = seriesLimit(table: batch.table)
        return try state.withLock { (s) throws(StorageError) -> (WriteBatch, [SeriesID], [(series: Int, error: StorageError)], UInt32) in
            guard let table = s.catalog.table(batch.table) else {
                throw StorageError(.invalidArgument, "no table \"\(batch.table)\"")
            }
            guard !s.dropping.contains(table.id) else {
                throw StorageError(.invalidArgument, "table \"\(batch.table)\" is being dropped; nothing was written")
            }
            s.writesInFlight[table.id, default: 0] += 1
            var ids: [SeriesID] = []
            ids.reserveCapacity(keys.count)
            var refused: [(series: Int, error: StorageError)] = []
            for (i, key) in keys.enumerated() {
                let seriesKey = SeriesKey(table: table.id, key: key)
                if let id = s.registry.id(of: seriesKey) {
                    ids.append(id)
                } else if s.registry.count(table: table.id) < limit && s.registry.nextID < SeriesID.max {
                    ids.append(s.registry.assign(seriesKey))
                } else {
                    let tags = batch.series[i].tags.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                    refused.append((i, StorageError(
                        .limitExceeded,
                        "table \"\(batch.table)\" has reached its limit of \(limit) series; the new series {\(tags)} was not written")))
                }
            }
            guard !refused.isEmpty else { return (batch, ids, [], table.id) }
            var kept = batch
            let refusedSet = Set(refused.map(\.series))
            kept.series = batch.series.indices.filter { !refusedSet.contains($0) }.map { batch.series[$0] }
            return (kept, ids, refused, table.id)
        }
    }

    /// Applies a schema change (CREATE TABLE, ADD COLUMN, SET RETENTION) durably.
    public func changeSchema(_ change: SchemaChange) async throws(StorageError) {
        try checkWritable()
        try await schemaLock.withLock { () async throws(StorageError) in
            var trial = state.withLock { $0.catalog }
            try trial.apply(change)
            if trial == state.withLock({ $0.catalog }) { return }
            try await logSchemaChange(change)
        }
    }

    /// Makes sure the batch's table and columns exist, logging a schema change if not.
    func ensureSchema(for batch: WriteBatch) async throws(StorageError) {
        let needed: SchemaChange? = try state.withLock { (s) throws(StorageError) -> SchemaChange? in
            try s.catalog.changeNeeded(for: batch, defaultOptions: options.defaultTableOptions, maxColumns: options.maxColumnsPerTable)
        }
        guard needed != nil else { return }
        try await schemaLock.withLock { () async throws(StorageError) in
            // Another writer may have made the change (or a conflicting one) meanwhile.
            let change: SchemaChange? = try state.withLock { (s) throws(StorageError) -> SchemaChange? in
                try s.catalog.changeNeeded(for: batch, defaultOptions: options.defaultTableOptions, maxColumns: options.maxColumnsPerTable)
            }
            if let change { try await logSchemaChange(change) }
        }
    }

    /// Logs a change and waits until it is applied to the catalog. Caller holds `schemaLock`.
    func logSchemaChange(_ change: SchemaChange) async throws(StorageError) {
        var check = state.withLock { $0.catalog }
        try check.apply(change)
        let lsn = try await wal.append(kind: WALRecordKind.schemaChange, payload: change.encode())
        await applyInOrder(lsn, .schema(change))
    }

    /// Queues `item` at `lsn`, applies every item whose turn has come, and returns once
    /// `lsn` itself is applied.
    func applyInOrder(_ lsn: LSN, _ item: PendingApply) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.withLock { s in
                s.applyQueue[lsn] = item
                while let next = s.applyQueue.removeValue(forKey: s.nextApply) {
                    switch next {
                    case .batch(let batch, let ids):
                        if let table = s.catalog.table(batch.table) {
                            s.head.apply(batch, ids: ids, table: table)
                            if s.headSince == nil { s.headSince = .now }
                        }
                    case .schema(let change):
                        if case .dropTable(let name) = change, let table = s.catalog.table(name) { s.dropData(of: table.id) }
                        try? s.catalog.apply(change)
                    case .delete(let deletion):
                        guard let table = s.catalog.table(deletion.table) else { break }
                        s.beforeDeletion[s.nextApply] = s.readState
                        s.applyDeletion(deletion, lsn: s.nextApply, tableID: table.id)
                    }
                    s.nextApply += 1
                }
                var waiting: [(lsn: LSN, continuation: CheckedContinuation<Void, Never>)] = []
                for waiter in s.applyWaiters {
                    if waiter.lsn < s.nextApply { waiter.continuation.resume() } else { waiting.append(waiter) }
                }
                s.applyWaiters = waiting
                if lsn < s.nextApply { continuation.resume() } else { s.applyWaiters.append((lsn, continuation)) }
            }
        }
    }

    func scheduleFlushIfNeeded() {
        let due = state.withLock { s -> Bool in
            guard !s.flushScheduled, s.failure == nil, !s.closed,
                  s.head.rows >= options.flushRows || s.head.approximateBytes >= options.flushBytes else { return false }
            s.flushScheduled = true
            return true
        }
        guard due else { return }
        Task {
            try? await self.flush()
            self.state.withLock { $0.flushScheduled = false }
        }
    }
}
