import BeredskabEngine
import BeredskabReview
import BeredskabRules
import BeredskabTime

/// What the server needs from storage, small enough for a PostgreSQL implementation to follow.
public protocol IncidentStore: Sendable {
    /// Creates a reporter token for an organisation; only its hash is kept. Returns the token, once.
    func createToken(organisation: String, at: Instant) throws -> String

    /// Accepts a report durably: within one transaction it finds an earlier incident with the same
    /// id, or reads the recent history, lets `plan` decide, and stores incident, plan, notifications,
    /// tasks and escalation timers. Nothing is acknowledged to the caller before this returns.
    func accept(
        _ report: IncidentReport, raw: String, organisation: String, at: Instant,
        plan: (_ history: IncidentHistory) -> Plan
    ) throws -> AcceptOutcome

    /// Accepts several reports in one transaction (group commit): one fsync for all, each report
    /// seeing the ones before it as history. Outcomes are in the order of the requests.
    func acceptBatch(_ requests: [AcceptRequest]) throws -> [AcceptOutcome]
    /// Accepts reports and records delivery results in one transaction (one fsync for both: the
    /// server's single writer thread commits intake and the dispatcher's results together, issue 16).
    /// The results are recorded in a savepoint: if they fail, `recorded` says why and the reports are
    /// still committed; if the reports fail, this throws and nothing is recorded.
    func acceptBatch(
        _ requests: [AcceptRequest], recording attempts: [(DeliveryAttempt, NextStep)]
    ) throws -> (outcomes: [AcceptOutcome], recorded: Result<Void, any Error>)

    /// The acknowledgement token for the link in a notification's message, from its id and
    /// idempotency key: `<id>.<HMAC>` (see `SQLiteStore+AckTokens.swift`).
    func ackToken(notification id: Int64, key: String) -> String
    /// The notification an acknowledgement token belongs to.
    func notification(ackToken: String) throws -> StoredNotification?
    /// Records a receipt (harmless when repeated). When `stops` says the recipient is responsible
    /// (a role the guideline notifies or escalates to), it is an acknowledgement and stops the
    /// escalations of the notification's guidelines; otherwise it is recorded as seen and stops nothing.
    func acknowledge(
        ackToken: String, at: Instant, stops: (StoredNotification) -> Bool
    ) throws -> AcknowledgeOutcome

    /// Notifications whose send (or next attempt) time has come by `at`, not yet delivered, failed or
    /// acknowledged, of incidents still open (updates such as the all clear go also after closing):
    /// at most `limit`, ordered by that time and id, those after `after` and not in `excluding`
    /// (the ones in flight). Each only as far as choosing whether to start it: its id, due time,
    /// and the kind and address of the channel it would go on (nil past its last). The dispatcher
    /// pages through these and reads whole (`notifications(ids:)`) only what it starts: decoding
    /// every waiting message was 12% of the CPU once one receiver fell behind (issue 16).
    func dueNotificationKeys(
        at: Instant, limit: Int, after: (due: Instant, id: Int64)?, excluding: Set<Int64>
    ) throws -> [DueNotificationKey]
    /// The notifications with these ids (any state), by id.
    func notifications(ids: [Int64]) throws -> [StoredNotification]
    /// Takes notifications for delivery by this instance from `at` and returns those taken, whole:
    /// still pending and unacknowledged, and not held by another instance. On a store several
    /// instances share (PostgreSQL) each is held for a lease (``renewClaims(ids:at:)`` extends it
    /// while the delivery runs); when its holder dies the lease lapses and another instance takes
    /// it: at least once, never lost. The embedded store has one server and holds nothing.
    func claimNotifications(ids: [Int64], at: Instant) throws -> [StoredNotification]
    /// Extends this instance's hold on notifications still being delivered (see ``claimNotifications(ids:at:)``).
    func renewClaims(ids: [Int64], at: Instant) throws
    /// Gives up this instance's hold on notifications it will not deliver (it is stopping), so
    /// another instance takes them at once rather than when the hold lapses.
    func releaseClaims(ids: [Int64]) throws
    /// Pending notifications with at least one failed attempt, the longest waiting first.
    func waitingNotifications(limit: Int) throws -> [WaitingNotification]
    /// How many notifications wait after a failed attempt, by channel, and the longest wait in seconds.
    func waitingCounts(at now: Instant) throws -> (byChannel: [String: Int], oldestSeconds: Int)
    /// Records delivery attempts, and what happens next to each notification, in one transaction.
    func recordAttempts(_ attempts: [(DeliveryAttempt, NextStep)]) throws
    /// Adds notifications made outside a plan (a delivery failure told to a duty role).
    func enqueue(_ notifications: [PlannedNotification], incident: String, purpose: String, kind: String) throws
    /// Open tasks of open incidents past their deadline, with roles to escalate to and not yet
    /// escalated; marks them escalated.
    func takeOverdueTasks(at: Instant) throws -> [OverdueTask]
    /// Escalation timers that are due and still pending; `fire` turns each into notifications.
    func fireDueEscalations(at: Instant, notify: (StoredEscalation) -> [PlannedNotification]) throws -> Int

