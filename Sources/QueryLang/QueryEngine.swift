// The query engine: SQL text in, a result out. SELECT and EXPLAIN go through the binder
// and the executor; DDL, INSERT and the SHOW statements go to the storage engine and
// the tag index directly. One `now()` per statement.
import SundialIndex
import SundialStorage
import Synchronization

/// The answer to a statement: its columns and its rows as a stream of column batches.
public struct QueryResult: AsyncSequence, Sendable {
    public typealias Element = Batch
    /// The result columns, in order.
    public let columns: [(name: String, type: SQLType)]
    /// Rows changed by INSERT or DELETE (nil for other statements).
    public let rowsAffected: Int?
    let source: ResultSource

    enum ResultSource: Sendable {
        case batches([Batch])
        case executor(ExecutorBox)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pending: [Batch]
        let executor: ExecutorBox?
        let visible: Int

        public mutating func next() async throws(QueryError) -> Batch? { try step() }

        /// The next batch, computed on the calling thread (a server runs executors on
        /// threads of its own so that a long query never holds an event loop).
        public mutating func step() throws(QueryError) -> Batch? {
            if !pending.isEmpty { return pending.removeFirst() }
            guard let executor, let batch = try executor.next() else { return nil }
            // Hidden sort columns are not part of the result.
            return batch.columns.count == visible ? batch : Batch(columns: Array(batch.columns.prefix(visible)), count: batch.count)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(QueryError) -> Batch? {
            try step()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch source {
        case .batches(let b): AsyncIterator(pending: b, executor: nil, visible: columns.count)
        case .executor(let e): AsyncIterator(pending: [], executor: e, visible: columns.count)
        }
    }

    /// Every row, as values (for small results and tests).
    public func rows() async throws(QueryError) -> [[SQLValue]] {
        var out: [[SQLValue]] = []
        var iterator = makeAsyncIterator()
        while let batch = try await iterator.next() {
            for i in 0..<batch.count { out.append(batch.row(i)) }
        }
        return out
    }
}

/// The executor of a running SELECT; its iterator is the one caller (serialized anyway).
final class ExecutorBox: Sendable {
    private let executor: Mutex<QueryExecutor?>

    init(_ executor: QueryExecutor) { self.executor = Mutex(executor) }

    func next() throws(QueryError) -> Batch? {
        try executor.withLock { (e) throws(QueryError) -> Batch? in try e?.next() }
    }
}

/// Runs SQL against a storage engine and its tag index.
public final class QueryEngine: Sendable {
    public let engine: StorageEngine
    public let index: TagIndex
    public let limits: QueryLimits

    public init(engine: StorageEngine, index: TagIndex, limits: QueryLimits = QueryLimits()) {
        self.engine = engine
        self.index = index
        self.limits = limits
    }

    /// Parses, binds and runs one statement.
    ///
    /// - Parameters:
    ///   - sql: one statement (a trailing `;` is allowed).
    ///   - parameters: values of `$1`, `$2`, … (bound as values, never spliced as text).
    /// - Throws: `QueryError` with line:column for lexical, syntax and binding errors.
    ///   - scope: the workspace the statement is confined to (all rows when unrestricted).
    public func execute(_ sql: String, parameters: [SQLValue] = [], scope: QueryScope = .unrestricted) async throws(QueryError) -> QueryResult {
        let statement = try SQLParser.parse(sql)
        return try await execute(statement, parameters: parameters, scope: scope)
    }

