import BeredskabEngine
import BeredskabRoster
import BeredskabRules
import BeredskabTime
import Foundation
import PostgresNIO

/// Intake, acknowledgement and the outbox, as ``SQLiteStore`` has them (SQLiteStore.swift), for
/// several instances on one database: intake decides under ``PostgresStore/intakeLock`` from the
/// history in the database, and due work is taken with `FOR UPDATE SKIP LOCKED`.
extension PostgresStore {
    // MARK: Tokens

    /// A reporter's API token for `organisation`, as ``SQLiteStore/createToken(organisation:at:)``
    /// makes it: returns the secret.
    public func createToken(organisation: String, at: Instant) throws -> String {
        try createToken(
            organisation: organisation, role: .reporter, person: nil, label: "", actor: "admin", at: at
        ).secret
    }

    // MARK: Intake

    /// Stores a report and what its plan sends, times and watches, in one transaction; a report id
    /// seen before is replayed (or refused, when another organisation sent it). The history the plan
    /// is made from is read from the database under the intake lock, so two instances given the
    /// same report at once make one incident and merge the other into it.
    public func accept(
        _ report: IncidentReport, raw: String, organisation: String, at: Instant,
        plan makePlan: (_ history: IncidentHistory) -> Plan
    ) throws -> AcceptOutcome {
        try pool.write { db in
            try lockIntake(db)
            return try accept(db, report, raw: raw, organisation: organisation, at: at, plan: makePlan)
        }
    }

    /// Stores several reports in one transaction, as ``accept(_:raw:organisation:at:plan:)`` does each.
    public func acceptBatch(_ requests: [AcceptRequest]) throws -> [AcceptOutcome] {
        try acceptBatch(requests, recording: []).outcomes
    }

    /// Stores several reports in one transaction and records delivery results with them; results
    /// that cannot be recorded fail alone (in a savepoint), never the reports.
    public func acceptBatch(
        _ requests: [AcceptRequest], recording attempts: [(DeliveryAttempt, NextStep)]
    ) throws -> (outcomes: [AcceptOutcome], recorded: Result<Void, any Error>) {
        try pool.write { db in
            // Delivery results alone need no turn at intake: other instances' reports go on meanwhile.
            if !requests.isEmpty { try lockIntake(db) }
            let outcomes = try requests.map { r in
                try accept(
                    db, r.report, raw: r.raw, organisation: r.organisation, at: r.at, plan: r.plan,
                    watchRequest: r.watchRequest, mergeNotice: r.mergeNotice, status: r.status)
            }
            guard !attempts.isEmpty else { return (outcomes, .success(())) }
            // In a savepoint of its own: results that cannot be recorded fail alone, not the reports.
            do {
                try db.savepoint {
                    for (attempt, next) in attempts { try record(db, attempt, next) }
                }
                return (outcomes, .success(()))
            } catch {
                return (outcomes, .failure(error))
            }
        }
    }

    /// Takes the intake lock until the transaction ends: instances accept one after another, each
    /// seeing what the one before committed.
    func lockIntake(_ db: PGConnection) throws {
        try db.execute("SELECT pg_advisory_xact_lock(\(Self.intakeLock))")
    }

