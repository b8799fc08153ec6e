import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Foundation
import PostgresNIO

/// Coordinators' silences (issue 13), as ``SQLiteStore``'s `SQLiteStore+Silences.swift`: stored in
/// table `silence`, every creation and expiry in the hash-chained audit log (`silence-created`,
/// `silence-expired`). Every instance reads them from the database each time, so a silence created
/// or expired through one instance holds on all at once.
extension PostgresStore {
    /// Stores a silence already checked (``Engine/check(_:now:)``) and writes `silence-created` to the
    /// audit log, naming the `critical` guidelines it covers; returns it with its id.
    public func createSilence(_ silence: Silence, critical: [String] = []) throws -> Silence {
        try pool.write { db in
            guard
                let id = try db.scalar(
                    """
                    INSERT INTO silence (guideline, category, area, starts_at, ends_at, reason, created_by,
                        created_at, confirm_critical)
                    VALUES (\(silence.guideline), \(silence.category?.rawValue), \(silence.area),
                        \(silence.startsAt.seconds), \(silence.endsAt.seconds), \(SQLiteStore.whole(silence.reason)),
                        \(silence.createdBy), \(silence.createdAt.seconds), \(silence.confirmCritical))
                    RETURNING id
                    """, as: Int64.self)
            else { throw StoreFileError("a new silence got no id") }
            var stored = silence
            stored.id = id
            let what = silence.guideline.map { "guideline \($0)" } ?? "category \(silence.category?.rawValue ?? "")"
            var detail =
                "silence \(stored.id): \(what) in \(silence.area ?? "every area") from \(Copenhagen.format(silence.startsAt)) "
                + "to \(Copenhagen.format(silence.endsAt)): \(SQLiteStore.whole(silence.reason))"
            if !critical.isEmpty { detail += "; covers critical guidelines \(critical), confirmed" }
            try audit(db, silence.createdAt, silence.createdBy, "silence-created", nil, detail)
            return stored
        }
    }

    /// Expires a silence at `at` (Alertmanager's expire): from then on it covers nothing. Editing a
    /// silence is expiring it and creating another. Its row is locked while deciding, so of two
    /// instances expiring it at once one expires it and the other finds it already expired.
    public func expireSilence(id: Int64, actor: String, at: Instant) throws -> SilenceExpiry {
        try pool.write { db in
            guard
                let row = try db.one(
                    "SELECT \(unescaped: SQLiteStore.silenceColumns) FROM silence WHERE id = \(id) FOR UPDATE")
            else { return .unknown }
            var silence = Self.silence(row)
            guard silence.state(at: at) != .expired else { return .alreadyExpired(silence) }
            try db.execute("UPDATE silence SET expired_at = \(at.seconds), expired_by = \(actor) WHERE id = \(id)")
            silence.expiredAt = at
            silence.expiredBy = actor
            try audit(db, at, actor, "silence-expired", nil, "silence \(id) expired early: \(silence.reason)")
            return .expired(silence)
        }
    }

    /// Silences in the given states at `at`, newest first; `.expired` ones only from the last 30 days.
    public func silences(states: Set<Silence.State>, at: Instant) throws -> [Silence] {
        let from = states.contains(.expired) ? at.seconds - 30 * 86_400 : at.seconds
        return try pool.read { db in
            try db.query(
                "SELECT \(unescaped: SQLiteStore.silenceColumns) FROM silence WHERE ends_at > \(from) ORDER BY id DESC"
            ).map(Self.silence).filter { states.contains($0.state(at: at)) }
        }
    }

    /// The silences active at `at`: what the board and every page show while they last (a silence
    /// with ``Silence/confirmCritical`` covers critical guidelines and must be shown on every page).
    public func activeSilences(at: Instant) throws -> [Silence] {
        try silences(states: [.active], at: at)
    }

    /// The guidelines the reports of an incident (itself and those merged into it) left silenced,
    /// oldest first (reports received in the same second in the order of their ids), each saying
    /// whether it has fired for the incident since.
    public func silenced(incident: String) throws -> [SilencedEntry] {
        try pool.read { db in
            try db.query(
                """
                SELECT i.id AS report, s.value ->> 'guideline' AS guideline,
                    (s.value ->> 'silence')::bigint AS silence, s.value ->> 'reason' AS reason,
                    EXISTS (SELECT 1 FROM incident t, jsonb_array_elements_text(t.fired::jsonb) AS f(value)
                        WHERE t.id = \(incident) AND f.value = s.value ->> 'guideline') AS fired_since
                FROM incident i,
                    jsonb_array_elements(i.plan_json::jsonb -> 'silenced') WITH ORDINALITY AS s(value, key)
                WHERE i.id = \(incident) OR i.merged_into = \(incident)
                ORDER BY i.received_at, i.id COLLATE "C", s.key
                """
            ).map {
                SilencedEntry(
                    report: $0["report"], guideline: $0["guideline"], silence: $0["silence"], reason: $0["reason"],
                    firedSince: $0["fired_since"])
            }
        }
    }

    /// For the board: those of `incidents` that are open (not merged away) with a guideline that a
    /// silence kept quiet and that has not fired for them since, each with those entries (oldest
    /// first). One query, from the ids.
    public func silencedOpenIncidents(among incidents: [String]) throws -> [String: [SilencedEntry]] {
        try pool.read { db in
            var result: [String: [SilencedEntry]] = [:]
            let rows = try db.query(
                """
                SELECT o.id AS incident, i.id AS report, s.value ->> 'guideline' AS guideline,
                    (s.value ->> 'silence')::bigint AS silence, s.value ->> 'reason' AS reason
                FROM incident o JOIN incident i ON i.id = o.id OR i.merged_into = o.id,
                    jsonb_array_elements(i.plan_json::jsonb -> 'silenced') WITH ORDINALITY AS s(value, key)
                WHERE o.id = ANY(\(incidents)) AND o.closed_at IS NULL AND o.merged_into IS NULL
                    AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(o.fired::jsonb) AS f(value)
                        WHERE f.value = s.value ->> 'guideline')
                ORDER BY o.id, i.received_at, i.id COLLATE "C", s.key
                """)
            for row in rows {
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
            try db.query(
                """
                SELECT at, actor, action, detail FROM audit
                WHERE incident_id IS NULL AND action IN ('silence-created', 'silence-expired') ORDER BY id
                """
            ).map {
                AuditEntry(
                    at: Instant(seconds: $0["at"]), actor: $0["actor"], action: $0["action"], detail: $0["detail"])
            }
        }
    }
}
