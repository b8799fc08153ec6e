import BeredskabTime
import Foundation
import PostgresNIO

/// API tokens, sign-in links and web sessions, as ``SQLiteStore`` keeps them (SQLiteStore+Access.swift),
/// for several instances at once: nothing is cached, so a token revoked by one instance (or by
/// `beredskab token revoke`) is refused by every instance on its next request, and a sign-in link
/// opened on two instances at once starts one session.
extension PostgresStore {
    // MARK: Tokens

    /// Creates a token; the secret is returned once and only its hash is kept.
    public func createToken(
        organisation: String, role: AccessRole, person: String? = nil, label: String = "", actor: String = "admin",
        at: Instant
    ) throws -> (record: TokenRecord, secret: String) {
        let secret = SQLiteStore.randomSecret("bsk_")
        let hash = SQLiteStore.hash(secret)
        let record = TokenRecord(
            id: "tok_" + hash.prefix(8), organisation: organisation, role: role, person: person, label: label,
            createdAt: at, revokedAt: nil)
        try pool.write { db in
            try db.execute(
                """
                INSERT INTO token (hash, id, organisation, role, person, label, created_at)
                VALUES (\(hash), \(record.id), \(organisation), \(role.rawValue), \(person), \(label), \(at.seconds))
                """)
            try audit(
                db, at, actor, "token-created", nil,
                "\(record.id) \(role.rawValue) for \(organisation)\(person.map { " as \($0)" } ?? "")")
        }
        return (record, secret)
    }

    /// A token row as a record; nil for a role this version does not know (one made by a newer
    /// version, say), which then opens nothing rather than being taken for another role.
    static func token(_ row: PGRow) -> TokenRecord? {
        guard let role = AccessRole(rawValue: row["role"]) else { return nil }
        return TokenRecord(
            id: row["id"], organisation: row["organisation"], role: role, person: row["person"], label: row["label"],
            createdAt: Instant(seconds: row["created_at"]),
            revokedAt: (row["revoked_at"] as Int?).map(Instant.init(seconds:)))
    }

    /// The token a secret belongs to, unless it is unknown or revoked: read from the database on
    /// every call (by its hash, the primary key), so a revocation by any instance counts at once.
    public func token(secret: String) throws -> TokenRecord? {
        try pool.read { db in
            try db.one(
                """
                SELECT id, organisation, role, person, label, created_at, revoked_at FROM token
                WHERE hash = \(SQLiteStore.hash(secret)) AND revoked_at IS NULL
                """
            ).flatMap(Self.token)
        }
    }

    /// Every token ever made, newest first, revoked ones included.
    public func tokens() throws -> [TokenRecord] {
        try pool.read { db in
            try db.query(
                """
                SELECT id, organisation, role, person, label, created_at, revoked_at FROM token
                ORDER BY created_at DESC, id
                """
            ).compactMap(Self.token)
        }
    }

    /// Revokes a token by its public id; false if there is no such live token. Two instances
    /// revoking the same token at once: one revokes it (and writes the audit entry), the other
    /// finds it revoked.
    public func revokeToken(id: String, actor: String = "admin", at: Instant) throws -> Bool {
        try pool.write { db in
            let changed = try db.execute(
                "UPDATE token SET revoked_at = \(at.seconds) WHERE id = \(id) AND revoked_at IS NULL")
            guard changed > 0 else { return false }
            try audit(db, at, actor, "token-revoked", nil, id)
            return true
        }
    }

    // MARK: Sign-in links and sessions

    /// A one-time sign-in link token for a person, valid for ``SQLiteStore/signInValidity``.
    public func startSignIn(person: String, at: Instant) throws -> String {
        let secret = SQLiteStore.randomSecret("", bytes: 24)
        try pool.write { db in
            try db.execute(
                """
                INSERT INTO signin (hash, person, created_at, expires_at)
                VALUES (\(SQLiteStore.hash(secret)), \(person), \(at.seconds), \(at.seconds + SQLiteStore.signInValidity))
                """)
            try audit(db, at, "person:\(person)", "signin-link-requested", nil, "")
        }
        return secret
    }

    /// Whether a sign-in link is still usable, without using it.
    public func signInPerson(token: String, at: Instant) throws -> String? {
        try pool.read { db in
            try db.scalar(
                """
                SELECT person FROM signin
                WHERE hash = \(SQLiteStore.hash(token)) AND used_at IS NULL AND expires_at >= \(at.seconds)
                """, as: String.self)
        }
    }

    /// Uses a sign-in link (once) and starts a session. The link is marked used by one conditional
    /// `UPDATE`: when two instances open the same link at once, the second waits for the first's
    /// row lock, finds the link used and answers ``SignInOutcome/expired``, so one session is made.
    public func finishSignIn(token: String, at: Instant) throws -> SignInOutcome {
        let hash = SQLiteStore.hash(token)
        return try pool.write { db in
            guard
                let person = try db.scalar(
                    """
                    UPDATE signin SET used_at = \(at.seconds)
                    WHERE hash = \(hash) AND used_at IS NULL AND expires_at >= \(at.seconds)
                    RETURNING person
                    """, as: String.self)
            else {
                return try db.one("SELECT 1 FROM signin WHERE hash = \(hash)") == nil ? .unknown : .expired
            }
            let secret = SQLiteStore.randomSecret("")
            let session = WebSession(
                person: person, csrf: SQLiteStore.randomSecret("", bytes: 16),
                expiresAt: Instant(seconds: at.seconds + SQLiteStore.sessionValidity))
            try db.execute(
                """
                INSERT INTO session (hash, person, csrf, created_at, expires_at)
                VALUES (\(SQLiteStore.hash(secret)), \(person), \(session.csrf), \(at.seconds), \(session.expiresAt.seconds))
                """)
            try audit(db, at, "person:\(person)", "signed-in", nil, "")
            return .signedIn(secret: secret, session: session)
        }
    }

    /// The live session a cookie's secret belongs to.
    public func session(secret: String, at: Instant) throws -> WebSession? {
        try pool.read { db in
            try db.one(
                """
                SELECT person, csrf, expires_at FROM session
                WHERE hash = \(SQLiteStore.hash(secret)) AND ended_at IS NULL AND expires_at >= \(at.seconds)
                """
            ).map { WebSession(person: $0["person"], csrf: $0["csrf"], expiresAt: Instant(seconds: $0["expires_at"])) }
        }
    }

    /// Ends a session (sign out).
    public func endSession(secret: String, at: Instant) throws {
        try pool.write { db in
            try db.execute(
                "UPDATE session SET ended_at = \(at.seconds) WHERE hash = \(SQLiteStore.hash(secret)) AND ended_at IS NULL"
            )
        }
    }

    /// Appends a line to the audit log, e.g. that someone read personal details.
    public func appendAudit(actor: String, action: String, incident: String?, detail: String, at: Instant) throws {
        try pool.write { db in try audit(db, at, actor, action, incident, detail) }
    }
}
