import BeredskabEngine
import BeredskabReview
import BeredskabRules
import BeredskabTime

// TEMPORARY while the port of issue 17 is under way: the calls of `IncidentStore` not yet written
// for PostgreSQL. Each group is removed as its file is ported; the file goes when it is empty.
extension PostgresStore {
    struct Pending: Error { var call: String }

    // MARK: H1 intake and outbox (SQLiteStore.swift, +Exercise, +AckTokens, +Delivery, +Watches)

    public func createToken(organisation: String, at: Instant) throws -> String { throw Pending(call: #function) }

    public func accept(
        _ report: IncidentReport, raw: String, organisation: String, at: Instant,
        plan: (_ history: IncidentHistory) -> Plan
    ) throws -> AcceptOutcome { throw Pending(call: #function) }

    public func acceptBatch(_ requests: [AcceptRequest]) throws -> [AcceptOutcome] { throw Pending(call: #function) }

    public func acceptBatch(
        _ requests: [AcceptRequest], recording attempts: [(DeliveryAttempt, NextStep)]
    ) throws -> (outcomes: [AcceptOutcome], recorded: Result<Void, any Error>) { throw Pending(call: #function) }

    public func notification(ackToken: String) throws -> StoredNotification? { throw Pending(call: #function) }

    public func acknowledge(
        ackToken: String, at: Instant, stops: (StoredNotification) -> Bool
    ) throws -> AcknowledgeOutcome { throw Pending(call: #function) }

    public func dueNotificationKeys(
        at: Instant, limit: Int, after: (due: Instant, id: Int64)?, excluding: Set<Int64>
    ) throws -> [DueNotificationKey] { throw Pending(call: #function) }

    public func notifications(ids: [Int64]) throws -> [StoredNotification] { throw Pending(call: #function) }

    public func waitingNotifications(limit: Int) throws -> [WaitingNotification] { throw Pending(call: #function) }

    public func waitingCounts(at now: Instant) throws -> (byChannel: [String: Int], oldestSeconds: Int) {
        throw Pending(call: #function)
    }

    public func recordAttempts(_ attempts: [(DeliveryAttempt, NextStep)]) throws { throw Pending(call: #function) }

    public func enqueue(_ notifications: [PlannedNotification], incident: String, purpose: String, kind: String) throws
    { throw Pending(call: #function) }

    public func fireDueEscalations(at: Instant, notify: (StoredEscalation) -> [PlannedNotification]) throws -> Int {
        throw Pending(call: #function)
    }

    public func answerWatch(
        ackToken: String, status: WatchStatus, expectedReopening: Instant?, vital: (String) -> Bool, at: Instant
    ) throws -> WatchAnswer { throw Pending(call: #function) }

    public func takeUnansweredWatches(at: Instant) throws -> [UnansweredWatch] { throw Pending(call: #function) }

    public func audit(incident: String) throws -> [AuditEntry] { throw Pending(call: #function) }

    public func appendAudit(actor: String, action: String, incident: String?, detail: String, at: Instant) throws {
        throw Pending(call: #function)
    }

    // MARK: H2 incidents and silences (+Incidents, +Lifecycle, +Silences)

    // MARK: H3 access, closures, review (+Access, +Closures, +AfterAction)

    public func createToken(
        organisation: String, role: AccessRole, person: String?, label: String, actor: String, at: Instant
    ) throws -> (record: TokenRecord, secret: String) { throw Pending(call: #function) }

    public func token(secret: String) throws -> TokenRecord? { throw Pending(call: #function) }

    public func tokens() throws -> [TokenRecord] { throw Pending(call: #function) }

    public func revokeToken(id: String, actor: String, at: Instant) throws -> Bool { throw Pending(call: #function) }

    public func startSignIn(person: String, at: Instant) throws -> String { throw Pending(call: #function) }

    public func signInPerson(token: String, at: Instant) throws -> String? { throw Pending(call: #function) }

    public func finishSignIn(token: String, at: Instant) throws -> SignInOutcome { throw Pending(call: #function) }

    public func session(secret: String, at: Instant) throws -> WebSession? { throw Pending(call: #function) }

    public func endSession(secret: String, at: Instant) throws { throw Pending(call: #function) }

    public func recordClosure(_ record: ClosureRecord, actor: String, at: Instant) throws -> Int64 {
        throw Pending(call: #function)
    }

    public func correctClosure(_ corrected: ClosureRecord, actor: String, at: Instant) throws -> Bool {
        throw Pending(call: #function)
    }

    public func closures() throws -> [ClosureRecord] { throw Pending(call: #function) }

    public func reviewIncidents(in period: Range<Instant>) throws -> [ReviewIncident] { throw Pending(call: #function) }

    public func afterActionRecord(incident id: String) throws -> AfterActionRecord? { throw Pending(call: #function) }
}
