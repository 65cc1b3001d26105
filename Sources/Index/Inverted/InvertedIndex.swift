// The inverted index: per table, (tag key, tag value) → the ids of the series carrying
// them. Series ids grow as series are registered, so each list is appended in order and
// stays sorted; lists are compressed into `Postings` when read.

/// How a tag is matched.
public enum TagMatcher: Sendable, Hashable {
    case equal(String)
    case notEqual(String)
    case `in`([String])
    case notIn([String])
    case prefix(String)
    /// The whole value matches the regular expression (bounded cost, see `BoundedRegex`).
    case regex(BoundedRegex)
    /// The whole value does not match the regular expression.
    case notRegex(BoundedRegex)

    func matches(_ value: String) -> Bool {
        switch self {
        case .equal(let v): value == v
        case .notEqual(let v): value != v
        case .in(let values): values.contains(value)
        case .notIn(let values): !values.contains(value)
        case .prefix(let p): value.hasPrefix(p)
        case .regex(let r): r.fullMatch(value)
        case .notRegex(let r): !r.fullMatch(value)
        }
    }
}

/// One predicate: a tag key and how its value must match. A series without the tag has
/// the empty value (so `!=` and `NOT IN` match it, as in Prometheus).
public struct TagPredicate: Sendable, Hashable {
    public var key: String
    public var matcher: TagMatcher

    public init(_ key: String, _ matcher: TagMatcher) {
        self.key = key
        self.matcher = matcher
    }
}

/// The inverted tag index of all tables.
public struct InvertedIndex: Sendable {
    /// table → tag key → tag value → sorted series ids.
    private var lists: [UInt32: [String: [String: [SeriesID]]]] = [:]
    /// table → every series id, sorted.
    private var all: [UInt32: [SeriesID]] = [:]

    public init() {}

    /// Adds a newly registered series (ids must be added in increasing order).
    public mutating func add(_ id: SeriesID, _ key: SeriesKey) {
        all[key.table, default: []].append(id)
        for tag in key.tags { lists[key.table, default: [:]][tag.key, default: [:]][tag.value, default: []].append(id) }
    }

    /// The series of `table` matching every predicate.
    public func select(table: UInt32, _ predicates: [TagPredicate]) -> Postings {
        let everything = all[table] ?? []
        guard !predicates.isEmpty else { return Postings(sorted: everything) }
        var sets: [Postings] = []
        for predicate in predicates {
            let values = lists[table]?[predicate.key] ?? [:]
            var matched: [Postings] = []
            for (value, ids) in values where predicate.matcher.matches(value) { matched.append(Postings(sorted: ids)) }
            var result = union(matched)
            if predicate.matcher.matches("") {
                // Series without the tag count as having the empty value.
                let withTag = union(values.values.map { Postings(sorted: $0) })
                result = union([result, difference(Postings(sorted: everything), withTag)])
            }
            sets.append(result)
        }
        return intersect(sets)
    }

    /// The tag keys of a table, sorted.
    public func tagKeys(table: UInt32) -> [String] { (lists[table]?.keys).map { Array($0).sorted() } ?? [] }

    /// The values of a tag, sorted, optionally only those starting with `prefix`, at most `limit`.
    public func tagValues(table: UInt32, key: String, prefix: String = "", limit: Int = .max) -> [String] {
        let values = (lists[table]?[key]?.keys).map { $0.filter { $0.hasPrefix(prefix) } } ?? []
        return Array(values.sorted().prefix(limit))
    }

    /// The number of series of a table.
    public func seriesCount(table: UInt32) -> Int { all[table]?.count ?? 0 }
}