    /// Records a leader's answer to a watch request (open, reduced, closed), opening or ending a closure.
    func answerWatch(
        ackToken: String, status: WatchStatus, expectedReopening: Instant?, vital: (String) -> Bool, at: Instant
    ) throws -> WatchAnswer
    /// Watches unanswered at their confirm time and not yet escalated; marks them escalated.
    func takeUnansweredWatches(at: Instant) throws -> [UnansweredWatch]

    /// The audit log of an incident, oldest first.
    func audit(incident: String) throws -> [AuditEntry]
    /// Appends a line to the audit log, e.g. that someone read personal details.
    func appendAudit(actor: String, action: String, incident: String?, detail: String, at: Instant) throws

    // MARK: Access (SQLiteStore+Access.swift)

    /// Creates a token with a role; the secret is returned once and only its hash is kept.
    func createToken(
        organisation: String, role: AccessRole, person: String?, label: String, actor: String, at: Instant
    ) throws -> (record: TokenRecord, secret: String)
    /// The live token a secret belongs to.
    func token(secret: String) throws -> TokenRecord?
    /// Every token, revoked ones included, newest first.
    func tokens() throws -> [TokenRecord]
    /// Revokes a token by its public id; false if there was no such live token.
    func revokeToken(id: String, actor: String, at: Instant) throws -> Bool
    /// A one-time sign-in link token for a person.
    func startSignIn(person: String, at: Instant) throws -> String
    /// The person a usable sign-in link belongs to, without using it.
    func signInPerson(token: String, at: Instant) throws -> String?
    /// Uses a sign-in link and starts a session.
    func finishSignIn(token: String, at: Instant) throws -> SignInOutcome
    /// The live session of a cookie's secret.
    func session(secret: String, at: Instant) throws -> WebSession?
    /// Ends a session.
    func endSession(secret: String, at: Instant) throws

    // MARK: Reading and changing incidents (SQLiteStore+Incidents.swift)

    /// Incidents matching a filter, newest first.
    func incidents(_ filter: IncidentFilter) throws -> [IncidentRecord]
    /// One incident.
    func incident(id: String) throws -> IncidentRecord?
    /// The reports (as received) merged into an incident, oldest first.
    func mergedReports(into incident: String) throws -> [String]
    /// Every notification about an incident.
    func notifications(incident: String) throws -> [StoredNotification]
    /// An incident's tasks by deadline.
    func tasks(incident: String) throws -> [StoredTask]
    /// Marks a task done or open; nil if the incident has no such task.
    func setTask(incident: String, task: Int64, done: Bool, actor: String, at: Instant) throws -> StoredTask?
    /// Acknowledges a person's alerts about an incident (`stops` as for a link); returns how many.
    func acknowledge(
        incident: String, person: String, actor: String, at: Instant, stops: (StoredNotification) -> Bool
    ) throws -> Int
    /// An incident's updates, oldest first.
    func updates(incident: String) throws -> [IncidentUpdate]
    /// Adds an update and the messages about it; with `replan`, alerts and timers of guidelines that fire only now.
    @discardableResult
    func addUpdate(
        _ update: IncidentUpdate, incident: String, notify: [PlannedNotification],
        replan: ((_ history: IncidentHistory) -> Plan)?
    ) throws -> [String]
    /// What happened to an incident, oldest first.
    func timeline(incident: String) throws -> [TimelineEvent]
    /// Open incidents and unacknowledged fired escalations, for `/metrics`.
    func operationalCounts() throws -> (openIncidents: Int, unacknowledgedEscalations: Int)

