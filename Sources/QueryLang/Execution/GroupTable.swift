// The groups of one hash aggregation: each group's key values, the map from key values
// to group numbers, and the aggregate states (one slot per group). A parallel
// aggregation fills one table per task and merges them in task order, which keeps the
// serial table's group numbering (groups in the order the serial scan first meets them).
import SundialStorage

final class GroupTable {
    let keyCount: Int
    let states: [AggregateState]
    /// Each group's key values, by group number.
    private(set) var keys: [[SQLValue]] = []
    private var index: [[SQLValue]: Int] = [:]
    private var single: [SQLValue: Int] = [:]
    /// The estimated bytes of the keys and their hash table entries.
    private(set) var keyBytes = 0

    init(keyCount: Int, aggregates: [BoundAggregate]) {
        self.keyCount = keyCount
        self.states = aggregates.map { $0.makeState() }
    }

    var count: Int { keys.count }

    /// The estimated bytes of the keys and the states (read once per batch).
    var memoryBytes: Int {
        var bytes = keyBytes
        for state in states { bytes += state.memoryBytes }
        return bytes
    }

    /// The group of a single-key row, added when new.
    @inline(__always)
    func group(single value: SQLValue) -> Int {
        if let g = single[value] { return g }
        keyBytes += 2 * MemoryEstimate.of(value) + MemoryEstimate.arrayHeader + MemoryEstimate.hashEntry
        single[value] = keys.count
        keys.append([value])
        return keys.count - 1
    }

    /// The group of a row's key values, added when new.
    @inline(__always)
    func group(_ key: [SQLValue]) -> Int {
        if keyCount == 1 { return group(single: key[0]) }
        if keyCount == 0 {
            if keys.isEmpty { keys.append([]) }
            return 0
        }
        if let g = index[key] { return g }
        keyBytes += MemoryEstimate.of(key) + MemoryEstimate.hashEntry
        index[key] = keys.count
        keys.append(key)
        return keys.count - 1
    }

    /// Folds `other`'s groups into this table: its groups join the equal groups here or
    /// are added after them, in its order; the states merge slot by slot. Merging the
    /// tables of consecutive runs of the serial input in run order gives the serial table.
    func merge(_ other: GroupTable) throws(QueryError) {
        let map = other.keys.map { group($0) }
        for (state, part) in zip(states, other.states) { try state.merge(part, map, groupCount: count) }
    }
}
