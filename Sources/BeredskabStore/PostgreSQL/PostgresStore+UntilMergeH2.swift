import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Foundation
import PostgresNIO

// TEMPORARY copies, for group H2, of helpers group H1 ports (intake, merge, exercise): same names
// and signatures, so that H2's calls build and run before H1's work is merged. Delete this file at
// the merge, when H1's real ones arrive.
extension PostgresStore {
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
            nextAttemptAt: (row[21] as Int?).map(Instant.init(seconds:)), exercise: row[22])
    }

    static func silence(_ row: PGRow) -> Silence {
        Silence(
            id: row["id"], guideline: row["guideline"],
            category: (row["category"] as String?).flatMap(Category.init(rawValue:)), area: row["area"],
            startsAt: Instant(seconds: row["starts_at"]), endsAt: Instant(seconds: row["ends_at"]),
            reason: row["reason"], createdBy: row["created_by"], createdAt: Instant(seconds: row["created_at"]),
            confirmCritical: row["confirm_critical"],
            expiredAt: (row["expired_at"] as Int?).map { Instant(seconds: $0) }, expiredBy: row["expired_by"])
    }

    /// The silences not over by `at` (active or pending), by id.
    func liveSilences(_ db: PGConnection, at: Instant) throws -> [Silence] {
        try db.query(
            """
            SELECT \(unescaped: SQLiteStore.silenceColumns) FROM silence
            WHERE ends_at > \(at.seconds) AND (expired_at IS NULL OR expired_at > \(at.seconds)) ORDER BY id
            """
        ).map(Self.silence)
    }

    /// The history around `time` for an incident evaluated at `now`, read from the database.
    func history(
        _ db: PGConnection, around time: Instant, now: Instant, excluding: String, exercise: Bool
    ) throws -> IncidentHistory {
        let from = IncidentHistory.before(time.seconds, lookback)
        let rows = try db.query(
            """
            SELECT id, category, area, occurred_at, fired, closed_at, severity, flags,
                merged_into IS NULL AND cap_status = 'actual', exercise
            FROM incident WHERE occurred_at BETWEEN \(from) AND \(time.seconds + lookahead)
            AND id != \(excluding) AND exercise = \(exercise) ORDER BY occurred_at, id
            """)
        return IncidentHistory(
            rows.compactMap { row -> HistoryIncident? in
                guard row[8] as Bool, let category = Category(rawValue: row[1]) else { return nil }
                var incident = HistoryIncident(
                    id: row[0], category: category, area: row[2], occurredAt: Instant(seconds: row[3]),
                    fired: SQLiteStore.strings(row[4]), closed: (row[5] as Int?) != nil,
                    severity: IncidentSeverity(rawValue: row[6]), flags: SQLiteStore.flags(row[7]))
                incident.exercise = row[9]
                return incident
            })
    }

    /// Whether an incident is an exercise, and its limits on who is alerted; nil for a real incident.
    func exerciseLimits(incident: String, _ db: PGConnection) throws -> (onlyRoles: [String]?, onlyOrgs: [String]?)? {
        guard let row = try db.one("SELECT exercise, only_roles, only_orgs FROM incident WHERE id = \(incident)"),
            row["exercise"] as Bool
        else { return nil }
        return (
            (row["only_roles"] as String?).map(SQLiteStore.strings),
            (row["only_orgs"] as String?).map(SQLiteStore.strings)
        )
    }

    /// A notification about an exercise as it is stored, or nil when its limits leave it out.
    func exerciseNotification(
        _ n: PlannedNotification, limits: (onlyRoles: [String]?, onlyOrgs: [String]?), kind: String, incident: String,
        _ db: PGConnection
    ) throws -> PlannedNotification? {
        guard
            Exercise.within(
                roles: n.roles, organisation: n.organisation, onlyRoles: limits.onlyRoles,
                onlyOrganisations: limits.onlyOrgs)
        else {
            try audit(
                db, n.sendAt, "engine", "exercise-left-out", incident,
                "\(kind) to \(n.person) (\(n.roles.joined(separator: ", ")), \(n.organisation)) not sent: outside the exercise's limits"
            )
            return nil
        }
        var marked = n
        marked.message = Exercise.mark(n.message, n.language)
        return marked
    }

    /// Stores a notification; one with the same idempotency key is left as it is.
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

    /// Stores the tasks and escalation timers of a plan's guidelines in `guidelines`.
    func insertTimers(_ plan: Plan, of guidelines: Set<String>, incident: String, _ db: PGConnection) throws {
        let onlyRoles = try exerciseLimits(incident: incident, db)?.onlyRoles
        for task in plan.tasks where guidelines.contains(task.guideline) {
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

    /// Ends everything still waiting for an incident that is closed; returns how many messages were withdrawn.
    @discardableResult
    func endWaiting(incident: String, at: Instant, _ db: PGConnection) throws -> Int {
        let withdrawn = try db.execute(
            "UPDATE notification SET status = 'cancelled' WHERE incident_id = \(incident) AND status = 'pending'")
        try db.execute(
            "UPDATE escalation SET status = 'cancelled' WHERE incident_id = \(incident) AND status = 'pending'")
        try db.execute(
            """
            UPDATE watch SET until_at = LEAST(until_at, \(at.seconds)),
                status = CASE WHEN status = 'requested' THEN 'ended' ELSE status END
            WHERE incident_id = \(incident)
            """)
        try db.execute(
            "UPDATE incident SET closed_at = \(at.seconds) WHERE merged_into = \(incident) AND closed_at IS NULL")
        if withdrawn > 0 {
            try audit(db, at, "engine", "withdrawn", incident, "\(withdrawn) message(s) not yet sent were withdrawn")
        }
        return withdrawn
    }
}
