import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Foundation
import GRDB

/// The incident's lifecycle after the report: merged reports, the all clear, receipts that stop
/// escalations or are only seen, and tasks that run late (docs/plan.md, "The lifecycle").
extension SQLiteStore {
    static func registerLifecycleMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7: merged reports add to their incident, seen receipts, overdue tasks") { db in
            try db.execute(
                sql: """
                    ALTER TABLE incident ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
                    UPDATE incident SET flags = COALESCE((SELECT json_group_array(key) FROM (
                        SELECT key FROM json_each(incident.report_json, '$.flags') WHERE type = 'true' ORDER BY key)),
                        '[]');
                    ALTER TABLE notification ADD COLUMN ack_kind TEXT;
                    UPDATE notification SET ack_kind = 'acknowledged' WHERE acknowledged_at IS NOT NULL;
                    ALTER TABLE task ADD COLUMN escalated_at INTEGER;
                    CREATE INDEX incident_merged ON incident (merged_into);
                    """)
        }
        migrator.registerMigration("v8: CAP Test, Exercise, System and Draft messages are recorded, not dispatched") {
            db in
            try db.execute(sql: "ALTER TABLE incident ADD COLUMN cap_status TEXT NOT NULL DEFAULT 'actual'")
        }
    }

    /// Records a report from a CAP message that is not Actual (Test, Exercise, System, Draft): the
    /// report and what the guidelines would have fired are kept, the incident is closed at once,
    /// and nothing is sent, timed or watched. It sees no history and is never in anyone's history,
    /// so it can neither merge with, correlate with nor suppress a real incident.
    func record(
        _ report: IncidentReport, raw: String, organisation: String, at: Instant, status: String,
        plan makePlan: (_ history: IncidentHistory) -> Plan, _ db: Database
    ) throws -> AcceptOutcome {
        var plan = makePlan(IncidentHistory())
        (plan.notifications, plan.tasks, plan.watches, plan.escalations) = ([], [], [], [])
        let planJSON = plan.json.text
        try db.run(
            sql: """
                INSERT INTO incident (id, organisation, received_at, occurred_at, category, severity, area,
                    report_json, plan_json, merged_into, fired, flags, cap_status, closed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)
                """,
            arguments: [
                report.id, organisation, at.seconds, report.occurredAt.seconds, report.category.rawValue,
                report.severity.rawValue, plan.area, raw, planJSON, Self.json(plan.fired),
                Self.json(report.flags.map(\.rawValue).sorted()), status, at.seconds,
            ])
        try audit(
            db, at, "reporter:\(organisation)", "incident-recorded", report.id,
            "CAP status \(status): recorded, nothing dispatched (would have fired \(plan.fired))")
        return .accepted(StoredIncident(id: report.id, organisation: organisation, receivedAt: at, planJSON: planJSON))
    }

    /// A stored list of flag names as flags; unknown names are skipped.
    static func flags(_ text: String) -> Set<IncidentFlag> {
        Set(strings(text).compactMap(IncidentFlag.init(rawValue:)))
    }

    /// Adds a report that duplicates `incident` to it, inside the accepting transaction: the
    /// incident's severity and flags rise to the worst seen, the report's facts become an update of
    /// the incident, and those already alerted about it (delivered) are told through `notice`.
    func mergeReport(
        _ report: IncidentReport, plan: Plan, into incident: String, at: Instant,
        notice: (_ incident: String, _ alerted: [StoredNotification]) -> [PlannedNotification], _ db: Database
    ) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT severity, flags, fired FROM incident WHERE id = ?"),
                arguments: [incident])
        else { return }
        let before = IncidentSeverity(rawValue: row["severity"]) ?? report.severity
        let severity = max(before, report.severity)
        let flags = Self.flags(row["flags"]).union(report.flags)
        let fired = Self.strings(row["fired"])
        try db.run(
            sql: "UPDATE incident SET severity = ?, flags = ?, fired = ? WHERE id = ?",
            arguments: [
                severity.rawValue, Self.json(flags.map(\.rawValue).sorted()),
                Self.json(fired + plan.fired.filter { !fired.contains($0) }), incident,
            ])
        var facts = ["report \(report.id) merged into this incident"]
        if severity > before { facts.append("severity \(before.rawValue) → \(severity.rawValue)") }
        let added = report.flags.subtracting(Self.flags(row["flags"])).map(\.rawValue).sorted()
        if !added.isEmpty { facts.append("now also \(added.joined(separator: ", "))") }
        if !plan.fired.isEmpty { facts.append("fires now: \(plan.fired.joined(separator: ", "))") }
        let text = facts.joined(separator: "; ") + (report.description.map { ": \($0)" } ?? "")
        try db.run(
            sql: "INSERT INTO incident_update (incident_id, at, actor, kind, text, severity) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                incident, at.seconds, "reporter:\(report.reporter.organisation)", "report", Self.whole(text),
                severity > before ? severity.rawValue : nil,
            ])
        try audit(db, at, "engine", "report-merged", incident, text)
        let delivered = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.notificationColumns) FROM notification
                    WHERE incident_id = ? AND kind IN ('notification', 'escalation') AND status = 'delivered' ORDER BY id
                    """),
            arguments: [incident]
        ).map(Self.notification)
        var seen = Set<String>()
        let alerted = delivered.filter { seen.insert($0.person).inserted }
        for notification in notice(incident, alerted) {
            try insert(notification, kind: "update", incident: incident, purpose: "merged-\(report.id)", db)
        }
    }

    /// For each person with an alert about the incident (sent or still waiting, not withdrawn or
    /// failed), when the earliest of them is or was due.
    func earliestAlerts(incident: String, _ db: Database) throws -> [String: Instant] {
        var earliest: [String: Instant] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT person, MIN(send_at) AS at FROM notification WHERE incident_id = ?
                    AND kind IN ('notification', 'escalation') AND status IN ('pending', 'delivered') GROUP BY person
                    """),
            arguments: [incident])
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
    func endWaiting(incident: String, at: Instant, _ db: Database) throws -> Int {
        try db.run(
            sql: "UPDATE notification SET status = 'cancelled' WHERE incident_id = ? AND status = 'pending'",
            arguments: [incident])
        let withdrawn = db.changesCount
        try db.run(
            sql: "UPDATE escalation SET status = 'cancelled' WHERE incident_id = ? AND status = 'pending'",
            arguments: [incident])
        try db.run(
            sql: """
                UPDATE watch SET until_at = MIN(until_at, ?),
                    status = CASE WHEN status = 'requested' THEN 'ended' ELSE status END
                WHERE incident_id = ?
                """,
            arguments: [at.seconds, incident])
        try db.run(
            sql: "UPDATE incident SET closed_at = ? WHERE merged_into = ? AND closed_at IS NULL",
            arguments: [at.seconds, incident])
        if withdrawn > 0 {
            try audit(db, at, "engine", "withdrawn", incident, "\(withdrawn) message(s) not yet sent were withdrawn")
        }
        return withdrawn
    }

    /// The reports (as received) merged into an incident, oldest first.
    public func mergedReports(into incident: String) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT report_json FROM incident WHERE merged_into = ? ORDER BY received_at, id"),
                arguments: [incident])
        }
    }

    /// Open tasks of open incidents past their deadline, with roles to escalate to and not yet
    /// escalated; marks them escalated (once per task). Read through `task_overdue`, which holds only
    /// open tasks not yet escalated: left to itself SQLite read every open incident instead.
    public func takeOverdueTasks(at: Instant) throws -> [OverdueTask] {
        try pool.write { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT t.id, t.incident_id, t.guideline, t.text, t.role, t.due_at, t.escalate_to
                        FROM task t INDEXED BY task_overdue JOIN incident i ON i.id = t.incident_id
                        WHERE t.status = 'open' AND t.escalated_at IS NULL AND t.due_at <= ? AND t.escalate_to != '[]'
                        AND i.closed_at IS NULL ORDER BY t.due_at, t.id
                        """),
                arguments: [at.seconds])
            return try rows.map { row in
                let task = OverdueTask(
                    id: row["id"], incident: row["incident_id"], guideline: row["guideline"], text: row["text"],
                    role: row["role"], dueAt: Instant(seconds: row["due_at"]),
                    escalateTo: Self.strings(row["escalate_to"]))
                try db.run(sql: "UPDATE task SET escalated_at = ? WHERE id = ?", arguments: [at.seconds, task.id])
                try audit(
                    db, at, "engine", "task-overdue", task.incident,
                    "\(task.text) (\(task.role)) was due \(Copenhagen.format(task.dueAt)); escalated to "
                        + task.escalateTo.joined(separator: ", "))
                return task
            }
        }
    }
}
