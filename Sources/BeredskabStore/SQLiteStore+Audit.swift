import BeredskabTime
import Crypto
import Foundation
import GRDB

/// What `verifyAudit` found: how many entries the chain has, its head, and the first entry that
/// breaks it, if any.
public struct AuditChainReport: Sendable, Equatable {
    /// The number of entries in the audit table.
    public var entries: Int
    /// The sequence number and hash (SHA-256, 64 hex digits) of the last entry; nil for an empty log.
    public var head: (seq: Int, hash: String)?
    /// The first problem found walking the chain from the start; nil when the log is intact.
    public var problem: AuditChainProblem?

    public static func == (a: Self, b: Self) -> Bool {
        a.entries == b.entries && a.head?.seq == b.head?.seq && a.head?.hash == b.head?.hash && a.problem == b.problem
    }
}

/// The first break in the audit chain, named by the entry's sequence number (1 for the first entry).
public enum AuditChainProblem: Sendable, Equatable, CustomStringConvertible {
    /// Entry `seq` no longer matches its hash: one of its fields (or its hash) was changed.
    case altered(seq: Int)
    /// Entries `seq` up to `through` are missing: the chain jumps over them.
    case removed(seq: Int, through: Int)
    /// The row with this id was not written by the audit function: it has no hash or repeats a sequence number.
    case inserted(rowID: Int)
    /// The head recorded beside the log (table `audit_head`) names a later entry than the last one
    /// there is: entries from `seq` on were removed from the end.
    case removedAtEnd(seq: Int, through: Int)
    /// The recorded head does not match the last entry (it was changed, or the log was rewritten).
    case headMismatch(recorded: String)
    /// A head hash noted elsewhere (`audit verify --head`) is not in the chain.
    case notedHeadMissing(String)

    public var description: String {
        switch self {
        case .altered(let seq): "entry \(seq) was altered: its fields no longer match its hash"
        case .removed(let seq, let through):
            seq == through
                ? "entry \(seq) was removed: the chain goes from entry \(seq - 1) to entry \(through + 1)"
                : "entries \(seq) to \(through) were removed: the chain goes from entry \(seq - 1) to entry \(through + 1)"
        case .inserted(let id):
            "the row with id \(id) was inserted behind the log's back: it has no place in the chain"
        case .removedAtEnd(let seq, let through):
            seq == through
                ? "entry \(seq), the last, was removed: the head recorded in audit_head is entry \(through)"
                : "entries \(seq) to \(through), the last ones, were removed: the head recorded in audit_head is entry \(through)"
        case .headMismatch(let recorded):
            "the head recorded in audit_head (\(recorded)) does not match the last entry"
        case .notedHeadMissing(let hash):
            "the noted head \(hash) is not in the chain: entries up to it were altered or removed"
        }
    }
}

/// The audit log as a hash chain (docs/operations.md, "Backup, restore and the audit log"): entry n's hash
/// is SHA-256 over entry n-1's hash, n, and the entry's fields, so changing or removing an entry
/// breaks every hash after it.
extension SQLiteStore {
    /// The hash before the first entry.
    static let auditGenesis = String(repeating: "0", count: 64)

