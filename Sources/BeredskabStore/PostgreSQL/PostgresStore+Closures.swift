import BeredskabEngine
import BeredskabReview
import BeredskabRules
import BeredskabTime
import Foundation
import PostgresNIO

/// Closures, near misses and the incidents of the review, as ``SQLiteStore`` keeps them
/// (SQLiteStore+Closures.swift).
extension PostgresStore {
    /// A closure row as a record.
    static func closure(_ row: PGRow) -> ClosureRecord {
        ClosureRecord(
            id: row["id"], institution: row["institution"], from: Instant(seconds: row["from_at"]),
            to: (row["to_at"] as Int?).map(Instant.init(seconds:)), partial: row["partial"],
            reason: ClosureReason(rawValue: row["reason"]) ?? .other, reasonText: row["reason_text"],
            decidedBy: row["decided_by"], incidents: SQLiteStore.strings(row["incidents"]), vital: row["vital"],
            mitigations: SQLiteStore.strings(row["mitigations"]).compactMap(Mitigation.init(rawValue:)),
            nearMiss: row["near_miss"])
    }

    /// The columns ``closure(_:)`` reads.
    static let closureColumns = """
        id, institution, from_at, to_at, partial, reason, reason_text, decided_by, incidents, vital, mitigations, \
        near_miss
        """

    /// Records a closure or near miss; returns its id.
    public func recordClosure(_ r: ClosureRecord, actor: String, at: Instant) throws -> Int64 {
        try pool.write { db in
            guard
                let id = try db.scalar(
                    """
                    INSERT INTO closure (institution, from_at, to_at, partial, reason, reason_text, decided_by,
                        incidents, vital, mitigations, near_miss, recorded_at)
                    VALUES (\(r.institution), \(r.from.seconds), \(r.to?.seconds), \(r.partial), \(r.reason.rawValue),
                        \(SQLiteStore.whole(r.reasonText)), \(SQLiteStore.whole(r.decidedBy)),
                        \(SQLiteStore.json(r.incidents)), \(r.vital), \(SQLiteStore.json(r.mitigations.map(\.rawValue))),
                        \(r.nearMiss), \(at.seconds))
                    RETURNING id
                    """, as: Int64.self)
            else { throw StoreFileError("the new closure's id was not returned") }
            for incident in r.incidents.isEmpty ? [nil] : r.incidents.map(Optional.some) {
                try audit(
                    db, at, actor, r.nearMiss ? "near-miss-recorded" : "closure-recorded", incident,
                    "closure \(id): \(SQLiteStore.closureJSON(r))")
            }
            return id
        }
    }

    /// Ends the open closure of an institution; nil if it has none. The row is locked while it is
    /// ended, so two instances reopening at once end it once.
    public func reopen(
        institution: String, at time: Instant, actor: String, recordedAt: Instant
    ) throws -> ClosureRecord? {
        try pool.write { db in
            guard
                let row = try db.one(
                    """
                    SELECT \(unescaped: Self.closureColumns) FROM closure
                    WHERE institution = \(institution) AND to_at IS NULL AND near_miss = FALSE
                    ORDER BY from_at DESC LIMIT 1 FOR UPDATE
                    """)
            else { return nil }
            var record = Self.closure(row)
            record.to = time
            try db.execute("UPDATE closure SET to_at = \(time.seconds) WHERE id = \(record.id)")
            try audit(
                db, recordedAt, actor, "closure-reopened", record.incidents.first,
                "closure \(record.id) reopened \(Copenhagen.format(time))")
            return record
        }
    }

    /// Replaces a closure record with a corrected one; the audit log keeps both versions. The row
    /// is locked from reading the old version to writing the new, so concurrent corrections are
    /// each recorded against the version they replaced.
    public func correctClosure(_ corrected: ClosureRecord, actor: String, at: Instant) throws -> Bool {
        try pool.write { db in
            guard
                let row = try db.one(
                    "SELECT \(unescaped: Self.closureColumns) FROM closure WHERE id = \(corrected.id) FOR UPDATE")
            else {
                return false
            }
            let before = Self.closure(row)
            // PostgreSQL refuses U+0000 in text: kept whole as on recording (SQLite's `whole`).
            try db.execute(
                """
                UPDATE closure SET institution = \(corrected.institution), from_at = \(corrected.from.seconds),
                    to_at = \(corrected.to?.seconds), partial = \(corrected.partial),
                    reason = \(corrected.reason.rawValue), reason_text = \(SQLiteStore.whole(corrected.reasonText)),
                    decided_by = \(SQLiteStore.whole(corrected.decidedBy)),
                    incidents = \(SQLiteStore.json(corrected.incidents)), vital = \(corrected.vital),
                    mitigations = \(SQLiteStore.json(corrected.mitigations.map(\.rawValue))),
                    near_miss = \(corrected.nearMiss)
                WHERE id = \(corrected.id)
                """)
            try audit(
                db, at, actor, "closure-corrected", corrected.incidents.first,
                "closure \(corrected.id) was \(SQLiteStore.closureJSON(before)) and is now \(SQLiteStore.closureJSON(corrected))"
            )
            return true
        }
    }

    /// Every closure record, oldest first.
    public func closures() throws -> [ClosureRecord] {
        try pool.read { db in
            try db.query("SELECT \(unescaped: Self.closureColumns) FROM closure ORDER BY from_at, id").map(Self.closure)
        }
    }

    /// Incidents that occurred in a period, with whether a guideline watched institutions for them.
    public func reviewIncidents(in period: Range<Instant>) throws -> [ReviewIncident] {
        try pool.read { db in
            try db.query(
                """
                SELECT id, category, area, occurred_at, plan_json FROM incident
                WHERE merged_into IS NULL AND cap_status = 'actual' AND exercise = FALSE
                AND occurred_at >= \(period.lowerBound.seconds) AND occurred_at < \(period.upperBound.seconds)
                ORDER BY occurred_at
                """
            ).compactMap { row in
                guard let category = Category(rawValue: row["category"]) else { return nil }
                var watched = false
                if case .array(let watches)? = (try? JSONValue.parse(Array((row["plan_json"] as String).utf8)))?[
                    "watches"]
                {
                    watched = !watches.isEmpty
                }
                return ReviewIncident(
                    id: row["id"], category: category, area: row["area"],
                    occurredAt: Instant(seconds: row["occurred_at"]),
                    watched: watched)
            }
        }
    }
}
