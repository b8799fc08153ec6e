import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Foundation
import GRDB

/// An incident as the API and the pages show it, before access rules cut it down.
public struct IncidentRecord: Sendable, Equatable {
    public var id: String
    public var organisation: String
    public var receivedAt: Instant
    public var occurredAt: Instant
    public var category: Category
    /// The current severity: the reported one, or the latest severity update.
    public var severity: IncidentSeverity
    public var area: String?
    /// The report as received (it may hold personal details: show only to those entitled).
    public var reportJSON: String
    public var planJSON: String
    public var mergedInto: String?
    public var closedAt: Instant?
    /// Whether every guideline the incident alerted about has been acknowledged by a responsible
    /// recipient (a role it notifies or escalates to) and no escalation timer is still running:
    /// never true while `escalation` is `pending`, nor while a guideline nobody responsible
    /// acknowledged has merely run out of escalation rounds.
    public var acknowledged: Bool
    /// `none`, `pending` (a timer is running) or `fired`.
    public var escalation: String
    /// Whether someone not responsible (the reporter's key person, an institution's leader) has
    /// seen an alert: recorded, but it stops nothing.
    public var seen: Bool = false
    /// The incident's current flags: the report's, and those of reports merged into it.
    public var flags: Set<IncidentFlag> = []
    /// CAP's `status` of the message it came from: `actual`, or `test`, `exercise`, `system`,
    /// `draft` for one recorded without alerting anyone.
    public var capStatus: String = "actual"
    /// Whether it is an exercise (docs/report.md, `exercise`).
    public var exercise = false
}

/// Which incidents to list.
public struct IncidentFilter: Sendable {
    /// `open`, `closed` or `all`.
    public var status = "open"
    public var area: String?
    /// This severity or worse.
    public var severity: IncidentSeverity?
    public var category: Category?
    /// Only these organisations' reports, or (`OR`) incidents notified to these persons; nil: no limit.
    public var organisations: [String]?
    public var notifiedPersons: [String]?
    public var limit = 100

    /// A filter listing everything open, up to 100.
    public init() {}
}

/// A task of an incident.
public struct StoredTask: Sendable, Equatable {
    public var id: Int64
    public var guideline: String
    public var text: String
    public var role: String
    public var dueAt: Instant
    public var assignees: [String]
    /// `open` or `done`.
    public var status: String
    public var doneAt: Instant?
}

/// More information, a severity change or the all clear, added after the report.
public struct IncidentUpdate: Sendable, Equatable {
    /// The kinds of update.
    public enum Kind: String, Sendable, CaseIterable {
        case information
        case severity
        case allClear = "all_clear"
        /// A further report merged into the incident (made by the engine, never posted).
        case report
    }

    public var at: Instant
    public var actor: String
    public var kind: Kind
    public var text: String
    public var severity: IncidentSeverity?

    /// Creates an update.
    public init(at: Instant, actor: String, kind: Kind, text: String, severity: IncidentSeverity? = nil) {
        self.at = at
        self.actor = actor
        self.kind = kind
        self.text = text
        self.severity = severity
    }
}

/// One line of an incident's timeline.
public struct TimelineEvent: Sendable, Equatable {
    public var at: Instant
    /// received, sent, retry, failed, acknowledged, escalated, update, task-done, watch-answer, …
    public var kind: String
    public var text: String
}

extension SQLiteStore {
    static let incidentColumns = """
        id, organisation, received_at, occurred_at, category, severity, area, report_json, plan_json, merged_into,
        closed_at,
        (EXISTS (SELECT 1 FROM notification n WHERE n.incident_id = incident.id AND n.ack_kind = 'acknowledged')
            AND NOT EXISTS (SELECT 1 FROM escalation e WHERE e.incident_id = incident.id AND e.status = 'pending')
            AND NOT EXISTS (
                SELECT 1 FROM notification n, json_each(n.guidelines) g
                WHERE n.incident_id = incident.id AND n.kind IN ('notification', 'escalation')
                AND n.status != 'cancelled' AND NOT EXISTS (
                    SELECT 1 FROM notification m, json_each(m.guidelines) h
                    WHERE m.incident_id = incident.id AND m.ack_kind = 'acknowledged' AND h.value = g.value)))
            AS acknowledged,
        EXISTS (SELECT 1 FROM notification n WHERE n.incident_id = incident.id AND n.ack_kind = 'seen') AS seen,
        flags, cap_status, exercise,
        (SELECT CASE WHEN SUM(e.status = 'fired') > 0 THEN 'fired' WHEN SUM(e.status = 'pending') > 0 THEN 'pending'
            ELSE 'none' END FROM escalation e WHERE e.incident_id = incident.id) AS escalation
        """

