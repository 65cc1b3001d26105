// Bit-packing kernels shared by the integer-like codecs.
//
// Layout: values of `width` bits are packed LSB-first into a little-endian bit
// stream: value i occupies bits [i*width, (i+1)*width) of the stream, bit k of the
// stream being bit (k % 8) of byte k / 8. `count` values take
// ceil(count * width / 8) bytes. Width 0 takes no bytes (all values are 0).
//
// Decoding uses one unaligned 64-bit load per value while 8 bytes are readable,
// and a byte-assembling path for the last few values, so it never reads outside
// the buffer it is given.

enum BitPacking {
    /// Bytes used by `count` values of `width` bits.
    @inline(__always)
    static func byteCount(count: Int, width: Int) -> Int {
        (count &* width &+ 7) &>> 3
    }

    /// The number of bits needed for values in `0...range`.
    @inline(__always)
    static func width(ofRange range: UInt64) -> Int {
        64 &- range.leadingZeroBitCount
    }

    /// Packs `count` values produced by `value` (each below 2^width) into `dst`,
    /// which must hold `byteCount(count:width:)` zeroed bytes.
    @inline(__always)
    static func pack(
        count: Int, width: Int, into dst: UnsafeMutableRawPointer, _ value: (Int) -> UInt64
    ) {
        guard width > 0 else { return }
        var accumulator: UInt64 = 0
        var used = 0
        var out = 0
        for i in 0..<count {
            let v = value(i)
            accumulator |= v &<< UInt64(truncatingIfNeeded: used)
            let total = used &+ width
            if total >= 64 {
                dst.storeBytes(of: accumulator.littleEndian, toByteOffset: out, as: UInt64.self)
                out &+= 8
                used = total &- 64
                accumulator = used == 0 ? 0 : v &>> UInt64(truncatingIfNeeded: width &- used)
            } else {
                used = total
            }
        }
        var tail = (used &+ 7) &>> 3
        while tail > 0 {
            dst.storeBytes(of: UInt8(truncatingIfNeeded: accumulator), toByteOffset: out, as: UInt8.self)
            accumulator &>>= 8
            out &+= 1
            tail &-= 1
        }
    }

    /// Calls `body(i, value)` for `count` values of `width` bits packed at `src`.
    ///
    /// `available` is the number of readable bytes from `src` on; it must be at least
    /// `byteCount(count:width:)` (the caller checks, and throws when it is not).
    @inline(__always)
    static func unpack(
        _ src: UnsafeRawPointer, available: Int, count: Int, width: Int,
        _ body: (Int, UInt64) -> Void
    ) {
        if width == 0 {
            for i in 0..<count { body(i, 0) }
            return
        }
        let mask: UInt64 = width >= 64 ? .max : (1 &<< UInt64(truncatingIfNeeded: width)) &- 1
        var i = 0
        if width <= 56 && available >= 8 {
            // Value i can use one 8-byte load while (i * width) / 8 + 8 <= available.
            let fast = Swift.min(count, ((available &- 8) &* 8 &+ 7) / width &+ 1)
            var bit = 0
            while i < fast {
                let word = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
                body(i, (word &>> UInt64(truncatingIfNeeded: bit & 7)) & mask)
                bit &+= width
                i &+= 1
            }
        }
        while i < count {
            body(i, slowLoad(src, available: available, bit: i &* width, mask: mask))
            i &+= 1
        }
    }

    /// Writes `base + value` for `count` values of `width` bits packed at `src` to `dst`.
    /// The same contract as ``unpack(_:available:count:width:_:)``, without a closure, so
    /// the loop stays in registers.
    @inline(__always)
    static func unpack(
        _ src: UnsafeRawPointer, available: Int, count: Int, width: Int,
        adding base: Int64, into dst: UnsafeMutablePointer<Int64>
    ) {
        if width == 0 {
            dst.update(repeating: base, count: count)
            return
        }
        let mask: UInt64 = width >= 64 ? .max : (1 &<< UInt64(truncatingIfNeeded: width)) &- 1
        var i = 0
        if width <= 56 && available >= 8 {
            let fast = Swift.min(count, ((available &- 8) &* 8 &+ 7) / width &+ 1)
            var bit = 0
            while i < fast {
                let word = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
                dst[i] = base &+ Int64(bitPattern: (word &>> UInt64(truncatingIfNeeded: bit & 7)) & mask)
                bit &+= width
                i &+= 1
            }
        }
        while i < count {
            dst[i] = base &+ Int64(bitPattern: slowLoad(src, available: available, bit: i &* width, mask: mask))
            i &+= 1
        }
    }