    // MARK: Silences (SQLiteStore+Silences.swift)

    /// Stores a checked silence and audits it (`silence-created`); returns it with its id.
    func createSilence(_ silence: Silence, critical: [String]) throws -> Silence
    /// Expires a silence now (`silence-expired`); editing is expire and create.
    func expireSilence(id: Int64, actor: String, at: Instant) throws -> SilenceExpiry
    /// Silences in these states at `at`, newest first (expired ones of the last 30 days).
    func silences(states: Set<Silence.State>, at: Instant) throws -> [Silence]
    /// The silences active at `at`, for the board and the banner on every page.
    func activeSilences(at: Instant) throws -> [Silence]
    /// The guidelines an incident's reports (its own and those merged into it) left silenced.
    func silenced(incident: String) throws -> [SilencedEntry]
    /// For the board, in one read: those of `incidents` (ids) that are open and have a silenced
    /// guideline that has not fired since, and those entries. Only the incidents asked about are
    /// read, so the board's cost does not grow with every incident still open.
    func silencedOpenIncidents(among incidents: [String]) throws -> [String: [SilencedEntry]]

    // MARK: Closures (SQLiteStore+Closures.swift)

    /// Records a closure or near miss; returns its id.
    func recordClosure(_ record: ClosureRecord, actor: String, at: Instant) throws -> Int64
    /// Replaces a closure record with a corrected one, keeping both in the audit log; false if unknown.
    func correctClosure(_ corrected: ClosureRecord, actor: String, at: Instant) throws -> Bool
    /// Every closure record.
    func closures() throws -> [ClosureRecord]
    /// The incidents of a period, for the review.
    func reviewIncidents(in period: Range<Instant>) throws -> [ReviewIncident]
    /// What an after-action report of an incident is worked out from; nil for an unknown incident.
    func afterActionRecord(incident id: String) throws -> AfterActionRecord?

    // MARK: For the command line

    /// Ends the open closure of an institution at `time`; nil if it has none.
    func reopen(institution: String, at time: Instant, actor: String, recordedAt: Instant) throws -> ClosureRecord?
    /// The ids of the exercises received in a period, oldest first: what drill statistics are worked out over.
    func exercises(receivedIn period: Range<Instant>) throws -> [String]
    /// Walks the audit chain from the first entry and reports the first entry altered, removed or
    /// inserted (`beredskab audit verify`); a `notedHead` kept elsewhere must be in the chain.
    func verifyAudit(notedHead: String?) throws -> AuditChainReport
}

/// One report to accept, with how to plan it once its history is known.
public struct AcceptRequest: Sendable {
    public var report: IncidentReport
    public var raw: String
    public var organisation: String
    public var at: Instant
    public var plan: @Sendable (_ history: IncidentHistory) -> Plan
    /// The message asking an institution's leader whether it is open, for each watched institution of
    /// the incident (the report's own, or the one it was merged into).
    public var watchRequest:
        @Sendable (_ institution: String, _ watch: PlannedWatch, _ incident: String) -> PlannedNotification?
    /// For a report merged into an incident: the update telling those already alerted about that
    /// incident (their delivered notifications) what the report adds.
    public var mergeNotice: @Sendable (_ incident: String, _ alerted: [StoredNotification]) -> [PlannedNotification]
    /// CAP's `status` of the message the report came from: `actual` (every JSON report, and CAP
    /// Actual) is dispatched; `test`, `exercise`, `system` and `draft` are recorded and closed at
    /// once, alert nobody, and are never merged, correlated or suppressed with real incidents.
    public var status: String = "actual"

