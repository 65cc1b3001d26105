// Tables: their columns and options. Tables get a numeric id that names their directory
// on disk, so a table name never becomes a path (no traversal through names).

/// Per-table storage options.
public struct TableOptions: Sendable, Hashable {
    /// One day in nanoseconds.
    public static let day: Int64 = 86_400_000_000_000

    /// The width of a time partition in nanoseconds (default one day).
    public var partitionDuration: Int64
    /// Partitions entirely older than now − retention are dropped; nil keeps everything.
    public var retention: Int64?

    public init(partitionDuration: Int64 = TableOptions.day, retention: Int64? = nil) {
        precondition(partitionDuration > 0, "a partition must have a positive width")
        self.partitionDuration = partitionDuration
        self.retention = retention
    }

    /// The start of the partition that holds `time`.
    public func partitionStart(of time: Int64) -> Int64 {
        let remainder = time % partitionDuration
        return remainder >= 0 ? time - remainder : time - remainder - partitionDuration
    }
}

/// A table: its id, name, options and columns (`time` first, then tags and fields in
/// the order they were added).
public struct TableSchema: Sendable, Hashable {
    public var id: UInt32
    public var name: String
    public var options: TableOptions
    public var columns: [ColumnDefinition]

    public init(id: UInt32, name: String, options: TableOptions = TableOptions(), columns: [ColumnDefinition]) {
        self.id = id
        self.name = name
        self.options = options
        self.columns = columns
    }

    /// The tag column names, in order.
    public var tags: [String] { columns.filter { $0.type == .tag }.map(\.name) }
    /// The field columns, in order.
    public var fields: [ColumnDefinition] { columns.filter { $0.type != .tag && $0.type != .timestamp } }

    /// The column called `name`, if any.
    public func column(named name: String) -> ColumnDefinition? { columns.first { $0.name == name } }

    /// Checks a table or column name: 1...256 bytes of UTF-8 without control characters.
    public static func validateName(_ name: String, what: String) throws(StorageError) {
        guard !name.isEmpty, name.utf8.count <= 256 else {
            throw StorageError(.invalidArgument, "\(what) name must be 1 to 256 bytes long")
        }
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw StorageError(.invalidArgument, "\(what) name \"\(name.debugDescription)\" contains a control character")
        }
    }
}
