import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// A problem with a backup, a restore or the files of a store, in words for the command line.
public struct StoreFileError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// An advisory lock (`flock`) on `<store>.lock` beside the database: every open `SQLiteStore` holds
/// it shared, and `restore` takes it exclusive, so a store a server (or any other command) has open
/// is never replaced under it. The lock goes with the process: a killed server leaves none behind.
final class StoreLock: Sendable {
    let descriptor: Int32

    /// Takes the lock without waiting; throws `StoreFileError` when another process holds it the other way.
    init(store path: String, exclusive: Bool) throws {
        let lockPath = path + ".lock"
        descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreFileError("cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(descriptor)
            throw StoreFileError(
                exclusive
                    ? "\(path) is open in another process (a running server or command): stop it first"
                    : "\(path) is being restored: try again when the restore has finished")
        }
    }

    deinit { close(descriptor) }
}

/// What a copy of the store holds, as `backup` and `restore` print it.
public struct StoreSummary: Sendable {
    /// Incidents (merged reports and CAP tests included).
    public var incidents: Int
    /// Notifications not yet sent, delivered or given up: what a server started on the copy will send.
    public var pendingNotifications: Int
    /// Notifications whose incident is not in the copy; 0 in a consistent copy.
    public var orphanNotifications: Int
    /// Escalation timers that have not fired yet.
    public var pendingEscalations: Int
    /// The audit log's length and head, and the first break in its chain if any.
    public var audit: AuditChainReport
    /// Migrations applied to the copy while restoring it (it was made by an older version); empty otherwise.
    public var migrated: [String] = []
}

/// Backup and restore of the store's SQLite file (docs/operations.md, "Backup, restore and the audit log").
public enum StoreBackup {
    /// Copies the store at `store` to `target` with SQLite's online backup API while a server may be
    /// writing to it: the copy is one consistent snapshot (a single backup step inside one read
    /// transaction, which in WAL mode does not hold up the writer). It is written to a temporary file
    /// beside `target`, checked with `PRAGMA integrity_check`, synced and then renamed, so a file at
    /// `target` is always a whole backup. Throws `StoreFileError` or a GRDB `DatabaseError`.
    public static func backup(store: String, to target: String) throws -> StoreSummary {
        try plainly { try makeBackup(store: store, to: target) }
    }

