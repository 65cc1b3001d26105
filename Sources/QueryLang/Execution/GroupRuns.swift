// A batch's rows as runs of one group each. Rows of a series batch come in time order
// and its tags are constant over it, so a GROUP BY of tags and time buckets sees long
// runs of rows of one group (360 rows an hour at 10 s): the group is looked up once per
// run, and the states that know runs fold each run's values in a register (no per-row
// scatter into the group's slot, whose store-to-load chain was the cost of the per-row
// loop). The states that do not use the per-row group numbers, expanded once per batch.

/// Run r covers rows `starts[r]..<starts[r + 1]`, all of group `groups[r]`.
final class GroupRuns {
    /// Run starts, then the row count (`groups.count + 1` entries).
    private(set) var starts: [Int]
    /// The group of each run.
    var groups: [Int]
    let rowCount: Int

    init(starts: [Int], rowCount: Int) {
        self.starts = starts + [rowCount]
        self.groups = [Int](repeating: 0, count: starts.count)
        self.rowCount = rowCount
    }

    /// One run of `rowCount` rows in group `group`.
    convenience init(group: Int, rowCount: Int) {
        self.init(starts: rowCount > 0 ? [0] : [], rowCount: rowCount)
        if rowCount > 0 { groups[0] = group }
    }

    var count: Int { groups.count }

    /// Each row's group.
    lazy var rows: [Int] = {
        var rows = [Int](repeating: 0, count: rowCount)
        rows.withUnsafeMutableBufferPointer { out in
            for r in 0..<groups.count {
                let g = groups[r]
                for i in starts[r]..<starts[r + 1] { out[i] = g }
            }
        }
        return rows
    }()

    /// Calls `body(group, rows)` for every run.
    @inline(__always)
    func forEach(_ body: (Int, Range<Int>) -> Void) {
        starts.withUnsafeBufferPointer { s in
            groups.withUnsafeBufferPointer { g in
                for r in 0..<g.count { body(g[r], s[r]..<s[r + 1]) }
            }
        }
    }

    /// Where the key vectors change: row 0 and every row whose keys differ from the row
    /// before. `constant` marks the keys known to be constant over the batch.
    static func starts(_ keys: [Vector], constant: [Bool], rowCount n: Int) -> [Int] {
        guard n > 0 else { return [] }
        let varying = keys.indices.filter { !constant[$0] }
        var starts = [0]
        if varying.count == 1, case .bigint(let v, let valid) = keys[varying[0]].values {
            // One varying integer key (a time bucket): a tight loop.
            v.withUnsafeBufferPointer { v in
                if let valid {
                    for i in 1..<n where v[i] != v[i - 1] || valid[i] != valid[i - 1] { starts.append(i) }
                } else {
                    for i in 1..<n where v[i] != v[i - 1] { starts.append(i) }
                }
            }
        } else if !varying.isEmpty {
            for i in 1..<n where !varying.allSatisfy({ keys[$0].rowsEqual(i, i - 1) }) { starts.append(i) }
        }
        return starts
    }
}

/// How a GROUP BY's keys behave over a scan batch: which are constant (tag columns of the
/// scan layout, literals), and the width of the one time bucket key that varies when all
/// the others are constant (its groups then sit in direct slots, see `BucketSlots`).
struct GroupingLayout {
    var constant: [Bool]
    /// The varying time_bucket key and its fixed width (ns).
    var bucket: (key: Int, width: Int64)?

    init(_ keys: [BoundExpr], scan: ScanPlan) {
        constant = keys.map { key in
            switch key {
            case .literal: return true
            case .column(let i, _, _): return scan.derived == nil && i >= 1 && i <= scan.tagCount
            default: return false
            }
        }
        let varying = keys.indices.filter { !constant[$0] }
        if varying.count == 1, case .function(.timeBucket, let args, .timestamp) = keys[varying[0]], args.count >= 2,
           case .interval(let width)? = args[0].constantValue, width > 0 {
            bucket = (varying[0], width)
        }
    }
}