    static func incident(_ row: Row) -> IncidentRecord {
        IncidentRecord(
            id: row["id"], organisation: row["organisation"], receivedAt: Instant(seconds: row["received_at"]),
            occurredAt: Instant(seconds: row["occurred_at"]), category: Category(rawValue: row["category"]) ?? .other,
            severity: IncidentSeverity(rawValue: row["severity"]) ?? .moderate, area: row["area"],
            reportJSON: row["report_json"], planJSON: row["plan_json"], mergedInto: row["merged_into"],
            closedAt: (row["closed_at"] as Int?).map(Instant.init(seconds:)), acknowledged: row["acknowledged"],
            escalation: row["escalation"] ?? "none", seen: row["seen"], flags: flags(row["flags"]),
            capStatus: row["cap_status"], exercise: row["exercise"])
    }

    /// Incidents matching a filter, newest first.
    public func incidents(_ filter: IncidentFilter) throws -> [IncidentRecord] {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        switch filter.status {
        case "open": clauses.append("closed_at IS NULL")
        case "closed": clauses.append("closed_at IS NOT NULL")
        default: break
        }
        if let area = filter.area {
            clauses.append("area = ?")
            arguments.append(area)
        }
        if let severity = filter.severity {
            let worse = IncidentSeverity.allCases.filter { $0 >= severity }
            clauses.append("severity IN (\(worse.map { _ in "?" }.joined(separator: ", ")))")
            arguments += worse.map(\.rawValue)
        }
        if let category = filter.category {
            clauses.append("category = ?")
            arguments.append(category.rawValue)
        }
        var visible: [String] = []
        if let organisations = filter.organisations {
            visible.append("organisation IN (\((organisations.map { _ in "?" } + ["NULL"]).joined(separator: ", ")))")
            arguments += organisations
        }
        if let persons = filter.notifiedPersons {
            visible.append(
                "EXISTS (SELECT 1 FROM notification n WHERE n.incident_id = incident.id AND n.person IN (\((persons.map { _ in "?" } + ["NULL"]).joined(separator: ", "))))"
            )
            arguments += persons
        }
        if filter.organisations != nil || filter.notifiedPersons != nil {
            clauses.append("(" + visible.joined(separator: " OR ") + ")")
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments.append(max(1, min(filter.limit, 1000)))
        return try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT \(Self.incidentColumns) FROM incident \(whereClause) ORDER BY received_at DESC, id LIMIT ?"
                ),
                arguments: StatementArguments(arguments)
            ).map(Self.incident)
        }
    }

    /// One incident by id.
    public func incident(id: String) throws -> IncidentRecord? {
        try pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.incidentColumns) FROM incident WHERE id = ?"), arguments: [id]
            )
            .map(Self.incident)
        }
    }

    /// Every notification about an incident, in the order they were planned.
    public func notifications(incident: String) throws -> [StoredNotification] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(Self.notificationColumns) FROM notification WHERE incident_id = ? ORDER BY id"),
                arguments: [incident]
            ).map(Self.notification)
        }
    }

    static func task(_ row: Row) -> StoredTask {
        StoredTask(
            id: row["id"], guideline: row["guideline"], text: row["text"], role: row["role"],
            dueAt: Instant(seconds: row["due_at"]), assignees: strings(row["assignees"]), status: row["status"],
            doneAt: (row["done_at"] as Int?).map(Instant.init(seconds:)))
    }

    /// An incident's tasks, by deadline.
    public func tasks(incident: String) throws -> [StoredTask] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM task WHERE incident_id = ? ORDER BY due_at, id"),
                arguments: [incident]
            ).map(Self.task)
        }
    }

    /// Marks a task done or open again; nil if the incident has no such task.
    public func setTask(incident: String, task: Int64, done: Bool, actor: String, at: Instant) throws -> StoredTask? {
        try pool.write { db in
            try db.run(
                sql: "UPDATE task SET status = ?, done_at = ? WHERE id = ? AND incident_id = ?",
                arguments: [done ? "done" : "open", done ? at.seconds : nil, task, incident])
            guard db.changesCount > 0,
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM task WHERE id = ?"), arguments: [task])
            else { return nil }
            let stored = Self.task(row)
            try audit(db, at, actor, done ? "task-done" : "task-reopened", incident, stored.text)
            return stored
        }
    }

    /// Acknowledges every unacknowledged alert a person got about an incident; returns how many.
    public func acknowledge(
        incident: String, person: String, actor: String, at: Instant, stops: (StoredNotification) -> Bool
    ) throws -> Int {
        let tokens = try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, idempotency_key FROM notification WHERE incident_id = ? AND person = ?
                        AND acknowledged_at IS NULL AND kind != 'watch'
                        """),
                arguments: [incident, person])
        }.map { ackToken(notification: $0[0], key: $0[1]) }
        var count = 0
        for token in tokens {
            switch try acknowledge(ackToken: token, at: at, stops: stops) {
            case .acknowledged, .seen: count += 1
            default: break
            }
        }
        return count
    }

    static func update(_ row: Row) -> IncidentUpdate {
        IncidentUpdate(
            at: Instant(seconds: row["at"]), actor: row["actor"],
            kind: IncidentUpdate.Kind(rawValue: row["kind"]) ?? .information, text: row["text"],
            severity: (row["severity"] as String?).flatMap(IncidentSeverity.init(rawValue:)))
    }

    /// An incident's updates, oldest first.
    public func updates(incident: String) throws -> [IncidentUpdate] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM incident_update WHERE incident_id = ? ORDER BY at, id"),
                arguments: [incident]
            ).map(Self.update)
        }
    }

    /// Adds an update and the messages telling people about it, in one transaction. A severity
    /// update changes the incident's severity; the all clear closes it, stops its escalation timers
    /// and ends its watches.
    ///
    /// With `replan` (a raised severity), the incident is evaluated again against the history around
    /// it: guidelines that fire only now add their alerts to people not yet told, their tasks and
    /// their escalation timers, in the same transaction. Returns the guidelines that fired only now.
    @discardableResult
    public func addUpdate(
        _ update: IncidentUpdate, incident: String, notify: [PlannedNotification],
        replan: ((_ history: IncidentHistory) -> Plan)? = nil
    ) throws -> [String] {
        try pool.write { db in
            let sequence =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM incident_update WHERE incident_id = ?"),
                    arguments: [incident])
                ?? 0
            try db.run(
                sql:
                    "INSERT INTO incident_update (incident_id, at, actor, kind, text, severity) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    incident, update.at.seconds, update.actor, update.kind.rawValue, Self.whole(update.text),
                    update.severity?.rawValue,
                ])
            switch update.kind {
            case .severity:
                if let severity = update.severity {
                    try db.run(
                        sql: "UPDATE incident SET severity = ? WHERE id = ?", arguments: [severity.rawValue, incident])
                }
            case .allClear:
                try db.run(
                    sql: "UPDATE incident SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                    arguments: [update.at.seconds, incident])
                // After the all clear only the all clear itself goes out (inserted below).
                try endWaiting(incident: incident, at: update.at, db)
            case .information, .report:
                break
            }
            for notification in notify {
                try insert(notification, kind: "update", incident: incident, purpose: "update-\(sequence + 1)", db)
            }
            var newlyFired: [String] = []
            if let replan,
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT occurred_at, fired, exercise FROM incident WHERE id = ?"),
                    arguments: [incident])
            {
                var history = try recent.history(
                    db, around: Instant(seconds: row["occurred_at"]), now: update.at, lookback: lookback,
                    lookahead: lookahead, excluding: incident, exercise: row["exercise"])
                history.silences = try liveSilences(db, at: update.at)
                let plan = replan(history)
                let before = Self.strings(row["fired"])
                newlyFired = plan.fired.filter { !before.contains($0) }
                let told = Set(
                    try String.fetchAll(
                        db.cachedStatement(
                            sql:
                                "SELECT person FROM notification WHERE incident_id = ? AND kind IN ('notification', 'escalation')"
                        ),
                        arguments: [incident]))
                for notification in plan.notifications
                where !told.contains(notification.person)
                    && notification.guidelines.contains(where: newlyFired.contains)
                {
                    try insert(
                        notification, kind: "notification", incident: incident, purpose: "replan-\(sequence + 1)", db)
                }
                try insertTimers(plan, of: Set(newlyFired), incident: incident, db)
                if !newlyFired.isEmpty {
                    try db.run(
                        sql: "UPDATE incident SET fired = ? WHERE id = ?",
                        arguments: [Self.json(before + newlyFired), incident])
                    try audit(
                        db, update.at, "engine", "replanned", incident,
                        "severity \(update.severity?.rawValue ?? ""): now also \(newlyFired.joined(separator: ", "))")
                }
            }
            try audit(
                db, update.at, update.actor, "update-\(update.kind.rawValue)", incident,
                (update.severity.map { "severity \($0.rawValue): " } ?? "") + update.text)
            return newlyFired
        }
    }

    /// What happened to an incident, oldest first: deliveries, acknowledgements, escalations, updates, tasks.
    public func timeline(incident: String) throws -> [TimelineEvent] {
        try pool.read { db in
            var events: [TimelineEvent] = []
            if let received = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT received_at FROM incident WHERE id = ?"), arguments: [incident])
            {
                events.append(TimelineEvent(at: Instant(seconds: received), kind: "received", text: "report received"))
            }
            let attempts = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT a.attempted_at, a.channel, a.outcome, n.name, n.roles, n.kind FROM delivery_attempt a
                        JOIN notification n ON n.id = a.notification_id WHERE n.incident_id = ? ORDER BY a.id
                        """),
                arguments: [incident])
            for row in attempts {
                let outcome: String = row["outcome"]
                let kind = outcome == "delivered" ? "sent" : outcome == "retry" ? "retry" : "failed"
                let roles = Self.strings(row["roles"]).joined(separator: ", ")
                events.append(
                    TimelineEvent(
                        at: Instant(seconds: row["attempted_at"]), kind: kind,
                        text:
                            "\(row["kind"] as String) to \(row["name"] as String) (\(roles)) by \(row["channel"] as String): \(outcome)"
                    ))
            }
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT acknowledged_at, name, roles FROM notification
                        WHERE incident_id = ? AND acknowledged_at IS NOT NULL ORDER BY acknowledged_at
                        """),
                arguments: [incident])
            {
                events.append(
                    TimelineEvent(
                        at: Instant(seconds: row["acknowledged_at"]), kind: "acknowledged",
                        text: "\(row["name"] as String) (\(Self.strings(row["roles"]).joined(separator: ", ")))"))
            }
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT at, action, detail FROM audit WHERE incident_id = ?
                        AND (action IN ('escalated', 'task-done', 'task-reopened', 'watch-answered') OR action LIKE 'update-%')
                        ORDER BY id
                        """),
                arguments: [incident])
            {
                let action: String = row["action"]
                let kind =
                    action.hasPrefix("update-") ? "update" : action == "watch-answered" ? "watch-answer" : action
                events.append(TimelineEvent(at: Instant(seconds: row["at"]), kind: kind, text: row["detail"]))
            }
            return events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        }
    }
}

extension SQLiteStore {
    /// Open incidents, and escalations fired for open incidents nobody has acknowledged: for `/metrics`.
    /// Exercises are not counted: the figures are about real incidents.
    public func operationalCounts() throws -> (openIncidents: Int, unacknowledgedEscalations: Int) {
        try pool.read { db in
            let open =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM incident WHERE closed_at IS NULL AND exercise = 0"))
                ?? 0
            let escalations =
                try Int.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT COUNT(*) FROM escalation e JOIN incident i ON i.id = e.incident_id
                            WHERE e.status = 'fired' AND i.closed_at IS NULL AND i.exercise = 0 AND NOT EXISTS (
                                SELECT 1 FROM notification n WHERE n.incident_id = i.id AND n.ack_kind = 'acknowledged')
                            """)) ?? 0
            return (open, escalations)
        }
    }
}
