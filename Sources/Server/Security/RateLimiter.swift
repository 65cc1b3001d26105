// Token-bucket rate limiting per key (a workspace, a token's name, or a client address).
// Each key's bucket holds up to `burst` tokens and refills at `rate` per second; a
// request takes one token or is refused with the wait until the next one. Thread safe
// (one mutex); the table of buckets is bounded: past `maxKeys`, buckets that have
// refilled completely (idle keys) are dropped, which loses nothing.
import Synchronization

/// A per-key token-bucket rate limiter.
public final class RateLimiter: Sendable {
    /// Requests per second each key may sustain.
    public let rate: Double
    /// Requests a key may make at once after being idle.
    public let burst: Double
    let maxKeys: Int
    let clock: @Sendable () -> Double
    let buckets = Mutex<[String: Bucket]>([:])

    struct Bucket {
        var tokens: Double
        var updated: Double
    }

    /// What a request gets.
    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused; retry after this many seconds (at least 1, rounded up).
        case limited(retryAfter: Int)
    }

    /// - Parameters:
    ///   - rate: tokens per second (> 0).
    ///   - burst: bucket size (≥ 1).
    ///   - clock: seconds on a monotonic clock (injectable for tests).
    public init(rate: Double, burst: Double, maxKeys: Int = 100_000,
                clock: @escaping @Sendable () -> Double = RateLimiter.monotonicSeconds) {
        precondition(rate > 0 && burst >= 1, "a rate limiter needs a positive rate and a burst of at least 1")
        self.rate = rate
        self.burst = burst
        self.maxKeys = maxKeys
        self.clock = clock
    }

    /// Seconds since an arbitrary start, never going back.
    public static let monotonicSeconds: @Sendable () -> Double = {
        let d = start.duration(to: .now)
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
    static let start = ContinuousClock.now

    /// Takes a token from `key`'s bucket.
    public func acquire(_ key: String) -> Decision {
        let now = clock()
        return buckets.withLock { table in
            var bucket = table[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updated) * rate)
            bucket.updated = now
            let decision: Decision
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                decision = .allowed
            } else {
                let wait = (1 - bucket.tokens) / rate
                decision = .limited(retryAfter: max(1, Int(wait.rounded(.up))))
            }
            if table[key] == nil, table.count >= maxKeys { evictIdle(&table, now: now) }
            table[key] = bucket
            return decision
        }
    }

    /// The number of keys tracked (for tests and metrics).
    public var keyCount: Int { buckets.withLock { $0.count } }

    func evictIdle(_ table: inout [String: Bucket], now: Double) {
        table = table.filter { _, b in b.tokens + (now - b.updated) * rate < burst }
        if table.count >= maxKeys { table.removeAll(keepingCapacity: true) }
    }
}

/// At most `limit` holders at a time; `tryAcquire` never waits (the server answers 503
/// with Retry-After when every slot is taken, rather than queueing without bound).
public final class ConcurrencyLimiter: Sendable {
    public let limit: Int
    let inUse = Mutex(0)

    public init(limit: Int) {
        precondition(limit > 0, "a concurrency limit must be positive")
        self.limit = limit
    }

    /// A slot, released when the returned permit is deallocated; nil when all are taken.
    public func tryAcquire() -> Permit? {
        let ok = inUse.withLock { n in
            if n >= limit { return false }
            n += 1
            return true
        }
        return ok ? Permit(self) : nil
    }

    /// Slots taken now.
    public var current: Int { inUse.withLock { $0 } }

    func release() { inUse.withLock { $0 -= 1 } }

    /// A held slot; dropping the last reference releases it, so a response that is never
    /// written (the client went away) cannot leak its slot.
    public final class Permit: Sendable {
        let owner: ConcurrencyLimiter
        init(_ owner: ConcurrencyLimiter) { self.owner = owner }
        deinit { owner.release() }
    }
}
