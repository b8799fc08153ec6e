import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation

/// Works the outbox: fires due escalation timers, then sends due notifications. Everything it
/// acts on is read from the store, so timers and pending messages survive a restart.
public struct Dispatcher: Sendable {
    let store: SQLiteStore
    let engine: Engine
    let transport: any Transport
    /// The server's address as recipients reach it, for acknowledgement links.
    let publicURL: String

    /// Creates a dispatcher.
    public init(store: SQLiteStore, engine: Engine, transport: any Transport, publicURL: String) {
        self.store = store
        self.engine = engine
        self.transport = transport
        self.publicURL = publicURL
    }

    /// One pass: escalations due by `now`, then up to `limit` due notifications. Returns how many were sent.
    @discardableResult
    public func runOnce(now: Instant, limit: Int = 200) async throws -> Int {
        _ = try store.fireDueEscalations(at: now) { escalation in
            let title = engine.rules.guideline(escalation.guideline)?.title ?? escalation.guideline
            let message =
                "ESKALERING: ingen har kvitteret for \"\(title)\" (hændelse \(escalation.incident)). Kvittér her: {link}"
            return engine.notifications(
                roles: escalation.roles, tier: escalation.tier, at: now, guideline: escalation.guideline,
                message: message
            ).notifications
        }
        let due = try store.dueNotifications(at: now, limit: limit)
        for notification in due {
            let link = "\(publicURL)/ack/\(store.ackToken(forKey: notification.idempotencyKey))"
            var text = notification.message.replacingOccurrences(of: "{link}", with: link)
            if !notification.message.contains("{link}") { text += "\nKvittér: \(link)" }
            guard let channel = notification.channels.first else {
                try store.recordAttempt(
                    DeliveryAttempt(
                        notification: notification.id, at: now, channel: "none", address: "", outcome: "failed",
                        detail: "\(notification.name) has no channel"))
                continue
            }
            let result = await transport.send(
                Outgoing(
                    notification: notification, channel: channel.kind, address: channel.address, text: text,
                    ackLink: link))
            try store.recordAttempt(
                DeliveryAttempt(
                    notification: notification.id, at: now, channel: channel.kind, address: channel.address,
                    outcome: result.outcome, detail: result.detail))
        }
        return due.count
    }

    /// Runs passes every `interval` seconds until the task is cancelled; a failing pass is logged
    /// and retried on the next one.
    public func run(every interval: Double = 1, clock: @Sendable () -> Instant) async {
        while !Task.isCancelled {
            do {
                try await runOnce(now: clock())
            } catch {
                FileHandle.standardError.write(Data("dispatcher: \(error)\n".utf8))
            }
            try? await Task.sleep(for: .seconds(interval))
        }
    }
}
