// The series registry: canonical series key (table id + tag pairs sorted by key) → dense
// `SeriesID`, and back.
//
// Ids are assigned when a write is admitted, under the engine's lock, before the batch is
// logged; the batch's WAL record carries the id of each of its series. Replaying the WAL
// therefore re-registers every key with exactly the id it had, whatever order concurrent
// writers were logged in, and a replica applying shipped records gets the same ids. Ids
// only grow (the next id is one past the largest ever seen), so no id is reused for
// another key. The registry is persisted by appending new registrations to the series
// log (`SeriesLog`) at each flush, before the manifest that makes segments carrying those
// ids live — so every id a segment holds is in the log.
//
// Not thread-safe by itself: the engine guards it with its lock (like the head).

/// The dense number of a series (unique across all tables of a database).
public typealias SeriesID = UInt32

/// The identity of a series in the registry: its table and canonical key.
public struct SeriesKey: Sendable, Hashable {
    public var table: UInt32
    /// The canonical key (``SeriesKey/canonical(_:)``).
    public var key: String

    public init(table: UInt32, key: String) {
        self.table = table
        self.key = key
    }

    /// The canonical key of a tag set: pairs sorted by key, each as
    /// `<key bytes>:<key><value bytes>:<value>;` (lengths in decimal).
    public static func canonical(_ tags: [(key: String, value: String)]) -> String {
        var key = ""
        for tag in tags.sorted(by: { $0.key < $1.key }) {
            key += "\(tag.key.utf8.count):\(tag.key)\(tag.value.utf8.count):\(tag.value);"
        }
        return key
    }

    /// Whether `key` is canonical (what `tags(ofCanonical:)` accepts), checked on its
    /// UTF-8 bytes without building strings (the series log checks every key at open).
    public static func isCanonical(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { canonicalPairs($0) != nil }
    }

    /// The tag pairs of a canonical key (sorted by key), or nil when it is malformed or not
    /// canonical (lengths with leading zeros, pairs out of order): a key that parses is
    /// `canonical` of its tags.
    public static func tags(ofCanonical key: String) -> [(key: String, value: String)]? {
        var key = key
        return key.withUTF8 { bytes in
            canonicalPairs(bytes)?.map { pair in
                (String(decoding: bytes[pair.key], as: UTF8.self), String(decoding: bytes[pair.value], as: UTF8.self))
            }
        }
    }

    /// The byte ranges of the keys and values of a canonical key, or nil when it is not
    /// one. `canonical` writes lengths without leading zeros ("01:a" is not canonical) and
    /// sorts the pairs by key with a stable sort (a key after a greater one is not).
    static func canonicalPairs(_ bytes: UnsafeBufferPointer<UInt8>) -> [(key: Range<Int>, value: Range<Int>)]? {
        var i = 0
        func field() -> Range<Int>? {
            var length = 0
            var digits = 0
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, digits < 10 {
                length = length * 10 + Int(bytes[i] - 0x30)
                i += 1
                digits += 1
            }
            guard digits > 0, digits == 1 || bytes[start] != 0x30, i < bytes.count, bytes[i] == UInt8(ascii: ":"),
                  bytes.count - i - 1 >= length else { return nil }
            let range = (i + 1)..<(i + 1 + length)
            i += 1 + length
            return range
        }
        // Keys compare as Strings do; for ASCII (the usual case) that is byte order.
        func ascii(_ r: Range<Int>) -> Bool { !bytes[r].contains { $0 >= 0x80 } }
        var pairs: [(key: Range<Int>, value: Range<Int>)] = []
        while i < bytes.count {
            guard let k = field(), let v = field(), i < bytes.count, bytes[i] == UInt8(ascii: ";") else { return nil }
            if let p = pairs.last?.key {
                let descending = ascii(p) && ascii(k)
                    ? bytes[k].lexicographicallyPrecedes(bytes[p])
                    : String(decoding: bytes[k], as: UTF8.self) < String(decoding: bytes[p], as: UTF8.self)
                if descending { return nil }
            }
            pairs.append((k, v))
            i += 1
        }
        return pairs
    }
}

/// One registration: a series id with its table and canonical key.
public struct SeriesRegistration: Sendable, Hashable {
    public var id: SeriesID
    public var table: UInt32
    public var key: String

    public init(id: SeriesID, table: UInt32, key: String) {
        self.id = id
        self.table = table
        self.key = key
    }

    /// The series' tags, sorted by key.
    public var tags: [(key: String, value: String)] { SeriesKey.tags(ofCanonical: key) ?? [] }
}

