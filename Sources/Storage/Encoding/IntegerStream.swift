// The integer layouts shared by the Int64 codecs, the decimal double codec (its
// scaled integers) and the tag id codecs.
//
// frameOfReference := FOR groups over the values
// delta            := first: zigzag varint | FOR groups over the count-1 wrapping differences
// runLength        := runs: varint | runs x (value: zigzag varint of the wrapping difference
//                     from the previous run's value (from 0 for the first) | length: varint >= 1)
// deltaZstd        := first: zigzag varint | base: zigzag varint (smallest difference)
//                     | width: u8 (4, 8, 16 32 or 64) | frameLength: varint | zstd frame of the
//                     count-1 differences minus base, bit-packed at `width`
//
// Decoding writes Int64 values into 8-byte output slots with no per-value calls. The
// deltaZstd layout decompresses into the tail of that same output and expands it front
// to back, which never overwrites a byte before it is read (docs/formats/codecs.md).

enum IntegerStream {
    enum Mode: UInt8, CaseIterable {
        case frameOfReference = 0, delta = 1, runLength = 2, deltaZstd = 3
    }

    /// A zstd layout must be at least this much smaller (1/8) to be chosen: it decodes slower.
    static func zstdPays(_ zstdSize: Int, over best: Int) -> Bool {
        zstdSize < best - best / 8
    }

    // MARK: Sizes

    static func encodedSize(_ mode: Mode, _ values: UnsafeBufferPointer<Int64>) -> Int? {
        let count = values.count
        switch mode {
        case .frameOfReference:
            return FrameOfReference.encodedSize(count: count) { values[$0] }
        case .delta:
            guard count > 0 else { return 0 }
            return ByteWriter.varUIntSize(ZigZag.encode(values[0]))
                + FrameOfReference.encodedSize(count: count - 1) { values[$0 &+ 1] &- values[$0] }
        case .runLength:
            guard count > 0 else { return 0 }
            var size = 0
            var runs = 0
            var previous: Int64 = 0
            var i = 0
            while i < count {
                let v = values[i]
                var j = i &+ 1
                while j < count && values[j] == v { j &+= 1 }
                size &+= ByteWriter.varUIntSize(ZigZag.encode(v &- previous))
                    &+ ByteWriter.varUIntSize(UInt64(j &- i))
                runs &+= 1
                previous = v
                i = j
            }
            return size + ByteWriter.varUIntSize(UInt64(runs))
        case .deltaZstd:
            return nil
        }
    }

    // MARK: Encoding

    static func encode(_ mode: Mode, _ values: UnsafeBufferPointer<Int64>, into writer: inout ByteWriter) {
        let count = values.count
        guard count > 0 else { return }  // An empty column has an empty payload in every layout.
        switch mode {
        case .frameOfReference:
            FrameOfReference.encode(count: count, into: &writer) { values[$0] }
        case .delta:
            guard count > 0 else { return }
            writer.writeZigZag(values[0])
            FrameOfReference.encode(count: count - 1, into: &writer) { values[$0 &+ 1] &- values[$0] }
        case .runLength:
            var runs = 0
            var i = 0
            while i < count {
                let v = values[i]
                while i < count && values[i] == v { i &+= 1 }
                runs &+= 1
            }
            writer.writeVarUInt(UInt64(runs))
            var previous: Int64 = 0
            i = 0
            while i < count {
                let v = values[i]
                var j = i &+ 1
                while j < count && values[j] == v { j &+= 1 }
                writer.writeZigZag(v &- previous)
                writer.writeVarUInt(UInt64(j &- i))
                previous = v
                i = j
            }
        case .deltaZstd:
            guard count > 0 else { return }
            writer.writeZigZag(values[0])
            let m = count - 1
            var low = Int64.max
            var high = Int64.min
            for k in 0..<m {
                let d = values[k &+ 1] &- values[k]
                low = Swift.min(low, d)
                high = Swift.max(high, d)
            }
            if m == 0 { low = 0; high = 0 }
            let width = zstdWidth(BitPacking.width(ofRange: UInt64(bitPattern: high &- low)))
            writer.writeZigZag(low)
            writer.writeUInt8(UInt8(width))
            var raw = [UInt8](repeating: 0, count: BitPacking.byteCount(count: m, width: width))
            raw.withUnsafeMutableBytes { dst in
                guard let base = dst.baseAddress else { return }
                BitPacking.pack(count: m, width: width, into: base) { k in
                    UInt64(bitPattern: (values[k &+ 1] &- values[k]) &- low)
                }
            }
            var frame = ByteWriter(capacity: raw.count / 2 + 64)
            raw.withUnsafeBytes { _ = Zstd.compress($0, into: &frame) }
            writer.writeVarUInt(UInt64(frame.count))
            writer.writeBytes(frame.bytes)
        }
    }

