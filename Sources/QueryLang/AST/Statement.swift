// The statements of the dialect: one query form, table definition, metadata and
// data statements. Each case's payload is a struct carrying its own location.

/// One statement of the dialect.
public enum Statement: Hashable, Sendable {
    /// `[WITH …] SELECT …`.
    case query(Query)
    /// `CREATE TABLE …`.
    case createTable(CreateTable)
    /// `DROP TABLE …`.
    case dropTable(DropTable)
    /// `ALTER TABLE …`.
    case alterTable(AlterTable)
    /// `SHOW TABLES`.
    case showTables(ShowTables)
    /// `SHOW COLUMNS FROM t`, or its synonym `DESCRIBE t`.
    case showColumns(ShowColumns)
    /// `SHOW TAG VALUES FROM t WITH KEY = k`.
    case showTagValues(ShowTagValues)
    /// `INSERT INTO …`.
    case insert(Insert)
    /// `DELETE FROM …`.
    case delete(Delete)
    /// `EXPLAIN [ANALYZE] query`.
    case explain(Explain)

    /// Where the statement starts.
    public var location: SourceLocation {
        switch self {
        case .query(let s): s.location
        case .createTable(let s): s.location
        case .dropTable(let s): s.location
        case .alterTable(let s): s.location
        case .showTables(let s): s.location
        case .showColumns(let s): s.location
        case .showTagValues(let s): s.location
        case .insert(let s): s.location
        case .delete(let s): s.location
        case .explain(let s): s.location
        }
    }
}