    /// Assembles up to 64 bits starting at stream bit `bit`, reading only within `available`.
    @inline(never)
    static func slowLoad(_ src: UnsafeRawPointer, available: Int, bit: Int, mask: UInt64) -> UInt64 {
        let first = bit &>> 3
        let shift = UInt64(truncatingIfNeeded: bit & 7)
        var low: UInt64 = 0
        var k = 0
        while k < 8 && first &+ k < available {
            low |= UInt64(src.load(fromByteOffset: first &+ k, as: UInt8.self)) &<< UInt64(k &* 8)
            k &+= 1
        }
        var value = low &>> shift
        if shift > 0 && first &+ 8 < available {
            let high = UInt64(src.load(fromByteOffset: first &+ 8, as: UInt8.self))
            value |= high &<< (64 &- shift)
        }
        return value & mask
    }
}

/// Frame-of-reference groups: the values are cut into groups of ``groupSize``; each
/// group stores its minimum (zigzag varint) and a bit width (one byte), then every
/// value minus the minimum, bit-packed.
///
/// ```
/// group := base: zigzag varint | width: u8 (0...64) | packed: ceil(n * width / 8) bytes
/// ```
enum FrameOfReference {
    static let groupSize = 128

    /// The encoded size of `count` values given by `value`.
    @inline(__always)
    static func encodedSize(count: Int, _ value: (Int) -> Int64) -> Int {
        var size = 0
        var start = 0
        while start < count {
            let n = Swift.min(groupSize, count &- start)
            var low = value(start)
            var high = low
            for j in 1..<Swift.max(n, 1) {
                let v = value(start &+ j)
                low = Swift.min(low, v)
                high = Swift.max(high, v)
            }
            let width = BitPacking.width(ofRange: UInt64(bitPattern: high &- low))
            size &+= ByteWriter.varUIntSize(ZigZag.encode(low)) &+ 1 &+ BitPacking.byteCount(count: n, width: width)
            start &+= n
        }
        return size
    }

    /// Appends `count` values given by `value` as frame-of-reference groups.
    @inline(__always)
    static func encode(count: Int, into writer: inout ByteWriter, _ value: (Int) -> Int64) {
        var start = 0
        while start < count {
            let n = Swift.min(groupSize, count &- start)
            var low = value(start)
            var high = low
            for j in 1..<Swift.max(n, 1) {
                let v = value(start &+ j)
                low = Swift.min(low, v)
                high = Swift.max(high, v)
            }
            let width = BitPacking.width(ofRange: UInt64(bitPattern: high &- low))
            writer.writeZigZag(low)
            writer.writeUInt8(UInt8(width))
            let groupStart = start
            writer.writeZeroed(count: BitPacking.byteCount(count: n, width: width)) { dst in
                guard let base = dst.baseAddress else { return }
                BitPacking.pack(count: n, width: width, into: base) { j in
                    UInt64(bitPattern: value(groupStart &+ j) &- low)
                }
            }
            start &+= n
        }
    }

    /// Reads `count` values written by ``encode(count:into:_:)`` into `out[0..<count]`.
    static func decode(
        _ reader: inout ByteReader, count: Int, into out: UnsafeMutablePointer<Int64>
    ) throws(StorageError) {
        var done = 0
        while done < count {
            let n = Swift.min(groupSize, count &- done)
            let base = try reader.readZigZag("a frame-of-reference base")
            let widthOffset = reader.offset
            let width = Int(try reader.readUInt8("a bit width"))
            guard width <= 64 else {
                throw reader.corrupt("bit width \(width) is larger than 64", at: widthOffset)
            }
            let bytes = BitPacking.byteCount(count: n, width: width)
            guard reader.remaining >= bytes else { throw reader.truncated("bit-packed values") }
            if width == 0 {
                (out + done).update(repeating: base, count: n)
            } else {
                let src = reader.bytes.baseAddress.unsafelyUnwrapped + reader.offset
                BitPacking.unpack(src, available: reader.remaining, count: n, width: width, adding: base, into: out + done)
            }
            reader.offset &+= bytes
            done &+= n
        }
    }
}
