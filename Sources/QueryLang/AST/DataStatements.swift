// INSERT, DELETE and EXPLAIN.

/// `INSERT INTO table [(column, …)] VALUES (expr, …), …`.
public struct Insert: Hashable, Sendable {
    /// The table.
    public var table: Identifier
    /// The columns named, in order; empty when the list is left out (all columns).
    public var columns: [Identifier]
    /// The rows; not empty, and no row is empty. Row lengths are the binder's to check.
    public var rows: [[Expr]]
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates the statement.
    public init(_ table: Identifier, columns: [Identifier] = [], rows: [[Expr]],
                at location: SourceLocation = .unknown) {
        self.table = table
        self.columns = columns
        self.rows = rows
        self.location = location
    }
}

/// `DELETE FROM table [WHERE condition]`.
public struct Delete: Hashable, Sendable {
    /// The table.
    public var table: Identifier
    /// Which rows; nil deletes every row.
    public var `where`: Expr?
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates the statement.
    public init(_ table: Identifier, where: Expr? = nil, at location: SourceLocation = .unknown) {
        self.table = table
        self.where = `where`
        self.location = location
    }
}

/// `EXPLAIN [ANALYZE] query`: the plan instead of the rows; with `ANALYZE`, the
/// query is run and each operator's rows and time are reported.
public struct Explain: Hashable, Sendable {
    /// Whether to run the query and report what happened.
    public var analyze: Bool
    /// The query.
    public var query: Query
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates the statement.
    public init(analyze: Bool = false, _ query: Query, at location: SourceLocation = .unknown) {
        self.analyze = analyze
        self.query = query
        self.location = location
    }
}
