// Postings: the sorted set of series ids that carry one (tag, value) pair.
//
// Stored compressed in blocks of `blockSize` ids: each block is the ids' differences,
// frame-of-reference bit-packed (the Int64 delta codec of SundialStorage), and a skip
// table keeps each block's first id and byte offset, so `seek` jumps over whole blocks
// without decoding them. Iteration decodes one block at a time into a small buffer.
// Model: Prometheus tsdb/index/postings.go (iterators with next/seek, set algebra as
// free functions).
import SundialStorage

/// A compressed, sorted set of series ids that grows at its end.
///
/// Full blocks of `blockSize` ids are sealed (compressed); the last ids wait uncompressed
/// in a short tail until it fills. Ids arrive in increasing order as series are
/// registered, so `insert` is an append; an id below the largest (a replay of concurrent
/// writers) rebuilds the set.
public struct Postings: Sendable, Hashable {
    /// Ids per compressed block.
    public static let blockSize = 128

    /// The first id of each sealed block.
    private(set) var firsts: [SeriesID] = []
    /// The byte offset of each sealed block in `bytes` (a block ends where the next
    /// starts, the last at the end of `bytes`).
    private(set) var offsets: [UInt32] = []
    private(set) var bytes: [UInt8] = []
    /// Ids after the last sealed block (fewer than `blockSize`), ascending.
    private(set) var tail: [SeriesID] = []
    /// The number of ids.
    public private(set) var count = 0

    /// The empty set.
    public static let empty = Postings()

    public init() {}

    /// Builds postings from ids sorted ascending without duplicates.
    public init(sorted ids: [SeriesID]) {
        precondition(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "postings must be sorted and unique")
        var start = 0
        bytes.reserveCapacity(ids.count)
        while ids.count - start >= Self.blockSize {
            seal(ids[start..<(start + Self.blockSize)])
            start += Self.blockSize
        }
        tail = Array(ids[start...])
        count = ids.count
    }

    /// Builds postings from ids in any order, with duplicates.
    public init<S: Sequence>(_ ids: S) where S.Element == SeriesID {
        self.init(sorted: Array(Set(ids)).sorted())
    }

    private mutating func seal(_ block: ArraySlice<SeriesID>) {
        let start = bytes.count
        var writer = ByteWriter(capacity: 0)
        swap(&writer.bytes, &bytes)
        let values = block.map { Int64($0) }
        values.withUnsafeBufferPointer { Int64DeltaCodec.encode($0, into: &writer) }
        swap(&writer.bytes, &bytes)
        firsts.append(block.first!)
        offsets.append(UInt32(start))
    }

    /// The largest id, if any.
    public var last: SeriesID? {
        if let id = tail.last { return id }
        guard !firsts.isEmpty else { return nil }
        var buffer = [Int64](repeating: 0, count: Self.blockSize)
        let n = decodeBlock(firsts.count - 1, into: &buffer)
        return SeriesID(truncatingIfNeeded: buffer[n - 1])
    }

    /// Adds `id` (a no-op when present). Appending above the largest id is O(1) amortized.
    public mutating func insert(_ id: SeriesID) {
        if let top = tail.last ?? (firsts.isEmpty ? nil : last), id <= top {
            guard !contains(id) else { return }
            var all = ids
            all.insert(id, at: all.firstIndex { $0 > id }!)
            self = Postings(sorted: all)
            return
        }
        tail.append(id)
        count += 1
        if tail.count == Self.blockSize {
            seal(tail[...])
            tail.removeAll(keepingCapacity: true)
        }
    }

    /// The number of blocks an iterator walks (sealed blocks and the tail).
    var blockCount: Int { firsts.count + (tail.isEmpty ? 0 : 1) }

    /// The first id of block `index` (sealed or the tail).
    func first(ofBlock index: Int) -> SeriesID { index < firsts.count ? firsts[index] : tail[0] }

    /// Bytes the compressed form takes (for memory accounting).
    public var byteCount: Int { bytes.count + firsts.count * 4 + offsets.count * 4 + tail.count * 4 }

    /// Heap allocations behind the set (for memory accounting: ~32 bytes of header each).
    public var heapArrays: Int { (bytes.isEmpty ? 0 : 3) + (tail.isEmpty ? 0 : 1) }

    /// An iterator positioned before the first id.
    public func makeIterator() -> PostingsIterator { PostingsIterator(self) }

    /// All ids, decoded.
    public var ids: [SeriesID] {
        var out: [SeriesID] = []
        out.reserveCapacity(count)
        var iterator = makeIterator()
        while let id = iterator.next() { out.append(id) }
        return out
    }

    /// Whether `id` is in the set.
    public func contains(_ id: SeriesID) -> Bool {
        var iterator = makeIterator()
        return iterator.seek(id) == id
    }

    func decodeBlock(_ index: Int, into buffer: inout [Int64]) -> Int {
        if index == firsts.count {
            for (i, id) in tail.enumerated() { buffer[i] = Int64(id) }
            return tail.count
        }
        let n = Self.blockSize
        bytes.withUnsafeBytes { raw in
            let end = index + 1 < offsets.count ? Int(offsets[index + 1]) : raw.count
            let payload = UnsafeRawBufferPointer(rebasing: raw[Int(offsets[index])..<end])
            buffer.withUnsafeMutableBufferPointer { out in
                do {
                    try Int64DeltaCodec.decode(payload, count: n, into: out)
                } catch {
                    // Sealed in memory by `seal` with our own encoder: never from outside.
                    preconditionFailure("postings block failed to decode: \(error)")
                }
            }
        }
        return n
    }
}

/// Walks a `Postings` in ascending order. `next()` and `seek(_:)` return the current id.
public struct PostingsIterator: Sendable {
    let postings: Postings
    var block = -1
    var buffer = [Int64](repeating: 0, count: Postings.blockSize)
    var filled = 0
    var position = 0

    init(_ postings: Postings) { self.postings = postings }

    /// The id under the iterator after a successful `next` or `seek`.
    public var current: SeriesID? {
        position < filled && block >= 0 ? SeriesID(truncatingIfNeeded: buffer[position]) : nil
    }

    mutating func load(_ index: Int) {
        block = index
        filled = postings.decodeBlock(index, into: &buffer)
        position = 0
    }

    /// Advances to the next id.
    public mutating func next() -> SeriesID? {
        if block >= 0 && position + 1 < filled {
            position += 1
            return current
        }
        let nextBlock = block + 1
        guard nextBlock < postings.blockCount else {
            block = postings.blockCount
            filled = 0
            return nil
        }
        load(nextBlock)
        return current
    }

    /// Advances to the first id ≥ `target` (never moves backwards).
    public mutating func seek(_ target: SeriesID) -> SeriesID? {
        if let id = current, id >= target { return id }
        // Skip whole blocks: the last block whose first id ≤ target.
        var low = max(block, 0)
        var high = postings.blockCount - 1
        if high < 0 || low > high { return nil }
        if postings.first(ofBlock: high) <= target {
            low = high
        } else {
            while low < high {
                let mid = (low + high + 1) / 2
                if postings.first(ofBlock: mid) <= target { low = mid } else { high = mid - 1 }
            }
        }
        if low != block { load(low) }
        while position < filled && SeriesID(truncatingIfNeeded: buffer[position]) < target { position += 1 }
        if position < filled { return current }
        return next()
    }
}
