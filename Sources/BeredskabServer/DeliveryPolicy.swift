import BeredskabStore
import BeredskabTime

/// When to try again, when to move on to the person's next channel, and when to give up.
public struct DeliveryPolicy: Sendable {
    /// Failed attempts on one channel before falling back to the next.
    public var attemptsPerChannel = 5
    /// Seconds after the first attempt on a channel after which the next channel is tried.
    public var channelTimeLimit = 10 * 60
    /// The first back-off in seconds; it doubles with each attempt.
    public var baseDelay = 2
    /// The longest back-off in seconds.
    public var maximumDelay = 5 * 60

    /// Creates the default policy.
    public init() {}

    /// The next step after an attempt. `jitter` (0…1) spreads retries by ±20 % so a recovering
    /// receiver is not hit by everything at once.
    public func next(
        after result: SendResult, notification: StoredNotification, channelCount: Int, now: Instant, jitter: Double
    ) -> NextStep {
        func fallback() -> NextStep {
            notification.channelIndex + 1 < channelCount ? .fallback(channel: notification.channelIndex + 1) : .failed
        }
        switch result {
        case .delivered:
            return .delivered
        case .permanent:
            return fallback()
        case .retry:
            let attempts = notification.attempts + 1
            let elapsed = now.seconds - (notification.firstAttemptAt ?? now).seconds
            if attempts >= attemptsPerChannel || elapsed >= channelTimeLimit { return fallback() }
            let delay = min(maximumDelay, baseDelay << min(attempts - 1, 20))
            let spread = Double(delay) * (0.8 + 0.4 * min(max(jitter, 0), 1))
            return .retry(at: now.adding(max(1, Int(spread.rounded()))))
        }
    }
}
