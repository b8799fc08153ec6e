import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Foundation
import PostgresNIO

/// Reading and changing incidents, as ``SQLiteStore``'s `SQLiteStore+Incidents.swift` does.
extension PostgresStore {
    /// ``SQLiteStore/incidentColumns`` in PostgreSQL's words: the JSON lists of guidelines are
    /// unfolded with `jsonb_array_elements_text`, the escalation state counted with `FILTER`.
    static let incidentColumns = """
        id, organisation, received_at, occurred_at, category, severity, area, report_json, plan_json, merged_into,
        closed_at,
        (EXISTS (SELECT 1 FROM notification n WHERE n.incident_id = incident.id AND n.ack_kind = 'acknowledged')
            AND NOT EXISTS (SELECT 1 FROM escalation e WHERE e.incident_id = incident.id AND e.status = 'pending')
            AND NOT EXISTS (
                SELECT 1 FROM notification n, jsonb_array_elements_text(n.guidelines::jsonb) AS g(value)
                WHERE n.incident_id = incident.id AND n.kind IN ('notification', 'escalation')
                AND n.status != 'cancelled' AND NOT EXISTS (
                    SELECT 1 FROM notification m, jsonb_array_elements_text(m.guidelines::jsonb) AS h(value)
                    WHERE m.incident_id = incident.id AND m.ack_kind = 'acknowledged' AND h.value = g.value)))
            AS acknowledged,
        EXISTS (SELECT 1 FROM notification n WHERE n.incident_id = incident.id AND n.ack_kind = 'seen') AS seen,
        flags, cap_status, exercise,
        (SELECT CASE WHEN COUNT(*) FILTER (WHERE e.status = 'fired') > 0 THEN 'fired'
            WHEN COUNT(*) FILTER (WHERE e.status = 'pending') > 0 THEN 'pending'
            ELSE 'none' END FROM escalation e WHERE e.incident_id = incident.id) AS escalation
        """

    static func incident(_ row: PGRow) -> IncidentRecord {
        IncidentRecord(
            id: row["id"], organisation: row["organisation"], receivedAt: Instant(seconds: row["received_at"]),
            occurredAt: Instant(seconds: row["occurred_at"]), category: Category(rawValue: row["category"]) ?? .other,
            severity: IncidentSeverity(rawValue: row["severity"]) ?? .moderate, area: row["area"],
            reportJSON: row["report_json"], planJSON: row["plan_json"], mergedInto: row["merged_into"],
            closedAt: (row["closed_at"] as Int?).map(Instant.init(seconds:)), acknowledged: row["acknowledged"],
            escalation: row["escalation"] ?? "none", seen: row["seen"], flags: SQLiteStore.flags(row["flags"]),
            capStatus: row["cap_status"], exercise: row["exercise"])
    }

