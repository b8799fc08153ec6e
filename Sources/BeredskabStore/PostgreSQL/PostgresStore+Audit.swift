import BeredskabTime
import Foundation
import PostgresNIO

/// The audit log as the same hash chain as ``SQLiteStore``'s (docs/operations.md, "Backup,
/// restore and the audit log"), written by several instances at once.
extension PostgresStore {
    /// Appends an entry to the audit log, chained to the last one. The row of `audit_head` is
    /// locked (`FOR UPDATE`) until the caller's transaction ends, so appends from every instance
    /// take their turn and the chain never forks (`audit.seq` is unique besides). The row is there
    /// from the first migration on (entry 0, the genesis hash), so even the first append locks it.
    func audit(
        _ db: PGConnection, _ at: Instant, _ actor: String, _ action: String, _ incident: String?, _ detail: String
    ) throws {
        let last = try db.one("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
        guard let last else { throw StoreFileError("the audit log's head (audit_head) is missing") }
        let seq = (last["seq"] as Int) + 1
        let hash = SQLiteStore.auditHash(
            previous: last["hash"], seq: seq, at: at.seconds,
            actor: actor, action: action, incident: incident, detail: detail)
        try db.execute(
            """
            INSERT INTO audit (at, actor, action, incident_id, detail, seq, hash)
            VALUES (\(at.seconds), \(actor), \(action), \(incident), \(detail), \(seq), \(hash))
            """)
        try db.execute("UPDATE audit_head SET seq = \(seq), hash = \(hash) WHERE id = 1")
    }

    /// Walks the audit chain from the first entry, as ``SQLiteStore/verifyAudit(notedHead:)`` does.
    public func verifyAudit(notedHead: String? = nil) throws -> AuditChainReport {
        try pool.write { db in
            // One snapshot for the head and the entries.
            try db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            // Entry 0 is the head before the first entry.
            let recorded = try db.one("SELECT seq, hash FROM audit_head WHERE id = 1 AND seq > 0")
            var walk = AuditChainWalk(recordedSeq: recorded?["seq"])
            for row in try db.query(
                "SELECT id, seq, at, actor, action, incident_id, detail, hash FROM audit ORDER BY id")
            {
                walk.add(
                    AuditChainWalk.Entry(
                        id: row["id"], seq: row["seq"], at: row["at"], actor: row["actor"], action: row["action"],
                        incident: row["incident_id"], detail: row["detail"], hash: row["hash"]))
            }
            return walk.finish(recorded: recorded.map { ($0["seq"], $0["hash"]) }, notedHead: notedHead)
        }
    }
}
