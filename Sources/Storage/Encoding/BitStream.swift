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

struct BitReader {
    let base: UnsafeRawPointer?
    let byteCount: Int
    /// The next bit to read.
    var bit = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        byteCount = bytes.count
    }

    var totalBits: Int { byteCount &* 8 }

    /// The next 64 bits (zeros past the end), without consuming them.
    @inline(__always)
    func peek() -> UInt64 {
        let byte = bit &>> 3
        let shift = UInt64(truncatingIfNeeded: bit & 7)
        var word: UInt64
        if byte &+ 8 <= byteCount {
            word = UInt64(bigEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
        } else {
            word = slowWord(byte)
        }
        word &<<= shift
        if shift > 0 && byte &+ 8 < byteCount {
            word |= UInt64(base.unsafelyUnwrapped.load(fromByteOffset: byte &+ 8, as: UInt8.self)) &>> (8 &- shift)
        }
        return word
    }

    @inline(never)
    func slowWord(_ byte: Int) -> UInt64 {
        var word: UInt64 = 0
        for k in 0..<8 {
            let position = byte &+ k
            let value: UInt64 = position < byteCount && position >= 0
                ? UInt64(base.unsafelyUnwrapped.load(fromByteOffset: position, as: UInt8.self)) : 0
            word |= value &<< UInt64(56 &- 8 &* k)
        }
        return word
    }

    /// Consumes and returns `count` bits (1...64).
    @inline(__always)
    mutating func read(_ count: Int) -> UInt64 {
        let value = peek() &>> UInt64(64 &- count)
        bit &+= count
        return value
    }
}
