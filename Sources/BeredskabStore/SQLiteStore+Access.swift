import BeredskabTime
import Foundation
import GRDB

/// What a credential may do; see docs/api.md for what each role sees.
public enum AccessRole: String, CaseIterable, Sendable, Codable {
    /// Reports incidents and follows its own organisation's reports (situation tier only).
    case reporter
    /// Sees the incidents it was notified of, acknowledges and marks tasks done.
    case responder
    /// Sees every incident in the situation tier, closures and the review (OKF, coordinators).
    case reviewer
    /// Manages tokens and reloads the rules.
    case admin
    /// Reads the on-call iCalendar feeds (`/oncall/….ics`) and nothing else: a person-bound one its
    /// person's feed and the feeds of the roles they hold or are a rota member of, one without a
    /// person every role's feed. Sent in the URL, since calendar programs cannot send a header.
    case calendar
}

/// An API token as stored: everything but the secret, which is kept only as a hash.
public struct TokenRecord: Sendable, Equatable {
    /// The public id, e.g. `tok_3f9a1c2b`, used to list and revoke.
    public var id: String
    public var organisation: String
    public var role: AccessRole
    /// The person the token acts for, if any (a responder's acknowledgements need one).
    public var person: String?
    public var label: String
    public var createdAt: Instant
    public var revokedAt: Instant?
}

/// A signed-in person's web session.
public struct WebSession: Sendable, Equatable {
    public var person: String
    /// The value every form of this session must carry.
    public var csrf: String
    public var expiresAt: Instant
}

/// What opening a sign-in link did.
public enum SignInOutcome: Sendable, Equatable {
    /// A new session: the cookie's secret value and the session.
    case signedIn(secret: String, session: WebSession)
    case expired
    case unknown
}

extension SQLiteStore {
    /// How long a sign-in link stays valid.
    public static let signInValidity = 15 * 60
    /// How long a web session lasts.
    public static let sessionValidity = 12 * 3600

