import BeredskabEngine
import BeredskabTime
import Foundation
import GRDB

/// A notification still waiting after at least one failed attempt: what the board and `/metrics`
/// show while a receiver is down.
public struct WaitingNotification: Sendable, Equatable {
    public var id: Int64
    public var incident: String
    public var person: String
    public var name: String
    /// The channel to be tried next (`email`, `sms`, `webhook`).
    public var channel: String
    /// Failed attempts so far, over all channels.
    public var failedAttempts: Int
    /// When the first attempt failed (UTC seconds).
    public var waitingSince: Instant
    /// When the next attempt is due (UTC seconds).
    public var nextAttemptAt: Instant
    /// Why it is waiting, in the transport's words: the last attempt on the channel tried next (so
    /// an SMS gateway that is not configured does not hide the mail server that is down), else the
    /// last attempt.
    public var lastError: String
}

/// Delivery bookkeeping: which channels refused a message for good, and what is waiting and why.
extension SQLiteStore {
    static func registerDeliveryMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10: a notification waits through an outage; refused channels are not retried") {
            db in
            try db.execute(
                sql: """
                    ALTER TABLE notification ADD COLUMN refused_channels TEXT NOT NULL DEFAULT '[]';
                    CREATE INDEX IF NOT EXISTS delivery_attempt_notification ON delivery_attempt (notification_id, id);
                    """)
        }
    }

    static func registerDueOrderMigration(_ migrator: inout DatabaseMigrator) {
        // The dispatcher asks for the oldest due messages many times a second. Without an index in
        // that order SQLite read and sorted every pending message each time, so a backlog made each
        // pass slower and the backlog longer (issue 16: 7.5 s behind at 2,000 reports/s).
        migrator.registerMigration("v12: pending notifications in the order they are due") { db in
            try db.execute(
                sql: """
                    CREATE INDEX notification_pending ON notification (COALESCE(next_attempt_at, send_at), id)
                    WHERE status = 'pending' AND acknowledged_at IS NULL
                    """)
        }
    }

    static func integers(_ text: String) -> [Int] {
        guard case .array(let items)? = try? JSONValue.parse(Array(text.utf8)) else { return [] }
        return items.compactMap { if case .number(let n) = $0 { Int(exactly: n) } else { nil } }
    }

    /// Notifications still to be delivered, as `n`: pending, not acknowledged, their incident open.
    /// Queries with it read `notification n INDEXED BY notification_pending`, whose condition this
    /// implies: without it SQLite chose to read every notification ever sent (issue 16).
    static let stillToDeliver = """
        n.status = 'pending' AND n.acknowledged_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.id = n.incident_id AND i.closed_at IS NOT NULL)
        """
    /// The kind of the channel `n` tries next.
    static let channelTriedNext = "json_extract(n.channels, '$[' || n.channel_index || '].kind')"

    /// Pending notifications with at least one failed attempt, the longest waiting first, at most
    /// `limit` of them.
    public func waitingNotifications(limit: Int = 200) throws -> [WaitingNotification] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT n.id, n.incident_id, n.person, n.name, COALESCE(\(Self.channelTriedNext), 'none') AS channel,
                            COALESCE(n.next_attempt_at, n.send_at) AS next_at,
                            COUNT(a.id) AS failures, MIN(a.attempted_at) AS since,
                            COALESCE(
                                (SELECT a2.channel || ': ' || a2.detail FROM delivery_attempt a2
                                    WHERE a2.notification_id = n.id AND a2.channel = \(Self.channelTriedNext)
                                    ORDER BY a2.id DESC LIMIT 1),
                                (SELECT a3.channel || ': ' || a3.detail FROM delivery_attempt a3
                                    WHERE a3.notification_id = n.id ORDER BY a3.id DESC LIMIT 1)) AS last_error
                        FROM notification n INDEXED BY notification_pending
                        JOIN delivery_attempt a ON a.notification_id = n.id
                        WHERE \(Self.stillToDeliver)
                        GROUP BY n.id ORDER BY since, n.id LIMIT ?
                        """),
                arguments: [limit]
            ).map { row in
                WaitingNotification(
                    id: row["id"], incident: row["incident_id"], person: row["person"], name: row["name"],
                    channel: row["channel"], failedAttempts: row["failures"],
                    waitingSince: Instant(seconds: row["since"]), nextAttemptAt: Instant(seconds: row["next_at"]),
                    lastError: row["last_error"] ?? "")
            }
        }
    }

    /// How many notifications wait after a failed attempt, by the channel tried next, and how long
    /// the longest has waited in seconds at `now`.
    public func waitingCounts(at now: Instant) throws -> (byChannel: [String: Int], oldestSeconds: Int) {
        try pool.read { db in
            let waiting = """
                FROM notification n INDEXED BY notification_pending WHERE \(Self.stillToDeliver)
                AND EXISTS (SELECT 1 FROM delivery_attempt a WHERE a.notification_id = n.id)
                """
            var byChannel: [String: Int] = [:]
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT COALESCE(\(Self.channelTriedNext), 'none') AS channel, COUNT(*) AS count \(waiting)
                        GROUP BY channel
                        """))
            {
                byChannel[row["channel"]] = row["count"]
            }
            let since = try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT MIN(a.attempted_at) FROM delivery_attempt a
                        WHERE a.notification_id IN (SELECT n.id \(waiting))
                        """))
            return (byChannel, since.map { max(0, now.seconds - $0) } ?? 0)
        }
    }
}