    /// Accepts one report inside the caller's transaction, which holds the intake lock.
    func accept(
        _ db: PGConnection, _ report: IncidentReport, raw: String, organisation: String, at: Instant,
        plan makePlan: (_ history: IncidentHistory) -> Plan,
        watchRequest: (_ institution: String, _ watch: PlannedWatch, _ incident: String) -> PlannedNotification? = {
            _, _, _ in nil
        },
        mergeNotice: (_ incident: String, _ alerted: [StoredNotification]) -> [PlannedNotification] = { _, _ in [] },
        status: String = "actual"
    ) throws -> AcceptOutcome {
        if let row = try db.one(
            "SELECT id, organisation, received_at, plan_json FROM incident WHERE id = \(report.id)")
        {
            let stored = StoredIncident(
                id: row["id"], organisation: row["organisation"], receivedAt: Instant(seconds: row["received_at"]),
                planJSON: row["plan_json"])
            guard stored.organisation == organisation else { return .idTaken(byOrganisation: stored.organisation) }
            return .replayed(stored)
        }
        guard status == "actual" else {
            return try record(report, raw: raw, organisation: organisation, at: at, status: status, plan: makePlan, db)
        }
        var history = try history(db, around: report.occurredAt, now: at, excluding: "", exercise: report.exercise)
        history.silences = try liveSilences(db, at: at)
        var plan = makePlan(history)
        let target = plan.mergedInto ?? report.id
        // A merged report tells nobody twice: not those told about the incident already or about to
        // be told no later. A later alert still waiting is replaced by the earlier one (and its link
        // shows the whole incident), so a delayed minor alert never holds back an urgent one.
        var superseded: [(person: String, before: Instant)] = []
        if plan.mergedInto != nil {
            let earliest = try earliestAlerts(incident: target, db)
            plan.notifications.removeAll { n in
                guard let told = earliest[n.person] else { return false }
                if told > n.sendAt { superseded.append((n.person, n.sendAt)) }
                return told <= n.sendAt
            }
        }
        let planValue = plan.json
        let planJSON = planValue.text
        try db.execute(
            """
            INSERT INTO incident (id, organisation, received_at, occurred_at, category, severity, area,
                report_json, plan_json, merged_into, fired, flags, exercise, only_roles, only_orgs)
            VALUES (\(report.id), \(organisation), \(at.seconds), \(report.occurredAt.seconds),
                \(report.category.rawValue), \(report.severity.rawValue), \(plan.area), \(raw), \(planJSON),
                \(plan.mergedInto), \(SQLiteStore.json(plan.fired)),
                \(SQLiteStore.json(report.flags.map(\.rawValue).sorted())), \(report.exercise),
                \(report.onlyRoles.map(SQLiteStore.json)), \(report.onlyOrganisations.map(SQLiteStore.json)))
            """)
        try audit(db, at, "reporter:\(organisation)", "incident-accepted", report.id, "fired \(plan.fired)")
        for silenced in plan.silenced {
            try audit(
                db, at, "engine", "guideline-silenced", report.id,
                "\(silenced.guideline) matched but silence \(silenced.silence) covers it (\(silenced.reason)): nothing is sent for it"
            )
        }
        // A merged report adds to the incident everyone follows: what it fires now, and its facts.
        if let merged = plan.mergedInto {
            try audit(db, at, "engine", "incident-merged", report.id, "duplicate of \(merged)")
            try mergeReport(report, plan: plan, into: merged, at: at, notice: mergeNotice, db)
            for (person, before) in superseded {
                try db.execute(
                    """
                    UPDATE notification SET status = 'cancelled' WHERE incident_id = \(merged) AND person = \(person)
                    AND status = 'pending' AND send_at > \(before.seconds) AND kind IN ('notification', 'escalation')
                    """)
                try audit(
                    db, at, "engine", "superseded", merged,
                    "a later alert to \(person) is replaced by the alert of merged report \(report.id)")
            }
        }
        for notification in plan.notifications {
            let purpose = plan.mergedInto == nil ? "notify" : "merge-\(report.id)"
            try insert(notification, kind: "notification", incident: target, purpose: purpose, db)
        }
        try insertTimers(plan, of: Set(plan.fired), incident: target, db)
        let watched = Set(
            try db.query("SELECT institution FROM watch WHERE incident_id = \(target)").map { $0[0] as String })
        for watch in plan.watches {
            // An unanswered watch escalates to the guideline's own escalation roles.
            let escalateTo = plan.escalations.first { $0.guideline == watch.guideline }?.to ?? []
            for institution in watch.institutions where !watched.contains(institution) {
                try db.execute(
                    """
                    INSERT INTO watch (incident_id, guideline, institution, confirm_by, until_at, escalate_to)
                    VALUES (\(target), \(watch.guideline), \(institution), \(watch.confirmBy.seconds),
                        \(watch.until.seconds), \(SQLiteStore.json(escalateTo)))
                    """)
                if let request = watchRequest(institution, watch, target) {
                    try insert(request, kind: "watch", incident: target, purpose: "watch-\(institution)", db)
                }
            }
        }
        return .accepted(
            StoredIncident(
                id: report.id, organisation: organisation, receivedAt: at, planJSON: planJSON, plan: planValue))
    }