    /// The byte-friendly width class for the zstd layout.
    static func zstdWidth(_ width: Int) -> Int {
        width <= 4 ? 4 : width <= 8 ? 8 : width <= 16 ? 16 : width <= 32 ? 32 : 64
    }

    /// Encodes with the smallest layout (the zstd layout only where it pays) and returns it.
    /// `allowed` restricts the candidates.
    static func encodeSmallest(
        _ values: UnsafeBufferPointer<Int64>, allowed: [Mode] = Mode.allCases, into writer: inout ByteWriter
    ) -> Mode {
        var best: Mode = .frameOfReference
        var bestSize = Int.max
        for mode in allowed where mode != .deltaZstd {
            if let size = encodedSize(mode, values), size < bestSize {
                best = mode
                bestSize = size
            }
        }
        // Keep zstd where it saves an eighth of 2+ bits per value, or three quarters of
        // anything smaller (then it also decodes fast: the frame is mostly runs).
        if allowed.contains(.deltaZstd) && values.count >= 64 {
            var trial = ByteWriter(capacity: bestSize)
            encode(.deltaZstd, values, into: &trial)
            let dense = bestSize * 8 >= values.count * 2
            if dense ? zstdPays(trial.count, over: bestSize) : trial.count * 4 <= bestSize {
                writer.writeBytes(trial.bytes)
                return .deltaZstd
            }
        }
        encode(best, values, into: &writer)
        return best
    }

    // MARK: Decoding

