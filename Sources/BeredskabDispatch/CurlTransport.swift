import BeredskabDelivery
import BeredskabEngine
import Foundation

/// Delivers through libcurl: email over SMTP, SMS through the gateway, signed webhooks; all on one
/// curl multi handle. A channel with no transport configured is a permanent failure for that
/// channel, so the person's next channel is tried.
public final class CurlTransport: Transport, Sendable {
    /// Where and how each channel is delivered; a channel left `nil` is refused permanently.
    public struct Settings: Sendable {
        public var smtp: SMTPTransport.Config?
        public var sms: SMSGatewayTransport.Config?
        /// Set when webhooks may be sent: the secret they are signed with (HMAC-SHA256).
        public var webhookSecret: String?
        /// Sends every webhook here instead of to each person's own address.
        public var webhookURL: String?
        /// How long one webhook may take before it counts as a timeout (retried).
        public var webhookTimeout: Duration

        /// Creates settings; nothing is configured unless given.
        public init(
            smtp: SMTPTransport.Config? = nil, sms: SMSGatewayTransport.Config? = nil, webhookSecret: String? = nil,
            webhookURL: String? = nil, webhookTimeout: Duration = .seconds(15)
        ) {
            self.smtp = smtp
            self.sms = sms
            self.webhookSecret = webhookSecret
            self.webhookURL = webhookURL
            self.webhookTimeout = webhookTimeout
        }
    }

    let multi: CurlMulti
    let configuration: Settings

    /// Creates the transport and its curl thread.
    public init(_ settings: Settings) {
        self.configuration = settings
        multi = CurlMulti()
    }

    deinit { multi.shutdown() }

    /// E-mail goes to the one SMTP server and SMS to the one gateway; a webhook to its URL's scheme,
    /// host and port (the configured webhook URL when there is one).
    public func destination(channel: String, address: String) -> String {
        switch channel {
        case "email": return "email " + (configuration.smtp?.url ?? "")
        case "sms": return "sms " + (configuration.sms?.url ?? "")
        case "webhook":
            let url = configuration.webhookURL ?? address
            guard let parts = URLComponents(string: url), let host = parts.host else { return "webhook " + url }
            return "webhook \(parts.scheme ?? "http")://\(host):\(parts.port ?? (parts.scheme == "https" ? 443 : 80))"
        default: return channel
        }
    }

    public func send(_ message: Outgoing) async -> SendResult {
        let n = message.notification
        var firstLine = message.text.split(separator: "\n").first.map(String.init) ?? ""
        // An exercise's subject starts with the marker its text starts with: `ØVELSE – Beredskab: …`.
        var marker = ""
        if n.exercise {
            marker =
                [Exercise.marker(.da), Exercise.marker(.en)].first { firstLine.hasPrefix($0) } ?? Exercise.bothMarker
            if firstLine.hasPrefix(marker) { firstLine.removeFirst(marker.count) }
        }
        let subject =
            marker + "Beredskab: " + (firstLine.count > 70 ? String(firstLine.prefix(69)) + "…" : firstLine)
        var outgoing = OutgoingMessage(
            idempotencyKey: n.idempotencyKey, recipientName: n.name, address: message.address, subject: subject,
            body: message.text,
            json: [
                "incident": n.incident, "person": n.person, "roles": n.roles.joined(separator: ","),
                "tier": n.tier.rawValue, "ack_link": message.ackLink, "kind": n.kind,
            ], link: message.ackLink)
        outgoing.exercise = n.exercise
        let outcome: DeliveryOutcome
        switch message.channel {
        case "email":
            guard let smtp = configuration.smtp else { return .permanent("no SMTP transport is configured") }
            outcome = await SMTPTransport(config: smtp).send(outgoing, via: multi)
        case "sms":
            guard let sms = configuration.sms else { return .permanent("no SMS gateway is configured") }
            outcome = await SMSGatewayTransport(config: sms).send(outgoing, via: multi)
        case "webhook":
            guard let secret = configuration.webhookSecret else { return .permanent("webhooks are not configured") }
            let url = configuration.webhookURL ?? message.address
            outcome = await WebhookTransport(
                config: .init(url: url, secret: secret, timeout: configuration.webhookTimeout)
            )
            .send(outgoing, via: multi)
        default:
            return .permanent("unknown channel \(message.channel)")
        }
        switch outcome {
        case .delivered(let detail): return .delivered(detail)
        case .retry(let detail): return .retry(detail)
        case .permanent(let detail): return .permanent(detail)
        }
    }
}