    /// The history around `time` for a report or incident evaluated at `now`, read from the
    /// database (there is no in-memory index here: another instance may have changed it): the
    /// incidents that occurred from `lookback` seconds before `time` to `lookahead` after it,
    /// `excluding` left out; exercises for an exercise, real incidents otherwise. Incidents merged
    /// into another or from CAP messages that are not Actual are never history.
    /// (``RecentIncidents/history(_:around:now:lookback:lookahead:excluding:exercise:)`` for SQLite.)
    func history(
        _ db: PGConnection, around time: Instant, now: Instant, excluding: String, exercise: Bool
    ) throws -> IncidentHistory {
        if let view = try recent.history(
            db, around: time, now: now, lookback: lookback, excluding: excluding, exercise: exercise)
        {
            return view
        }
        // Further back than the index reaches (a late report about old days): from the table.
        let from = IncidentHistory.before(time.seconds, lookback)
        let rows = try db.query(
            """
            SELECT id, category, area, occurred_at, fired, closed_at, severity, flags, exercise
            FROM incident
            WHERE occurred_at BETWEEN \(from) AND \(time.seconds + lookahead) AND id <> \(excluding)
                AND exercise = \(exercise) AND merged_into IS NULL AND cap_status = 'actual'
            ORDER BY occurred_at, received_at, id
            """)
        return IncidentHistory(
            rows.compactMap { row -> HistoryIncident? in
                guard let category = Category(rawValue: row["category"]) else { return nil }
                var incident = HistoryIncident(
                    id: row["id"], category: category, area: row["area"],
                    occurredAt: Instant(seconds: row["occurred_at"]), fired: SQLiteStore.strings(row["fired"]),
                    closed: (row["closed_at"] as Int?) != nil,
                    severity: IncidentSeverity(rawValue: row["severity"]), flags: SQLiteStore.flags(row["flags"]))
                incident.exercise = row["exercise"]
                return incident
            })
    }

    /// Stores the tasks and escalation timers of a plan's guidelines in `guidelines`.
    func insertTimers(_ plan: Plan, of guidelines: Set<String>, incident: String, _ db: PGConnection) throws {
        let onlyRoles = try exerciseLimits(incident: incident, db)?.onlyRoles
        for task in plan.tasks where guidelines.contains(task.guideline) {
            // A drill limited to some roles gives the others no tasks to be reminded of or late with.
            if let onlyRoles, !onlyRoles.contains(task.role) {
                try audit(
                    db, plan.at, "engine", "exercise-left-out", incident,
                    "task for \(task.role) not set: outside the exercise's roles (\(task.text))")
                continue
            }
            try db.execute(
                """
                INSERT INTO task (incident_id, guideline, text, role, due_at, assignees, escalate_to)
                VALUES (\(incident), \(task.guideline), \(task.text), \(task.role), \(task.due.seconds),
                    \(SQLiteStore.json(task.assignees)), \(SQLiteStore.json(task.escalateTo)))
                """)
        }
        for escalation in plan.escalations where guidelines.contains(escalation.guideline) {
            try db.execute(
                """
                INSERT INTO escalation (incident_id, guideline, due_at, roles, round, tier)
                VALUES (\(incident), \(escalation.guideline), \(escalation.after.seconds),
                    \(SQLiteStore.json(escalation.to)), \(escalation.round), \(escalation.tier.rawValue))
                """)
        }
    }

