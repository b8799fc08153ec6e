import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation
import Logging

/// Works the outbox: fires due escalation timers, then sends due notifications. Everything it
/// acts on is read from the store, so timers and pending messages survive a restart.
public struct Dispatcher: Sendable {
    let store: any IncidentStore
    /// The running rules, read afresh for each pass (the server replaces them on reload).
    let rules: @Sendable () -> Engine
    var engine: Engine { rules() }
    let transport: any Transport
    /// The server's address as recipients reach it, for acknowledgement links.
    let publicURL: String
    let policy: DeliveryPolicy
    /// The role told when a person cannot be reached on any channel, if one is configured.
    let failureRole: String?
    /// Delivery counts and latency for `/metrics`.
    let metrics: (any DeliveryMetrics)?
    /// What is in flight, shared by every copy of this dispatcher.
    let pipeline = DeliveryPipeline()
    /// Destinations by channel and address, shared by every copy of this dispatcher.
    let destinations = Memo()
    /// Failed attempts, unreachable people and failing passes (label `beredskab.dispatch`), with
    /// incident and notification ids, channel kinds and outcomes: never names, addresses or texts.
    let logger = Logger(label: "beredskab.dispatch")
    /// The system messages' texts (escalations, delivery problems, the acknowledgement line).
    let messages: MessageCatalogue
    /// Commits delivery results; called on the delivery pipeline's own thread, so it may block.
    /// The store by default; the server's single writer with `recording(through:)`.
    private(set) var recordAttempts: @Sendable ([(DeliveryAttempt, NextStep)]) throws -> Void

    /// Creates a dispatcher with fixed rules.
    public init(
        store: any IncidentStore, engine: Engine, transport: any Transport, publicURL: String,
        policy: DeliveryPolicy = DeliveryPolicy(), failureRole: String? = nil,
        messages: MessageCatalogue = .standard
    ) {
        self.init(
            store: store, rules: { engine }, transport: transport, publicURL: publicURL, policy: policy,
            failureRole: failureRole, metrics: nil, messages: messages)
    }

    /// Creates a dispatcher following running rules that may be replaced: `rules` is called once per
    /// pass and per escalation. `messages` are the texts of what the dispatcher writes itself.
    public init(
        store: any IncidentStore, rules: @escaping @Sendable () -> Engine, transport: any Transport,
        publicURL: String, policy: DeliveryPolicy = DeliveryPolicy(), failureRole: String? = nil,
        metrics: (any DeliveryMetrics)?, messages: MessageCatalogue = .standard
    ) {
        self.messages = messages
        self.store = store
        self.recordAttempts = { [store] in try store.recordAttempts($0) }
        self.rules = rules
        self.metrics = metrics
        self.transport = transport
        self.publicURL = publicURL
        self.policy = policy
        self.failureRole = failureRole
    }

    /// This dispatcher, committing its delivery results through `record` instead of the store
    /// directly: the server passes its group commit, so results share intake's transactions.
    /// `record` is called on a thread of its own and may block until the results are committed.
    public func recording(
        through record: @escaping @Sendable ([(DeliveryAttempt, NextStep)]) throws -> Void
    ) -> Dispatcher {
        var copy = self
        copy.recordAttempts = record
        return copy
    }

    /// One pass at `now`: escalations, unanswered watches and overdue tasks due by then, then
    /// deliveries of up to `limit` due notifications, waiting until each result is recorded and
    /// starting more as places free up, until nothing more is due at `now` (for tests and tools; the
    /// server runs the pipelined `run`). Returns how many deliveries it started.
    @discardableResult
    public func runOnce(now: Instant, limit: Int = 200) async throws -> Int {
        try fireTimers(now: now)
        // Round after round, as places free up, until nothing more is due at `now`.
        var total = 0
        while total < limit {
            let started = try startDue(now: now, limit: limit - total, clock: { now }, wake: nil)
            for task in started { await task.value }
            if started.isEmpty { break }
            total += started.count
        }
        return total
    }

