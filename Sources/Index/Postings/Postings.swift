// Postings: the sorted set of series ids that carry one (tag, value) pair.
//
// Stored compressed in blocks of `blockSize` ids: each block is the ids' differences,
// frame-of-reference bit-packed (the Int64 delta codec of SundialStorage), and a skip
// table keeps each block's first id and byte offset, so `seek` jumps over whole blocks
// without decoding them. Iteration decodes one block at a time into a small buffer.
// Model: Prometheus tsdb/index/postings.go (iterators with next/seek, set algebra as
// free functions).
import SundialStorage

/// A dense numeric series id.
public typealias SeriesID = UInt32

/// An immutable, compressed, sorted set of series ids.
public struct Postings: Sendable, Hashable {
    /// Ids per compressed block.
    public static let blockSize = 128

    /// The first id of each block.
    let firsts: [SeriesID]
    /// The byte offset of each block in `bytes` (one more entry: the end).
    let offsets: [Int]
    /// Per block: the number of ids.
    let counts: [UInt8]
    let bytes: [UInt8]
    /// The number of ids.
    public let count: Int

    /// The empty set.
    public static let empty = Postings(sorted: [])

    /// Builds postings from ids sorted ascending without duplicates.
    public init(sorted ids: [SeriesID]) {
        precondition(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "postings must be sorted and unique")
        var firsts: [SeriesID] = []
        var offsets: [Int] = [0]
        var counts: [UInt8] = []
        var writer = ByteWriter(capacity: ids.count)
        var start = 0
        while start < ids.count {
            let end = min(start + Self.blockSize, ids.count)
            let block = ids[start..<end].map { Int64($0) }
            block.withUnsafeBufferPointer { Int64DeltaCodec.encode($0, into: &writer) }
            firsts.append(ids[start])
            offsets.append(writer.count)
            counts.append(UInt8(end - start - 1))
            start = end
        }
        self.firsts = firsts
        self.offsets = offsets
        self.counts = counts
        self.bytes = writer.bytes
        self.count = ids.count
    }

    /// Builds postings from ids in any order, with duplicates.
    public init<S: Sequence>(_ ids: S) where S.Element == SeriesID {
        self.init(sorted: Array(Set(ids)).sorted())
    }

    /// Bytes the compressed form takes (for memory accounting).
    public var byteCount: Int { bytes.count + firsts.count * 4 + offsets.count * 8 + counts.count }

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
        let n = Int(counts[index]) + 1
        bytes.withUnsafeBytes { raw in
            let payload = UnsafeRawBufferPointer(rebasing: raw[offsets[index]..<offsets[index + 1]])
            buffer.withUnsafeMutableBufferPointer { out in
                // Built by `init(sorted:)` from our own encoder: decoding cannot fail.
                try! Int64DeltaCodec.decode(payload, count: n, into: out)
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
        guard nextBlock < postings.firsts.count else {
            block = postings.firsts.count
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
        var high = postings.firsts.count - 1
        if high < 0 { return nil }
        if postings.firsts[high] <= target {
            low = high
        } else {
            while low < high {
                let mid = (low + high + 1) / 2
                if postings.firsts[mid] <= target { low = mid } else { high = mid - 1 }
            }
        }
        if low != block { load(low) }
        while position < filled && SeriesID(truncatingIfNeeded: buffer[position]) < target { position += 1 }
        if position < filled { return current }
        return next()
    }
}