    /// Creates a request.
    public init(
        report: IncidentReport, raw: String, organisation: String, at: Instant,
        plan: @escaping @Sendable (_ history: IncidentHistory) -> Plan,
        watchRequest:
            @escaping @Sendable (_ institution: String, _ watch: PlannedWatch, _ incident: String) ->
            PlannedNotification? = { _, _, _ in nil },
        mergeNotice:
            @escaping @Sendable (_ incident: String, _ alerted: [StoredNotification]) -> [PlannedNotification] =
            { _, _ in [] }
    ) {
        self.watchRequest = watchRequest
        self.mergeNotice = mergeNotice
        self.report = report
        self.raw = raw
        self.organisation = organisation
        self.at = at
        self.plan = plan
    }
}

/// The result of accepting a report.
public enum AcceptOutcome: Sendable, Equatable {
    /// A new incident (it may be merged into an earlier one: see the plan).
    case accepted(StoredIncident)
    /// The same organisation sent this id before: the original result.
    case replayed(StoredIncident)
    /// Another organisation already used this id.
    case idTaken(byOrganisation: String)
}

/// An incident as stored.
public struct StoredIncident: Sendable, Equatable {
    public var id: String
    public var organisation: String
    public var receivedAt: Instant
    /// The plan's JSON text as it was made when the report was accepted.
    public var planJSON: String
    /// The same plan as a JSON value when the store has it at hand (just accepted), so that the
    /// answer is not built by parsing the text again; nil when read back from the database.
    public var plan: JSONValue? = nil

    /// Equal when id, organisation, time and plan text are: `plan` only saves work.
    public static func == (a: StoredIncident, b: StoredIncident) -> Bool {
        (a.id, a.organisation, a.receivedAt, a.planJSON) == (b.id, b.organisation, b.receivedAt, b.planJSON)
    }
}

/// A notification in the outbox.
public struct StoredNotification: Sendable, Equatable {
    public var id: Int64
    public var incident: String
    public var person: String
    public var name: String
    public var roles: [String]
    public var tier: ContentTier
    public var channels: [(kind: String, address: String)]
    public var sendAt: Instant
    /// Carried to the receiver so a duplicate after a crash can be recognised.
    public var idempotencyKey: String
    public var message: String
    public var guidelines: [String]
    public var status: String
    public var acknowledgedAt: Instant?
    public var ackExpiresAt: Instant
    /// `notification`, `escalation` or `delivery-problem`.
    public var kind: String
    /// Which of the person's channels is being tried.
    public var channelIndex: Int
    /// Failed attempts on that channel so far.
    public var attempts: Int
    /// When the first attempt on that channel was made.
    public var firstAttemptAt: Instant?
    /// Personal details (§115), only ever for a personal-tier recipient; sent, never shown on a page.
    public var details: String? = nil
    /// How the receipt counted: `acknowledged` (a responsible recipient: it stops escalations) or
    /// `seen` (anyone else); nil while there is no receipt.
    public var ackKind: String? = nil
    /// Indices into `channels` of the addresses that refused the message permanently; they are not
    /// tried again.
    public var refusedChannels: [Int] = []
    /// When the next attempt is due after a failed one (UTC seconds); nil before the first attempt.
    public var nextAttemptAt: Instant? = nil
    /// Whether it is about an exercise: its text is marked, and transports say so (`"exercise": true`).
    public var exercise = false

    /// When the notification is due: its next attempt, or its send time.
    public var dueAt: Instant { nextAttemptAt ?? sendAt }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.id == rhs.id && lhs.status == rhs.status && lhs.acknowledgedAt == rhs.acknowledgedAt
    }
}

/// An escalation timer due to fire.
public struct StoredEscalation: Sendable {
    public var id: Int64
    public var incident: String
    public var guideline: String
    public var roles: [String]
    public var round: Int
    public var tier: ContentTier
    public var dueAt: Instant
}

/// What happens to a notification after an attempt.
public enum NextStep: Sendable, Equatable {
    case delivered
    /// Try the same channel again at this time.
    case retry(at: Instant)
    /// Move on to the person's channel with this index, first trying it at `at` (now for the next
    /// channel, after a pause when a new round over the channels begins).
    case fallback(channel: Int, at: Instant)
    /// Every channel refused the message permanently.
    case failed
}

