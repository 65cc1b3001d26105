// Per-query memory accounting. The operators that buffer (hash aggregation and its
// aggregate states, the sort buffer, DISTINCT sets, DISTINCT ON / LATEST ON groups, gap
// filling) report what they hold; the query fails with `limitExceeded`, naming the
// operator, once the total would pass `QueryLimits.maxMemoryBytes`.
//
// The figures are estimates from sizes and counts (8 bytes a number, a `SQLValue`'s
// stride, string payloads past the 15 bytes Swift stores inline, a per-entry cost for
// hash tables), taken per batch or per new group, never per row: accounting adds no
// allocation to the hot loops. One `QueryMemory` is shared by a query and its derived
// tables and by the tasks of a parallel aggregation, so it is behind a lock (taken once
// per batch).
import SundialStorage
import Synchronization

/// The memory a running query holds, against its limit.
final class QueryMemory: Sendable {
    /// The limit in bytes.
    let limit: Int
    private let state = Mutex<(used: Int, peak: Int)>((0, 0))

    init(limit: Int) { self.limit = limit }

    /// Bytes held now.
    var used: Int { state.withLock { $0.used } }
    /// The most bytes held at once.
    var peak: Int { state.withLock { $0.peak } }

    /// Accounts `bytes` more held by `operator`.
    /// - Throws: `limitExceeded` naming the operator and the limit, when the query would
    ///   hold more than the limit (nothing is accounted then).
    func grow(_ bytes: Int, by operator: String) throws(QueryError) {
        guard bytes > 0 else { shrink(-bytes); return }
        let limit = self.limit
        let fits = state.withLock { s in
            guard s.used + bytes <= limit else { return false }
            s.used += bytes
            s.peak = max(s.peak, s.used)
            return true
        }
        guard fits else {
            throw QueryError(.limitExceeded, "\(`operator`) needs more than the query memory limit of \(Self.format(limit)) (QueryLimits.maxMemoryBytes)")
        }
    }

    /// Gives back `bytes` an operator held.
    func shrink(_ bytes: Int) { state.withLock { $0.used -= bytes } }

    /// `1 GiB`, `64 MiB`, `512 KiB`, `100 bytes`.
    static func format(_ bytes: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= size {
            let value = Double(bytes) / Double(size)
            return value == value.rounded() ? "\(Int(value)) \(unit)" : "\((value * 10).rounded() / 10) \(unit)"
        }
        return "\(bytes) bytes"
    }
}

/// One operator's share of its query's memory.
struct MemoryReservation {
    let memory: QueryMemory
    /// The operator, as errors name it ("hash aggregation", "sort", …).
    let name: String
    private(set) var bytes = 0

    init(_ memory: QueryMemory, _ name: String) {
        self.memory = memory
        self.name = name
    }

    /// Holds `delta` bytes more.
    mutating func add(_ delta: Int) throws(QueryError) {
        try memory.grow(delta, by: name)
        bytes += delta
    }

    /// Holds `total` bytes (more or fewer than before).
    mutating func resize(to total: Int) throws(QueryError) { try add(total - bytes) }

    /// Gives everything back.
    mutating func release() {
        memory.shrink(bytes)
        bytes = 0
    }
}

/// Size estimates of the executor's values.
enum MemoryEstimate {
    static let value = MemoryLayout<SQLValue>.stride
    /// An array's header and a hash table entry's share of its table.
    static let arrayHeader = 32
    static let hashEntry = 24

    /// A value held in a `SQLValue` (strings past the inline size count their bytes).
    @inline(__always)
    static func of(_ v: SQLValue) -> Int {
        if case .string(let s) = v, s.utf8.count > 15 { return value + s.utf8.count }
        return value
    }

    /// A row of values held as an array.
    static func of(_ row: [SQLValue]) -> Int {
        var bytes = arrayHeader
        for v in row { bytes += of(v) }
        return bytes
    }

    /// A batch's column storage.
    static func of(_ batch: Batch) -> Int {
        var bytes = 0
        for column in batch.columns { bytes += of(column.values) }
        return bytes
    }

    static func of(_ values: ColumnValues) -> Int {
        switch values {
        case .double(let v, let valid): return v.count * 8 + (valid?.count ?? 0)
        case .bigint(let v, let valid): return v.count * 8 + (valid?.count ?? 0)
        case .boolean(let v, let valid): return v.count + (valid?.count ?? 0)
        case .string(let v, let valid):
            var bytes = v.count * 16 + (valid?.count ?? 0)
            for s in v where s.utf8.count > 15 { bytes += s.utf8.count }
            return bytes
        }
    }
}
