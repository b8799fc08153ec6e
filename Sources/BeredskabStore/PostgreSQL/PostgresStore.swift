import BeredskabEngine
import BeredskabRoster
import BeredskabRules
import BeredskabTime
import Crypto
import Foundation
import PostgresNIO

/// The shared store: one PostgreSQL database that two or more `beredskab serve` instances use at
/// once (issue 17), so that no single server is a point of failure.
///
/// It keeps the same tables as ``SQLiteStore`` (times are whole seconds since 1970, UTC, in
/// `BIGINT`; lists are JSON text) and answers the same ``IncidentStore`` calls; the same store
/// tests run against both. What differs is what several writers need:
/// - intake takes a transaction-scoped advisory lock (``intakeLock``) before it reads the history
///   and decides on a merge, so two instances given the same report at once make one incident;
/// - the outbox and the timers are claimed with `FOR UPDATE SKIP LOCKED`, a notification with a
///   lease that lapses when its holder dies (``claimLease``);
/// - nothing about incidents or tokens is cached in memory, so every instance sees every change.
///
/// Calls block their thread until PostgreSQL answers (see ``PostgresPool``). A server that cannot
/// be reached fails a call with an error ``storeUnavailableReason(_:)`` names (HTTP 503).
public final class PostgresStore: IncidentStore, @unchecked Sendable {
    let pool: PostgresPool
    /// Acknowledgement links stay valid this long after sending (seconds).
    public let ackValidity = 7 * 86_400
    /// How far back and ahead of an incident history is read (seconds; `Engine.lookback`, `Engine.lookahead`).
    let lookback: Int
    let lookahead: Int
    /// The key acknowledgement links are signed with, shared by every instance (table `secret`).
    let secret: SymmetricKey
    /// Which instance this is, in leases and in the audit of what it claimed (`host:pid`).
    public let instance: String
    /// This instance's index of the incidents the rules can see (see ``SharedRecentIncidents``).
    let recent: SharedRecentIncidents
    /// How long a claimed notification stays with its instance before another may take it
    /// (seconds). The dispatcher renews the hold every few seconds while a delivery runs (an SMTP
    /// attempt may take a minute), so this is how long a dead instance's sends wait to be taken over.
    let claimLease = 30

    /// The key of the advisory lock intake holds while it reads history and decides on merges.
    static let intakeLock: Int64 = 0x6265_7265_6473_6b01
    /// The key of the advisory lock held while migrating.
    static let migrationLock: Int64 = 0x6265_7265_6473_6b02

    /// Connects to the database at `location` and migrates it as needed (under an advisory lock, so
    /// instances starting together migrate once). History for a new report is read from
    /// `lookback` seconds before it to `lookahead` after. Throws `PSQLError` when the server cannot
    /// be reached or refuses the user, and `StoreFileError` when a newer version migrated it.
    public init(
        _ location: PostgresLocation, lookback: Int = 90 * 86_400, lookahead: Int = 86_400, connections: Int = 8,
        instance: String? = nil
    ) throws {
        self.lookback = lookback
        self.lookahead = lookahead
        self.instance = instance ?? "\(ProcessInfo.processInfo.hostName):\(getpid())"
        pool = PostgresPool(location, connections: connections)
        let recent = SharedRecentIncidents(lookback: lookback)
        self.recent = recent
        // A transaction rolled back may have been read into the index: forget it before the
        // rollback lets the intake lock go.
        pool.rollingBack = { recent.invalidate() }
        pool.beginning = { db in _ = try Self.lockAuditHead(db) }
        try Self.migrate(pool)
        secret = try pool.write { db in
            try db.execute(
                "INSERT INTO secret (name, value) VALUES ('ack', \(Self.newKey())) ON CONFLICT (name) DO NOTHING")
            guard let stored = try db.scalar("SELECT value FROM secret WHERE name = 'ack'", as: ByteBuffer.self)
            else { throw StoreFileError("the secret of acknowledgement links is missing") }
            return SymmetricKey(data: Data(buffer: stored))
        }
    }

    /// Closes the store's connections.
    public func close() {
        pool.close()
    }

    static func newKey() -> ByteBuffer {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { ByteBuffer(bytes: $0) }
    }

    // MARK: Migrations

    /// The migrations, in order: an identifier and the SQL that makes it so. Applied ones are kept in
    /// `beredskab_migrations`; never edit one that has shipped, add another.
    static let migrations: [(id: String, sql: String)] = [
        ("v1: the schema of SQLite's v16, for PostgreSQL", schemaV1),
        ("v2: the log of changed incidents that keeps each instance's history index in step", schemaV2),
        ("v3: rules reloaded on purpose", "ALTER TABLE rules_version ADD COLUMN reloaded_at BIGINT"),
    ]

