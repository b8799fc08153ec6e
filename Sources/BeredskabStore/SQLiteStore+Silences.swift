import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Foundation
import GRDB

/// A guideline a report of an incident matched while a silence covered it, for the incident API and
/// for showing an incident as silenced on the board.
public struct SilencedEntry: Sendable, Equatable {
    /// The report (the incident itself, or one merged into it).
    public var report: String
    public var guideline: String
    /// The silence's id and reason.
    public var silence: Int64
    public var reason: String
    /// Whether the guideline has fired for the incident since (a later report after the silence
    /// ended): then it is silenced no more.
    public var firedSince: Bool
}

/// What expiring a silence did.
public enum SilenceExpiry: Sendable, Equatable {
    /// It ends now (`silence-expired` in the audit log).
    case expired(Silence)
    /// It had already ended or been expired: nothing changed.
    case alreadyExpired(Silence)
    /// No silence has this id.
    case unknown
}

/// Coordinators' silences (issue 13): stored in table `silence`, every creation and expiry in the
/// hash-chained audit log (`silence-created`, `silence-expired`), read inside the intake transaction
/// with one cached, indexed statement and handed to the engine with the history.
extension SQLiteStore {
    static func registerSilenceMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v14: coordinators' silences of guidelines and of categories in areas") { db in
            try db.execute(
                sql: """
                    CREATE TABLE silence (
                        id INTEGER PRIMARY KEY, guideline TEXT, category TEXT, area TEXT,
                        starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, reason TEXT NOT NULL,
                        created_by TEXT NOT NULL, created_at INTEGER NOT NULL,
                        confirm_critical BOOLEAN NOT NULL DEFAULT 0, expired_at INTEGER, expired_by TEXT,
                        CHECK ((guideline IS NULL) <> (category IS NULL)), CHECK (ends_at > starts_at));
                    CREATE INDEX silence_ends ON silence (ends_at);
                    """)
        }
    }

    static let silenceColumns =
        "id, guideline, category, area, starts_at, ends_at, reason, created_by, created_at, confirm_critical, expired_at, expired_by"

    static func silence(_ row: Row) -> Silence {
        Silence(
            id: row["id"], guideline: row["guideline"],
            category: (row["category"] as String?).flatMap(Category.init(rawValue:)), area: row["area"],
            startsAt: Instant(seconds: row["starts_at"]), endsAt: Instant(seconds: row["ends_at"]),
            reason: row["reason"], createdBy: row["created_by"], createdAt: Instant(seconds: row["created_at"]),
            confirmCritical: row["confirm_critical"],
            expiredAt: (row["expired_at"] as Int?).map { Instant(seconds: $0) }, expiredBy: row["expired_by"])
    }

    /// The silences not over by `at` (active or pending): what evaluation at `at` or later may need.
    /// One cached statement searching the `ends_at` index, cheap enough for every report however many
    /// expired silences the table holds (no `ORDER BY id`: that made SQLite scan the whole table).
    func liveSilences(_ db: Database, at: Instant) throws -> [Silence] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.silenceColumns) FROM silence
                    WHERE ends_at > ? AND (expired_at IS NULL OR expired_at > ?)
                    """),
            arguments: [at.seconds, at.seconds]
        ).map(Self.silence).sorted { $0.id < $1.id }
    }

    /// Stores a silence already checked (``Engine/check(_:now:)``) and writes `silence-created` to the
    /// audit log, naming the `critical` guidelines it covers; returns it with its id.
    public func createSilence(_ silence: Silence, critical: [String] = []) throws -> Silence {
        try pool.write { db in
            try db.run(
                sql: """
                    INSERT INTO silence (guideline, category, area, starts_at, ends_at, reason, created_by,
                        created_at, confirm_critical)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    silence.guideline, silence.category?.rawValue, silence.area, silence.startsAt.seconds,
                    silence.endsAt.seconds, Self.whole(silence.reason), silence.createdBy, silence.createdAt.seconds,
                    silence.confirmCritical,
                ])
            var stored = silence
            stored.id = db.lastInsertedRowID
            let what = silence.guideline.map { "guideline \($0)" } ?? "category \(silence.category?.rawValue ?? "")"
            var detail =
                "silence \(stored.id): \(what) in \(silence.area ?? "every area") from \(Copenhagen.format(silence.startsAt)) "
                + "to \(Copenhagen.format(silence.endsAt)): \(silence.reason)"
            if !critical.isEmpty { detail += "; covers critical guidelines \(critical), confirmed" }
            try audit(db, silence.createdAt, silence.createdBy, "silence-created", nil, detail)
            return stored
        }
    }

    /// Expires a silence at `at` (Alertmanager's expire): from then on it covers nothing. Editing a
    /// silence is expiring it and creating another.
    public func expireSilence(id: Int64, actor: String, at: Instant) throws -> SilenceExpiry {
        try pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT \(Self.silenceColumns) FROM silence WHERE id = ?"), arguments: [id])
            else { return .unknown }
            var silence = Self.silence(row)
            guard silence.state(at: at) != .expired else { return .alreadyExpired(silence) }
            try db.run(
                sql: "UPDATE silence SET expired_at = ?, expired_by = ? WHERE id = ?",
                arguments: [at.seconds, actor, id])
            silence.expiredAt = at
            silence.expiredBy = actor
            try audit(db, at, actor, "silence-expired", nil, "silence \(id) expired early: \(silence.reason)")
            return .expired(silence)
        }
    }

    /// Silences in the given states at `at`, newest first; `.expired` ones only from the last 30 days.
    public func silences(states: Set<Silence.State>, at: Instant) throws -> [Silence] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(Self.silenceColumns) FROM silence WHERE ends_at > ? ORDER BY id DESC"),
                arguments: [states.contains(.expired) ? at.seconds - 30 * 86_400 : at.seconds]
            ).map(Self.silence).filter { states.contains($0.state(at: at)) }
        }
    }

    /// The silences active at `at`: what the board and every page show while they last (a silence
    /// with ``Silence/confirmCritical`` covers critical guidelines and must be shown on every page).
    public func activeSilences(at: Instant) throws -> [Silence] {
        try silences(states: [.active], at: at)
    }

    /// The guidelines the reports of an incident (itself and those merged into it) left silenced,
    /// oldest first, each saying whether it has fired for the incident since.
    public func silenced(incident: String) throws -> [SilencedEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT i.id AS report, json_extract(s.value, '$.guideline') AS guideline,
                            json_extract(s.value, '$.silence') AS silence, json_extract(s.value, '$.reason') AS reason,
                            EXISTS (SELECT 1 FROM incident t, json_each(t.fired) f
                                WHERE t.id = ? AND f.value = json_extract(s.value, '$.guideline')) AS fired_since
                        FROM incident i, json_each(i.plan_json, '$.silenced') s
                        WHERE i.id = ? OR i.merged_into = ? ORDER BY i.received_at, i.rowid, s.key
                        """),
                arguments: [incident, incident, incident]
            ).map {
                SilencedEntry(
                    report: $0["report"], guideline: $0["guideline"], silence: $0["silence"], reason: $0["reason"],
                    firedSince: $0["fired_since"])
            }
        }
    }

    /// For the board: those of `incidents` that are open (not merged away) with a guideline that a
    /// silence kept quiet and that has not fired for them since, each with those entries (oldest
    /// first). One query, from the ids (`CROSS JOIN` keeps SQLite from starting at every open
    /// incident instead): reading every open incident's plan made each board load slower as
    /// incidents accumulated (issue 16).
    public func silencedOpenIncidents(among incidents: [String]) throws -> [String: [SilencedEntry]] {
        try pool.read { db in
            var result: [String: [SilencedEntry]] = [:]
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT o.id AS incident, i.id AS report, json_extract(s.value, '$.guideline') AS guideline,
                            json_extract(s.value, '$.silence') AS silence, json_extract(s.value, '$.reason') AS reason
                        FROM json_each(?) wanted CROSS JOIN incident o ON o.id = wanted.value
                            JOIN incident i ON i.id = o.id OR i.merged_into = o.id,
                            json_each(i.plan_json, '$.silenced') s
                        WHERE o.closed_at IS NULL AND o.merged_into IS NULL
                            AND NOT EXISTS (SELECT 1 FROM json_each(o.fired) f
                                WHERE f.value = json_extract(s.value, '$.guideline'))
                        ORDER BY o.id, i.received_at, i.rowid, s.key
                        """),
                arguments: [JSONValue.array(incidents.map(JSONValue.string)).text])
            while let row = try rows.next() {
                result[row["incident"], default: []].append(
                    SilencedEntry(
                        report: row["report"], guideline: row["guideline"], silence: row["silence"],
                        reason: row["reason"], firedSince: false))
            }
            return result
        }
    }

    /// The audit entries of silences (`silence-created`, `silence-expired`), oldest first.
    public func silenceAudit() throws -> [AuditEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT at, actor, action, detail FROM audit
                        WHERE incident_id IS NULL AND action IN ('silence-created', 'silence-expired') ORDER BY id
                        """)
            ).map {
                AuditEntry(
                    at: Instant(seconds: $0["at"]), actor: $0["actor"], action: $0["action"], detail: $0["detail"])
            }
        }
    }
}
