// SHOW TABLES, SHOW COLUMNS (and DESCRIBE), SHOW TAG VALUES.

/// `SHOW TABLES`.
public struct ShowTables: Hashable, Sendable {
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates the statement.
    public init(at location: SourceLocation = .unknown) {
        self.location = location
    }
}

/// `SHOW COLUMNS FROM table`, also written `DESCRIBE table`.
public struct ShowColumns: Hashable, Sendable {
    /// The table.
    public var table: Identifier
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates the statement.
    public init(_ table: Identifier, at location: SourceLocation = .unknown) {
        self.table = table
        self.location = location
    }
}

/// `SHOW TAG VALUES FROM table WITH KEY = key`: the distinct values of a tag.
public struct ShowTagValues: Hashable, Sendable {
    /// The table.
    public var table: Identifier
    /// The tag column.
    public var key: Identifier
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates the statement.
    public init(_ table: Identifier, key: Identifier, at location: SourceLocation = .unknown) {
        self.table = table
        self.key = key
        self.location = location
    }
}