/// Canonical series keys ↔ dense ids, with per-table counts.
public struct SeriesRegistry: Sendable {
    private var ids: [SeriesKey: SeriesID] = [:]
    /// Indexed by id: the table (`UInt32.max` for an id never registered) and key.
    private var tables: [UInt32] = []
    private var keys: [String] = []
    private var perTable: [UInt32: Int] = [:]
    /// Ids in the order they were registered (the series log's order).
    public private(set) var order: [SeriesID] = []
    /// How many of `order` the series log holds.
    public var persistedCount = 0

    public init() {}

    /// A registry of `registrations` (as read from the series log at `path`).
    /// - Throws: `.corrupt` naming the log when two registrations conflict.
    init(_ registrations: [SeriesRegistration], log path: String) throws(StorageError) {
        reserveCapacity(registrations.count)
        for registration in registrations {
            do throws(StorageError) {
                try register(registration.id, SeriesKey(table: registration.table, key: registration.key))
            } catch {
                throw StorageError(.corrupt, error.message, file: path, offset: nil)
            }
        }
    }

    /// The number of series.
    public var count: Int { order.count }
    /// The id the next new series gets.
    public var nextID: SeriesID { SeriesID(tables.count) }

    /// The number of series of a table.
    public func count(table: UInt32) -> Int { perTable[table] ?? 0 }

    /// The id of a series, if registered.
    public func id(of key: SeriesKey) -> SeriesID? { ids[key] }

    /// The table and canonical key of `id`, if registered.
    public func key(of id: SeriesID) -> SeriesKey? {
        let i = Int(id)
        guard i < tables.count, tables[i] != .max else { return nil }
        return SeriesKey(table: tables[i], key: keys[i])
    }

    /// The registration of `id`, if any.
    public func registration(_ id: SeriesID) -> SeriesRegistration? {
        key(of: id).map { SeriesRegistration(id: id, table: $0.table, key: $0.key) }
    }

    /// Registers a new series with the next id (the caller checked it is new).
    public mutating func assign(_ key: SeriesKey) -> SeriesID {
        let id = nextID
        insert(id, key)
        return id
    }

    /// Registers `key` with `id` as read from the series log or a WAL record. Registering
    /// the same pair again is a no-op.
    /// - Throws: `.corrupt` when the id is taken by another key or the key has another id.
    public mutating func register(_ id: SeriesID, _ key: SeriesKey) throws(StorageError) {
        guard id != .max else { throw StorageError(.corrupt, "series id \(id) is out of range") }
        if let other = self.key(of: id) {
            guard other == key else {
                throw StorageError(.corrupt, "series id \(id) is registered for \(other.key) and for \(key.key)")
            }
            return
        }
        // One hash of the key: insert, and undo if the key already had another id.
        if let existing = ids.updateValue(id, forKey: key) {
            ids[key] = existing
            throw StorageError(.corrupt, "series \(key.key) of table \(key.table) is registered as id \(existing) and as id \(id)")
        }
        insert(id, key, hashed: true)
    }

    /// Makes room for `count` more series (the series log's record count at open).
    public mutating func reserveCapacity(_ count: Int) {
        ids.reserveCapacity(ids.count + count)
        order.reserveCapacity(order.count + count)
        tables.reserveCapacity(tables.count + count)
        keys.reserveCapacity(keys.count + count)
    }

    private mutating func insert(_ id: SeriesID, _ key: SeriesKey, hashed: Bool = false) {
        let i = Int(id)
        if i >= tables.count {
            tables.append(contentsOf: repeatElement(UInt32.max, count: i + 1 - tables.count))
            keys.append(contentsOf: repeatElement("", count: i + 1 - keys.count))
        }
        tables[i] = key.table
        keys[i] = key.key
        if !hashed { ids[key] = id }
        perTable[key.table, default: 0] += 1
        order.append(id)
    }

    /// Registrations in registration order from position `start` of `order`.
    public func registrations(from start: Int) -> [SeriesRegistration] {
        order[min(start, order.count)...].map { SeriesRegistration(id: $0, table: tables[Int($0)], key: keys[Int($0)]) }
    }

    /// A rough count of the bytes the registry holds in memory.
    public var approximateBytes: Int {
        // Key bytes twice at most (shared strings are counted once), hash table slots,
        // the id-indexed arrays and the order.
        var bytes = 0
        for key in keys where key.utf8.count > 15 { bytes += key.utf8.count + 32 }
        return bytes + ids.capacity * (MemoryLayout<SeriesKey>.stride + 4 + 1)
            + tables.capacity * 4 + keys.capacity * 16 + order.capacity * 4
    }
}
