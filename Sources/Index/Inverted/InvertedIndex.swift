// The inverted index: per table, (tag key, tag value) → the compressed postings of the
// series carrying them. Series ids grow as series are registered, so each list is
// appended at its end (sealed compressed blocks plus a short tail, see `Postings`).
//
// Semantics of a missing tag: a series without tag `k` has the empty value for it (values
// are never empty), as in Prometheus. So `k != "x"` and `k NOT IN (…)` match series
// without `k`, and `k != ""` selects the series that have `k`.
//
// Negative matchers are answered as complements (all series minus the positive answer),
// so `host != 'a'` over a million hosts costs one list, not a million.
import SundialStorage

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

    /// Whether a value (the empty string for a series without the tag) matches.
    public func matches(_ value: String) -> Bool {
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

    /// The positive matcher whose complement this one is (nil for a positive matcher).
    var negated: TagMatcher? {
        switch self {
        case .notEqual(let v): .equal(v)
        case .notIn(let values): .in(values)
        case .notRegex(let r): .regex(r)
        default: nil
        }
    }
}

/// One predicate: a tag key and how its value must match.
public struct TagPredicate: Sendable, Hashable {
    public var key: String
    public var matcher: TagMatcher

    public init(_ key: String, _ matcher: TagMatcher) {
        self.key = key
        self.matcher = matcher
    }

    /// Whether a series with these tags (sorted or not) satisfies the predicate.
    public func matches(_ tags: [(key: String, value: String)]) -> Bool {
        matcher.matches(tags.first { $0.key == key }?.value ?? "")
    }
}

/// The inverted tag index of all tables. Not thread-safe by itself (`TagIndex` guards it).
public struct InvertedIndex: Sendable {
    /// One tag key of one table: its values' postings and the values in sorted order.
    struct Key: Sendable {
        var values: [String: Postings] = [:]
        /// Every series that has the key.
        var withKey = Postings()
        /// The values, sorted; values added since the last sort wait in `unsorted`.
        var sorted: [String] = []
        var unsorted: [String] = []

        mutating func add(_ id: SeriesID, value: String) {
            withKey.insert(id)
            if let i = values.index(forKey: value) {
                values.values[i].insert(id)
            } else {
                var list = Postings()
                list.insert(id)
                values[value] = list
                unsorted.append(value)
            }
        }

        mutating func sortValues() {
            guard !unsorted.isEmpty else { return }
            let added = unsorted.sorted()
            unsorted.removeAll()
            if sorted.isEmpty { sorted = added; return }
            var merged: [String] = []
            merged.reserveCapacity(sorted.count + added.count)
            var i = 0
            var j = 0
            while i < sorted.count || j < added.count {
                if j == added.count || (i < sorted.count && sorted[i] < added[j]) {
                    merged.append(sorted[i]); i += 1
                } else {
                    merged.append(added[j]); j += 1
                }
            }
            sorted = merged
        }

        /// The index in `sorted` of the first value ≥ `prefix`.
        func lowerBound(_ prefix: String) -> Int { sorted.sortedLowerBound(prefix) }
    }

    struct Table: Sendable {
        var keys: [String: Key] = [:]
        var all = Postings()

        /// One hash per level, every buffer mutated in place.
        mutating func add(_ id: SeriesID, _ tags: [(key: String, value: String)]) {
            all.insert(id)
            for tag in tags { keys[tag.key, default: Key()].add(id, value: tag.value) }
        }
    }

    private var tables: [UInt32: Table] = [:]

    public init() {}

    /// Adds a series. Adding in increasing id order appends; any order is accepted.
    public mutating func add(_ id: SeriesID, table: UInt32, tags: [(key: String, value: String)]) {
        tables[table, default: Table()].add(id, tags)
    }

    /// Sorts values added since the last call (listing and prefix matching need them
    /// sorted; `TagIndex` calls this after adding).
    public mutating func sortNewValues() {
        for table in tables.keys {
            for key in tables[table]!.keys.keys where !tables[table]!.keys[key]!.unsorted.isEmpty {
                tables[table]!.keys[key]!.sortValues()
            }
        }
    }

    /// The series of `table` matching every predicate (all its series when there is none).
    public func select(table: UInt32, _ predicates: [TagPredicate]) -> Postings {
        guard let entry = tables[table] else { return .empty }
        guard !predicates.isEmpty else { return entry.all }
        // Positive predicates are intersected; negative ones are subtracted from that (as
        // Prometheus' `Without` does) instead of each becoming a huge complement first.
        var positives: [Postings] = []
        var negatives: [Postings] = []
        for predicate in predicates {
            let key = entry.keys[predicate.key]
            if let positive = predicate.matcher.negated {
                negatives.append(matching(positive, key, all: entry.all))
            } else {
                let result = matching(predicate.matcher, key, all: entry.all)
                if result.count == 0 { return .empty }
                positives.append(result)
            }
        }
        let base = positives.isEmpty ? entry.all : intersect(positives)
        return negatives.isEmpty ? base : difference(base, union(negatives))
    }

