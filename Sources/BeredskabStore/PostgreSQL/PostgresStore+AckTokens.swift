import BeredskabEngine
import Crypto
import Foundation
import PostgresNIO

/// Acknowledgement tokens, as ``SQLiteStore`` has them (SQLiteStore+AckTokens.swift): the secret
/// part of the link in every alert (`/ack/<token>`), `<notification id>.<HMAC>`, or before SQLite's
/// migration v15 the HMAC alone (rows copied from such a store keep their `ack_hash`).
extension PostgresStore {
    /// The notification row a token names (columns ``SQLiteStore/notificationColumns``), or nil for
    /// a token that is not ours. A token with an id is checked against the HMAC of that row's
    /// idempotency key, in constant time; one without is an older link, looked up by its hash.
    /// `forUpdate` locks the row until the transaction ends (in a `pool.write`).
    func notificationRow(ackToken token: String, _ db: PGConnection, forUpdate: Bool = false) throws -> PGRow? {
        let lock = forUpdate ? " FOR UPDATE" : ""
        guard let dot = token.firstIndex(of: ".") else {
            return try db.one(
                """
                SELECT \(unescaped: SQLiteStore.notificationColumns) FROM notification
                WHERE ack_hash = \(SQLiteStore.hash(token)) AND ack_hash IS NOT NULL\(unescaped: lock)
                """)
        }
        // The id as this store writes it and nothing else: no sign, no leading zeros.
        guard let id = Int64(token[..<dot]), String(id) == token[..<dot], id > 0,
            let row = try db.one(
                """
                SELECT \(unescaped: SQLiteStore.notificationColumns) FROM notification WHERE id = \(id)\(unescaped: lock)
                """)
        else { return nil }
        // Digests compare in constant time (swift-crypto), so the comparison says nothing of how
        // much of a guessed HMAC was right.
        let given = SHA256.hash(data: Data(token[token.index(after: dot)...].utf8))
        let expected = SHA256.hash(data: Data(ackMAC(key: row[8]).utf8))
        return given == expected ? row : nil
    }
}