    static func registerAuditChainMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9: audit hash chain") { db in
            try db.execute(
                sql: """
                    ALTER TABLE audit ADD COLUMN seq INTEGER;
                    ALTER TABLE audit ADD COLUMN hash TEXT;
                    CREATE TABLE audit_head (
                        id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
                    DROP TRIGGER audit_append_only_update;
                    """)
            // The entries so far are chained in the order they were written.
            var previous = auditGenesis
            var seq = 0
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, at, actor, action, incident_id, detail FROM audit ORDER BY id"))
            for row in rows {
                seq += 1
                previous = auditHash(
                    previous: previous, seq: seq, at: row["at"], actor: row["actor"], action: row["action"],
                    incident: row["incident_id"], detail: row["detail"])
                try db.run(
                    sql: "UPDATE audit SET seq = ?, hash = ? WHERE id = ?", arguments: [seq, previous, row["id"]])
            }
            if seq > 0 {
                try db.run(
                    sql: "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)", arguments: [seq, previous])
            }
            try db.execute(
                sql: """
                    CREATE UNIQUE INDEX audit_seq ON audit (seq);
                    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_chained BEFORE INSERT ON audit WHEN NEW.seq IS NULL OR NEW.hash IS NULL
                        BEGIN SELECT RAISE(ABORT, 'audit entries are written through the hash chain'); END;
                    """)
        }
    }

    /// An entry's hash: SHA-256 (64 lowercase hex digits) over a versioned text of the previous
    /// entry's hash, the sequence number, the time in Unix seconds, and each field with its length in
    /// UTF-8 bytes before it (a missing incident is `-`), so no two entries share a text.
    static func auditHash(
        previous: String, seq: Int, at: Int, actor: String, action: String, incident: String?, detail: String
    ) -> String {
        func field(_ text: String) -> String { "\(text.utf8.count):\(text)\n" }
        let text =
            "beredskab-audit-1\n\(previous)\n\(seq)\n\(at)\n" + field(actor) + field(action)
            + (incident.map(field) ?? "-\n") + field(detail)
        return hash(text)
    }

    /// Appends an entry to the audit log. Every entry is written here: it takes the last entry's
    /// sequence number and hash inside the caller's write transaction, which GRDB begins IMMEDIATE:
    /// SQLite's write lock is held from the start, so no other connection or process (a CLI command
    /// beside the server) can append in between and fork the chain (`audit_seq` is unique besides).
    /// It then chains the new entry to it and records the new head in `audit_head`.
    func audit(
        _ db: Database, _ at: Instant, _ actor: String, _ action: String, _ incident: String?, _ detail: String
    ) throws {
        // What is hashed is what is stored: SQLite would cut a text at a U+0000 that the hash saw
        // whole, and the chain would then call the entry altered.
        let (actor, action, incident, detail) = (
            Self.whole(actor), Self.whole(action), Self.whole(incident), Self.whole(detail)
        )
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit ORDER BY id DESC LIMIT 1"))
        let seq = (last?["seq"] as Int? ?? 0) + 1
        let hash = Self.auditHash(
            previous: last?["hash"] ?? Self.auditGenesis, seq: seq, at: at.seconds, actor: actor, action: action,
            incident: incident, detail: detail)
        try db.run(
            sql: "INSERT INTO audit (at, actor, action, incident_id, detail, seq, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [at.seconds, actor, action, incident, detail, seq, hash])
        try db.run(
            sql: """
                INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
                """,
            arguments: [seq, hash])
    }

    /// Walks the audit chain from the first entry and reports the first entry altered, removed or
    /// inserted, checking the last against the head recorded in `audit_head`. A `notedHead` (a hash
    /// printed by an earlier `audit verify` or `backup` and kept elsewhere) must be in the chain: that
    /// is the only way to notice entries removed from the end by someone who also rewrote `audit_head`.
    public func verifyAudit(notedHead: String? = nil) throws -> AuditChainReport {
        try pool.read { db in try Self.verifyAudit(db, notedHead: notedHead) }
    }

    static func verifyAudit(_ db: Database, notedHead: String? = nil) throws -> AuditChainReport {
        let recorded = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM audit_head WHERE id = 1"))
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT id, seq, at, actor, action, incident_id, detail, hash FROM audit ORDER BY id"))
        var walk = AuditChainWalk(recordedSeq: recorded?["seq"])
        while let row = try rows.next() {
            walk.add(
                AuditChainWalk.Entry(
                    id: row["id"], seq: row["seq"], at: row["at"], actor: row["actor"], action: row["action"],
                    incident: row["incident_id"], detail: row["detail"], hash: row["hash"]))
        }
        return walk.finish(recorded: recorded.map { ($0["seq"], $0["hash"]) }, notedHead: notedHead)
    }
}

/// The walk along the audit chain that `verifyAudit` makes, entry by entry in the order they were
/// written (by id), the same for every store.
struct AuditChainWalk {
    /// One row of `audit`.
    struct Entry {
        var id: Int
        var seq: Int?
        var at: Int
        var actor: String
        var action: String
        var incident: String?
        var detail: String
        var hash: String?
    }

    var report = AuditChainReport(entries: 0, head: nil, problem: nil)
    var previous = SQLiteStore.auditGenesis
    var seen: Set<String> = []
    /// The sequence number recorded in `audit_head`, if any.
    let recordedSeq: Int?

    init(recordedSeq: Int?) { self.recordedSeq = recordedSeq }

    mutating func add(_ row: Entry) {
        report.entries += 1
        let expected = (report.head?.seq ?? 0) + 1
        guard report.problem == nil else { return }
        guard let seq = row.seq, let stored = row.hash, seq >= expected else {
            report.problem = .inserted(rowID: row.id)
            return
        }
        if seq > expected {
            report.problem = .removed(seq: expected, through: seq - 1)
            return
        }
        let hash = SQLiteStore.auditHash(
            previous: previous, seq: seq, at: row.at, actor: row.actor, action: row.action,
            incident: row.incident, detail: row.detail)
        if hash != stored {
            // Past the recorded head, a row that does not chain was added, not changed.
            let added = recordedSeq.map { seq > $0 } ?? false
            report.problem = added ? .inserted(rowID: row.id) : .altered(seq: seq)
            return
        }
        previous = hash
        seen.insert(hash)
        report.head = (seq, hash)
    }

    /// The report, once every entry was added: the last entry checked against the recorded head
    /// (`audit_head`), and `notedHead` looked for in the chain.
    func finish(recorded: (seq: Int, hash: String)?, notedHead: String?) -> AuditChainReport {
        var report = report
        guard report.problem == nil else { return report }
        if let (seq, hash) = recorded {
            if seq > report.head?.seq ?? 0 {
                report.problem = .removedAtEnd(seq: (report.head?.seq ?? 0) + 1, through: seq)
            } else if seq != report.head?.seq || hash != report.head?.hash {
                report.problem = .headMismatch(recorded: "entry \(seq), \(hash)")
            }
        } else if let head = report.head {
            report.problem = .headMismatch(recorded: "none, the last entry is \(head.seq)")
        }
        if report.problem == nil, let notedHead, !seen.contains(notedHead.lowercased()) {
            report.problem = .notedHeadMissing(notedHead)
        }
        return report
    }
}
