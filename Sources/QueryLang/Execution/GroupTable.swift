// The groups of one hash aggregation: each group's key values, the map from key values
// to group numbers, and the aggregate states (one slot per group). A parallel
// aggregation fills one table per task and merges them in task order, which keeps the
// serial table's group numbering (groups in the order the serial scan first meets them).
//
// Groups are looked up once per run of rows (see `GroupRuns`). When every key but one
// time bucket is constant over a batch (tags), the batch's constant values pick a
// `BucketSlots` once, and each run's bucket is an array index into it: no hashing per run.
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
    /// Direct slots per combination of the constant keys (the bucket key NULL).
    private var bucketSlots: [[SQLValue]: BucketSlots] = [:]

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

    /// Sets the group of every run of a batch from its key vectors (adding new groups).
    func assign(_ runs: GroupRuns, _ keys: [Vector], _ layout: GroupingLayout) {
        guard runs.count > 0 else { return }
        if keyCount == 0 {
            let g = group([])
            for r in 0..<runs.count { runs.groups[r] = g }
            return
        }
        var key = [SQLValue](repeating: .null, count: keyCount)
        if let bucket = layout.bucket, case .bigint(let times, let valid) = keys[bucket.key].values {
            for k in 0..<keyCount where k != bucket.key { key[k] = keys[k].value(at: 0) }
            let slots: BucketSlots
            if let known = bucketSlots[key] { slots = known } else {
                slots = BucketSlots(width: bucket.width)
                bucketSlots[key] = slots
                keyBytes += MemoryEstimate.of(key) + MemoryEstimate.hashEntry + MemoryEstimate.arrayHeader
            }
            for r in 0..<runs.count {
                let i = runs.starts[r]
                if valid?[i] != false, let g = slots.group(at: times[i]) {
                    runs.groups[r] = g
                    continue
                }
                key[bucket.key] = keys[bucket.key].value(at: i)
                let g = group(key)
                if valid?[i] != false { keyBytes += slots.remember(g, at: times[i]) }
                runs.groups[r] = g
            }
            return
        }
        for r in 0..<runs.count {
            let i = runs.starts[r]
            if keyCount == 1 {
                runs.groups[r] = group(single: keys[0].value(at: i))
                continue
            }
            for k in 0..<keyCount { key[k] = keys[k].value(at: i) }
            runs.groups[r] = group(key)
        }
    }

    /// Folds `other`'s groups into this table: its groups join the equal groups here or
    /// are added after them, in its order; the states merge slot by slot. Merging the
    /// tables of consecutive runs of the serial input in run order gives the serial table.
    func merge(_ other: GroupTable) throws(QueryError) {
        let map = other.keys.map { group($0) }
        for (state, part) in zip(states, other.states) { try state.merge(part, map, groupCount: count) }
    }
}


/// The groups of one combination of constant keys by time bucket: slot k holds the group
/// of the bucket starting at `base + k·width` (-1: not looked up yet). The slots grow
/// either way as buckets come, while they stay dense (at most 16 slots per group known,
/// plus 1,024); past that, lookups fall back to the hash table.
final class BucketSlots {
    let width: Int64
    private var base: Int64 = 0
    private var slots: [Int32] = []
    private var filled = 0

    init(width: Int64) { self.width = width }

    /// The group of the bucket starting at `t`, when known here.
    @inline(__always)
    func group(at t: Int64) -> Int? {
        let (offset, overflow) = t.subtractingReportingOverflow(base)
        guard !overflow, offset >= 0 else { return nil }
        let (index, rest) = offset.quotientAndRemainder(dividingBy: width)
        guard rest == 0, index < Int64(slots.count) else { return nil }
        let g = slots[Int(index)]
        return g >= 0 ? Int(g) : nil
    }

    /// Remembers group `g` for the bucket starting at `t`; returns the bytes added.
    func remember(_ g: Int, at t: Int64) -> Int {
        guard g <= Int(Int32.max) else { return 0 }
        if slots.isEmpty {
            base = t
            slots = [Int32(g)]
            filled = 1
            return 4
        }
        let (offset, overflow) = t.subtractingReportingOverflow(base)
        guard !overflow else { return 0 }
        let (index, rest) = offset.quotientAndRemainder(dividingBy: width)
        guard rest == 0, index.magnitude < UInt64(1 << 40) else { return 0 }
        let limit = 16 * (filled + 1) + 1024
        var added = 0
        if index < 0 {
            let grow = Int(-index)
            guard slots.count + grow <= limit else { return 0 }
            slots.insert(contentsOf: repeatElement(-1, count: grow), at: 0)
            base = t
            added = grow
            slots[0] = Int32(g)
        } else {
            let i = Int(index)
            if i >= slots.count {
                guard i + 1 <= limit else { return 0 }
                added = i + 1 - slots.count
                slots += repeatElement(-1, count: added)
            }
            slots[i] = Int32(g)
        }
        filled += 1
        return 4 * added
    }
}
