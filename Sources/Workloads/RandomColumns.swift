// Other column shapes used by the codec tests and benchmarks: full-precision random
// doubles (a codec's worst case) and irregular timestamps.

/// Generators for non-TSBS columns.
public enum RandomColumns {
    /// Uniform random doubles in [0, 1) with all 52 mantissa bits in use.
    public static func doubles(count: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in rng.nextUnit() }
    }

    /// Timestamps at `interval` with up to `jitter` ns of random error per point.
    public static func jitteredTimestamps(count: Int, start: Int64, interval: Int64, jitter: Int64, seed: UInt64) -> [Int64] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let noise = jitter == 0 ? 0 : Int64(rng.next() % UInt64(2 * jitter + 1)) - jitter
            return start &+ Int64(i) &* interval &+ noise
        }
    }

    /// Prices with two decimals, as a random walk in cents (the decimal codec's home ground).
    public static func prices(count: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        var cents: Int64 = 10_000
        return (0..<count).map { _ in
            cents = Swift.max(1, cents + Int64(rng.next() % 21) - 10)
            return Double(cents) / 100
        }
    }
}
