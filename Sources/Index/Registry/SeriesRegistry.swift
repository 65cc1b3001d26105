// The series registry: canonical series key (table id + tag pairs sorted by key) → dense
// SeriesID. Ids are assigned in the order series first appear in the write path, which
// applies batches in WAL order, so replaying the WAL after a crash assigns the same ids;
// ids only grow, so no id is ever reused for another key.
//
// Not thread-safe by itself: the engine guards it with its lock (like the head).

/// The identity of a series: its table and its tag set.
public struct SeriesKey: Sendable, Hashable, CustomStringConvertible {
    public let table: UInt32
    /// Tag pairs sorted by key, keys unique.
    public let tags: [Tag]

    public struct Tag: Sendable, Hashable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public init(table: UInt32, tags: [(key: String, value: String)]) {
        self.table = table
        self.tags = tags.sorted { $0.key < $1.key }.map { Tag(key: $0.key, value: $0.value) }
    }

    public var description: String {
        "\(table):" + tags.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}

/// Maps series keys to dense ids and back.
public struct SeriesRegistry: Sendable {
    private var ids: [SeriesKey: SeriesID] = [:]
    private var keys: [SeriesKey] = []

    public init() {}

    /// The number of series.
    public var count: Int { keys.count }

    /// The id of `key`, if registered.
    public func id(of key: SeriesKey) -> SeriesID? { ids[key] }

    /// The key of `id`, if any.
    public func key(of id: SeriesID) -> SeriesKey? { Int(id) < keys.count ? keys[Int(id)] : nil }

    /// The id of `key`, registering it with the next id when new.
    /// - Returns: the id and whether it was created now.
    public mutating func register(_ key: SeriesKey) -> (id: SeriesID, created: Bool) {
        if let id = ids[key] { return (id, false) }
        let id = SeriesID(keys.count)
        ids[key] = id
        keys.append(key)
        return (id, true)
    }

    /// Every key in id order (for persistence).
    public var allKeys: [SeriesKey] { keys }
}
