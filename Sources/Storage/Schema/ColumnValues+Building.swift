// Building, appending and gathering column values (the head's buffers and the merge of
// rows from several sources).

extension ColumnValues {
    /// `count` rows without a value.
    public static func nulls(_ type: ColumnType, count: Int) -> ColumnValues {
        let none: [Bool]? = count == 0 ? nil : [Bool](repeating: false, count: count)
        switch type {
        case .double: return .double([Double](repeating: 0, count: count), valid: none)
        case .bigint: return .bigint([Int64](repeating: 0, count: count), valid: none)
        case .boolean: return .boolean([Bool](repeating: false, count: count), valid: none)
        case .string, .tag, .timestamp: return .string([String](repeating: "", count: count), valid: none)
        }
    }

    /// Whether row `i` has a value.
    @inlinable public func isValid(_ i: Int) -> Bool { validity?[i] ?? true }

    /// Appends `other` (of the same type), growing the arrays in place.
    public mutating func append(_ other: ColumnValues) {
        // A mask is kept only while some row lacks a value (nil means all present). The
        // accumulated mask is normalized already, so only the appended part is scanned.
        func mask(_ a: [Bool]?, _ aCount: Int, _ b: [Bool]?, _ bCount: Int) -> [Bool]? {
            let aAll = a?.isEmpty ?? true
            let bAll = b.map { !$0.contains(false) } ?? true
            if aAll && bAll { return nil }
            var merged = a ?? [Bool](repeating: true, count: aCount)
            merged += b ?? [Bool](repeating: true, count: bCount)
            return merged
        }
        // Onto nothing: share `other`'s arrays (no copy), its mask normalized.
        if count == 0 && type == other.type {
            if let valid = other.validity, !valid.contains(false) { self = other.withoutMask } else { self = other }
            return
        }
        // Move the payload out of `self` first, so the arrays are uniquely referenced and
        // grow in place instead of being copied on every append.
        let current = self
        self = .boolean([], valid: nil)
        switch (consume current, other) {
        case (.double(var v, let m), .double(let w, let n)):
            let c = v.count; v += w; self = .double(v, valid: mask(m, c, n, w.count))
        case (.bigint(var v, let m), .bigint(let w, let n)):
            let c = v.count; v += w; self = .bigint(v, valid: mask(m, c, n, w.count))
        case (.boolean(var v, let m), .boolean(let w, let n)):
            let c = v.count; v += w; self = .boolean(v, valid: mask(m, c, n, w.count))
        case (.string(var v, let m), .string(let w, let n)):
            let c = v.count; v += w; self = .string(v, valid: mask(m, c, n, w.count))
        default:
            preconditionFailure("appending \(other.type) values to a column of another type")
        }
    }

    /// The same values with no validity mask.
    var withoutMask: ColumnValues {
        switch self {
        case .double(let v, _): .double(v, valid: nil)
        case .bigint(let v, _): .bigint(v, valid: nil)
        case .boolean(let v, _): .boolean(v, valid: nil)
        case .string(let v, _): .string(v, valid: nil)
        }
    }

    /// A new column whose row k is row `picks[k]` of this one, or no value when nil.
    public func gathered(_ picks: [Int?]) -> ColumnValues {
        let valid: [Bool]? = picks.contains(where: { $0 == nil || !isValid($0!) }) ? picks.map { $0.map(isValid) ?? false } : nil
        switch self {
        case .double(let v, _): return .double(picks.map { $0.map { v[$0] } ?? 0 }, valid: valid)
        case .bigint(let v, _): return .bigint(picks.map { $0.map { v[$0] } ?? 0 }, valid: valid)
        case .boolean(let v, _): return .boolean(picks.map { $0.map { v[$0] } ?? false }, valid: valid)
        case .string(let v, _): return .string(picks.map { $0.map { v[$0] } ?? "" }, valid: valid)
        }
    }

    /// Rows `range`.
    public func slice(_ range: Range<Int>) -> ColumnValues {
        let m = validity.map { Array($0[range]) }
        switch self {
        case .double(let v, _): return .double(Array(v[range]), valid: m)
        case .bigint(let v, _): return .bigint(Array(v[range]), valid: m)
        case .boolean(let v, _): return .boolean(Array(v[range]), valid: m)
        case .string(let v, _): return .string(Array(v[range]), valid: m)
        }
    }
}

/// Sorting rows by time and resolving duplicates.
public enum RowMerge {
    /// Sorts rows by time (stably: among equal times, later rows are newer) and merges
    /// rows with the same time into one: each column takes the newest row's value that is
    /// present (last write wins, field by field, as InfluxDB does).
    public static func sortAndMerge(times: [Int64], columns: [ColumnValues]) -> (times: [Int64], columns: [ColumnValues]) {
        var sortedAlready = true
        var unique = true
        for i in times.indices.dropFirst() {
            if times[i] < times[i - 1] { sortedAlready = false; break }
            if times[i] == times[i - 1] { unique = false }
        }
        if sortedAlready && unique { return (times, columns) }
        let order = sortedAlready ? Array(times.indices)
            : times.indices.sorted { times[$0] < times[$1] || (times[$0] == times[$1] && $0 < $1) }
        var outTimes: [Int64] = []
        var runs: [Range<Int>] = []
        var k = 0
        while k < order.count {
            var end = k + 1
            while end < order.count && times[order[end]] == times[order[k]] { end += 1 }
            outTimes.append(times[order[k]])
            runs.append(k..<end)
            k = end
        }
        let merged = columns.map { column -> ColumnValues in
            let picks: [Int?] = runs.map { run in
                var pick: Int? = nil
                for position in run where column.isValid(order[position]) { pick = order[position] }
                return pick ?? (run.count == 1 ? order[run.lowerBound] : nil)
            }
            return column.gathered(picks)
        }
        return (outTimes, merged)
    }
}
