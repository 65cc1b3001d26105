// INSERT INTO t (cols) VALUES (…), (…): constant rows turned into one columnar write
// batch, grouped by series. The table and its columns must exist (as in PostgreSQL);
// `time` is required; a missing field is NULL; a missing tag leaves the series without it.
// Under a workspace scope every row gets the tenant tag: a row that leaves it out (or
// gives NULL or '') is written to the workspace, a row naming another workspace fails
// the statement before anything is written.
import SundialStorage

enum Inserter {
    static func insert(_ insert: Insert, engine: StorageEngine, parameters: [SQLValue], now: Int64,
                       scope workspaceScope: QueryScope = .unrestricted) async throws(QueryError) -> Int {
        let table = try Binder.resolveTable(insert.table, engine.catalog, scope: workspaceScope)
        var positions: [(column: ColumnDefinition, index: Int)] = []
        var timeIndex: Int?
        for (i, name) in insert.columns.enumerated() {
            guard let column = table.columns.first(where: { name.isQuoted ? $0.name == name.value : $0.name.lowercased() == name.value.lowercased() }) else {
                var message = "column \"\(name.value)\" of table \"\(table.name)\" does not exist"
                if let near = Binder.nearest(name.value, table.columns.map(\.name)) { message += "; did you mean \"\(near)\"?" }
                throw QueryError(.unknownColumn, message, at: name.location)
            }
            guard !positions.contains(where: { $0.column.name == column.name }) else {
                throw QueryError(.syntax, "column \"\(column.name)\" is specified more than once", at: name.location)
            }
            if column.type == .timestamp { timeIndex = i }
            positions.append((column, i))
        }
        guard !insert.columns.isEmpty else {
            throw QueryError(.unsupported, "INSERT needs a column list: INSERT INTO \(table.name) (time, …) VALUES (…)", at: insert.location)
        }
        guard let timeIndex else { throw QueryError(.syntax, "INSERT needs a value for the time column", at: insert.location) }
        let fields = positions.filter { $0.column.type != .tag && $0.column.type != .timestamp }
        let tags = positions.filter { $0.column.type == .tag }
        struct Group { var tags: [(key: String, value: String)]; var times: [Int64] = []; var values: [[SQLValue]] = [] }
        var groups: [String: Group] = [:]
        var order: [String] = []
        var scope = BindScope(names: [], types: [], parameters: parameters, now: now)
        let tenant = tags.first { $0.column.name == workspaceScope.tenantTag }
        for (rowNumber, row) in insert.rows.enumerated() {
            guard row.count == insert.columns.count else {
                throw QueryError(.syntax, "INSERT has \(row.count) values for \(insert.columns.count) columns", at: row.first?.location ?? insert.location)
            }
            var values: [SQLValue] = []
            for (expr, position) in zip(row, positions) {
                let bound = try Binder.bind(expr, &scope)
                guard let constant = bound.constantValue else {
                    throw QueryError(.syntax, "INSERT values must be constants", at: expr.location)
                }
                let type: SQLType = position.column.type == .tag ? .string : SQLType(position.column.type)
                values.append(try Binder.coerceConstant(constant, to: type, expr.location))
            }
            guard case .timestamp(let time) = values[timeIndex] else {
                throw QueryError(.syntax, "time cannot be NULL", at: row[timeIndex].location)
            }
            var tagPairs: [(key: String, value: String)] = []
            for tag in tags {
                if case .string(let v) = values[tag.index], !v.isEmpty { tagPairs.append((tag.column.name, v)) }
            }
            if let workspace = workspaceScope.workspace {
                if let tenant, case .string(let v) = values[tenant.index], !v.isEmpty, v != workspace {
                    throw QueryError(.permissionDenied, "row \(rowNumber + 1) has \(workspaceScope.tenantTag) \(SQLValue.string(v)), but the statement is scoped to workspace \(SQLValue.string(workspace))",
                                     at: row[tenant.index].location)
                }
                if !tagPairs.contains(where: { $0.key == workspaceScope.tenantTag }) { tagPairs.append((workspaceScope.tenantTag, workspace)) }
            }
            let key = SeriesKey.canonical(tagPairs)
            if groups[key] == nil { groups[key] = Group(tags: tagPairs); order.append(key) }
            groups[key]!.times.append(time)
            groups[key]!.values.append(fields.map { values[$0.index] })
        }
        let definitions = fields.map(\.column)
        let series = order.map { key -> SeriesRows in
            let group = groups[key]!
            let columns = definitions.enumerated().map { (k, definition) -> ColumnValues in
                Vector.build(group.values.map { $0[k] }, type: SQLType(definition.type)).values
            }
            return SeriesRows(tags: group.tags, timestamps: group.times, columns: columns)
        }
        do {
            let outcome = try await engine.write(WriteBatch(table: table.name, columns: definitions, series: series))
            if let refused = outcome.rejected.first { throw QueryError(.limitExceeded, refused.error.message) }
            return outcome.rowsWritten
        } catch let error as StorageError {
            throw QueryError(error.code == .limitExceeded ? .limitExceeded : .storage, error.message)
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError(.storage, "\(error)")
        }
    }
}