    /// Incidents matching a filter, newest first (ties in SQLite's order of ids: byte by byte).
    public func incidents(_ filter: IncidentFilter) throws -> [IncidentRecord] {
        var clauses: [String] = []
        var binds = PostgresBindings()
        /// The placeholder of a value bound next.
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        switch filter.status {
        case "open": clauses.append("closed_at IS NULL")
        case "closed": clauses.append("closed_at IS NOT NULL")
        default: break
        }
        if let area = filter.area {
            clauses.append("area = \(bind(area))")
        }
        if let severity = filter.severity {
            let worse = IncidentSeverity.allCases.filter { $0 >= severity }
            clauses.append("severity = ANY(\(bind(worse.map(\.rawValue))))")
        }
        if let category = filter.category {
            clauses.append("category = \(bind(category.rawValue))")
        }
        var visible: [String] = []
        if let organisations = filter.organisations {
            visible.append("organisation = ANY(\(bind(organisations)))")
        }
        if let persons = filter.notifiedPersons {
            visible.append(
                "EXISTS (SELECT 1 FROM notification n WHERE n.incident_id = incident.id AND n.person = ANY(\(bind(persons))))"
            )
        }
        if filter.organisations != nil || filter.notifiedPersons != nil {
            clauses.append("(" + visible.joined(separator: " OR ") + ")")
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let limit = bind(max(1, min(filter.limit, 1000)))
        let query = PostgresQuery(
            unsafeSQL:
                "SELECT \(Self.incidentColumns) FROM incident \(whereClause) ORDER BY received_at DESC, id COLLATE \"C\" LIMIT \(limit)",
            binds: binds)
        return try pool.read { db in try db.query(query).map(Self.incident) }
    }

    /// One incident by id.
    public func incident(id: String) throws -> IncidentRecord? {
        try pool.read { db in
            try db.one("SELECT \(unescaped: Self.incidentColumns) FROM incident WHERE id = \(id)").map(Self.incident)
        }
    }

    /// Every notification about an incident, in the order they were planned.
    public func notifications(incident: String) throws -> [StoredNotification] {
        try pool.read { db in
            try db.query(
                """
                SELECT \(unescaped: SQLiteStore.notificationColumns) FROM notification
                WHERE incident_id = \(incident) ORDER BY id
                """
            ).map(Self.notification)
        }
    }

    static let taskColumns = "id, guideline, text, role, due_at, assignees, status, done_at"

    static func task(_ row: PGRow) -> StoredTask {
        StoredTask(
            id: row["id"], guideline: row["guideline"], text: row["text"], role: row["role"],
            dueAt: Instant(seconds: row["due_at"]), assignees: SQLiteStore.strings(row["assignees"]),
            status: row["status"], doneAt: (row["done_at"] as Int?).map(Instant.init(seconds:)))
    }

    /// An incident's tasks, by deadline.
    public func tasks(incident: String) throws -> [StoredTask] {
        try pool.read { db in
            try db.query(
                "SELECT \(unescaped: Self.taskColumns) FROM task WHERE incident_id = \(incident) ORDER BY due_at, id"
            ).map(Self.task)
        }
    }

    /// Marks a task done or open again; nil if the incident has no such task.
    public func setTask(incident: String, task: Int64, done: Bool, actor: String, at: Instant) throws -> StoredTask? {
        try pool.write { db in
            guard
                let row = try db.one(
                    """
                    UPDATE task SET status = \(done ? "done" : "open"), done_at = \(done ? at.seconds : nil)
                    WHERE id = \(task) AND incident_id = \(incident) RETURNING \(unescaped: Self.taskColumns)
                    """)
            else { return nil }
            let stored = Self.task(row)
            try audit(db, at, actor, done ? "task-done" : "task-reopened", incident, stored.text)
            return stored
        }
    }

    /// Acknowledges every unacknowledged alert a person got about an incident; returns how many.
    /// Each goes through ``acknowledge(ackToken:at:stops:)`` in its own transaction, as a link would.
    public func acknowledge(
        incident: String, person: String, actor: String, at: Instant, stops: (StoredNotification) -> Bool
    ) throws -> Int {
        let tokens = try pool.read { db in
            try db.query(
                """
                SELECT id, idempotency_key FROM notification WHERE incident_id = \(incident) AND person = \(person)
                AND acknowledged_at IS NULL AND kind != 'watch' ORDER BY id
                """)
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

    static func update(_ row: PGRow) -> IncidentUpdate {
        IncidentUpdate(
            at: Instant(seconds: row["at"]), actor: row["actor"],
            kind: IncidentUpdate.Kind(rawValue: row["kind"]) ?? .information, text: row["text"],
            severity: (row["severity"] as String?).flatMap(IncidentSeverity.init(rawValue:)))
    }

    /// An incident's updates, oldest first.
    public func updates(incident: String) throws -> [IncidentUpdate] {
        try pool.read { db in
            try db.query(
                """
                SELECT at, actor, kind, text, severity FROM incident_update WHERE incident_id = \(incident)
                ORDER BY at, id
                """
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
    ///
    /// Other instances may change the incident at the same moment, so its row is locked first
    /// (`FOR UPDATE`): updates of one incident take turns, and each numbers its messages after the
    /// last. An update that changes what intake decides on (severity, the all clear, a replan) first
    /// takes intake's advisory lock (``intakeLock``), in intake's order (that lock, then the row), so
    /// neither waits for the other in a circle and a report merged at that moment sees the change.
    @discardableResult
    public func addUpdate(
        _ update: IncidentUpdate, incident: String, notify: [PlannedNotification],
        replan: ((_ history: IncidentHistory) -> Plan)? = nil
    ) throws -> [String] {
        try pool.write { db in
            if update.kind == .severity || update.kind == .allClear || replan != nil {
                try lockIntake(db)
            }
            let row = try db.one("SELECT occurred_at, fired, exercise FROM incident WHERE id = \(incident) FOR UPDATE")
            let sequence =
                try db.scalar("SELECT COUNT(*) FROM incident_update WHERE incident_id = \(incident)", as: Int.self) ?? 0
            try db.execute(
                """
                INSERT INTO incident_update (incident_id, at, actor, kind, text, severity)
                VALUES (\(incident), \(update.at.seconds), \(update.actor), \(update.kind.rawValue),
                    \(SQLiteStore.whole(update.text)), \(update.severity?.rawValue))
                """)
            switch update.kind {
            case .severity:
                if let severity = update.severity {
                    try db.execute("UPDATE incident SET severity = \(severity.rawValue) WHERE id = \(incident)")
                }
            case .allClear:
                try db.execute(
                    "UPDATE incident SET closed_at = \(update.at.seconds) WHERE id = \(incident) AND closed_at IS NULL")
                // After the all clear only the all clear itself goes out (inserted below).
                try endWaiting(incident: incident, at: update.at, db)
            case .information, .report:
                break
            }
            for notification in notify {
                try insert(notification, kind: "update", incident: incident, purpose: "update-\(sequence + 1)", db)
            }
            var newlyFired: [String] = []
            if let replan, let row {
                var history = try history(
                    db, around: Instant(seconds: row["occurred_at"]), now: update.at, excluding: incident,
                    exercise: row["exercise"])
                history.silences = try liveSilences(db, at: update.at)
                let plan = replan(history)
                let before = SQLiteStore.strings(row["fired"])
                newlyFired = plan.fired.filter { !before.contains($0) }
                let told = Set(
                    try db.query(
                        """
                        SELECT person FROM notification
                        WHERE incident_id = \(incident) AND kind IN ('notification', 'escalation')
                        """
                    ).map { $0[0] as String })
                for notification in plan.notifications
                where !told.contains(notification.person)
                    && notification.guidelines.contains(where: newlyFired.contains)
                {
                    try insert(
                        notification, kind: "notification", incident: incident, purpose: "replan-\(sequence + 1)", db)
                }
                try insertTimers(plan, of: Set(newlyFired), incident: incident, db)
                if !newlyFired.isEmpty {
                    try db.execute(
                        "UPDATE incident SET fired = \(SQLiteStore.json(before + newlyFired)) WHERE id = \(incident)")
                    try audit(
                        db, update.at, "engine", "replanned", incident,
                        "severity \(update.severity?.rawValue ?? ""): now also \(newlyFired.joined(separator: ", "))")
                }
            }
            // PostgreSQL refuses a U+0000 in text outright: the audit keeps the text as the update does.
            try audit(
                db, update.at, update.actor, "update-\(update.kind.rawValue)", incident,
                (update.severity.map { "severity \($0.rawValue): " } ?? "") + SQLiteStore.whole(update.text))
            return newlyFired
        }
    }

    /// What happened to an incident, oldest first: deliveries, acknowledgements, escalations, updates, tasks.
    public func timeline(incident: String) throws -> [TimelineEvent] {
        try pool.snapshot { db in
            var events: [TimelineEvent] = []
            if let received = try db.scalar("SELECT received_at FROM incident WHERE id = \(incident)", as: Int.self) {
                events.append(TimelineEvent(at: Instant(seconds: received), kind: "received", text: "report received"))
            }
            let attempts = try db.query(
                """
                SELECT a.attempted_at, a.channel, a.outcome, n.name, n.roles, n.kind FROM delivery_attempt a
                JOIN notification n ON n.id = a.notification_id WHERE n.incident_id = \(incident) ORDER BY a.id
                """)
            for row in attempts {
                let outcome: String = row["outcome"]
                let kind = outcome == "delivered" ? "sent" : outcome == "retry" ? "retry" : "failed"
                let roles = SQLiteStore.strings(row["roles"]).joined(separator: ", ")
                events.append(
                    TimelineEvent(
                        at: Instant(seconds: row["attempted_at"]), kind: kind,
                        text:
                            "\(row["kind"] as String) to \(row["name"] as String) (\(roles)) by \(row["channel"] as String): \(outcome)"
                    ))
            }
            for row in try db.query(
                """
                SELECT acknowledged_at, name, roles FROM notification
                WHERE incident_id = \(incident) AND acknowledged_at IS NOT NULL ORDER BY acknowledged_at, id
                """)
            {
                events.append(
                    TimelineEvent(
                        at: Instant(seconds: row["acknowledged_at"]), kind: "acknowledged",
                        text: "\(row["name"] as String) (\(SQLiteStore.strings(row["roles"]).joined(separator: ", ")))"
                    ))
            }
            for row in try db.query(
                """
                SELECT at, action, detail FROM audit WHERE incident_id = \(incident)
                AND (action IN ('escalated', 'task-done', 'task-reopened', 'watch-answered') OR action LIKE 'update-%')
                ORDER BY id
                """)
            {
                let action: String = row["action"]
                let kind =
                    action.hasPrefix("update-") ? "update" : action == "watch-answered" ? "watch-answer" : action
                events.append(TimelineEvent(at: Instant(seconds: row["at"]), kind: kind, text: row["detail"]))
            }
            return events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        }
    }

    /// Open incidents, and escalations fired for open incidents nobody has acknowledged: for `/metrics`.
    /// Exercises are not counted: the figures are about real incidents.
    public func operationalCounts() throws -> (openIncidents: Int, unacknowledgedEscalations: Int) {
        try pool.read { db in
            let open =
                try db.scalar(
                    "SELECT COUNT(*) FROM incident WHERE closed_at IS NULL AND NOT exercise", as: Int.self) ?? 0
            let escalations =
                try db.scalar(
                    """
                    SELECT COUNT(*) FROM escalation e JOIN incident i ON i.id = e.incident_id
                    WHERE e.status = 'fired' AND i.closed_at IS NULL AND NOT i.exercise AND NOT EXISTS (
                        SELECT 1 FROM notification n WHERE n.incident_id = i.id AND n.ack_kind = 'acknowledged')
                    """, as: Int.self) ?? 0
            return (open, escalations)
        }
    }
}
