/// Where the dispatcher counts what it delivered (the server's Prometheus collectors).
public protocol DeliveryMetrics: Sendable {
    /// Counts one delivery attempt on `channel` with its `outcome` (`delivered`, `retry`, `permanent`,
    /// `failed`) and, when delivered, the seconds from its send time to its delivery. An exercise's
    /// attempts are counted apart from the real ones.
    func delivery(channel: String, outcome: String, latencySeconds: Double?, exercise: Bool)
}