    /// Puts a notification in the outbox, once per incident, purpose and person (the idempotency
    /// key): marked or left out when the incident is an exercise.
    func insert(_ n: PlannedNotification, kind: String, incident: String, purpose: String, _ db: PGConnection) throws {
        var n = n
        let limits = try exerciseLimits(incident: incident, db)
        if let limits {
            guard let marked = try exerciseNotification(n, limits: limits, kind: kind, incident: incident, db) else {
                return
            }
            n = marked
        }
        let key = "\(incident)/\(purpose)/\(n.person)"
        let channels = JSONValue.array(
            n.channels.map { .object([("kind", .string($0.kind.rawValue)), ("address", .string($0.address))]) }
        ).text
        try db.execute(
            """
            INSERT INTO notification (incident_id, person, name, roles, tier, channels, send_at,
                idempotency_key, message, guidelines, kind, ack_expires_at, details, exercise)
            VALUES (\(incident), \(n.person), \(SQLiteStore.whole(n.name)), \(SQLiteStore.json(n.roles)),
                \(n.tier.rawValue), \(channels), \(n.sendAt.seconds), \(key), \(SQLiteStore.whole(n.message)),
                \(SQLiteStore.json(n.guidelines)), \(kind), \(n.sendAt.seconds + ackValidity),
                \(SQLiteStore.whole(n.details)), \(limits != nil))
            ON CONFLICT DO NOTHING
            """)
    }

    // MARK: Acknowledgement

    /// A notification from a row whose columns are ``SQLiteStore/notificationColumns``, in that order.
    static func notification(_ row: PGRow) -> StoredNotification {
        var channels: [(kind: String, address: String)] = []
        if case .array(let items)? = try? JSONValue.parse(Array((row[6] as String).utf8)) {
            for item in items {
                if case .string(let kind)? = item["kind"], case .string(let address)? = item["address"] {
                    channels.append((kind, address))
                }
            }
        }
        return StoredNotification(
            id: row[0], incident: row[1], person: row[2], name: row[3], roles: SQLiteStore.strings(row[4]),
            tier: ContentTier(rawValue: row[5]) ?? .situation, channels: channels, sendAt: Instant(seconds: row[7]),
            idempotencyKey: row[8], message: row[9], guidelines: SQLiteStore.strings(row[10]), status: row[11],
            acknowledgedAt: (row[12] as Int?).map(Instant.init(seconds:)), ackExpiresAt: Instant(seconds: row[13]),
            kind: row[14], channelIndex: row[15], attempts: row[16],
            firstAttemptAt: (row[17] as Int?).map(Instant.init(seconds:)), details: row[18], ackKind: row[19],
            refusedChannels: SQLiteStore.integers(row[20]),
            nextAttemptAt: (row[21] as Int?).map(Instant.init(seconds:)),
            exercise: row[22])
    }

    /// The notification an acknowledgement link names, or nil for a token that is not ours.
    public func notification(ackToken: String) throws -> StoredNotification? {
        try pool.read { db in
            try notificationRow(ackToken: ackToken, db).map(Self.notification)
        }
    }

    /// Records the receipt behind an acknowledgement link: acknowledged (its guidelines' escalations
    /// stop) when `stops` says the recipient is responsible, else seen. The notification's row is
    /// locked, so a link opened on two instances at once is recorded once.
    public func acknowledge(
        ackToken: String, at: Instant, stops: (StoredNotification) -> Bool
    ) throws -> AcknowledgeOutcome {
        try pool.write { db in
            guard let row = try notificationRow(ackToken: ackToken, db, forUpdate: true) else { return .unknown }
            let notification = Self.notification(row)
            if notification.acknowledgedAt != nil { return .alreadyAcknowledged(notification) }
            if at > notification.ackExpiresAt { return .expired }
            // Only a recipient in a role the guideline notifies or escalates to stops its escalations;
            // anyone else's receipt is recorded as seen (docs/plan.md, "Who stops an escalation").
            let responsible = notification.kind != "watch" && stops(notification)
            let kind = responsible ? "acknowledged" : "seen"
            try db.execute(
                "UPDATE notification SET acknowledged_at = \(at.seconds), ack_kind = \(kind) WHERE id = \(notification.id)"
            )
            if responsible {
                for guideline in notification.guidelines {
                    try db.execute(
                        """
                        UPDATE escalation SET status = 'cancelled'
                        WHERE incident_id = \(notification.incident) AND guideline = \(guideline) AND status = 'pending'
                        """)
                }
            }
            try audit(
                db, at, "person:\(notification.person)", responsible ? "acknowledged" : "seen", notification.incident,
                "notification \(notification.id) as \(notification.roles.joined(separator: ", "))"
                    + (responsible ? "" : " (not responsible for the guideline: escalations go on)"))
            var acknowledged = notification
            acknowledged.acknowledgedAt = at
            acknowledged.ackKind = kind
            return responsible ? .acknowledged(acknowledged) : .seen(acknowledged)
        }
    }

