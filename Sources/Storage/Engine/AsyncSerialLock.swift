// A FIFO lock for async code: held across awaits (a Mutex may not be), used to order
// schema changes and to run one flush, compaction or retention pass at a time.
import Synchronization

/// A fair asynchronous mutual-exclusion lock.
public final class AsyncSerialLock: Sendable {
    struct State {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    let state = Mutex(State())

    public init() {}

    /// Waits for the lock.
    public func lock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { s -> Bool in
                if !s.held { s.held = true; return true }
                s.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    /// Releases the lock, handing it to the oldest waiter.
    public func unlock() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty { s.held = false; return nil }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }

    /// Runs `body` holding the lock.
    public func withLock<R: Sendable>(_ body: () async throws(StorageError) -> R) async throws(StorageError) -> R {
        await lock()
        defer { unlock() }
        return try await body()
    }
}