    /// Series whose value of the key matches a positive matcher (series without the key
    /// included when the matcher accepts the empty value).
    private func matching(_ matcher: TagMatcher, _ key: Key?, all: Postings) -> Postings {
        var lists: [Postings] = []
        if let key {
            switch matcher {
            case .equal(let v):
                if let list = key.values[v] { lists.append(list) }
            case .in(let values):
                for v in Set(values) { if let list = key.values[v] { lists.append(list) } }
            case .prefix(let p):
                var i = key.lowerBound(p)
                while i < key.sorted.count, key.sorted[i].hasPrefix(p) {
                    lists.append(key.values[key.sorted[i]]!)
                    i += 1
                }
                for v in key.unsorted where v.hasPrefix(p) { lists.append(key.values[v]!) }
            case .regex(let regex):
                // Only values with the pattern's literal prefix can match.
                let prefix = regex.literalPrefix
                var i = key.lowerBound(prefix)
                while i < key.sorted.count, key.sorted[i].hasPrefix(prefix) {
                    if regex.fullMatch(key.sorted[i]) { lists.append(key.values[key.sorted[i]]!) }
                    i += 1
                }
                for v in key.unsorted where v.hasPrefix(prefix) && regex.fullMatch(v) { lists.append(key.values[v]!) }
            default:
                for (value, list) in key.values where matcher.matches(value) { lists.append(list) }
            }
        }
        if matcher.matches("") {
            lists.append(key.map { difference(all, $0.withKey) } ?? all)
        }
        return union(lists)
    }

    /// The tag keys of a table, sorted.
    public func tagKeys(table: UInt32) -> [String] { (tables[table]?.keys.keys).map { Array($0).sorted() } ?? [] }

    /// The values of a tag, sorted, optionally only those starting with `prefix`, at most
    /// `limit` (binary search in the sorted values: O(log n + limit)).
    public func tagValues(table: UInt32, key: String, prefix: String = "", limit: Int = .max) -> [String] {
        guard let entry = tables[table]?.keys[key] else { return [] }
        var out: [String] = []
        var i = entry.lowerBound(prefix)
        while i < entry.sorted.count, out.count < limit, entry.sorted[i].hasPrefix(prefix) {
            out.append(entry.sorted[i])
            i += 1
        }
        if !entry.unsorted.isEmpty {
            // Values not yet sorted in (only between `add` and `sortNewValues`).
            out = Array((out + entry.unsorted.filter { $0.hasPrefix(prefix) }).sorted().prefix(limit))
        }
        return out
    }

    /// The values of a tag carried by at least one series of `series` (a `select` answer),
    /// sorted: each value's postings are intersected with `series`, so a value only other
    /// series carry is not listed.
    public func tagValues(table: UInt32, key: String, among series: Postings) -> [String] {
        guard let entry = tables[table]?.keys[key], series.count > 0 else { return [] }
        var out: [String] = []
        for value in entry.sorted + entry.unsorted.sorted() {
            guard let list = entry.values[value] else { continue }
            if intersect([list, series]).count > 0 { out.append(value) }
        }
        return entry.unsorted.isEmpty ? out : out.sorted()
    }

    /// The number of distinct values of a tag.
    public func valueCount(table: UInt32, key: String) -> Int { tables[table]?.keys[key]?.values.count ?? 0 }

    /// The number of series of a table.
    public func seriesCount(table: UInt32) -> Int { tables[table]?.all.count ?? 0 }

    /// The number of series of all tables.
    public var seriesCount: Int { tables.values.reduce(0) { $0 + $1.all.count } }

    /// A rough count of the bytes the index holds in memory: postings, value strings and
    /// hash-table slots.
    public var approximateBytes: Int {
        var bytes = 0
        for table in tables.values {
            bytes += table.all.byteCount
            for key in table.keys.values {
                bytes += key.withKey.byteCount + key.values.capacity * (16 + MemoryLayout<Postings>.stride + 1)
                bytes += (key.sorted.capacity + key.unsorted.capacity) * 16
                for (value, list) in key.values {
                    bytes += list.byteCount + (value.utf8.count > 15 ? value.utf8.count + 32 : 0)
                    bytes += list.heapArrays * 32
                }
            }
        }
        return bytes
    }
}
