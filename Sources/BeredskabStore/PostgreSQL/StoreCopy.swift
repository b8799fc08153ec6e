import Foundation
import GRDB
import PostgresNIO

/// What ``StoreCopy/copy(sqlite:to:)`` copied.
public struct StoreCopySummary: Sendable {
    /// Rows copied, by table, in the order copied.
    public var rows: [(table: String, count: Int)]
    /// The audit chain as verified on PostgreSQL after the copy.
    public var audit: AuditChainReport
}

/// Copies an embedded SQLite store into an empty PostgreSQL store (`beredskab migrate-store`,
/// issue 17): every table, with the same ids, so acknowledgement links already sent keep working
/// (the link secret is copied too) and the audit chain verifies afterwards.
public enum StoreCopy {
    /// The tables copied, parents before children (foreign keys). SQLite's own bookkeeping
    /// (`grdb_migrations`, `sqlite_sequence`, `token_generation`) is not copied.
    static let tables = [
        "secret", "token", "incident", "notification", "delivery_attempt", "task", "escalation", "audit",
        "audit_head", "closure", "watch", "signin", "session", "incident_update", "silence",
    ]

    /// Copies the store at `sqlite` (migrated forward first if it is older) into the PostgreSQL
    /// database at `location` (migrated as needed), in one transaction: all or nothing. Throws
    /// `StoreFileError` while a server or another command has the SQLite store open, when the
    /// target already holds incidents, tokens or audit entries, when a column of the source has no
    /// place in the target, or when the counts or the audit chain do not match afterwards;
    /// `PostgresStoreError` when PostgreSQL refuses a row.
    public static func copy(sqlite: String, to location: PostgresLocation) throws -> StoreCopySummary {
        guard FileManager.default.fileExists(atPath: sqlite) else { throw StoreFileError("no store at \(sqlite)") }
        // Not while a server (or another command) has it open: what it accepted after the copy
        // would be missing from PostgreSQL. (Checked, then let go: opening it below locks it shared.)
        _ = try StoreLock(store: sqlite, exclusive: true)
        // Opening migrates an older file forward and refuses one from a newer version.
        let source = try SQLiteStore(path: sqlite)
        let sourceAudit = try source.verifyAudit()
        if let problem = sourceAudit.problem {
            throw StoreFileError("the audit log of \(sqlite) is broken (\(problem)): not copied")
        }
        let target = try PostgresStore(location, connections: 1)
        defer { target.close() }
        var summary = StoreCopySummary(rows: [], audit: sourceAudit)
        try target.pool.write { db in
            for table in ["incident", "token", "audit"] {
                let count = try db.scalar(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int.self)
                // audit_head holds entry 0 from the start; the target must have no entry yet.
                guard count == 0 else {
                    throw StoreFileError(
                        "\(location) already holds \(table) rows: migrate-store copies into an empty store")
                }
            }
            for table in tables {
                let copied = try copy(table, from: source.pool, to: db)
                summary.rows.append((table, copied))
            }
            // The identities go on after the copied ids.
            for table in tables where try hasIdentity(table, db) {
                try db.execute(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(table)', 'id'),
                                GREATEST((SELECT max(id) FROM \(table)), 1), (SELECT max(id) FROM \(table)) IS NOT NULL)
                            """))
            }
            // A store with no audit entry has no head; the new one keeps its entry 0.
            for (table, count) in summary.rows where !(table == "audit_head" && count == 0) {
                let there = try db.scalar(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int.self)
                guard there == count else {
                    throw StoreFileError("\(table): \(count) rows copied but \(there ?? 0) arrived")
                }
            }
        }
        summary.audit = try target.verifyAudit(notedHead: sourceAudit.head?.hash)
        if let problem = summary.audit.problem {
            throw StoreFileError("the audit log does not verify after the copy: \(problem)")
        }
        return summary
    }

    static func hasIdentity(_ table: String, _ db: PGConnection) throws -> Bool {
        try db.one(
            """
            SELECT 1 FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table) AND column_name = 'id'
                AND is_identity = 'YES'
            """) != nil
    }

    /// Copies one table in batches of 500 rows, converting each value to its PostgreSQL column's
    /// type. Rows already in the target with the same key (the secret and the audit head, which
    /// a new PostgreSQL store makes for itself) are replaced by the source's.
    static func copy(_ table: String, from source: DatabasePool, to db: PGConnection) throws -> Int {
        let types = Dictionary(
            uniqueKeysWithValues: try db.query(
                """
                SELECT column_name, data_type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(table)
                """
            ).map { ($0[0] as String, $0[1] as String) })
        let columns = try source.read { sqlite in try sqlite.columns(in: table).map(\.name) }
        let unknown = columns.filter { types[$0] == nil }
        guard unknown.isEmpty else {
            throw StoreFileError("\(table): the PostgreSQL store has no column \(unknown.joined(separator: ", "))")
        }
        let key = table == "secret" ? "name" : "id"
        let replace = ["secret", "audit_head"].contains(table)
        var copied = 0
        var after = Int64.min
        let batch = 500
        while true {
            // By rowid, from where the last batch ended (the last column is the rowid).
            let rows = try source.read { sqlite in
                try Row.fetchAll(
                    sqlite,
                    sql: """
                        SELECT \(columns.joined(separator: ", ")), rowid FROM \(table) WHERE rowid > ?
                        ORDER BY rowid LIMIT ?
                        """,
                    arguments: [after, batch])
            }
            guard let last = rows.last else { break }
            after = last[columns.count]
            var bindings = PostgresBindings(capacity: rows.count * columns.count)
            var tuples: [String] = []
            for row in rows {
                var placeholders: [String] = []
                for (index, column) in columns.enumerated() {
                    try bind(row[index], as: types[column]!, into: &bindings, table: table, column: column)
                    placeholders.append("$\(bindings.count)")
                }
                tuples.append("(\(placeholders.joined(separator: ", ")))")
            }
            let updates = columns.filter { $0 != key }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            let conflict = replace ? " ON CONFLICT (\(key)) DO UPDATE SET \(updates)" : ""
            let sql =
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                + tuples.joined(separator: ", ") + conflict
            try db.execute(PostgresQuery(unsafeSQL: sql, binds: bindings))
            copied += rows.count
        }
        return copied
    }

    /// Binds one SQLite value as the PostgreSQL type of its column.
    static func bind(
        _ value: DatabaseValue, as type: String, into bindings: inout PostgresBindings, table: String, column: String
    ) throws {
        func wrong() -> StoreFileError {
            StoreFileError("\(table).\(column): the value \(value) does not fit PostgreSQL's \(type)")
        }
        switch value.storage {
        case .null:
            bindings.appendNull()
        case .int64(let n):
            switch type {
            case "bigint", "integer": bindings.append(n)
            case "boolean": bindings.append(n != 0)
            case "text": bindings.append(String(n))
            default: throw wrong()
            }
        case .double(let d):
            guard type == "bigint", let n = Int64(exactly: d) else { throw wrong() }
            bindings.append(n)
        case .string(let text):
            guard type == "text" else { throw wrong() }
            // PostgreSQL's text cannot hold U+0000; the store never writes one (`SQLiteStore.whole`).
            bindings.append(SQLiteStore.whole(text))
        case .blob(let data):
            guard type == "bytea" else { throw wrong() }
            bindings.append(ByteBuffer(bytes: data))
        }
    }
}
