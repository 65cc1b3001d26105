// Set algebra over postings, driven by iterators: intersection seeks (galloping through
// the skip tables), union and difference merge. A union of many lists (a regular
// expression over a million values) goes through a bitmap instead of an n-way merge.
import SundialStorage

/// Ids in every one of `lists` (empty when `lists` is empty).
public func intersect(_ lists: [Postings]) -> Postings {
    guard !lists.isEmpty else { return .empty }
    if lists.contains(where: { $0.count == 0 }) { return .empty }
    if lists.count == 1 { return lists[0] }
    // Smallest first: it drives, the others seek.
    let ordered = lists.sorted { $0.count < $1.count }
    var iterators = ordered.map { $0.makeIterator() }
    var out: [SeriesID] = []
    guard var candidate = iterators[0].next() else { return .empty }
    outer: while true {
        var agreed = true
        for i in 1..<iterators.count {
            guard let found = iterators[i].seek(candidate) else { break outer }
            if found != candidate {
                guard let next = iterators[0].seek(found) else { break outer }
                candidate = next
                agreed = false
                break
            }
        }
        if agreed {
            out.append(candidate)
            guard let next = iterators[0].next() else { break }
            candidate = next
        }
    }
    return Postings(sorted: out)
}

/// Ids in any of `lists`.
public func union(_ lists: [Postings]) -> Postings {
    let nonEmpty = lists.filter { $0.count > 0 }
    if nonEmpty.isEmpty { return .empty }
    if nonEmpty.count == 1 { return nonEmpty[0] }
    if nonEmpty.count > 8 { return bitmapUnion(nonEmpty) }
    var iterators = nonEmpty.map { $0.makeIterator() }
    var heads: [SeriesID?] = iterators.indices.map { iterators[$0].next() }
    var out: [SeriesID] = []
    while true {
        var smallest: SeriesID? = nil
        for head in heads { if let h = head, smallest.map({ h < $0 }) ?? true { smallest = h } }
        guard let s = smallest else { break }
        out.append(s)
        for i in heads.indices where heads[i] == s { heads[i] = iterators[i].next() }
    }
    return Postings(sorted: out)
}

/// The union of many lists: set bits in a bitmap spanning the ids, then read them out in
/// order (linear in the ids and the span, whatever the number of lists).
func bitmapUnion(_ lists: [Postings]) -> Postings {
    var top: SeriesID = 0
    for list in lists { top = max(top, list.last ?? 0) }
    var words = [UInt64](repeating: 0, count: Int(top) / 64 + 1)
    words.withUnsafeMutableBufferPointer { bits in
        for list in lists {
            var iterator = list.makeIterator()
            while let id = iterator.next() { bits[Int(id) >> 6] |= 1 << UInt64(id & 63) }
        }
    }
    var out: [SeriesID] = []
    for (w, word) in words.enumerated() where word != 0 {
        var rest = word
        while rest != 0 {
            out.append(SeriesID(w * 64 + rest.trailingZeroBitCount))
            rest &= rest - 1
        }
    }
    return Postings(sorted: out)
}

/// Ids in `base` and not in `excluded`.
public func difference(_ base: Postings, _ excluded: Postings) -> Postings {
    if excluded.count == 0 || base.count == 0 { return base }
    var keep = base.makeIterator()
    var drop = excluded.makeIterator()
    var out: [SeriesID] = []
    out.reserveCapacity(base.count)
    while let id = keep.next() {
        if drop.seek(id) != id { out.append(id) }
    }
    return Postings(sorted: out)
}