    /// Applies the migrations not yet applied, under an advisory lock. Throws `StoreFileError` for a
    /// database a newer version has migrated.
    static func migrate(_ pool: PostgresPool) throws {
        try pool.write(audits: false) { db in
            try db.execute("SELECT pg_advisory_xact_lock(\(migrationLock))")
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS beredskab_migrations (
                    identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            let applied = Set(
                try db.query("SELECT identifier FROM beredskab_migrations").map { $0[0] as String })
            let unknown = applied.subtracting(migrations.map(\.id))
            guard unknown.isEmpty else {
                throw StoreFileError(
                    "\(pool.location) was migrated by a newer version of beredskab (migrations \(unknown.sorted())): "
                        + "run that version")
            }
            for migration in migrations where !applied.contains(migration.id) {
                for statement in statements(migration.sql) { try db.execute(PostgresQuery(unsafeSQL: statement)) }
                try db.execute("INSERT INTO beredskab_migrations (identifier) VALUES (\(migration.id))")
            }
        }
    }

    /// The statements of a migration, one by one (the extended protocol takes one at a time): split
    /// at each `;` that ends a line outside a `$$` function body.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            current += line + "\n"
            if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            if !inBody && line.hasSuffix(";") {
                statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }

    /// `incident_change` (see ``SharedRecentIncidents``): a trigger that takes the intake lock
    /// before any row of `incident` is inserted or updated, and logs the change.
    static let schemaV2 = """
        CREATE TABLE incident_change (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, incident_id TEXT NOT NULL,
            at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint);
        CREATE INDEX incident_change_at ON incident_change (at);
        CREATE TABLE incident_change_pruned (
            id BIGINT PRIMARY KEY CHECK (id = 1), pruned_through BIGINT NOT NULL);
        INSERT INTO incident_change_pruned (id, pruned_through) VALUES (1, 0);
        CREATE FUNCTION beredskab_incident_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock(\(intakeLock));
                INSERT INTO incident_change (incident_id) VALUES (NEW.id);
                RETURN NEW;
            END $$;
        CREATE TRIGGER incident_changed BEFORE INSERT OR UPDATE ON incident
            FOR EACH ROW EXECUTE FUNCTION beredskab_incident_changed();
        """

    /// The tables of ``SQLiteStore`` after its migration v16, with PostgreSQL's types: `BIGINT` for
    /// seconds and ids, `BOOLEAN`, `BYTEA`, and triggers that keep the audit log append-only.
    static let schemaV1 = """
        CREATE TABLE secret (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
        CREATE TABLE token (
            hash TEXT PRIMARY KEY, organisation TEXT NOT NULL, created_at BIGINT NOT NULL,
            revoked_at BIGINT, id TEXT UNIQUE, role TEXT NOT NULL DEFAULT 'reporter', person TEXT,
            label TEXT NOT NULL DEFAULT '');
        CREATE TABLE incident (
            id TEXT PRIMARY KEY, organisation TEXT NOT NULL, received_at BIGINT NOT NULL,
            occurred_at BIGINT NOT NULL, category TEXT NOT NULL, severity TEXT NOT NULL, area TEXT,
            report_json TEXT NOT NULL, plan_json TEXT NOT NULL, merged_into TEXT,
            fired TEXT NOT NULL, closed_at BIGINT, flags TEXT NOT NULL DEFAULT '[]',
            cap_status TEXT NOT NULL DEFAULT 'actual', exercise BOOLEAN NOT NULL DEFAULT FALSE,
            only_roles TEXT, only_orgs TEXT);
        CREATE INDEX incident_occurred ON incident (occurred_at);
        CREATE INDEX incident_open ON incident (closed_at, received_at);
        CREATE INDEX incident_merged ON incident (merged_into);
        CREATE TABLE notification (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incident (id),
            person TEXT NOT NULL, name TEXT NOT NULL, roles TEXT NOT NULL, tier TEXT NOT NULL,
            channels TEXT NOT NULL, send_at BIGINT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,
            message TEXT NOT NULL, guidelines TEXT NOT NULL, kind TEXT NOT NULL,
            ack_hash TEXT, ack_expires_at BIGINT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending', acknowledged_at BIGINT,
            channel_index BIGINT NOT NULL DEFAULT 0, attempts BIGINT NOT NULL DEFAULT 0,
            first_attempt_at BIGINT, next_attempt_at BIGINT, details TEXT, ack_kind TEXT,
            refused_channels TEXT NOT NULL DEFAULT '[]', exercise BOOLEAN NOT NULL DEFAULT FALSE,
            claimed_by TEXT, claimed_until BIGINT);
        CREATE INDEX notification_incident ON notification (incident_id, person);
        CREATE INDEX notification_pending ON notification ((COALESCE(next_attempt_at, send_at)), id)
            WHERE status = 'pending' AND acknowledged_at IS NULL;
        CREATE UNIQUE INDEX notification_legacy_ack ON notification (ack_hash) WHERE ack_hash IS NOT NULL;
        CREATE TABLE delivery_attempt (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            notification_id BIGINT NOT NULL REFERENCES notification (id),
            attempted_at BIGINT NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL,
            outcome TEXT NOT NULL, detail TEXT NOT NULL);
        CREATE INDEX delivery_attempt_notification ON delivery_attempt (notification_id, id);
        CREATE TABLE task (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incident (id),
            guideline TEXT NOT NULL, text TEXT NOT NULL, role TEXT NOT NULL, due_at BIGINT NOT NULL,
            assignees TEXT NOT NULL, escalate_to TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open',
            done_at BIGINT, escalated_at BIGINT);
        CREATE INDEX task_incident ON task (incident_id, due_at);
        CREATE INDEX task_overdue ON task (due_at) WHERE status = 'open' AND escalated_at IS NULL;
        CREATE TABLE escalation (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incident (id),
            guideline TEXT NOT NULL, due_at BIGINT NOT NULL, roles TEXT NOT NULL,
            round BIGINT NOT NULL, tier TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending');
        CREATE INDEX escalation_due ON escalation (status, due_at);
        CREATE INDEX escalation_incident ON escalation (incident_id, status);
        CREATE TABLE audit (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL,
            action TEXT NOT NULL, incident_id TEXT, detail TEXT NOT NULL, seq BIGINT UNIQUE, hash TEXT);
        CREATE INDEX audit_incident ON audit (incident_id) WHERE incident_id IS NOT NULL;
        CREATE TABLE audit_head (
            id BIGINT PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL);
        INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));
        CREATE FUNCTION beredskab_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
        CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
            FOR EACH ROW EXECUTE FUNCTION beredskab_audit_append_only();
        CREATE FUNCTION beredskab_audit_chained() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.seq IS NULL OR NEW.hash IS NULL THEN
                    RAISE EXCEPTION 'audit entries are written through the hash chain';
                END IF;
                RETURN NEW;
            END $$;
        CREATE TRIGGER audit_chained BEFORE INSERT ON audit
            FOR EACH ROW EXECUTE FUNCTION beredskab_audit_chained();
        CREATE TABLE closure (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, institution TEXT NOT NULL,
            from_at BIGINT NOT NULL, to_at BIGINT,
            partial BOOLEAN NOT NULL, reason TEXT NOT NULL, reason_text TEXT NOT NULL,
            decided_by TEXT NOT NULL, incidents TEXT NOT NULL, vital BOOLEAN NOT NULL,
            mitigations TEXT NOT NULL, near_miss BOOLEAN NOT NULL, recorded_at BIGINT NOT NULL,
            expected_reopen_at BIGINT);
        CREATE INDEX closure_institution ON closure (institution, to_at);
        CREATE TABLE watch (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incident (id),
            guideline TEXT NOT NULL, institution TEXT NOT NULL, confirm_by BIGINT NOT NULL,
            until_at BIGINT NOT NULL, escalate_to TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'requested', answered_at BIGINT, escalated_at BIGINT,
            closure_id BIGINT);
        CREATE INDEX watch_due ON watch (status, confirm_by);
        CREATE INDEX watch_incident ON watch (incident_id, institution);
        CREATE TABLE signin (
            hash TEXT PRIMARY KEY, person TEXT NOT NULL, created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL, used_at BIGINT);
        CREATE TABLE session (
            hash TEXT PRIMARY KEY, person TEXT NOT NULL, csrf TEXT NOT NULL, created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL, ended_at BIGINT);
        CREATE TABLE incident_update (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incident (id),
            at BIGINT NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, severity TEXT);
        CREATE INDEX incident_update_incident ON incident_update (incident_id, at);
        CREATE TABLE silence (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, guideline TEXT, category TEXT, area TEXT,
            starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL, reason TEXT NOT NULL,
            created_by TEXT NOT NULL, created_at BIGINT NOT NULL,
            confirm_critical BOOLEAN NOT NULL DEFAULT FALSE, expired_at BIGINT, expired_by TEXT,
            CHECK ((guideline IS NULL) <> (category IS NULL)), CHECK (ends_at > starts_at));
        CREATE INDEX silence_ends ON silence (ends_at);
        CREATE TABLE rules_version (
            instance TEXT PRIMARY KEY, digest TEXT NOT NULL, loaded_at BIGINT NOT NULL, seen_at BIGINT NOT NULL);
        """
}

extension PostgresStore {
    /// The token for the link in a notification's message, as ``SQLiteStore/ackToken(notification:key:)``
    /// makes it (`<id>.<HMAC-SHA256 of its idempotency key>`, base64url), with this store's secret.
    public func ackToken(notification id: Int64, key: String) -> String {
        "\(id).\(ackMAC(key: key))"
    }

    func ackMAC(key: String) -> String {
        SQLiteStore.base64url(HMAC<SHA256>.authenticationCode(for: Data(("ack:" + key).utf8), using: secret))
    }
}