    /// Starts a delivery for each due notification not already in flight, up to `limit`, while its
    /// destination has a free place (`policy.perDestinationLimit`) and the pipeline has room
    /// (`policy.inFlightLimit`). Messages for a full destination are passed over, so those behind
    /// them for other destinations still leave. Each delivery records its own result as it arrives
    /// (see `DeliveryPipeline`) and then rings `wake`, so the next pass can start what waited.
    func startDue(
        now: Instant, limit: Int, clock: @escaping @Sendable () -> Instant, wake: Doorbell?
    ) throws -> [Task<Void, Never>] {
        var chosen: [(id: Int64, destination: String)] = []
        var cursor: (due: Instant, id: Int64)?
        let page = 200
        // Pages through what is due, oldest first, reading of each only what choosing takes (its
        // channel); bounded so a long backlog for one full destination costs a pass at most this
        // many rows. Only the messages chosen are read whole.
        var scanned = 0
        while chosen.count < limit, scanned < 5_000, pipeline.hasRoom(policy) {
            let due = try store.dueNotificationKeys(
                at: now, limit: page, after: cursor, excluding: pipeline.inFlightIDs)
            for key in due {
                cursor = (key.dueAt, key.id)
                let destination = destination(channel: key.channel, address: key.address)
                guard pipeline.begin(key.id, destination: destination, policy: policy) else { continue }
                chosen.append((key.id, destination))
                if chosen.count >= limit { break }
            }
            scanned += due.count
            if due.count < page { break }
        }
        guard !chosen.isEmpty else { return [] }
        let notifications: [StoredNotification]
        do {
            // Taken for this instance: on a shared store, another may have taken some since.
            notifications = try store.claimNotifications(ids: chosen.map(\.id), at: now)
        } catch {
            for (id, destination) in chosen { pipeline.end(id, destination: destination) }
            throw error
        }
        let byID = Dictionary(notifications.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var started: [Task<Void, Never>] = []
        for (id, destination) in chosen {
            // Acknowledged, withdrawn or taken by another instance between the two reads: not sent.
            guard let notification = byID[id], notification.status == "pending", notification.acknowledgedAt == nil
            else {
                pipeline.end(id, destination: destination)
                continue
            }
            let task = Task {
                await deliverAndRecord(notification, destination: destination, clock: clock, wake: wake)
            }
            pipeline.attach(id, task)
            started.append(task)
        }
        return started
    }

    /// The receiver a channel goes to ("none" for no channel), remembered per channel and address:
    /// the transport may parse a URL to say, and a pass asks for every message it passes over.
    func destination(channel: String?, address: String?) -> String {
        guard let channel, let address else { return "none" }
        return destinations.value(for: channel + "\u{0}" + address) {
            transport.destination(channel: channel, address: address)
        }
    }

    /// Delivers one notification and records the result. A delivery cancelled by shutdown records
    /// nothing: the notification stays pending and is sent after the restart (its idempotency key
    /// lets the receiver recognise a repeat).
    func deliverAndRecord(
        _ notification: StoredNotification, destination: String, clock: @escaping @Sendable () -> Instant,
        wake: Doorbell?
    ) async {
        let (attempt, next) = await deliver(notification, clock: clock)
        guard !Task.isCancelled else {
            pipeline.end(notification.id, destination: destination)
            return
        }
        await pipeline.record(
            DeliveryPipeline.Result(
                attempt: attempt, next: next, notification: notification, destination: destination)
        ) { results in
            try recordAttempts(results.map { ($0.attempt, $0.next) })
            // After the commit, and never failing it: a commit thought failed would be recorded
            // again. A failure notice not enqueued now is enqueued at the next failed attempt.
            for result in results {
                do { try afterRecording(result) } catch {
                    logger.error(
                        "dispatcher: failure notice not enqueued: \(error)",
                        metadata: Self.metadata(result.notification))
                }
            }
        }
        wake?.ring()
    }

    /// Metrics and, once a person cannot be reached on any channel, the failure role.
    func afterRecording(_ result: DeliveryPipeline.Result) throws {
        let (attempt, next, notification) = (result.attempt, result.next, result.notification)
        if let metrics {
            let latency = next == .delivered ? Double(max(0, attempt.at.seconds - notification.sendAt.seconds)) : nil
            metrics.delivery(
                channel: attempt.channel, outcome: attempt.outcome, latencySeconds: latency,
                exercise: notification.exercise)
        }
        if attempt.outcome != "delivered" {
            var metadata = Self.metadata(notification)
            metadata["channel"] = "\(attempt.channel)"
            metadata["outcome"] = "\(attempt.outcome)"
            metadata["attempt"] = "\(notification.attempts + 1)"
            logger.warning("delivery attempt failed", metadata: metadata)
        }
        if policy.isUnreachable(after: next, notification: notification) {
            logger.error(
                next == .failed
                    ? "notification failed: every channel refused it" : "recipient unreachable on any channel",
                metadata: Self.metadata(notification))
            try reportFailure(notification, gaveUp: next == .failed, now: attempt.at)
        }
    }

    /// What the log may say about a notification: its ids and kind, never its recipient or text.
    static func metadata(_ notification: StoredNotification) -> Logger.Metadata {
        [
            "incident": "\(notification.incident)", "notification": "\(notification.id)",
            "kind": "\(notification.kind)", "exercise": "\(notification.exercise)",
        ]
    }

    /// One attempt on the notification's current channel; `clock` is read when the answer is in.
    func deliver(
        _ notification: StoredNotification, clock: @Sendable () -> Instant
    ) async -> (DeliveryAttempt, NextStep) {
        let link = "\(publicURL)/ack/\(store.ackToken(for: notification))"
        var text = notification.message.replacingOccurrences(of: "{link}", with: link)
        if !notification.message.contains("{link}") {
            // The acknowledgement line in the recipient's language (Danish if no longer in the roster).
            let language = engine.roster.persons[notification.person]?.language ?? .da
            text += "\n" + messages.text(.acknowledge, in: language, ["link": link])
        }
        if let details = notification.details { text += details }
        guard notification.channelIndex < notification.channels.count else {
            let attempt = DeliveryAttempt(
                notification: notification.id, at: clock(), channel: "none", address: "", outcome: "failed",
                detail: "\(notification.name) has no channel left")
            return (attempt, .failed)
        }
        let channel = notification.channels[notification.channelIndex]
        let result = await transport.send(
            Outgoing(
                notification: notification, channel: channel.kind, address: channel.address, text: text, ackLink: link))
        let now = clock()
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
        return (attempt, next)
    }

    /// Runs until the task is cancelled, pipelined: each pass fires due timers and starts the due
    /// deliveries that have a place, without waiting for those in flight; each delivery records its
    /// result as it arrives and rings the doorbell, as intake does when it commits something. Passes
    /// run when the doorbell rings, or after `interval` at the latest, for timers and retries. A
    /// failing pass is logged and retried on the next one. On cancellation the deliveries in flight
    /// are cancelled and left pending (nothing is lost; they go after a restart).
    public func run(
        every interval: Duration = .seconds(1), doorbell: Doorbell? = nil, clock: @escaping @Sendable () -> Instant
    ) async {
        let bell = doorbell ?? Doorbell()
        // Timers are checked at most every half second: a pass woken by each finished delivery need
        // not write three transactions for timers not yet due.
        var timersChecked: ContinuousClock.Instant?
        var claimsRenewed = ContinuousClock.now
        while !Task.isCancelled {
            do {
                let now = clock()
                if timersChecked.map({ ContinuousClock.now - $0 >= .milliseconds(500) }) ?? true {
                    try fireTimers(now: now)
                    timersChecked = ContinuousClock.now
                }
                // Deliveries still running keep their hold on a shared store (its lease is 30 s).
                if ContinuousClock.now - claimsRenewed >= .seconds(10) {
                    try store.renewClaims(ids: Array(pipeline.inFlightIDs), at: now)
                    claimsRenewed = ContinuousClock.now
                }
                _ = try startDue(now: now, limit: policy.inFlightLimit, clock: clock, wake: bell)
            } catch {
                logger.error("dispatcher: \(error)")
            }
            await withTaskCancellationHandler {
                await bell.wait(upTo: interval)
            } onCancel: {
                bell.ring()
            }
        }
        // Stopping: what was in flight stays pending, and on a shared store another instance
        // takes it at once instead of when this one's hold lapses.
        let held = Array(pipeline.inFlightIDs)
        pipeline.cancelAll()
        do { try store.releaseClaims(ids: held) } catch {
            logger.warning("dispatcher: giving up the hold on \(held.count) notifications in flight: \(error)")
        }
    }
}
