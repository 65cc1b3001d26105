// MSB-first bit streams for the Gorilla codec.
//
// The writer fills a 64-bit accumulator from the top and flushes it big-endian. The
// reader peeks 64 bits with unaligned big-endian loads; past the end of the buffer it
// reads zeros, and the decoder checks once at the end that it did not consume more
// bits than the buffer holds.

struct BitWriter {
    var bytes: [UInt8] = []
    private var accumulator: UInt64 = 0
    private var used = 0

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Appends the low `count` bits of `value` (count in 0...64), most significant first.
    @inline(__always)
    mutating func write(_ value: UInt64, bits count: Int) {
        guard count > 0 else { return }
        let v = count == 64 ? value : value & ((1 &<< UInt64(count)) &- 1)
        let free = 64 &- used
        if count <= free {
            accumulator |= v &<< UInt64(free &- count)
            used &+= count
            if used == 64 { flush() }
        } else {
            let rest = count &- free
            accumulator |= v &>> UInt64(rest)
            used = 64
            flush()
            accumulator = v &<< UInt64(64 &- rest)
            used = rest
        }
    }

    @inline(__always)
    private mutating func flush() {
        withUnsafeBytes(of: accumulator.bigEndian) { bytes.append(contentsOf: $0) }
        accumulator = 0
        used = 0
    }

    /// Pads the last byte with zero bits and returns the stream.
    mutating func finish() -> [UInt8] {
        var remaining = (used &+ 7) &>> 3
        var acc = accumulator
        while remaining > 0 {
            bytes.append(UInt8(truncatingIfNeeded: acc &>> 56))
            acc &<<= 8
            remaining &-= 1
        }
        accumulator = 0
        used = 0
        return bytes
    }
}

/// An MSB-first bit reader with a 64-bit buffer refilled by one unaligned load, so the
/// loads stay off the decoder's dependency chain. Past the end it shifts in zeros; the
/// caller checks ``consumedBits`` against ``totalBits`` once at the end.
struct BitReader {
    let base: UnsafeRawPointer?
    let byteCount: Int
    /// The next bits, most significant first; only the top ``available`` bits are valid.
    private(set) var buffer: UInt64 = 0
    /// Valid bits in ``buffer`` (at least 56 after ``refill()``).
    private(set) var available = 0
    /// The next byte to load (may run past the end, where zeros are loaded).
    private var nextByte = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        byteCount = bytes.count
    }

    var totalBits: Int { byteCount &* 8 }
    /// Bits consumed so far (may exceed ``totalBits`` on a truncated stream).
    var consumedBits: Int { nextByte &* 8 &- available }

    /// Tops the buffer up to at least 56 valid bits.
    @inline(__always)
    mutating func refill() {
        if nextByte &+ 8 <= byteCount {
            let word = UInt64(bigEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: nextByte, as: UInt64.self))
            buffer |= word &>> UInt64(truncatingIfNeeded: available)
            nextByte &+= (63 &- available) &>> 3
            available |= 56
        } else {
            slowRefill()
        }
    }

    @inline(never)
    mutating func slowRefill() {
        while available <= 56 {
            let byte: UInt64 = nextByte < byteCount
                ? UInt64(base.unsafelyUnwrapped.load(fromByteOffset: nextByte, as: UInt8.self)) : 0
            buffer |= byte &<< UInt64(truncatingIfNeeded: 56 &- available)
            nextByte &+= 1
            available &+= 8
        }
    }

    /// Drops `count` (0...available) bits.
    @inline(__always)
    mutating func consume(_ count: Int) {
        buffer = count >= 64 ? 0 : buffer &<< UInt64(truncatingIfNeeded: count)
        available &-= count
    }

    /// Consumes and returns `count` bits (1...64), refilling as needed.
    @inline(__always)
    mutating func read(_ count: Int) -> UInt64 {
        if count <= 56 {
            refill()
            let value = buffer &>> UInt64(truncatingIfNeeded: 64 &- count)
            consume(count)
            return value
        }
        let high = read(32)
        let low = read(count &- 32)
        return (high &<< UInt64(truncatingIfNeeded: count &- 32)) | low
    }
}
