import BeredskabTime
import Foundation
import PostgresNIO

/// The audit log as the same hash chain as ``SQLiteStore``'s (docs/operations.md, "Backup,
/// restore and the audit log"), written by several instances at once.
extension PostgresStore {
    /// Appends an entry to the audit log, chained to the last one. The first append of a
    /// transaction locks the row of `audit_head` (`FOR UPDATE`) until the transaction ends, so
    /// appends from every instance take their turn and the chain never forks (`audit.seq` is unique
    /// besides). The row is there from the first migration on (entry 0, the genesis hash), so even
    /// the first append locks it. The entries are written together just before the transaction
    /// commits (``PGConnection/flushAudit()``): one statement for all, not three for each.
    /// Texts are kept whole (``SQLiteStore/whole(_:)``): what is hashed is what is stored.
    func audit(
        _ db: PGConnection, _ at: Instant, _ actor: String, _ action: String, _ incident: String?, _ detail: String
    ) throws {
        let head = try db.state.auditHead ?? Self.lockAuditHead(db)
        let entry = AuditChainWalk.Entry(
            id: 0, seq: head.seq + 1, at: at.seconds, actor: SQLiteStore.whole(actor),
            action: SQLiteStore.whole(action), incident: SQLiteStore.whole(incident),
            detail: SQLiteStore.whole(detail), hash: nil)
        let hash = SQLiteStore.auditHash(
            previous: head.hash, seq: head.seq + 1, at: entry.at, actor: entry.actor, action: entry.action,
            incident: entry.incident, detail: entry.detail)
        db.state.pendingAudit.append(
            AuditChainWalk.Entry(
                id: 0, seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action, incident: entry.incident,
                detail: entry.detail, hash: hash))
        db.state.auditHead = (head.seq + 1, hash)
    }

    /// Locks the row of `audit_head` until the transaction ends and keeps the head in the
    /// transaction's state (``PostgresPool/beginning`` calls it first in every write).
    static func lockAuditHead(_ db: PGConnection) throws -> (seq: Int, hash: String) {
        guard let row = try db.one("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE") else {
            throw StoreFileError("the audit log's head (audit_head) is missing")
        }
        let head = (seq: row["seq"] as Int, hash: row["hash"] as String)
        db.state.auditHead = head
        return head
    }

    /// Walks the audit chain from the first entry, as ``SQLiteStore/verifyAudit(notedHead:)`` does.
    public func verifyAudit(notedHead: String? = nil) throws -> AuditChainReport {
        try pool.snapshot { db in
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

extension PGConnection {
    /// Writes the audit entries this transaction appended, in order, and the chain's new head.
    func flushAudit() throws {
        guard let head = state.auditHead, !state.pendingAudit.isEmpty else { return }
        var start = 0
        while start < state.pendingAudit.count {
            let chunk = state.pendingAudit[start..<min(start + 1_000, state.pendingAudit.count)]
            var bindings = PostgresBindings(capacity: chunk.count * 7)
            var tuples: [String] = []
            for entry in chunk {
                let first = bindings.count + 1
                bindings.append(entry.at)
                bindings.append(entry.actor)
                bindings.append(entry.action)
                bindings.append(entry.incident)
                bindings.append(entry.detail)
                bindings.append(entry.seq)
                bindings.append(entry.hash)
                tuples.append("(" + (first..<first + 7).map { "$\($0)" }.joined(separator: ", ") + ")")
            }
            try execute(
                PostgresQuery(
                    unsafeSQL: "INSERT INTO audit (at, actor, action, incident_id, detail, seq, hash) VALUES "
                        + tuples.joined(separator: ", "),
                    binds: bindings))
            start += chunk.count
        }
        try execute("UPDATE audit_head SET seq = \(head.seq), hash = \(head.hash) WHERE id = 1")
        state.pendingAudit = []
    }
}
