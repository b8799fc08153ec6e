import BeredskabEngine
import BeredskabReview
import BeredskabTime
import Foundation
import PostgresNIO

/// Watches of institutions during incidents, as ``SQLiteStore`` has them (SQLiteStore+Watches.swift).
extension PostgresStore {
    /// Records a leader's answer to a watch request: open, reduced or closed. Closed or reduced opens a
    /// closure linked to the incident (unless one is open already); open ends one this watch opened.
    /// The leader may answer again while the watch lasts. The watch's row is locked, so answers
    /// given on two instances at once are recorded one after the other.
    public func answerWatch(
        ackToken: String, status: WatchStatus, expectedReopening: Instant? = nil, vital: (String) -> Bool, at: Instant
    ) throws -> WatchAnswer {
        try pool.write { db in
            guard let row = try notificationRow(ackToken: ackToken, db, forUpdate: true), row[14] as String == "watch"
            else { return .notAWatch }
            let notification = Self.notification(row)
            // The key is incident/purpose/person, and a watch request's purpose is watch-<institution>.
            let parts = notification.idempotencyKey.split(separator: "/")
            guard parts.count == 3, parts[1].hasPrefix("watch-") else { return .notAWatch }
            let institution = String(parts[1].dropFirst("watch-".count))
            guard
                let watch = try db.one(
                    """
                    SELECT id, until_at, closure_id FROM watch
                    WHERE incident_id = \(notification.incident) AND institution = \(institution)
                    ORDER BY id LIMIT 1 FOR UPDATE
                    """)
            else { return .notAWatch }
            guard at.seconds <= (watch["until_at"] as Int) else { return .over }
            let watchID: Int64 = watch["id"]
            var closureID: Int64? = watch["closure_id"]
            let open = try db.one(
                "SELECT id FROM closure WHERE institution = \(institution) AND to_at IS NULL AND near_miss = FALSE")
            switch status {
            case .closed, .reduced:
                if open == nil {
                    let reason =
                        "Meldt \(status == .closed ? "lukket" : "åben med nedsat service") under hændelse \(notification.incident)"
                    closureID = try db.scalar(
                        """
                        INSERT INTO closure (institution, from_at, to_at, partial, reason, reason_text, decided_by,
                            incidents, vital, mitigations, near_miss, recorded_at)
                        VALUES (\(institution), \(at.seconds), NULL, \(status == .reduced), 'other', \(reason),
                            \(notification.name), \(SQLiteStore.json([notification.incident])), \(vital(institution)),
                            '[]', FALSE, \(at.seconds))
                        RETURNING id
                        """, as: Int64.self)
                }
                if let id = closureID ?? open.map({ $0["id"] as Int64 }) {
                    try db.execute(
                        "UPDATE closure SET expected_reopen_at = \(expectedReopening?.seconds) WHERE id = \(id)")
                }
            case .open:
                if let id = closureID, open.map({ ($0["id"] as Int64) == id }) == true {
                    try db.execute("UPDATE closure SET to_at = \(at.seconds) WHERE id = \(id)")
                }
            }
            try db.execute(
                """
                UPDATE watch SET status = \(status.rawValue), answered_at = \(at.seconds), closure_id = \(closureID)
                WHERE id = \(watchID)
                """)
            if notification.acknowledgedAt == nil {
                // The leader has seen the request; an answer stops no escalation of the incident.
                try db.execute(
                    "UPDATE notification SET acknowledged_at = \(at.seconds), ack_kind = 'seen' WHERE id = \(notification.id)"
                )
            }
            try audit(
                db, at, "person:\(notification.person)", "watch-answered", notification.incident,
                "\(institution): \(status.rawValue)\(closureID.map { " (closure \($0))" } ?? "")"
                    + (expectedReopening.map { ", expected to reopen \(Copenhagen.format($0))" } ?? ""))
            return .recorded(institution: institution, closure: closureID)
        }
    }

    /// Watches still unanswered at their confirm time and not yet escalated; marks them escalated.
    /// They are taken with `FOR UPDATE SKIP LOCKED`, so instances asking at the same moment take
    /// each watch once.
    public func takeUnansweredWatches(at: Instant) throws -> [UnansweredWatch] {
        try pool.write { db in
            let rows = try db.query(
                """
                SELECT id, incident_id, guideline, institution, escalate_to FROM watch
                WHERE status = 'requested' AND escalated_at IS NULL AND confirm_by <= \(at.seconds) AND NOT EXISTS (
                    SELECT 1 FROM incident i WHERE i.id = watch.incident_id AND i.closed_at IS NOT NULL)
                ORDER BY confirm_by, id
                FOR UPDATE SKIP LOCKED
                """)
            for row in rows {
                try db.execute("UPDATE watch SET escalated_at = \(at.seconds) WHERE id = \(row["id"] as Int64)")
                try audit(
                    db, at, "engine", "watch-unanswered", row["incident_id"],
                    "\(row["institution"] as String) did not answer")
            }
            return rows.map {
                UnansweredWatch(
                    id: $0["id"], incident: $0["incident_id"], guideline: $0["guideline"],
                    institution: $0["institution"],
                    escalateTo: SQLiteStore.strings($0["escalate_to"]))
            }
        }
    }
}
