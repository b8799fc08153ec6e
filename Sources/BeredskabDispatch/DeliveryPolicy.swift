import BeredskabStore
import BeredskabTime

/// When to try again, when to move on to the person's next channel, and how many messages one
/// destination may have in flight.
///
/// A notification is never given up while any of the person's channels might still take it: a
/// temporary failure (a timeout, a refused connection, a 5xx from a webhook) is retried with a
/// back-off that doubles from `baseDelay` up to `maximumDelay` seconds, moving on to the next
/// channel after `attemptsPerChannel` attempts or `channelTimeLimit` seconds, and round again from
/// the first channel after the last. Only a permanent refusal of one address (a 4xx from a webhook,
/// a 5xx from SMTP) ends that channel, and only when every channel has been refused does the
/// notification fail. The dispatcher stops trying once the notification is delivered or
/// acknowledged, or its incident is closed.
public struct DeliveryPolicy: Sendable {
    /// Failed attempts on one channel before moving on to the next.
    public var attemptsPerChannel = 5
    /// Seconds after the first attempt on a channel after which the next channel is tried.
    public var channelTimeLimit = 10 * 60
    /// The first back-off in seconds; it doubles with each attempt.
    public var baseDelay = 2
    /// The longest back-off in seconds, also the pause before a new round over all the channels.
    public var maximumDelay = 60
    /// Messages one destination (an SMTP server, an SMS gateway, a webhook host) may have in flight
    /// at once; more wait for a free place, so a hanging receiver holds up only its own messages.
    public var perDestinationLimit = 64
    /// Messages in flight at once over all destinations.
    public var inFlightLimit = 512

    /// Creates the default policy.
    public init() {}

    /// The next step after an attempt on the notification's current channel. `jitter` (0…1) spreads
    /// retries by ±20 % so a recovering receiver is not hit by everything at once.
    public func next(
        after result: SendResult, notification: StoredNotification, channelCount: Int, now: Instant, jitter: Double
    ) -> NextStep {
        let current = notification.channelIndex
        var refused = Set(notification.refusedChannels)
        if case .permanent = result { refused.insert(current) }
        /// The next channel not refused after the current one, wrapping round; nil if none is left.
        func nextLive() -> Int? {
            guard channelCount > 0 else { return nil }
            for step in 1...channelCount {
                let index = (current + step) % channelCount
                if !refused.contains(index) { return index }
            }
            return nil
        }
        func move() -> NextStep {
            guard let index = nextLive() else { return .failed }
            if index == current { return retry(attempts: notification.attempts + 1) }
            // A new round over the channels waits the longest back-off; a next channel is tried at once.
            return .fallback(channel: index, at: index < current ? now.adding(maximumDelay) : now)
        }
        func retry(attempts: Int) -> NextStep {
            let delay = min(maximumDelay, baseDelay << min(max(attempts - 1, 0), 20))
            let spread = Double(delay) * (0.8 + 0.4 * min(max(jitter, 0), 1))
            return .retry(at: now.adding(max(1, Int(spread.rounded()))))
        }
        switch result {
        case .delivered:
            return .delivered
        case .permanent:
            return move()
        case .retry:
            let attempts = notification.attempts + 1
            let elapsed = now.seconds - (notification.firstAttemptAt ?? now).seconds
            if attempts >= attemptsPerChannel || elapsed >= channelTimeLimit { return move() }
            return retry(attempts: attempts)
        }
    }

    /// Whether the person should be reported to the failure role after this step: once every channel
    /// not refused has been tried and failed (the step starts a new round, stays on the only channel
    /// left after its attempts, or fails). The report is enqueued once per notification.
    public func isUnreachable(after step: NextStep, notification: StoredNotification) -> Bool {
        switch step {
        case .delivered: return false
        case .failed: return true
        case .fallback(let channel, _): return channel <= notification.channelIndex
        case .retry: return notification.attempts + 1 >= attemptsPerChannel
        }
    }
}