/// One try at delivering a notification.
/// A due notification as far as the dispatcher needs to choose whether to start it.
public struct DueNotificationKey: Sendable, Equatable {
    public var id: Int64
    /// When it is due (UTC seconds): its next attempt, else its send time.
    public var dueAt: Instant
    /// The kind (`email`, `sms`, `webhook`) and address of the channel it goes on next; nil when
    /// it has no channel left.
    public var channel: String?
    public var address: String?
    public init(id: Int64, dueAt: Instant, channel: String?, address: String?) {
        (self.id, self.dueAt, self.channel, self.address) = (id, dueAt, channel, address)
    }
}

public struct DeliveryAttempt: Sendable {
    public var notification: Int64
    public var at: Instant
    public var channel: String
    public var address: String
    /// `delivered`, `retry` or `failed`.
    public var outcome: String
    public var detail: String

    /// Creates an attempt record.
    public init(notification: Int64, at: Instant, channel: String, address: String, outcome: String, detail: String) {
        self.notification = notification
        self.at = at
        self.channel = channel
        self.address = address
        self.outcome = outcome
        self.detail = detail
    }
}

/// What acknowledging did.
public enum AcknowledgeOutcome: Sendable, Equatable {
    /// A responsible recipient acknowledged: the guideline's escalations stop.
    case acknowledged(StoredNotification)
    /// Someone not responsible (the reporter's key person, an institution's leader) has seen it:
    /// recorded, and nothing stops.
    case seen(StoredNotification)
    case alreadyAcknowledged(StoredNotification)
    case expired
    case unknown
}

/// A task past its deadline whose guideline names roles to escalate to.
public struct OverdueTask: Sendable, Equatable {
    public var id: Int64
    public var incident: String
    public var guideline: String
    public var text: String
    public var role: String
    public var dueAt: Instant
    public var escalateTo: [String]
}

/// One line of the append-only audit log.
public struct AuditEntry: Sendable, Equatable {
    public var at: Instant
    public var actor: String
    public var action: String
    public var detail: String
}

extension StoredNotification {
    /// A message outside the outbox (a sign-in link): one channel, sent now.
    public init(
        incident: String, person: String, name: String, channel: (kind: String, address: String), at: Instant,
        idempotencyKey: String, message: String, kind: String, expiresAt: Instant
    ) {
        (self.id, self.incident, self.person, self.name, self.roles, self.tier) = (
            0, incident, person, name, [], .situation
        )
        (self.channels, self.sendAt, self.idempotencyKey, self.message) = ([channel], at, idempotencyKey, message)
        (self.guidelines, self.status, self.acknowledgedAt, self.ackExpiresAt) = ([], "pending", nil, expiresAt)
        (self.kind, self.channelIndex, self.attempts, self.firstAttemptAt) = (kind, 0, 0, nil)
    }
}

extension IncidentStore {
    /// One server per store: the pending ones among the notifications asked for, nothing held.
    public func claimNotifications(ids: [Int64], at: Instant) throws -> [StoredNotification] {
        try notifications(ids: ids).filter { $0.status == "pending" && $0.acknowledgedAt == nil }
    }

    /// One server per store: nothing is held, so nothing to renew.
    public func renewClaims(ids: [Int64], at: Instant) throws {}

    /// One server per store: nothing is held, so nothing to give up.
    public func releaseClaims(ids: [Int64]) throws {}

    /// The acknowledgement token for the link in this notification's message.
    public func ackToken(for notification: StoredNotification) -> String {
        ackToken(notification: notification.id, key: notification.idempotencyKey)
    }
}

extension NextStep {
    /// The audit log's action for an attempt followed by this step, the same in every store.
    var auditAction: String {
        switch self {
        case .delivered: "delivered"
        case .retry: "delivery-retry"
        case .fallback: "delivery-fallback"
        case .failed: "delivery-failed"
        }
    }
}

extension DeliveryAttempt {
    /// The audit log's detail for this attempt of a message of `tier` to `person`.
    func auditDetail(tier: String, person: String) -> String {
        "\(tier) tier to \(person) by \(channel) \(address): \(detail)"
    }
}