    static func makeBackup(store: String, to target: String) throws -> StoreSummary {
        guard FileManager.default.fileExists(atPath: store) else { throw StoreFileError("no store at \(store)") }
        // A backup over the store itself (or its write-ahead log, shared memory or lock file) would
        // replace the file a running server writes to, under its feet.
        let live = [store, store + "-wal", store + "-shm", store + ".lock"].map(resolved)
        guard !live.contains(resolved(target)) else {
            throw StoreFileError("refusing to write the backup over the store itself (\(target)); choose another file")
        }
        let folder = (target as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isFolder),
            isFolder.boolValue
        else { throw StoreFileError("no folder \(folder) for the backup; create it first") }
        let temporary = sibling(of: target, suffix: "backup")
        defer { removeDatabase(temporary) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let source = try DatabasePool(path: store, configuration: configuration)
        let copy = try DatabaseQueue(path: temporary, configuration: configuration)
        try source.backup(to: copy)
        try source.close()
        let summary = try copy.writeWithoutTransaction { db in
            try checkIntegrity(db, of: store)
            try checkIsStore(db, of: store)
            // A plain rollback-journal file: one file, nothing beside it to lose when it is copied on.
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            return try summarize(db)
        }
        try copy.close()
        // The backup holds personal details (§115): only its owner may read it.
        _ = chmod(temporary, 0o600)
        try sync(temporary)
        guard rename(temporary, target) == 0 else {
            throw StoreFileError("cannot rename \(temporary) to \(target): \(String(cString: strerror(errno)))")
        }
        return summary
    }

    /// Puts the backup at `file` in place of the store at `store`. Refuses while any process has the
    /// store open (see `StoreLock`), and refuses a file that is damaged, is not a Beredskab store, or
    /// was made by a newer version. A copy of the file is migrated forward beside the store and
    /// renamed into place; `file` itself is left as it is. A store already there is checkpointed and
    /// kept as `<store>.before-restore`. Throws `StoreFileError` or a GRDB `DatabaseError`.
    public static func restore(from file: String, to store: String) throws -> StoreSummary {
        try plainly { try restoreBackup(from: file, to: store) }
    }

    static func restoreBackup(from file: String, to store: String) throws -> StoreSummary {
        guard FileManager.default.fileExists(atPath: file) else { throw StoreFileError("no file \(file)") }
        let lock = try StoreLock(store: store, exclusive: true)
        let temporary = sibling(of: store, suffix: "restore")
        defer { removeDatabase(temporary) }
        removeDatabase(temporary)
        try FileManager.default.copyItem(atPath: file, toPath: temporary)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let copy = try DatabaseQueue(path: temporary, configuration: configuration)
        let migrator = SQLiteStore.migrator
        let applied = try copy.writeWithoutTransaction { db in
            try checkIntegrity(db, of: file)
            try checkIsStore(db, of: file)
            let applied = try migrator.appliedIdentifiers(db)
            let unknown = applied.subtracting(migrator.migrations)
            guard unknown.isEmpty else {
                throw StoreFileError(
                    "\(file) was made by a newer version of beredskab (migrations \(unknown.sorted())): use that version"
                )
            }
            return applied
        }
        try migrator.migrate(copy)
        var summary = try copy.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            return try summarize(db)
        }
        summary.migrated = migrator.migrations.filter { !applied.contains($0) }
        try copy.close()
        try sync(temporary)
        let manager = FileManager.default
        if manager.fileExists(atPath: store) {
            // Fold a WAL left by a crash into the old store before moving it aside.
            if let old = try? DatabaseQueue(path: store, configuration: configuration) {
                _ = try? old.writeWithoutTransaction { try $0.checkpoint(.truncate) }
                try? old.close()
            }
            let kept = store + ".before-restore"
            removeDatabase(kept)
            guard rename(store, kept) == 0 else {
                throw StoreFileError("cannot move \(store) aside: \(String(cString: strerror(errno)))")
            }
        }
        for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: store + suffix) }
        guard rename(temporary, store) == 0 else {
            throw StoreFileError("cannot rename \(temporary) to \(store): \(String(cString: strerror(errno)))")
        }
        withExtendedLifetime(lock) {}
        return summary
    }

    /// A temporary name in the folder of `path`, so the final rename stays on one file system.
    static func sibling(of path: String, suffix: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(suffix)-\(getpid())"
        ).path
    }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw StoreFileError("cannot sync \(path): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
    }

    static func checkIntegrity(_ db: Database, of path: String) throws {
        let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        guard problems == ["ok"] else {
            throw StoreFileError("\(path) is damaged: \(problems.prefix(5).joined(separator: "; "))")
        }
    }

    static func checkIsStore(_ db: Database, of path: String) throws {
        let first = "v1: incidents, outbox, attempts, acknowledgements, tasks, timers, audit"
        guard try db.tableExists("grdb_migrations"),
            try Bool.fetchOne(db, sql: "SELECT 1 FROM grdb_migrations WHERE identifier = ?", arguments: [first])
                == true
        else { throw StoreFileError("\(path) is not a Beredskab store") }
    }

    static func summarize(_ db: Database) throws -> StoreSummary {
        let chained = try db.columns(in: "audit").contains { $0.name == "hash" }
        return StoreSummary(
            incidents: try Int.fetchOne(db, sql: "SELECT count(*) FROM incident") ?? 0,
            pendingNotifications: try Int.fetchOne(
                db, sql: "SELECT count(*) FROM notification WHERE status = 'pending'") ?? 0,
            orphanNotifications: try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM notification WHERE incident_id NOT IN (SELECT id FROM incident)") ?? 0,
            pendingEscalations: try Int.fetchOne(
                db, sql: "SELECT count(*) FROM escalation WHERE status = 'pending'") ?? 0,
            audit: chained
                ? try SQLiteStore.verifyAudit(db)
                : AuditChainReport(
                    entries: try Int.fetchOne(db, sql: "SELECT count(*) FROM audit") ?? 0, head: nil, problem: nil))
    }

    /// The path with symbolic links and `..` resolved, also for a file that does not exist yet.
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath()
        return folder.appendingPathComponent(url.lastPathComponent).standardizedFileURL.path
    }

    /// SQLite's errors in words an operator reads: `SQLITE_NOTADB` is "not a database".
    static func plainly<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB: throw StoreFileError("the file is not a SQLite database, so not a Beredskab store")
            case .SQLITE_CANTOPEN: throw StoreFileError("the file cannot be opened: \(error.message ?? "no access")")
            case .SQLITE_CORRUPT: throw StoreFileError("the file is damaged: \(error.message ?? "corrupt")")
            default: throw StoreFileError("SQLite says: \(error.message ?? "\(error.resultCode)")")
            }
        }
    }
}
