import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation

/// Works the outbox: fires due escalation timers, then sends due notifications. Everything it
/// acts on is read from the store, so timers and pending messages survive a restart.
public struct Dispatcher: Sendable {
    let store: any IncidentStore
    /// The running rules, replaced on reload.
    let live: LiveEngine
    var engine: Engine { live.current }
    let transport: any Transport
    /// The server's address as recipients reach it, for acknowledgement links.
    let publicURL: String
    let policy: DeliveryPolicy
    /// The role told when a person cannot be reached on any channel, if one is configured.
    let failureRole: String?
    /// Delivery counts and latency for `/metrics`.
    let metrics: ServerMetrics?

    /// Creates a dispatcher with fixed rules.
    public init(
        store: any IncidentStore, engine: Engine, transport: any Transport, publicURL: String,
        policy: DeliveryPolicy = DeliveryPolicy(), failureRole: String? = nil
    ) {
        self.init(
            store: store, live: LiveEngine(engine), transport: transport, publicURL: publicURL, policy: policy,
            failureRole: failureRole, metrics: nil)
    }

    /// Creates a dispatcher following the server's running rules.
    public init(
        store: any IncidentStore, live: LiveEngine, transport: any Transport, publicURL: String,
        policy: DeliveryPolicy = DeliveryPolicy(), failureRole: String? = nil, metrics: ServerMetrics?
    ) {
        self.store = store
        self.live = live
        self.metrics = metrics
        self.transport = transport
        self.publicURL = publicURL
        self.policy = policy
        self.failureRole = failureRole
    }

    /// One pass: escalations due by `now`, then up to `limit` due notifications. Returns how many were sent.
    @discardableResult
    public func runOnce(now: Instant, limit: Int = 200) async throws -> Int {
        let engine = engine
        _ = try store.fireDueEscalations(at: now) { escalation in
            let title = engine.rules.guideline(escalation.guideline)?.title ?? escalation.guideline
            let message =
                "ESKALERING: ingen har kvitteret for \"\(title)\" (hændelse \(escalation.incident)). Kvittér her: {link}"
            return engine.notifications(
                roles: escalation.roles, tier: escalation.tier, at: now, guideline: escalation.guideline,
                message: message
            ).notifications
        }
        for watch in try store.takeUnansweredWatches(at: now) {
            let name = engine.roster.institutions[watch.institution]?.name ?? watch.institution
            try escalate(
                "INTET SVAR: \(name) har ikke bekræftet, om den holder åbent (hændelse \(watch.incident)). Kontakt lederen. Kvittér: {link}",
                to: watch.escalateTo, guideline: watch.guideline, incident: watch.incident,
                purpose: "watch-unanswered-\(watch.id)", now: now)
        }
        for task in try store.takeOverdueTasks(at: now) {
            let deadline = Copenhagen.local(task.dueAt).danishText
            let role = engine.rules.roles[task.role]?.name ?? task.role
            try escalate(
                "OPGAVE OVERSKREDET: \"\(task.text)\" (\(role)) skulle være løst \(deadline) (hændelse \(task.incident)). Følg op: {link}",
                to: task.escalateTo, guideline: task.guideline, incident: task.incident,
                purpose: "task-overdue-\(task.id)", now: now)
        }
        let due = try store.dueNotifications(at: now, limit: limit)
        // All due messages at once, so one slow receiver cannot hold up the others; their attempts
        // are recorded together in one transaction.
        let attempts = await withTaskGroup(of: (DeliveryAttempt, NextStep, StoredNotification).self) { group in
            for notification in due {
                group.addTask { await deliver(notification, now: now) }
            }
            var attempts: [(DeliveryAttempt, NextStep, StoredNotification)] = []
            for await attempt in group { attempts.append(attempt) }
            return attempts
        }
        try store.recordAttempts(attempts.map { ($0.0, $0.1) })
        if let metrics {
            for (attempt, next, notification) in attempts {
                let latency = next == .delivered ? Double(max(0, now.seconds - notification.sendAt.seconds)) : nil
                metrics.delivery(channel: attempt.channel, outcome: attempt.outcome, latencySeconds: latency)
            }
        }
        for (_, next, notification) in attempts where next == .failed {
            try reportFailure(notification, now: now)
        }
        return due.count
    }

