// Set algebra over postings, driven by iterators: intersection seeks (galloping through
// the skip tables), union and difference merge.

/// Ids in every one of `lists` (empty when `lists` is empty).
public func intersect(_ lists: [Postings]) -> Postings {
    guard !lists.isEmpty else { return .empty }
    if lists.contains(where: { $0.count == 0 }) { return .empty }
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
    var iterators = lists.map { $0.makeIterator() }
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

/// Ids in `base` and not in `excluded`.
public func difference(_ base: Postings, _ excluded: Postings) -> Postings {
    var keep = base.makeIterator()
    var drop = excluded.makeIterator()
    var out: [SeriesID] = []
    while let id = keep.next() {
        if drop.seek(id) != id { out.append(id) }
    }
    return Postings(sorted: out)
}
