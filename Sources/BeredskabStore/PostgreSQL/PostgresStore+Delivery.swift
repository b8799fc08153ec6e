import BeredskabEngine
import BeredskabTime
import Foundation
import PostgresNIO

/// Delivery bookkeeping, as ``SQLiteStore`` has it (SQLiteStore+Delivery.swift): what is waiting
/// after a failed attempt, and why.
extension PostgresStore {
    /// Notifications still to be delivered, as `n`: pending, not acknowledged, their incident open
    /// (the condition of the partial index `notification_pending`).
    static let stillToDeliver = """
        n.status = 'pending' AND n.acknowledged_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.id = n.incident_id AND i.closed_at IS NOT NULL)
        """
    /// The kind of the channel `n` tries next.
    static let channelTriedNext = "(n.channels::jsonb -> n.channel_index::int ->> 'kind')"

    /// Pending notifications with at least one failed attempt, the longest waiting first, at most
    /// `limit` of them.
    public func waitingNotifications(limit: Int = 200) throws -> [WaitingNotification] {
        try pool.read { db in
            try db.query(
                """
                SELECT n.id, n.incident_id, n.person, n.name,
                    COALESCE(\(unescaped: Self.channelTriedNext), 'none') AS channel,
                    COALESCE(n.next_attempt_at, n.send_at) AS next_at,
                    COUNT(a.id)::bigint AS failures, MIN(a.attempted_at) AS since,
                    COALESCE(
                        (SELECT a2.channel || ': ' || a2.detail FROM delivery_attempt a2
                            WHERE a2.notification_id = n.id AND a2.channel = \(unescaped: Self.channelTriedNext)
                            ORDER BY a2.id DESC LIMIT 1),
                        (SELECT a3.channel || ': ' || a3.detail FROM delivery_attempt a3
                            WHERE a3.notification_id = n.id ORDER BY a3.id DESC LIMIT 1)) AS last_error
                FROM notification n
                JOIN delivery_attempt a ON a.notification_id = n.id
                WHERE \(unescaped: Self.stillToDeliver)
                GROUP BY n.id ORDER BY since, n.id LIMIT \(limit)
                """
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
                FROM notification n WHERE \(Self.stillToDeliver)
                AND EXISTS (SELECT 1 FROM delivery_attempt a WHERE a.notification_id = n.id)
                """
            var byChannel: [String: Int] = [:]
            for row in try db.query(
                """
                SELECT COALESCE(\(unescaped: Self.channelTriedNext), 'none') AS channel, COUNT(*)::bigint AS count
                \(unescaped: waiting)
                GROUP BY 1
                """)
            {
                byChannel[row["channel"]] = row["count"] as Int
            }
            let since = try db.scalar(
                """
                SELECT MIN(a.attempted_at) FROM delivery_attempt a
                WHERE a.notification_id IN (SELECT n.id \(unescaped: waiting))
                """, as: Int.self)
            return (byChannel, since.map { max(0, now.seconds - $0) } ?? 0)
        }
    }
}
