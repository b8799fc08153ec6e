import BeredskabTime
import PostgresNIO

/// Notifications held by one instance while it delivers them (issue 17): each is sent once in
/// normal operation, and at least once when an instance dies mid-send. Holds are taken, renewed
/// and given up in writes that lock the audit chain's head first, as a recorded delivery does, so
/// the two never wait on each other's notification rows the other way round (a release at
/// shutdown once deadlocked against a result being recorded).
extension PostgresStore {
    /// Takes the notifications among `ids` that are pending, unacknowledged and held by no other
    /// instance (or whose holder's lease lapsed by `at`), for ``claimLease`` seconds from `at`, and
    /// returns them whole. Two instances taking the same row at once: PostgreSQL's row lock makes
    /// the second wait and then see the first one's hold, so only one takes it.
    public func claimNotifications(ids: [Int64], at: Instant) throws -> [StoredNotification] {
        guard !ids.isEmpty else { return [] }
        let claimed = try pool.write { db in
            try db.query(
                """
                UPDATE notification SET claimed_by = \(instance), claimed_until = \(at.seconds + claimLease)
                WHERE id = ANY(\(ids)) AND status = 'pending' AND acknowledged_at IS NULL
                    AND (claimed_until IS NULL OR claimed_until <= \(at.seconds) OR claimed_by = \(instance))
                RETURNING id
                """
            ).map { $0[0] as Int64 }
        }
        return try notifications(ids: claimed)
    }

    /// Extends this instance's hold on notifications it is still delivering to ``claimLease``
    /// seconds from `at` (the dispatcher calls it every few seconds for those in flight).
    public func renewClaims(ids: [Int64], at: Instant) throws {
        guard !ids.isEmpty else { return }
        try pool.write { db in
            try db.execute(
                """
                UPDATE notification SET claimed_until = \(at.seconds + claimLease)
                WHERE id = ANY(\(ids)) AND claimed_by = \(instance)
                """)
        }
    }

    /// Gives up this instance's hold on `ids` (a server stopping with deliveries in flight).
    public func releaseClaims(ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try pool.write { db in
            try db.execute(
                """
                UPDATE notification SET claimed_by = NULL, claimed_until = NULL
                WHERE id = ANY(\(ids)) AND claimed_by = \(instance)
                """)
        }
    }
}
