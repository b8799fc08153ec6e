import BeredskabEngine
import BeredskabReview
import BeredskabTime
import PostgresNIO

/// What after-action reports and drill statistics are worked out from, as ``SQLiteStore`` reads it
/// (SQLiteStore+AfterAction.swift).
extension PostgresStore {
    /// Everything an after-action report is worked out from, for one incident (exercise or real):
    /// its messages with their delivery attempts and receipts, escalations, tasks, watches, and for an
    /// exercise those its limits left out. Nil for an unknown incident.
    public func afterActionRecord(incident id: String) throws -> AfterActionRecord? {
        // One snapshot for all the reads, as SQLite's read transaction gives.
        try pool.snapshot { db in
            guard
                let row = try db.one(
                    """
                    SELECT id, exercise, category, severity, area, occurred_at, received_at, closed_at, plan_json
                    FROM incident WHERE id = \(id)
                    """)
            else { return nil }
            var record = AfterActionRecord(
                incident: row["id"], exercise: row["exercise"], category: row["category"], severity: row["severity"],
                area: row["area"], occurredAt: Instant(seconds: row["occurred_at"]),
                receivedAt: Instant(seconds: row["received_at"]),
                closedAt: (row["closed_at"] as Int?).map(Instant.init(seconds:)))
            record.notifications = try db.query(
                """
                SELECT id, person, name, roles, kind, guidelines, send_at, status, acknowledged_at, ack_kind
                FROM notification WHERE incident_id = \(id) ORDER BY send_at, id
                """
            ).map { n in
                AfterActionRecord.Notification(
                    id: n["id"], person: n["person"], name: n["name"], roles: SQLiteStore.strings(n["roles"]),
                    kind: n["kind"], guidelines: SQLiteStore.strings(n["guidelines"]),
                    sendAt: Instant(seconds: n["send_at"]), status: n["status"],
                    acknowledgedAt: (n["acknowledged_at"] as Int?).map(Instant.init(seconds:)), ackKind: n["ack_kind"])
            }
            record.attempts = try db.query(
                """
                SELECT a.notification_id, a.attempted_at, a.channel, a.outcome FROM delivery_attempt a
                JOIN notification n ON n.id = a.notification_id WHERE n.incident_id = \(id) ORDER BY a.id
                """
            ).map {
                AfterActionRecord.Attempt(
                    notification: $0["notification_id"], at: Instant(seconds: $0["attempted_at"]),
                    channel: $0["channel"], outcome: $0["outcome"])
            }
            // In the order they were made (SQLite reads them in rowid order).
            record.escalations = try db.query(
                "SELECT guideline, round, roles, due_at, status FROM escalation WHERE incident_id = \(id) ORDER BY id"
            ).map {
                AfterActionRecord.Escalation(
                    guideline: $0["guideline"], round: $0["round"], roles: SQLiteStore.strings($0["roles"]),
                    dueAt: Instant(seconds: $0["due_at"]), status: $0["status"])
            }
            record.tasks = try db.query(
                "SELECT text, role, due_at, done_at FROM task WHERE incident_id = \(id) ORDER BY id"
            ).map {
                AfterActionRecord.Task(
                    text: $0["text"], role: $0["role"], dueAt: Instant(seconds: $0["due_at"]),
                    doneAt: ($0["done_at"] as Int?).map(Instant.init(seconds:)))
            }
            // A leader is asked when the watch request is sent; without one, when the report came in.
            record.watches = try db.query(
                """
                SELECT w.institution, w.confirm_by, w.answered_at, w.status,
                    (SELECT MIN(n.send_at) FROM notification n WHERE n.incident_id = w.incident_id
                        AND n.kind = 'watch' AND n.idempotency_key LIKE n.incident_id || '/watch-' || w.institution || '/%')
                        AS requested_at
                FROM watch w WHERE w.incident_id = \(id) ORDER BY w.id
                """
            ).map {
                AfterActionRecord.Watch(
                    institution: $0["institution"],
                    requestedAt: ($0["requested_at"] as Int?).map(Instant.init(seconds:)) ?? record.receivedAt,
                    confirmBy: Instant(seconds: $0["confirm_by"]),
                    answeredAt: ($0["answered_at"] as Int?).map(Instant.init(seconds:)), status: $0["status"])
            }
            if case .array(let leftOut)? = (try? JSONValue.parse(Array((row["plan_json"] as String).utf8)))?["left_out"]
            {
                record.leftOut = leftOut.compactMap { item in
                    guard case .string(let person)? = item["person"], case .string(let name)? = item["name"] else {
                        return nil
                    }
                    var roles: [String] = []
                    if case .array(let list)? = item["roles"] {
                        roles = list.compactMap { if case .string(let s) = $0 { s } else { nil } }
                    }
                    return AfterActionRecord.LeftOut(person: person, name: name, roles: roles)
                }
            }
            return record
        }
    }

    /// The exercises received in a period, oldest first: what drill statistics are worked out over.
    public func exercises(receivedIn period: Range<Instant>) throws -> [String] {
        try pool.read { db in
            try db.query(
                """
                SELECT id FROM incident WHERE exercise = TRUE AND merged_into IS NULL
                AND received_at >= \(period.lowerBound.seconds) AND received_at < \(period.upperBound.seconds)
                ORDER BY received_at, id
                """
            ).map { $0["id"] as String }
        }
    }
}
