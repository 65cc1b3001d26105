// Printing statements back to SQL. DESCRIBE prints as SHOW COLUMNS FROM, its synonym.

extension Statement: CustomStringConvertible {
    /// The statement as SQL in this dialect (without a trailing semicolon); parsing it
    /// gives back an equal `Statement`.
    public var description: String {
        switch self {
        case .query(let query):
            return query.description
        case .createTable(let create):
            var out = "CREATE TABLE " + (create.ifNotExists ? "IF NOT EXISTS " : "") + "\(create.name) ("
            out += create.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + ")"
            if let partition = create.partitionBy { out += " PARTITION BY \(partition)" }
            if let retention = create.retention { out += " RETENTION \(retention)" }
            return out
        case .dropTable(let drop):
            return "DROP TABLE " + (drop.ifExists ? "IF EXISTS " : "") + drop.name.description
        case .alterTable(let alter):
            switch alter.action {
            case .addColumn(let column):
                return "ALTER TABLE \(alter.name) ADD COLUMN \(column.name) \(column.type)"
            case .setRetention(let retention):
                return "ALTER TABLE \(alter.name) SET RETENTION " + (retention?.description ?? "NONE")
            }
        case .showTables:
            return "SHOW TABLES"
        case .showColumns(let show):
            return "SHOW COLUMNS FROM \(show.table)"
        case .showTagValues(let show):
            return "SHOW TAG VALUES FROM \(show.table) WITH KEY = \(show.key)"
        case .insert(let insert):
            var out = "INSERT INTO \(insert.table)"
            if !insert.columns.isEmpty {
                out += " (" + insert.columns.map(\.description).joined(separator: ", ") + ")"
            }
            out += " VALUES "
            for (i, row) in insert.rows.enumerated() {
                out += i > 0 ? ", (" : "("
                Expr.writeList(row, to: &out)
                out += ")"
            }
            return out
        case .delete(let delete):
            var out = "DELETE FROM \(delete.table)"
            if let condition = delete.where {
                out += " WHERE "
                condition.write(to: &out)
            }
            return out
        case .explain(let explain):
            return "EXPLAIN " + (explain.analyze ? "ANALYZE " : "") + explain.query.description
        }
    }
}
