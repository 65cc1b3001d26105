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
    /// Rows changed by INSERT (nil for other statements).
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
        switch statement {
        case .query(let query):
            let plan = try Binder.plan(query, catalog: engine.catalog, parameters: parameters, now: now)
            let executor = QueryExecutor(plan: plan, engine: engine, index: index, context: EvaluationContext(now: now), limits: limits)
            return QueryResult(columns: plan.columns, rowsAffected: nil, source: .executor(ExecutorBox(executor)))
        case .explain(let explain):
            let plan = try Binder.plan(explain.query, catalog: engine.catalog, parameters: parameters, now: now)
            var lines = PlanDescription.describe(plan, engine: engine, index: index)
            if explain.analyze {
                let executor = QueryExecutor(plan: plan, engine: engine, index: index, context: EvaluationContext(now: now), limits: limits)
                let started = ContinuousClock.now
                var rows = 0
                while let batch = try executor.next() { rows += batch.count }
                let elapsed = started.duration(to: .now)
                lines.append("Execution: \(rows) row\(rows == 1 ? "" : "s") in \(PlanDescription.milliseconds(elapsed)) ms")
            }
            return Self.textResult("QUERY PLAN", lines)
        case .createTable(let create):
            try await createTable(create)
            return QueryResult(columns: [], rowsAffected: nil, source: .batches([]))
        case .alterTable(let alter):
            let table = try Binder.resolveTable(alter.name, engine.catalog)
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
            throw QueryError(.unsupported, "DROP TABLE is not supported yet", at: drop.location)
        case .delete(let delete):
            throw QueryError(.unsupported, "DELETE is not supported yet", at: delete.location)
        case .showTables:
            return Self.textResult("table", engine.catalog.tables.values.map(\.name).sorted())
        case .showColumns(let show):
            let table = try Binder.resolveTable(show.table, engine.catalog)
            let names = table.columns.map(\.name)
            let types = table.columns.map { $0.type == .tag ? "TAG" : SQLType($0.type).rawValue }
            let roles = table.columns.map { $0.type == .tag ? "tag" : ($0.type == .timestamp ? "time" : "field") }
            let batch = Batch(columns: [Vector(type: .string, values: .string(names, valid: nil)),
                                        Vector(type: .string, values: .string(types, valid: nil)),
                                        Vector(type: .string, values: .string(roles, valid: nil))], count: names.count)
            return QueryResult(columns: [("column", .string), ("type", .string), ("role", .string)], rowsAffected: nil, source: .batches([batch]))
        case .showTagValues(let show):
            let table = try Binder.resolveTable(show.table, engine.catalog)
            guard let key = table.tags.first(where: { $0.lowercased() == show.key.value.lowercased() }) else {
                throw Binder.unknownColumn(show.key, table.tags)
            }
            return Self.textResult("value", index.tagValues(table: table.name, key: key, limit: Int.max))
        case .insert(let insert):
            let count = try await Inserter.insert(insert, engine: engine, parameters: parameters, now: now)
            return QueryResult(columns: [], rowsAffected: count, source: .batches([]))
        }
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

    func createTable(_ create: CreateTable) async throws(QueryError) {
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
