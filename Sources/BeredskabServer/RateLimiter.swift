import Foundation

/// A token bucket per credential: `burst` requests at once, refilled at `perSecond`.
public final class RateLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: Double)] = [:]
    let burst: Double
    let perSecond: Double
    /// The time in seconds, read for each request that does not pass its own.
    let clock: @Sendable () -> Double

    /// Creates a limiter; the defaults allow a steady 10 requests a second with bursts of 200.
    /// `clock` gives the time in seconds (default: the wall clock; tests pass their own).
    public init(
        burst: Int = 200, perSecond: Double = 10,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.burst = Double(burst)
        self.perSecond = perSecond
        self.clock = clock
    }

    /// Takes one request from the key's bucket at the limiter's clock; nil if allowed, else the seconds to wait.
    public func take(_ key: String) -> Int? { take(key, now: clock()) }

    /// Takes one request from the key's bucket at `now` (seconds); nil if allowed, else the seconds to wait.
    public func take(_ key: String, now: Double) -> Int? {
        lock.withLock {
            var bucket = buckets[key] ?? (burst, now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) * perSecond)
            bucket.at = now
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            buckets[key] = bucket
            return nil
        }
    }
}