    static func registerAccessMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6: roles on tokens, sign-in links, sessions, incident updates") { db in
            try db.execute(
                sql: """
                    ALTER TABLE token ADD COLUMN id TEXT;
                    ALTER TABLE token ADD COLUMN role TEXT NOT NULL DEFAULT 'reporter';
                    ALTER TABLE token ADD COLUMN person TEXT;
                    ALTER TABLE token ADD COLUMN label TEXT NOT NULL DEFAULT '';
                    UPDATE token SET id = 'tok_' || substr(hash, 1, 8);
                    CREATE UNIQUE INDEX token_id ON token (id);
                    CREATE TABLE signin (
                        hash TEXT PRIMARY KEY, person TEXT NOT NULL, created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL, used_at INTEGER);
                    CREATE TABLE session (
                        hash TEXT PRIMARY KEY, person TEXT NOT NULL, csrf TEXT NOT NULL, created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL, ended_at INTEGER);
                    CREATE TABLE incident_update (
                        id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incident (id),
                        at INTEGER NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
                        severity TEXT);
                    CREATE INDEX notification_incident ON notification (incident_id, person);
                    CREATE INDEX incident_open ON incident (closed_at, received_at);
                    ALTER TABLE closure ADD COLUMN expected_reopen_at INTEGER;
                    """)
        }
    }

    static func randomSecret(_ prefix: String, bytes count: Int = 32) -> String {
        var bytes = [UInt8](repeating: 0, count: count)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        return prefix + base64url(bytes)
    }

    // MARK: Tokens

    /// Creates a token; the secret is returned once and only its hash is kept.
    public func createToken(
        organisation: String, role: AccessRole, person: String? = nil, label: String = "", actor: String = "admin",
        at: Instant
    ) throws -> (record: TokenRecord, secret: String) {
        let secret = Self.randomSecret("bsk_")
        let hash = Self.hash(secret)
        let record = TokenRecord(
            id: "tok_" + hash.prefix(8), organisation: organisation, role: role, person: person, label: label,
            createdAt: at, revokedAt: nil)
        try pool.write { db in
            try db.run(
                sql: """
                    INSERT INTO token (hash, id, organisation, role, person, label, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [hash, record.id, organisation, role.rawValue, person, label, at.seconds])
            try audit(
                db, at, actor, "token-created", nil,
                "\(record.id) \(role.rawValue) for \(organisation)\(person.map { " as \($0)" } ?? "")")
        }
        return (record, secret)
    }

    /// A token row as a record; nil for a role this version does not know (one made by a newer
    /// version, say), which then opens nothing rather than being taken for another role.
    static func token(_ row: Row) -> TokenRecord? {
        guard let role = AccessRole(rawValue: row["role"]) else { return nil }
        return TokenRecord(
            id: row["id"], organisation: row["organisation"], role: role, person: row["person"], label: row["label"],
            createdAt: Instant(seconds: row["created_at"]),
            revokedAt: (row["revoked_at"] as Int?).map(Instant.init(seconds:)))
    }

    /// The token a secret belongs to, unless it is unknown or revoked: looked up in memory
    /// (``TokenCache``), and a revocation counts from the moment it is committed, by this
    /// process or another (`beredskab token revoke` beside the server).
    public func token(secret: String) throws -> TokenRecord? {
        try liveTokens.record(hash: Self.hash(secret))
    }

    /// Every token ever made, newest first, revoked ones included.
    public func tokens() throws -> [TokenRecord] {
        try pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM token ORDER BY created_at DESC, id")).compactMap(
                Self.token)
        }
    }

    /// Revokes a token by its public id; false if there is no such live token.
    public func revokeToken(id: String, actor: String = "admin", at: Instant) throws -> Bool {
        try pool.write { db in
            try db.run(
                sql: "UPDATE token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [at.seconds, id])
            guard db.changesCount > 0 else { return false }
            try audit(db, at, actor, "token-revoked", nil, id)
            return true
        }
    }

    // MARK: Sign-in links and sessions

    /// A one-time sign-in link token for a person, valid for `signInValidity`.
    public func startSignIn(person: String, at: Instant) throws -> String {
        let secret = Self.randomSecret("", bytes: 24)
        try pool.write { db in
            try db.run(
                sql: "INSERT INTO signin (hash, person, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [Self.hash(secret), person, at.seconds, at.seconds + Self.signInValidity])
            try audit(db, at, "person:\(person)", "signin-link-requested", nil, "")
        }
        return secret
    }

    /// Whether a sign-in link is still usable, without using it.
    public func signInPerson(token: String, at: Instant) throws -> String? {
        try pool.read { db in
            try String.fetchOne(
                db.cachedStatement(
                    sql: "SELECT person FROM signin WHERE hash = ? AND used_at IS NULL AND expires_at >= ?"),
                arguments: [Self.hash(token), at.seconds])
        }
    }

    /// Uses a sign-in link (once) and starts a session.
    public func finishSignIn(token: String, at: Instant) throws -> SignInOutcome {
        try pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT person, expires_at, used_at FROM signin WHERE hash = ?"),
                    arguments: [Self.hash(token)])
            else { return .unknown }
            guard (row["used_at"] as Int?) == nil, at.seconds <= row["expires_at"] as Int else { return .expired }
            let person: String = row["person"]
            try db.run(
                sql: "UPDATE signin SET used_at = ? WHERE hash = ?", arguments: [at.seconds, Self.hash(token)])
            let secret = Self.randomSecret("")
            let session = WebSession(
                person: person, csrf: Self.randomSecret("", bytes: 16),
                expiresAt: Instant(seconds: at.seconds + Self.sessionValidity))
            try db.run(
                sql: "INSERT INTO session (hash, person, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [Self.hash(secret), person, session.csrf, at.seconds, session.expiresAt.seconds])
            try audit(db, at, "person:\(person)", "signed-in", nil, "")
            return .signedIn(secret: secret, session: session)
        }
    }

    /// The live session a cookie's secret belongs to.
    public func session(secret: String, at: Instant) throws -> WebSession? {
        try pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT person, csrf, expires_at FROM session WHERE hash = ? AND ended_at IS NULL AND expires_at >= ?"
                ),
                arguments: [Self.hash(secret), at.seconds]
            ).map { WebSession(person: $0["person"], csrf: $0["csrf"], expiresAt: Instant(seconds: $0["expires_at"])) }
        }
    }

    /// Ends a session (sign out).
    public func endSession(secret: String, at: Instant) throws {
        try pool.write { db in
            try db.run(
                sql: "UPDATE session SET ended_at = ? WHERE hash = ? AND ended_at IS NULL",
                arguments: [at.seconds, Self.hash(secret)])
        }
    }

    /// Appends a line to the audit log, e.g. that someone read personal details.
    public func appendAudit(actor: String, action: String, incident: String?, detail: String, at: Instant) throws {
        try pool.write { db in try audit(db, at, actor, action, incident, detail) }
    }
}

/// The live API tokens by hash, in memory, so a request is not a database read (issue 16).
///
/// Whether the table changed is asked only when anything was committed since, by any connection
/// of this process or another: a dedicated connection's `PRAGMA data_version` says so without
/// reading a table. Then the token table's generation, which triggers raise on every insert,
/// update and delete (migration v13), tells whether the tokens themselves changed; only then is
/// the table read again. So a `beredskab token revoke` beside the server counts on the next request.
final class TokenCache: @unchecked Sendable {
    private let connection: DatabaseQueue
    private let lock = NSLock()
    private var version: Int64?
    private var generation: Int64?
    private var live: [String: TokenRecord] = [:]

    /// A cache of the tokens in the store at `path` (already migrated), read through its own
    /// read-only connection.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The live token with this hash, if any.
    func record(hash: String) throws -> TokenRecord? {
        try connection.inDatabase { db in
            let now = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version"))
            if let cached = lock.withLock({ version == now ? live[hash] as TokenRecord?? : nil }) { return cached }
            let current = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT generation FROM token_generation WHERE id = 1"))
            if let cached = lock.withLock({ () -> TokenRecord?? in
                guard generation == current else { return nil }
                version = now
                return live[hash]
            }) {
                return cached
            }
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM token WHERE revoked_at IS NULL"))
            var fresh: [String: TokenRecord] = [:]
            for row in rows { fresh[row["hash"]] = SQLiteStore.token(row) }
            lock.withLock {
                live = fresh
                version = now
                generation = current
            }
            return fresh[hash]
        }
    }

    static func registerMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v13: a generation of the token table, raised by every change to it") { db in
            try db.execute(
                sql: """
                    CREATE TABLE token_generation (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL);
                    INSERT INTO token_generation (id, generation) VALUES (1, 0);
                    CREATE TRIGGER token_generation_insert AFTER INSERT ON token
                        BEGIN UPDATE token_generation SET generation = generation + 1 WHERE id = 1; END;
                    CREATE TRIGGER token_generation_update AFTER UPDATE ON token
                        BEGIN UPDATE token_generation SET generation = generation + 1 WHERE id = 1; END;
                    CREATE TRIGGER token_generation_delete AFTER DELETE ON token
                        BEGIN UPDATE token_generation SET generation = generation + 1 WHERE id = 1; END;
                    """)
        }
    }
}