    public func execute(_ statement: Statement, parameters: [SQLValue] = [], scope: QueryScope = .unrestricted) async throws(QueryError) -> QueryResult {
        let now = engine.options.now()
        try scope.validate()
        switch statement {
        case .query(let query):
            let plan = try Binder.plan(query, catalog: engine.catalog, parameters: parameters, now: now, scope: scope)
            let executor = QueryExecutor(plan: plan, engine: engine, index: index, context: EvaluationContext(now: now), limits: limits)
            return QueryResult(columns: plan.columns, rowsAffected: nil, source: .executor(ExecutorBox(executor)))
        case .explain(let explain):
            let plan = try Binder.plan(explain.query, catalog: engine.catalog, parameters: parameters, now: now, scope: scope)
            guard explain.analyze else { return Self.textResult("QUERY PLAN", PlanDescription.describe(plan, engine: engine, index: index)) }
            let executor = QueryExecutor(plan: plan, engine: engine, index: index, context: EvaluationContext(now: now), limits: limits,
                                         profiling: true)
            let started = ContinuousClock.now
            var rows = 0
            while let batch = try executor.next() { rows += batch.count }
            let elapsed = started.duration(to: .now)
            var lines = PlanDescription.describe(plan, engine: engine, index: index, executor: executor)
            lines.append("Execution: \(rows) row\(rows == 1 ? "" : "s") in \(PlanDescription.milliseconds(elapsed)) ms")
            return Self.textResult("QUERY PLAN", lines)
        case .createTable(let create):
            try await createTable(create, scope: scope)
            return QueryResult(columns: [], rowsAffected: nil, source: .batches([]))
        case .alterTable(let alter):
            let table = try Binder.resolveTable(alter.name, engine.catalog, scope: scope)
            switch alter.action {
            case .addColumn(let column):
                if let existing = table.columns.first(where: { $0.name.lowercased() == column.name.value.lowercased() }) {
                    throw QueryError(.syntax, "column \"\(existing.name)\" of table \"\(table.name)\" already exists", at: column.name.location)
                }
                guard column.type != .tag, column.type != .timestamp, column.type != .interval else {
                    throw QueryError(.unsupported, "ALTER TABLE can add field columns (DOUBLE, BIGINT, BOOLEAN, STRING) only", at: column.location)
                }
                try await change(.addColumns(table: table.name, columns: [ColumnDefinition(name: column.name.value, type: Self.columnType(column.type))]))
            case .setRetention(let duration):
                try await change(.setRetention(table: table.name, retention: duration?.nanoseconds))
            }
            return QueryResult(columns: [], rowsAffected: nil, source: .batches([]))
        case .dropTable(let drop):
            let table: TableSchema
            do {
                table = try Binder.resolveTable(drop.name, engine.catalog, scope: scope)
            } catch where error.code == .unknownTable && drop.ifExists {
                return QueryResult(columns: [], rowsAffected: nil, source: .batches([]))
            }
            do { try await engine.dropTable(table.name) } catch { throw Self.storageError(error) }
            return QueryResult(columns: [], rowsAffected: nil, source: .batches([]))
        case .delete(let delete):
            let target = try Binder.deletion(delete, catalog: engine.catalog, parameters: parameters, now: now, scope: scope)
            let rows: Int
            do { rows = try await self.delete(from: target.table.name, timeRange: target.timeRange, where: target.tagPredicates) } catch {
                throw Self.storageError(error)
            }
            return QueryResult(columns: [], rowsAffected: rows, source: .batches([]))
        case .showTables:
            return Self.textResult("table", Binder.visibleTables(engine.catalog, scope).map(\.name).sorted())
        case .showColumns(let show):
            let table = try Binder.resolveTable(show.table, engine.catalog, scope: scope)
            let names = table.columns.map(\.name)
            let types = table.columns.map { $0.type == .tag ? "TAG" : SQLType($0.type).rawValue }
            let roles = table.columns.map { $0.type == .tag ? "tag" : ($0.type == .timestamp ? "time" : "field") }
            let batch = Batch(columns: [Vector(type: .string, values: .string(names, valid: nil)),
                                        Vector(type: .string, values: .string(types, valid: nil)),
                                        Vector(type: .string, values: .string(roles, valid: nil))], count: names.count)
            return QueryResult(columns: [("column", .string), ("type", .string), ("role", .string)], rowsAffected: nil, source: .batches([batch]))
        case .showTagValues(let show):
            let table = try Binder.resolveTable(show.table, engine.catalog, scope: scope)
            guard let key = table.tags.first(where: { $0.lowercased() == show.key.value.lowercased() }) else {
                throw Binder.unknownColumn(show.key, table.tags)
            }
            if let predicate = scope.predicate {
                // Only values the workspace's series carry (the index intersects them).
                return Self.textResult("value", index.tagValues(table: table.name, key: key, where: [predicate]))
            }
            return Self.textResult("value", index.tagValues(table: table.name, key: key, limit: Int.max))
        case .insert(let insert):
            let count = try await Inserter.insert(insert, engine: engine, parameters: parameters, now: now, scope: scope)
            return QueryResult(columns: [], rowsAffected: count, source: .batches([]))
        }
    }