    // MARK: Dispatch

    /// Up to `limit` notifications due at `at`, oldest first, after the `after` cursor and not in
    /// `excluding` (in flight), read through the partial index `notification_pending`.
    public func dueNotificationKeys(
        at: Instant, limit: Int, after: (due: Instant, id: Int64)?, excluding: Set<Int64>
    ) throws -> [DueNotificationKey] {
        // Those another instance holds (`claimNotifications`) are left to it until its hold lapses.
        let afterDue = after?.due.seconds ?? Int.min
        let afterID = after?.id ?? Int64.min
        return try pool.read { db in
            try db.query(
                """
                SELECT id, COALESCE(next_attempt_at, send_at),
                    (channels::jsonb -> channel_index::int ->> 'kind'),
                    (channels::jsonb -> channel_index::int ->> 'address')
                FROM notification
                WHERE status = 'pending' AND acknowledged_at IS NULL AND COALESCE(next_attempt_at, send_at) <= \(at.seconds)
                AND COALESCE(next_attempt_at, send_at) >= \(afterDue)
                AND (COALESCE(next_attempt_at, send_at), id) > (\(afterDue)::bigint, \(afterID)::bigint)
                AND NOT (id = ANY(\(excluding.sorted())))
                AND (claimed_until IS NULL OR claimed_until <= \(at.seconds) OR claimed_by = \(instance))
                AND (kind = 'update' OR NOT EXISTS (
                    SELECT 1 FROM incident i WHERE i.id = notification.incident_id AND i.closed_at IS NOT NULL))
                ORDER BY COALESCE(next_attempt_at, send_at), id LIMIT \(limit)
                """
            ).map { row in
                DueNotificationKey(id: row[0], dueAt: Instant(seconds: row[1]), channel: row[2], address: row[3])
            }
        }
    }

    /// The notifications with these ids, in the order of their ids.
    public func notifications(ids: [Int64]) throws -> [StoredNotification] {
        try pool.read { db in
            try db.query(
                """
                SELECT \(unescaped: SQLiteStore.notificationColumns) FROM notification
                WHERE id = ANY(\(ids)) ORDER BY id
                """
            ).map(Self.notification)
        }
    }

    /// Records delivery attempts and what follows each, in one transaction.
    public func recordAttempts(_ attempts: [(DeliveryAttempt, NextStep)]) throws {
        try pool.write { db in
            for (attempt, next) in attempts { try record(db, attempt, next) }
        }
    }

