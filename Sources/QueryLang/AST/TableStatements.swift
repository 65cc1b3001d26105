// CREATE TABLE, DROP TABLE, ALTER TABLE and the column declarations they share.

/// A column in `CREATE TABLE` or `ALTER TABLE … ADD COLUMN`: `name type`.
public struct ColumnDeclaration: Hashable, Sendable {
    /// The column's name.
    public var name: Identifier
    /// Its type.
    public var type: DataType
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates a declaration.
    public init(_ name: Identifier, _ type: DataType, at location: SourceLocation = .unknown) {
        self.name = name
        self.type = type
        self.location = location
    }
}

/// The length of a table's time partitions: `PARTITION BY DAY`.
public enum PartitionInterval: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case hour = "HOUR", day = "DAY", week = "WEEK", month = "MONTH"

    /// The keyword.
    public var description: String { rawValue }
}

/// ```sql
/// CREATE TABLE [IF NOT EXISTS] name (column type, …)
///     [PARTITION BY HOUR | DAY | WEEK | MONTH] [RETENTION duration]
/// ```
public struct CreateTable: Hashable, Sendable {
    /// The table's name.
    public var name: Identifier
    /// Whether an existing table of that name is not an error.
    public var ifNotExists: Bool
    /// The columns, in order; not empty.
    public var columns: [ColumnDeclaration]
    /// The partition length, if given.
    public var partitionBy: PartitionInterval?
    /// How long rows are kept, if limited.
    public var retention: DurationLiteral?
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates the statement.
    public init(_ name: Identifier, ifNotExists: Bool = false, columns: [ColumnDeclaration],
                partitionBy: PartitionInterval? = nil, retention: DurationLiteral? = nil,
                at location: SourceLocation = .unknown) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.partitionBy = partitionBy
        self.retention = retention
        self.location = location
    }
}

/// `DROP TABLE [IF EXISTS] name`.
public struct DropTable: Hashable, Sendable {
    /// The table's name.
    public var name: Identifier
    /// Whether a missing table is not an error.
    public var ifExists: Bool
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates the statement.
    public init(_ name: Identifier, ifExists: Bool = false, at location: SourceLocation = .unknown) {
        self.name = name
        self.ifExists = ifExists
        self.location = location
    }
}

/// `ALTER TABLE name ADD [COLUMN] column type` or
/// `ALTER TABLE name SET RETENTION duration | NONE`.
public struct AlterTable: Hashable, Sendable {
    /// The change.
    public enum Action: Hashable, Sendable {
        /// `ADD COLUMN name type`.
        case addColumn(ColumnDeclaration)
        /// `SET RETENTION 30d`, or `SET RETENTION NONE` (nil: keep rows forever).
        case setRetention(DurationLiteral?)
    }

    /// The table's name.
    public var name: Identifier
    /// The change.
    public var action: Action
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates the statement.
    public init(_ name: Identifier, _ action: Action, at location: SourceLocation = .unknown) {
        self.name = name
        self.action = action
        self.location = location
    }
}
