import Foundation

/// A token bucket per credential: `burst` requests at once, refilled at `perSecond`.
public final class RateLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: Double)] = [:]
    let burst: Double
    let perSecond: Double

    /// Creates a limiter; the defaults allow a steady 10 requests a second with bursts of 200.
    public init(burst: Int = 200, perSecond: Double = 10) {
        self.burst = Double(burst)
        self.perSecond = perSecond
    }

    /// Takes one request from the key's bucket; nil if allowed, else the seconds to wait.
    public func take(_ key: String, now: Double = Date().timeIntervalSince1970) -> Int? {
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