    /// Decodes `count` values in `mode` into `out[0..<count]`.
    ///
    /// The zstd layout decompresses into the tail of `out`'s own memory and expands it
    /// front to back (see the header), so `out` must hold `count` 8-byte slots and no
    /// other scratch memory is used.
    ///
    /// With `decimal` (the decimal codec's scale), the delta layouts store each value `v`
    /// as the bit pattern of `Double(v) * factor * inverse` in the same pass that sums the
    /// differences, so the caller needs no conversion pass; the other layouts ignore it.
    /// Returns whether the values were converted.
    @discardableResult
    static func decode(
        _ mode: Mode, _ reader: inout ByteReader, count: Int, into out: UnsafeMutablePointer<Int64>,
        decimal: (factor: Double, inverse: Double)? = nil
    ) throws(StorageError) -> Bool {
        guard count > 0 else { return false }
        switch mode {
        case .frameOfReference:
            try FrameOfReference.decode(&reader, count: count, into: out)
            return false
        case .delta:
            let first = try reader.readZigZag("the first value")
            out[0] = first
            try FrameOfReference.decode(&reader, count: count - 1, into: out + 1)
            var running = first
            if let (factor, inverse) = decimal {
                out[0] = Int64(bitPattern: (Double(first) * factor * inverse).bitPattern)
                for i in 1..<count {
                    running &+= out[i]
                    out[i] = Int64(bitPattern: (Double(running) * factor * inverse).bitPattern)
                }
                return true
            }
            for i in 1..<count {
                running &+= out[i]
                out[i] = running
            }
            return false
        case .runLength:
            let runsOffset = reader.offset
            let runs = try reader.readVarInt("a run count", max: count)
            guard runs > 0 else { throw reader.corrupt("no runs for \(count) values", at: runsOffset) }
            var previous: Int64 = 0
            var done = 0
            for _ in 0..<runs {
                previous &+= try reader.readZigZag("a run value")
                let lengthOffset = reader.offset
                let length = try reader.readVarInt("a run length", max: count - done)
                guard length > 0 else { throw reader.corrupt("a run of length 0", at: lengthOffset) }
                (out + done).update(repeating: previous, count: length)
                done &+= length
            }
            guard done == count else {
                throw reader.corrupt("runs cover \(done) values, the block has \(count)")
            }
            return false
        case .deltaZstd:
            var running = try reader.readZigZag("the first value")
            let low = try reader.readZigZag("the smallest difference")
            let widthOffset = reader.offset
            let width = Int(try reader.readUInt8("a width class"))
            guard width == 4 || width == 8 || width == 16 || width == 32 || width == 64 else {
                throw reader.corrupt("width class \(width) is not 4, 8, 16, 32 or 64", at: widthOffset)
            }
            let frameLength = try reader.readVarInt("a zstd frame length", max: reader.remaining)
            let frameOffset = reader.errorBase + reader.offset
            let frame = try reader.readBytes(frameLength, "a zstd frame")
            let m = count - 1
            let rawSize = BitPacking.byteCount(count: m, width: width)
            let scratch = UnsafeMutableRawPointer(out)
            let rawStart = count * 8 - rawSize
            try Zstd.decompress(frame, into: UnsafeMutableRawBufferPointer(start: scratch + rawStart, count: rawSize),
                                errorOffset: frameOffset)
            let raw = UnsafeRawPointer(scratch + rawStart)
            out[0] = running
            if let (factor, inverse) = decimal, width == 4 {
                // The common case for decimals (small differences): expand, sum and convert in one pass.
                out[0] = Int64(bitPattern: (Double(running) * factor * inverse).bitPattern)
                var k = 0
                while k + 1 < m {
                    let byte = raw.load(fromByteOffset: k &>> 1, as: UInt8.self)
                    running &+= low &+ Int64(byte & 0xF)
                    let next = running &+ low &+ Int64(byte &>> 4)
                    out[k &+ 1] = Int64(bitPattern: (Double(running) * factor * inverse).bitPattern)
                    out[k &+ 2] = Int64(bitPattern: (Double(next) * factor * inverse).bitPattern)
                    running = next
                    k &+= 2
                }
                if k < m {
                    running &+= low &+ Int64(raw.load(fromByteOffset: k &>> 1, as: UInt8.self) & 0xF)
                    out[k &+ 1] = Int64(bitPattern: (Double(running) * factor * inverse).bitPattern)
                }
                return true
            }
            switch width {
            case 4:
                // Two values per byte; read the byte once, before either slot is written.
                var k = 0
                while k + 1 < m {
                    let byte = raw.load(fromByteOffset: k &>> 1, as: UInt8.self)
                    running &+= low &+ Int64(byte & 0xF)
                    let next = running &+ low &+ Int64(byte &>> 4)
                    out[k &+ 1] = running
                    out[k &+ 2] = next
                    running = next
                    k &+= 2
                }
                if k < m {
                    running &+= low &+ Int64(raw.load(fromByteOffset: k &>> 1, as: UInt8.self) & 0xF)
                    out[k &+ 1] = running
                }
            case 8:
                for k in 0..<m {
                    running &+= low &+ Int64(raw.load(fromByteOffset: k, as: UInt8.self))
                    out[k &+ 1] = running
                }
            case 16:
                for k in 0..<m {
                    running &+= low &+ Int64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: k &* 2, as: UInt16.self)))
                    out[k &+ 1] = running
                }
            case 32:
                for k in 0..<m {
                    running &+= low &+ Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: k &* 4, as: UInt32.self)))
                    out[k &+ 1] = running
                }
            default:
                for k in 0..<m {
                    running &+= low &+ Int64(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k &* 8, as: UInt64.self)))
                    out[k &+ 1] = running
                }
            }
            return false
        }
    }
}