    /// Records one delivery attempt: the attempt, the notification's next step, and the audit entry.
    /// The address and the detail (which carries a receiver's reply) are kept ``SQLiteStore/whole(_:)``:
    /// PostgreSQL refuses text with U+0000 outright, and a receiver's reply must not make a
    /// delivery impossible to record.
    func record(_ db: PGConnection, _ attempt: DeliveryAttempt, _ next: NextStep) throws {
        var attempt = attempt
        (attempt.address, attempt.detail) = (SQLiteStore.whole(attempt.address), SQLiteStore.whole(attempt.detail))
        try db.execute(
            """
            INSERT INTO delivery_attempt (notification_id, attempted_at, channel, address, outcome, detail)
            VALUES (\(attempt.notification), \(attempt.at.seconds), \(attempt.channel), \(attempt.address),
                \(attempt.outcome), \(attempt.detail))
            """)
        let id = attempt.notification
        if attempt.outcome == "permanent" {
            try db.execute(
                """
                UPDATE notification SET refused_channels = (refused_channels::jsonb || to_jsonb(channel_index))::text
                WHERE id = \(id)
                """)
        }
        switch next {
        case .delivered:
            try db.execute("UPDATE notification SET status = 'delivered' WHERE id = \(id)")
        case .retry(let at):
            try db.execute(
                """
                UPDATE notification SET attempts = attempts + 1, next_attempt_at = \(at.seconds),
                    first_attempt_at = COALESCE(first_attempt_at, \(attempt.at.seconds)) WHERE id = \(id)
                """)
        case .fallback(let channel, let at):
            try db.execute(
                """
                UPDATE notification SET channel_index = \(channel), attempts = 0, first_attempt_at = NULL,
                    next_attempt_at = \(at.seconds) WHERE id = \(id)
                """)
        case .failed:
            try db.execute("UPDATE notification SET status = 'failed' WHERE id = \(id)")
        }
        // This instance's hold ends with the attempt (see `claimNotifications`): a retry may be
        // taken by any instance. A hold another instance took meanwhile is left alone.
        guard
            let row = try db.one(
                """
                UPDATE notification SET claimed_by = NULL, claimed_until = NULL
                WHERE id = \(id) AND claimed_by IS NOT DISTINCT FROM \(instance)::text
                RETURNING incident_id, person, tier
                """) ?? db.one("SELECT incident_id, person, tier FROM notification WHERE id = \(id)")
        else {
            return
        }
        try audit(
            db, attempt.at, "dispatcher", next.auditAction, row["incident_id"],
            attempt.auditDetail(tier: row["tier"], person: row["person"]))
    }

    /// Puts notifications about an incident in the outbox, once per purpose and person.
    public func enqueue(_ notifications: [PlannedNotification], incident: String, purpose: String, kind: String) throws
    {
        try pool.write { db in
            for notification in notifications {
                try insert(notification, kind: kind, incident: incident, purpose: purpose, db)
            }
        }
    }

    /// Fires the escalation timers due at `at` of open incidents, oldest first: each puts what
    /// `notify` plans in the outbox and is marked fired. The timers are taken with `FOR UPDATE SKIP
    /// LOCKED`, so instances firing at the same moment fire each timer once. Returns how many fired.
    public func fireDueEscalations(at: Instant, notify: (StoredEscalation) -> [PlannedNotification]) throws -> Int {
        try pool.write { db in
            let rows = try db.query(
                """
                SELECT id, incident_id, guideline, due_at, roles, round, tier FROM escalation
                WHERE status = 'pending' AND due_at <= \(at.seconds) AND NOT EXISTS (
                    SELECT 1 FROM incident i WHERE i.id = escalation.incident_id AND i.closed_at IS NOT NULL)
                ORDER BY due_at, id
                FOR UPDATE SKIP LOCKED
                """)
            for row in rows {
                let escalation = StoredEscalation(
                    id: row["id"], incident: row["incident_id"], guideline: row["guideline"],
                    roles: SQLiteStore.strings(row["roles"]),
                    round: row["round"], tier: ContentTier(rawValue: row["tier"]) ?? .situation,
                    dueAt: Instant(seconds: row["due_at"]))
                for notification in notify(escalation) {
                    try insert(
                        notification, kind: "escalation", incident: escalation.incident,
                        purpose: "escalate-\(escalation.guideline)-\(escalation.round)", db)
                }
                try db.execute("UPDATE escalation SET status = 'fired' WHERE id = \(escalation.id)")
                try audit(
                    db, at, "engine", "escalated", escalation.incident,
                    "\(escalation.guideline) round \(escalation.round) to \(escalation.roles.joined(separator: ", "))")
            }
            return rows.count
        }
    }

    /// The audit entries about an incident, oldest first.
    public func audit(incident: String) throws -> [AuditEntry] {
        try pool.read { db in
            try db.query("SELECT at, actor, action, detail FROM audit WHERE incident_id = \(incident) ORDER BY id").map
            {
                AuditEntry(
                    at: Instant(seconds: $0["at"]), actor: $0["actor"], action: $0["action"], detail: $0["detail"])
            }
        }
    }
}