    /// Puts a situation-tier escalation message for whoever is on duty in `roles` into the outbox, once
    /// per `purpose` (an unanswered watch, an overdue task).
    func escalate(
        _ message: String, to roles: [String], guideline: String, incident: String, purpose: String, now: Instant
    ) throws {
        let notifications = engine.notifications(
            roles: roles, tier: .situation, at: now, guideline: guideline, message: message
        ).notifications
        try store.enqueue(notifications, incident: incident, purpose: purpose, kind: "escalation")
    }

    func deliver(
        _ notification: StoredNotification, now: Instant
    ) async -> (DeliveryAttempt, NextStep, StoredNotification) {
        let link = "\(publicURL)/ack/\(store.ackToken(forKey: notification.idempotencyKey))"
        var text = notification.message.replacingOccurrences(of: "{link}", with: link)
        if !notification.message.contains("{link}") { text += "\nKvittér: \(link)" }
        if let details = notification.details { text += details }
        guard notification.channelIndex < notification.channels.count else {
            let attempt = DeliveryAttempt(
                notification: notification.id, at: now, channel: "none", address: "", outcome: "failed",
                detail: "\(notification.name) has no channel left")
            return (attempt, .failed, notification)
        }
        let channel = notification.channels[notification.channelIndex]
        let result = await transport.send(
            Outgoing(
                notification: notification, channel: channel.kind, address: channel.address, text: text, ackLink: link))
        let next = policy.next(
            after: result, notification: notification, channelCount: notification.channels.count, now: now,
            jitter: Double.random(in: 0...1))
        let (outcome, detail): (String, String)
        switch result {
        case .delivered(let text): (outcome, detail) = ("delivered", text)
        case .retry(let text): (outcome, detail) = ("retry", text)
        case .permanent(let text): (outcome, detail) = ("permanent", text)
        }
        let attempt = DeliveryAttempt(
            notification: notification.id, at: now, channel: channel.kind, address: channel.address, outcome: outcome,
            detail: detail)
        return (attempt, next, notification)
    }

    /// Tells the configured duty role that a person could not be reached on any channel.
    func reportFailure(_ notification: StoredNotification, now: Instant) throws {
        guard let failureRole, notification.kind != "delivery-problem",
            let guideline = notification.guidelines.first
        else { return }
        let message =
            "LEVERING MISLYKKEDES: \(notification.name) (\(notification.roles.joined(separator: ", "))) kunne ikke nås på nogen kanal om hændelse \(notification.incident). Ring til personen eller en stedfortræder. Kvittér: {link}"
        let notifications = engine.notifications(
            roles: [failureRole], tier: .situation, at: now, guideline: guideline, message: message
        ).notifications
        try store.enqueue(
            notifications, incident: notification.incident, purpose: "failed-\(notification.id)",
            kind: "delivery-problem")
    }

    /// Runs passes until the task is cancelled: straight on while a pass finds a full batch, else
    /// when the doorbell rings (intake committed something) or after `interval` at the latest, for
    /// timers. A failing pass is logged and retried on the next one.
    public func run(
        every interval: Duration = .seconds(1), doorbell: Doorbell? = nil, clock: @Sendable () -> Instant
    ) async {
        let batch = 200
        while !Task.isCancelled {
            var sent = 0
            do {
                sent = try await runOnce(now: clock(), limit: batch)
            } catch {
                FileHandle.standardError.write(Data("dispatcher: \(error)\n".utf8))
            }
            if sent >= batch { continue }
            if let doorbell {
                await doorbell.wait(upTo: interval)
            } else {
                try? await Task.sleep(for: interval)
            }
        }
    }
}
