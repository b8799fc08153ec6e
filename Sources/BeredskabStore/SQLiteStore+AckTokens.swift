import BeredskabEngine
import Crypto
import Foundation
import GRDB

/// Acknowledgement tokens: the secret part of the link in every alert (`/ack/<token>`).
///
/// A token is `<notification id>.<HMAC>`: the id finds the row by its primary key, and the HMAC of
/// the row's idempotency key, made again and compared in constant time, proves the link was ours.
/// Before migration v15 a token was the HMAC alone, found through a unique index on its SHA-256;
/// those links keep working until they expire. That index took a random leaf page for each of the
/// four to eight messages of a report, so each report dirtied pages all over a file that grows with
/// history, and intake slowed as history grew (issue 16).
extension SQLiteStore {
    static func registerAckByIDMigration(_ migrator: inout DatabaseMigrator) {
        // SQLite cannot drop a column's UNIQUE constraint, so the table is made again (the twelve
        // steps of https://www.sqlite.org/lang_altertable.html#otheralter; GRDB defers the foreign
        // key checks to the end of the migration). New rows leave `ack_hash` empty; the rows made
        // before keep theirs, indexed only where present. `notification_due` (status, send_at) is not
        // made again: every query by status is either per incident (`notification_incident`) or for
        // pending messages (`notification_pending`), and each delivery moved its entry from one end
        // of the index to a random place in the other.
        migrator.registerMigration("v15: acknowledgement tokens carry their notification's id") { db in
            try db.execute(
                sql: """
                    CREATE TABLE notification_v15 (
                        id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incident (id),
                        person TEXT NOT NULL, name TEXT NOT NULL, roles TEXT NOT NULL, tier TEXT NOT NULL,
                        channels TEXT NOT NULL, send_at INTEGER NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,
                        message TEXT NOT NULL, guidelines TEXT NOT NULL, kind TEXT NOT NULL,
                        ack_hash TEXT, ack_expires_at INTEGER NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending', acknowledged_at INTEGER,
                        channel_index INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
                        first_attempt_at INTEGER, next_attempt_at INTEGER, details TEXT, ack_kind TEXT,
                        refused_channels TEXT NOT NULL DEFAULT '[]', exercise BOOLEAN NOT NULL DEFAULT 0);
                    INSERT INTO notification_v15 (\(Self.notificationTableColumns))
                        SELECT \(Self.notificationTableColumns) FROM notification;
                    DROP TABLE notification;
                    ALTER TABLE notification_v15 RENAME TO notification;
                    CREATE INDEX notification_incident ON notification (incident_id, person);
                    CREATE INDEX notification_pending ON notification (COALESCE(next_attempt_at, send_at), id)
                        WHERE status = 'pending' AND acknowledged_at IS NULL;
                    CREATE UNIQUE INDEX notification_legacy_ack ON notification (ack_hash) WHERE ack_hash IS NOT NULL;
                    """)
        }
    }

    /// Every column of the `notification` table, as migration v15 copies them.
    static let notificationTableColumns = """
        id, incident_id, person, name, roles, tier, channels, send_at, idempotency_key, message, guidelines, kind,
        ack_hash, ack_expires_at, status, acknowledged_at, channel_index, attempts, first_attempt_at,
        next_attempt_at, details, ack_kind, refused_channels, exercise
        """

    /// The token for the link in a notification's message: `<id>.<HMAC-SHA256 of its idempotency key>`,
    /// base64url (RFC 4648 §5). Made again on demand, so only the id and key are stored.
    public func ackToken(notification id: Int64, key: String) -> String {
        "\(id).\(ackMAC(key: key))"
    }

    func ackMAC(key: String) -> String {
        Self.base64url(HMAC<SHA256>.authenticationCode(for: Data(("ack:" + key).utf8), using: secret))
    }

    /// The notification row a token names, or nil for a token that is not ours. A token with an id
    /// is checked against the HMAC of that row's idempotency key, in constant time; one without is a
    /// link from before v15, looked up by its hash.
    func notificationRow(ackToken token: String, _ db: Database) throws -> Row? {
        guard let dot = token.firstIndex(of: ".") else {
            return try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT \(Self.notificationColumns) FROM notification WHERE ack_hash = ? AND ack_hash IS NOT NULL"
                ),
                arguments: [Self.hash(token)])
        }
        // The id as this store writes it and nothing else: no sign, no leading zeros.
        guard let id = Int64(token[..<dot]), String(id) == token[..<dot], id > 0,
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.notificationColumns) FROM notification WHERE id = ?"),
                arguments: [id])
        else { return nil }
        // Digests compare in constant time (swift-crypto), so the comparison says nothing of how
        // much of a guessed HMAC was right.
        let given = SHA256.hash(data: Data(token[token.index(after: dot)...].utf8))
        let expected = SHA256.hash(data: Data(ackMAC(key: row[8]).utf8))
        return given == expected ? row : nil
    }
}