    /// Deletes the rows of `table` in `timeRange` (nil: none) of the series matching every
    /// predicate (no predicates: every series); returns how many rows were visible. The
    /// series the index selects are fixed when the deletion is logged: a matching series
    /// created meanwhile is caught by a second pass.
    public func delete(from table: String, timeRange: ClosedRange<Int64>?, where predicates: [TagPredicate]) async throws(StorageError) -> Int {
        guard let range = timeRange else { return 0 }
        guard !predicates.isEmpty else { return try await engine.delete(Deletion(table: table, timeRange: range)).rowsDeleted }
        var done = Set<SeriesID>()
        var rows = 0
        for _ in 0..<3 {
            let series = (index.select(table: table, predicates) ?? []).filter { !done.contains($0) }
            guard !series.isEmpty else { break }
            rows += try await engine.delete(Deletion(table: table, timeRange: range, series: series)).rowsDeleted
            done.formUnion(series)
        }
        return rows
    }

    static func storageError(_ error: StorageError) -> QueryError {
        QueryError(error.code == .invalidArgument ? .unknownTable : .storage, error.message)
    }

    func change(_ change: SchemaChange) async throws(QueryError) {
        do { try await engine.changeSchema(change) } catch {
            throw QueryError(error.code == .invalidArgument ? .type : .storage, error.message)
        }
    }

    static func columnType(_ type: DataType) -> ColumnType {
        switch type {
        case .timestamp: .timestamp
        case .double: .double
        case .bigint, .interval: .bigint
        case .boolean: .boolean
        case .string: .string
        case .tag: .tag
        }
    }

    func createTable(_ create: CreateTable, scope: QueryScope) async throws(QueryError) {
        if scope.workspace != nil, !create.columns.contains(where: { $0.type == .tag && $0.name.value == scope.tenantTag }) {
            // The table would be invisible to the statement that created it.
            throw QueryError(.permissionDenied, "a table created in a workspace needs the tenant tag: \(scope.tenantTag) TAG", at: create.location)
        }
        if engine.catalog.table(create.name.value) != nil {
            if create.ifNotExists { return }
            throw QueryError(.syntax, "table \"\(create.name.value)\" already exists", at: create.name.location)
        }
        var columns: [ColumnDefinition] = []
        var sawTime = false
        for column in create.columns {
            if column.type == .timestamp {
                guard column.name.value.lowercased() == "time", !sawTime else {
                    throw QueryError(.syntax, "a table has one TIMESTAMP column, named time", at: column.location)
                }
                sawTime = true
                continue
            }
            guard column.type != .interval else { throw QueryError(.unsupported, "INTERVAL columns are not supported", at: column.location) }
            columns.append(ColumnDefinition(name: column.name.value, type: Self.columnType(column.type)))
        }
        var options = TableOptions()
        switch create.partitionBy {
        case .hour?: options.partitionDuration = 3_600_000_000_000
        case .week?: options.partitionDuration = 7 * TableOptions.day
        case .month?: throw QueryError(.unsupported, "PARTITION BY MONTH is not supported yet; use WEEK, DAY or HOUR", at: create.location)
        case .day?, nil: break
        }
        options.retention = create.retention?.nanoseconds
        try await change(.createTable(name: create.name.value, options: options,
                                      columns: [ColumnDefinition(name: "time", type: .timestamp)] + columns))
    }

    static func textResult(_ name: String, _ lines: [String]) -> QueryResult {
        let batch = Batch(columns: [Vector(type: .string, values: .string(lines, valid: nil))], count: lines.count)
        return QueryResult(columns: [(name, .string)], rowsAffected: nil, source: .batches([batch]))
    }
}
