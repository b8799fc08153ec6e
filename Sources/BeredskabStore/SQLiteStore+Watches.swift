import BeredskabEngine
import BeredskabReview
import BeredskabTime
import Foundation
import GRDB

/// How a leader answers a watch.
public enum WatchStatus: String, Sendable, CaseIterable {
    /// Open as normal.
    case open
    /// Open with reduced service: recorded as a partial closure.
    case reduced
    case closed
}

/// What answering a watch did.
public enum WatchAnswer: Sendable, Equatable {
    /// The answer was recorded; a closure id if one was opened or closed.
    case recorded(institution: String, closure: Int64?)
    /// The link is not a watch request, is unknown, or the watch is over.
    case notAWatch
    case over
}

/// A watch nobody answered in time.
public struct UnansweredWatch: Sendable {
    public var id: Int64
    public var incident: String
    public var guideline: String
    public var institution: String
    public var escalateTo: [String]
}

extension SQLiteStore {
    /// Records a leader's answer to a watch request: open, reduced or closed. Closed or reduced opens a
    /// closure linked to the incident (unless one is open already); open ends one this watch opened.
    /// The leader may answer again while the watch lasts.
    public func answerWatch(
        ackToken: String, status: WatchStatus, expectedReopening: Instant? = nil, vital: (String) -> Bool, at: Instant
    ) throws -> WatchAnswer {
        try pool.write { db in
            guard let row = try notificationRow(ackToken: ackToken, db), row[14] == "watch" else { return .notAWatch }
            let notification = Self.notification(row)
            // The key is incident/purpose/person, and a watch request's purpose is watch-<institution>.
            let parts = notification.idempotencyKey.split(separator: "/")
            guard parts.count == 3, parts[1].hasPrefix("watch-") else { return .notAWatch }
            let institution = String(parts[1].dropFirst("watch-".count))
            guard
                let watch = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT id, until_at, closure_id FROM watch WHERE incident_id = ? AND institution = ?"),
                    arguments: [notification.incident, institution])
            else { return .notAWatch }
            guard at.seconds <= (watch["until_at"] as Int) else { return .over }
            let watchID: Int64 = watch["id"]
            var closureID: Int64? = watch["closure_id"]
            let open = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT id FROM closure WHERE institution = ? AND to_at IS NULL AND near_miss = 0"),
                arguments: [institution])
            switch status {
            case .closed, .reduced:
                if open == nil {
                    try db.run(
                        sql: """
                            INSERT INTO closure (institution, from_at, to_at, partial, reason, reason_text, decided_by,
                                incidents, vital, mitigations, near_miss, recorded_at)
                            VALUES (?, ?, NULL, ?, 'other', ?, ?, ?, ?, '[]', 0, ?)
                            """,
                        arguments: [
                            institution, at.seconds, status == .reduced,
                            "Meldt \(status == .closed ? "lukket" : "åben med nedsat service") under hændelse \(notification.incident)",
                            notification.name, Self.json([notification.incident]), vital(institution), at.seconds,
                        ])
                    closureID = db.lastInsertedRowID
                }
                if let id = closureID ?? open?["id"] {
                    try db.run(
                        sql: "UPDATE closure SET expected_reopen_at = ? WHERE id = ?",
                        arguments: [expectedReopening?.seconds, id])
                }
            case .open:
                if let id = closureID, open.map({ ($0["id"] as Int64) == id }) == true {
                    try db.run(sql: "UPDATE closure SET to_at = ? WHERE id = ?", arguments: [at.seconds, id])
                }
            }
            try db.run(
                sql: "UPDATE watch SET status = ?, answered_at = ?, closure_id = ? WHERE id = ?",
                arguments: [status.rawValue, at.seconds, closureID, watchID])
            if notification.acknowledgedAt == nil {
                // The leader has seen the request; an answer stops no escalation of the incident.
                try db.run(
                    sql: "UPDATE notification SET acknowledged_at = ?, ack_kind = 'seen' WHERE id = ?",
                    arguments: [at.seconds, notification.id])
            }
            try audit(
                db, at, "person:\(notification.person)", "watch-answered", notification.incident,
                "\(institution): \(status.rawValue)\(closureID.map { " (closure \($0))" } ?? "")"
                    + (expectedReopening.map { ", expected to reopen \(Copenhagen.format($0))" } ?? ""))
            return .recorded(institution: institution, closure: closureID)
        }
    }

    /// Watches still unanswered at their confirm time and not yet escalated; marks them escalated.
    public func takeUnansweredWatches(at: Instant) throws -> [UnansweredWatch] {
        try pool.write { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, incident_id, guideline, institution, escalate_to FROM watch
                        WHERE status = 'requested' AND escalated_at IS NULL AND confirm_by <= ? AND NOT EXISTS (
                            SELECT 1 FROM incident i WHERE i.id = watch.incident_id AND i.closed_at IS NOT NULL)
                        """),
                arguments: [at.seconds])
            for row in rows {
                try db.run(
                    sql: "UPDATE watch SET escalated_at = ? WHERE id = ?", arguments: [at.seconds, row["id"] as Int64])
                try audit(
                    db, at, "engine", "watch-unanswered", row["incident_id"],
                    "\(row["institution"] as String) did not answer")
            }
            return rows.map {
                UnansweredWatch(
                    id: $0["id"], incident: $0["incident_id"], guideline: $0["guideline"],
                    institution: $0["institution"],
                    escalateTo: Self.strings($0["escalate_to"]))
            }
        }
    }
}
