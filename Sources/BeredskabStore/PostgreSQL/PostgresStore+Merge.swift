import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Foundation
import PostgresNIO

/// What intake needs of the incident's lifecycle and of silences, as ``SQLiteStore`` has it
/// (SQLiteStore+Lifecycle.swift, SQLiteStore+Silences.swift): reports recorded but not
/// dispatched, merged reports, the alerts already planned, ending what waits, live silences.
extension PostgresStore {
    /// Records a report from a CAP message that is not Actual (Test, Exercise, System, Draft): the
    /// report and what the guidelines would have fired are kept, the incident is closed at once,
    /// and nothing is sent, timed or watched. It sees no history and is never in anyone's history,
    /// so it can neither merge with, correlate with nor suppress a real incident.
    func record(
        _ report: IncidentReport, raw: String, organisation: String, at: Instant, status: String,
        plan makePlan: (_ history: IncidentHistory) -> Plan, _ db: PGConnection
    ) throws -> AcceptOutcome {
        var plan = makePlan(IncidentHistory())
        (plan.notifications, plan.tasks, plan.watches, plan.escalations) = ([], [], [], [])
        let planJSON = plan.json.text
        try db.execute(
            """
            INSERT INTO incident (id, organisation, received_at, occurred_at, category, severity, area,
                report_json, plan_json, merged_into, fired, flags, cap_status, closed_at)
            VALUES (\(report.id), \(organisation), \(at.seconds), \(report.occurredAt.seconds),
                \(report.category.rawValue), \(report.severity.rawValue), \(plan.area), \(raw), \(planJSON), NULL,
                \(SQLiteStore.json(plan.fired)), \(SQLiteStore.json(report.flags.map(\.rawValue).sorted())),
                \(status), \(at.seconds))
            """)
        try audit(
            db, at, "reporter:\(organisation)", "incident-recorded", report.id,
            "CAP status \(status): recorded, nothing dispatched (would have fired \(plan.fired))")
        return .accepted(StoredIncident(id: report.id, organisation: organisation, receivedAt: at, planJSON: planJSON))
    }

    /// Adds a report that duplicates `incident` to it, inside the accepting transaction: the
    /// incident's severity and flags rise to the worst seen, the report's facts become an update of
    /// the incident, and those already alerted about it (delivered) are told through `notice`. The
    /// incident's row is locked, so an update of it on another instance waits rather than being lost.
    func mergeReport(
        _ report: IncidentReport, plan: Plan, into incident: String, at: Instant,
        notice: (_ incident: String, _ alerted: [StoredNotification]) -> [PlannedNotification], _ db: PGConnection
    ) throws {
        guard let row = try db.one("SELECT severity, flags, fired FROM incident WHERE id = \(incident) FOR UPDATE")
        else { return }
        let before = IncidentSeverity(rawValue: row["severity"]) ?? report.severity
        let severity = max(before, report.severity)
        let flags = SQLiteStore.flags(row["flags"]).union(report.flags)
        let fired = SQLiteStore.strings(row["fired"])
        try db.execute(
            """
            UPDATE incident SET severity = \(severity.rawValue),
                flags = \(SQLiteStore.json(flags.map(\.rawValue).sorted())),
                fired = \(SQLiteStore.json(fired + plan.fired.filter { !fired.contains($0) })) WHERE id = \(incident)
            """)
        var facts = ["report \(report.id) merged into this incident"]
        if severity > before { facts.append("severity \(before.rawValue) → \(severity.rawValue)") }
        let added = report.flags.subtracting(SQLiteStore.flags(row["flags"])).map(\.rawValue).sorted()
        if !added.isEmpty { facts.append("now also \(added.joined(separator: ", "))") }
        if !plan.fired.isEmpty { facts.append("fires now: \(plan.fired.joined(separator: ", "))") }
        let text = facts.joined(separator: "; ") + (report.description.map { ": \($0)" } ?? "")
        try db.execute(
            """
            INSERT INTO incident_update (incident_id, at, actor, kind, text, severity)
            VALUES (\(incident), \(at.seconds), \("reporter:\(report.reporter.organisation)"), 'report',
                \(SQLiteStore.whole(text)), \(severity > before ? severity.rawValue : nil))
            """)
        try audit(db, at, "engine", "report-merged", incident, text)
        let delivered = try db.query(
            """
            SELECT \(unescaped: SQLiteStore.notificationColumns) FROM notification
            WHERE incident_id = \(incident) AND kind IN ('notification', 'escalation') AND status = 'delivered'
            ORDER BY id
            """
        ).map(Self.notification)
        var seen = Set<String>()
        let alerted = delivered.filter { seen.insert($0.person).inserted }
        for notification in notice(incident, alerted) {
            try insert(notification, kind: "update", incident: incident, purpose: "merged-\(report.id)", db)
        }
    }

    /// For each person with an alert about the incident (sent or still waiting, not withdrawn or
    /// failed), when the earliest of them is or was due.
    func earliestAlerts(incident: String, _ db: PGConnection) throws -> [String: Instant] {
        var earliest: [String: Instant] = [:]
        for row in try db.query(
            """
            SELECT person, MIN(send_at) AS at FROM notification WHERE incident_id = \(incident)
            AND kind IN ('notification', 'escalation') AND status IN ('pending', 'delivered') GROUP BY person
            """)
        {
            earliest[row["person"]] = Instant(seconds: row["at"])
        }
        return earliest
    }

    /// Ends everything still waiting for an incident that is closed (all clear or CAP Cancel), inside
    /// the closing transaction: messages not yet sent (delayed alerts, retries, escalations and
    /// watch requests waiting in the outbox), escalation timers and watches with their "no answer"
    /// escalations. Overdue tasks of a closed incident no longer escalate. Reports merged into it are
    /// closed with it. Returns how many messages were withdrawn.
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

    /// A silence from a row whose columns are ``SQLiteStore/silenceColumns``.
    static func silence(_ row: PGRow) -> Silence {
        Silence(
            id: row["id"], guideline: row["guideline"],
            category: (row["category"] as String?).flatMap(Category.init(rawValue:)), area: row["area"],
            startsAt: Instant(seconds: row["starts_at"]), endsAt: Instant(seconds: row["ends_at"]),
            reason: row["reason"], createdBy: row["created_by"], createdAt: Instant(seconds: row["created_at"]),
            confirmCritical: row["confirm_critical"],
            expiredAt: (row["expired_at"] as Int?).map { Instant(seconds: $0) }, expiredBy: row["expired_by"])
    }

    /// The silences not over by `at` (active or pending), in the order they were made: what
    /// evaluation at `at` or later may need.
    func liveSilences(_ db: PGConnection, at: Instant) throws -> [Silence] {
        try db.query(
            """
            SELECT \(unescaped: SQLiteStore.silenceColumns) FROM silence
            WHERE ends_at > \(at.seconds) AND (expired_at IS NULL OR expired_at > \(at.seconds))
            ORDER BY id
            """
        ).map(Self.silence)
    }
}
