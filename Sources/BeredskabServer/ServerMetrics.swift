import BeredskabDispatch
import Prometheus

/// The server's figures for Prometheus: reports received, notifications by channel and outcome,
/// delivery latency, and (read from the store at each scrape) open incidents and unacknowledged escalations.
public final class ServerMetrics: DeliveryMetrics, Sendable {
    /// Every collector, emitted at `/metrics`.
    public let registry = PrometheusCollectorRegistry()

    /// Creates the collectors.
    public init() {}

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "beredskab", metricName: metric, unitName: unit, helpText: help)
    }

    /// Counts a report: `accepted`, `replayed` or `rejected`.
    public func reportReceived(_ outcome: String) {
        registry.makeCounter(
            descriptor: Self.name("reports_received", "total", "Incident reports received, by outcome."),
            labels: [("outcome", outcome)]
        ).increment()
    }

    /// Counts a report that matched guidelines an active silence covers (`reports_silenced_total`):
    /// recorded, shown, and nothing sent for those guidelines.
    public func reportSilenced() {
        registry.makeCounter(
            descriptor: Self.name(
                "reports_silenced", "total", "Incident reports with guidelines a coordinator's silence kept quiet.")
        ).increment()
    }

    /// Counts a delivery attempt and, when delivered, how long after its send time it left. An
    /// exercise's attempts are counted apart (`exercise_notifications_total`) and not in the latency,
    /// so the figures for real incidents never include a drill.
    public func delivery(channel: String, outcome: String, latencySeconds: Double?, exercise: Bool = false) {
        if exercise {
            registry.makeCounter(
                descriptor: Self.name(
                    "exercise_notifications", "total", "Delivery attempts of exercise messages, by channel and outcome."
                ),
                labels: [("channel", channel), ("outcome", outcome)]
            ).increment()
            return
        }
        registry.makeCounter(
            descriptor: Self.name("notifications", "total", "Notification delivery attempts, by channel and outcome."),
            labels: [("channel", channel), ("outcome", outcome)]
        ).increment()
        if let latencySeconds {
            registry.makeValueHistogram(
                descriptor: Self.name(
                    "delivery_latency", "seconds", "Seconds from a notification's send time to its delivery."),
                labels: [("channel", channel)],
                buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900]
            ).record(latencySeconds)
        }
    }

    /// The exposition text, with the gauges read now: open incidents, unacknowledged escalations,
    /// notifications waiting after a failed attempt by the channel tried next, and how long the
    /// longest has waited (seconds).
    public func render(
        openIncidents: Int, unacknowledgedEscalations: Int, waiting: [String: Int] = [:], oldestWaitingSeconds: Int = 0
    ) -> String {
        for channel in ["email", "sms", "webhook"] {
            registry.makeGauge(
                descriptor: Self.name(
                    "notifications_waiting", "count",
                    "Notifications not yet delivered after a failed attempt, by the channel tried next."),
                labels: [("channel", channel)]
            ).set(Double(waiting[channel] ?? 0))
        }
        registry.makeGauge(
            descriptor: Self.name(
                "notification_oldest_waiting", "seconds",
                "Seconds since the first failed attempt of the longest-waiting notification; 0 when none waits.")
        ).set(Double(oldestWaitingSeconds))
        registry.makeGauge(descriptor: Self.name("open_incidents", "count", "Incidents not closed by an all clear."))
            .set(Double(openIncidents))
        registry.makeGauge(
            descriptor: Self.name(
                "unacknowledged_escalations", "count", "Escalations fired for incidents nobody has acknowledged.")
        ).set(Double(unacknowledgedEscalations))
        return registry.emitToString()
    }
}
