// Splitting a scan for parallel readers. A cursor visits partitions in time order and,
// within each, its series in id order; `split` cuts that visiting order into contiguous
// runs of about equal rows (estimated from the segments' block directories and the head
// buffers) and returns one cursor per run, all over the same snapshot. Reading the parts
// one after the other gives exactly the serial scan's batches in the serial order, so a
// caller that folds the parts' results in part order sees what the serial scan would
// have shown: this is what lets a parallel aggregation keep the serial answer (first-seen
// group order, first/last ties, exact percentile lists).
//
// A partition cut between two parts is entered by both; only the first counts it (and its
// segments) in `statistics`, so the parts' statistics add up to the serial scan's.

extension ScanCursor {
    /// One series of one partition in visiting order with its estimated rows, or a
    /// partition without any wanted series (which the serial scan enters all the same).
    struct Piece {
        var partition: Int
        var series: SeriesID?
        var rows: Int
    }

    /// The series of every partition in visiting order, with row estimates: rows of the
    /// blocks whose zone maps meet the time range, plus the head rows.
    func pieces() -> [Piece] {
        var pieces: [Piece] = []
        for (p, start) in partitions.enumerated() {
            let wanted = series(of: p)
            var rows: [SeriesID: Int] = [:]
            for live in segments where live.entry.partitionStart == start {
                if let range = timeRange, live.entry.maxTime < range.lowerBound || live.entry.minTime >= range.upperBound { continue }
                for id in Self.wanted(live.ids, wanted) {
                    guard let i = live.index(of: id) else { continue }
                    rows[id, default: 0] += Self.estimatedRows(live.segment.series[i], timeRange)
                }
            }
            for head in heads {
                guard let partition = head[start] else { continue }
                if let wanted {
                    for id in wanted { if let buffer = partition.series[id] { rows[id, default: 0] += buffer.times.count } }
                } else {
                    for (id, buffer) in partition.series { rows[id, default: 0] += buffer.times.count }
                }
            }
            if rows.isEmpty { pieces.append(Piece(partition: p, series: nil, rows: 0)) }
            for id in rows.keys.sorted() { pieces.append(Piece(partition: p, series: id, rows: rows[id]!)) }
        }
        return pieces
    }

    /// Rows of a segment series inside `range`, by its time blocks' zone maps: a block the
    /// range covers in part counts the share of its time span it covers.
    static func estimatedRows(_ series: SegmentSeries, _ range: Range<Int64>?) -> Int {
        guard let range else { return series.rows }
        guard series.maxTime >= range.lowerBound && series.minTime < range.upperBound else { return 0 }
        var rows = 0
        for block in series.blocks[0] {
            guard let min = block.min.map({ Int64(bitPattern: $0) }), let max = block.max.map({ Int64(bitPattern: $0) }) else {
                rows += block.rows
                continue
            }
            if max < range.lowerBound || min >= range.upperBound { continue }
            if min >= range.lowerBound && max < range.upperBound || max <= min {
                rows += block.rows
                continue
            }
            let span = Double(max) - Double(min)
            let covered = Double(Swift.min(max, range.upperBound - 1)) - Double(Swift.max(min, range.lowerBound))
            rows += Swift.max(1, Int((Double(block.rows) * (covered + 1) / (span + 1)).rounded(.up)))
        }
        return rows
    }

    /// The series partition `p` is restricted to (nil: every series).
    func series(of p: Int) -> [SeriesID]? { partitionSeries?[p] ?? series }

    /// The rows the scan is expected to return, from the block directories (duplicates
    /// across sources and deleted rows count; a block the time range covers in part counts
    /// the share of its time span it covers).
    public var estimatedRows: Int { pieces().reduce(0) { $0 + $1.rows } }

    /// The scan cut into at most `parts` cursors over the same snapshot, each reading a
    /// contiguous run of the visiting order (partitions, then series) of about equal
    /// estimated rows, and at least `minimumRows` of them. Reading the parts in order gives
    /// the batches this cursor would give; their statistics add up to its statistics.
    ///
    /// - Precondition: the cursor has not started and is not a newest-only scan.
    public func split(into parts: Int, minimumRows: Int = 1) -> [ScanCursor] {
        precondition(partitionIndex == 0 && pending.isEmpty && !newestOnly, "only a fresh full scan is split")
        let pieces = pieces()
        let total = pieces.reduce(0) { $0 + $1.rows }
        let count = min(parts, pieces.count, total / max(1, minimumRows))
        guard count > 1 else { return [self] }
        // Part k starts at the first piece before which k/count of the rows lie.
        var cuts: [Int] = [0]
        var running = 0
        for (i, piece) in pieces.enumerated() {
            if cuts.count < count, i > cuts[cuts.count - 1], running * count >= total * cuts.count { cuts.append(i) }
            running += piece.rows
        }
        cuts.append(pieces.count)
        var cursors: [ScanCursor] = []
        var entered = Set<Int>()
        for k in 0..<(cuts.count - 1) {
            var part = self
            part.partitions = []
            var lists: [[SeriesID]] = []
            var counts: [Bool] = []
            var last: Int?
            for piece in pieces[cuts[k]..<cuts[k + 1]] {
                if piece.partition != last {
                    part.partitions.append(partitions[piece.partition])
                    lists.append([])
                    counts.append(entered.insert(piece.partition).inserted)
                    last = piece.partition
                }
                if let id = piece.series { lists[lists.count - 1].append(id) }
            }
            part.partitionSeries = lists
            part.countsPartition = counts
            cursors.append(part)
        }
        return cursors
    }
}
