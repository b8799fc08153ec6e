import BeredskabEngine
import BeredskabReview
import BeredskabRules
import BeredskabTime
import Foundation
import GRDB

extension SQLiteStore {
    static func closureJSON(_ r: ClosureRecord) -> String {
        JSONValue.object([
            ("institution", .string(r.institution)), ("from", .string(Copenhagen.format(r.from))),
            ("to", r.to.map { .string(Copenhagen.format($0)) } ?? .null), ("partial", .bool(r.partial)),
            ("reason", .string(r.reason.rawValue)), ("reason_text", .string(r.reasonText)),
            ("decided_by", .string(r.decidedBy)), ("incidents", .array(r.incidents.map(JSONValue.string))),
            ("vital", .bool(r.vital)), ("mitigations", .array(r.mitigations.map { .string($0.rawValue) })),
            ("near_miss", .bool(r.nearMiss)),
        ]).text
    }

    static func closure(_ row: Row) -> ClosureRecord {
        ClosureRecord(
            id: row["id"], institution: row["institution"], from: Instant(seconds: row["from_at"]),
            to: (row["to_at"] as Int?).map(Instant.init(seconds:)), partial: row["partial"],
            reason: ClosureReason(rawValue: row["reason"]) ?? .other, reasonText: row["reason_text"],
            decidedBy: row["decided_by"], incidents: strings(row["incidents"]), vital: row["vital"],
            mitigations: strings(row["mitigations"]).compactMap(Mitigation.init(rawValue:)), nearMiss: row["near_miss"])
    }

    /// Records a closure or near miss; returns its id.
    public func recordClosure(_ r: ClosureRecord, actor: String, at: Instant) throws -> Int64 {
        try pool.write { db in
            try db.run(
                sql: """
                    INSERT INTO closure (institution, from_at, to_at, partial, reason, reason_text, decided_by,
                        incidents, vital, mitigations, near_miss, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    r.institution, r.from.seconds, r.to?.seconds, r.partial, r.reason.rawValue,
                    Self.whole(r.reasonText),
                    Self.whole(r.decidedBy),
                    Self.json(r.incidents), r.vital, Self.json(r.mitigations.map(\.rawValue)), r.nearMiss, at.seconds,
                ])
            let id = db.lastInsertedRowID
            for incident in r.incidents.isEmpty ? [nil] : r.incidents.map(Optional.some) {
                try audit(
                    db, at, actor, r.nearMiss ? "near-miss-recorded" : "closure-recorded", incident,
                    "closure \(id): \(Self.closureJSON(r))")
            }
            return id
        }
    }

    /// Ends the open closure of an institution; nil if it has none.
    public func reopen(
        institution: String, at time: Instant, actor: String, recordedAt: Instant
    ) throws -> ClosureRecord? {
        try pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql:
                            "SELECT * FROM closure WHERE institution = ? AND to_at IS NULL AND near_miss = 0 ORDER BY from_at DESC"
                    ),
                    arguments: [institution])
            else { return nil }
            var record = Self.closure(row)
            record.to = time
            try db.run(sql: "UPDATE closure SET to_at = ? WHERE id = ?", arguments: [time.seconds, record.id])
            try audit(
                db, recordedAt, actor, "closure-reopened", record.incidents.first,
                "closure \(record.id) reopened \(Copenhagen.format(time))")
            return record
        }
    }

    /// Replaces a closure record with a corrected one; the audit log keeps both versions.
    public func correctClosure(_ corrected: ClosureRecord, actor: String, at: Instant) throws -> Bool {
        try pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM closure WHERE id = ?"), arguments: [corrected.id])
            else {
                return false
            }
            let before = Self.closure(row)
            try db.run(
                sql: """
                    UPDATE closure SET institution = ?, from_at = ?, to_at = ?, partial = ?, reason = ?, reason_text = ?,
                        decided_by = ?, incidents = ?, vital = ?, mitigations = ?, near_miss = ? WHERE id = ?
                    """,
                arguments: [
                    corrected.institution, corrected.from.seconds, corrected.to?.seconds, corrected.partial,
                    corrected.reason.rawValue, Self.whole(corrected.reasonText), Self.whole(corrected.decidedBy),
                    Self.json(corrected.incidents),
                    corrected.vital, Self.json(corrected.mitigations.map(\.rawValue)), corrected.nearMiss, corrected.id,
                ])
            try audit(
                db, at, actor, "closure-corrected", corrected.incidents.first,
                "closure \(corrected.id) was \(Self.closureJSON(before)) and is now \(Self.closureJSON(corrected))")
            return true
        }
    }

    /// Every closure record, oldest first.
    public func closures() throws -> [ClosureRecord] {
        try pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM closure ORDER BY from_at, id")).map(Self.closure)
        }
    }

    /// Incidents that occurred in a period, with whether a guideline watched institutions for them.
    public func reviewIncidents(in period: Range<Instant>) throws -> [ReviewIncident] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, category, area, occurred_at, plan_json FROM incident
                        WHERE merged_into IS NULL AND cap_status = 'actual' AND exercise = 0
                        AND occurred_at >= ? AND occurred_at < ?
                        ORDER BY occurred_at
                        """),
                arguments: [period.lowerBound.seconds, period.upperBound.seconds]
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
