import ArgumentParser
import BeredskabStore
import Foundation

/// The database file in a data folder, as `serve --data` uses it.
func storePath(_ folder: String) -> String {
    (folder as NSString).appendingPathComponent("beredskab.sqlite")
}

/// Backup and restore copy the SQLite file; a PostgreSQL store is PostgreSQL's to back up.
func refuseShared(_ command: String) throws {
    guard let location = try sharedStore() else { return }
    printError(
        "error: BEREDSKAB_STORE names the PostgreSQL store \(location): \(command) works on the SQLite file only; "
            + "use pg_dump and pg_restore (docs/operations.md, \"Several instances on PostgreSQL\")\n")
    throw ExitCode(64)
}

/// One line on what a copy of the store holds.
func describe(_ summary: StoreSummary) -> String {
    var line =
        "\(summary.incidents) incidents, \(summary.pendingNotifications) pending notifications, "
        + "\(summary.pendingEscalations) pending escalations, \(summary.audit.entries) audit entries"
    if let head = summary.audit.head { line += " (last hash \(head.hash))" }
    return line
}

/// `beredskab backup --to FILE`: a consistent copy of the store, also while the server runs.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the store to a file with SQLite's online backup, also while the server is running.",
        discussion: """
            The copy is written beside FILE under a temporary name, checked (PRAGMA integrity_check) and
            renamed, so FILE is either the old file or a whole new backup. Note the last hash it prints
            somewhere else: `audit verify --head` then tells whether entries were later removed from the end.
            """)

    @Option(help: "The backup file to write (replaced if it exists).")
    var to: String

    @Option(help: "Folder of the store, as for serve.")
    var data = "data"

    func run() throws {
        try refuseShared("backup")
        do {
            let summary = try StoreBackup.backup(store: storePath(data), to: to)
            print("backed up \(storePath(data)) to \(to): integrity ok; \(describe(summary))")
            if summary.orphanNotifications > 0 {
                printError("warning: \(summary.orphanNotifications) notifications have no incident\n")
            }
            if let problem = summary.audit.problem { printError("warning: audit log: \(problem)\n") }
        } catch let error as StoreFileError {
            printError("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}

/// `beredskab restore --from FILE`: puts a backup in place of a stopped server's store.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup in place of the store; the server must be stopped.",
        discussion: """
            Refuses while a server or another command has the store open, and refuses a damaged file, a
            file that is not a Beredskab store, or one made by a newer version. An older backup is
            migrated forward. A store already in the folder is kept as beredskab.sqlite.before-restore.
            """)

    @Option(help: "The backup file (it is not changed).")
    var from: String

    @Option(help: "Folder of the store, as for serve (created if missing).")
    var data = "data"

    func run() throws {
        try refuseShared("restore")
        do {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let summary = try StoreBackup.restore(from: from, to: storePath(data))
            print("restored \(from) to \(storePath(data)): \(describe(summary))")
            if !summary.migrated.isEmpty { print("migrated: \(summary.migrated.joined(separator: "; "))") }
            if let problem = summary.audit.problem { printError("warning: audit log: \(problem)\n") }
        } catch let error as StoreFileError {
            printError("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}

/// `beredskab audit`: the tamper-evident audit log.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the audit log's hash chain.", subcommands: [Verify.self])

    /// `beredskab audit verify [--head HASH]`
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the audit log's hash chain; exit 1 naming the first entry altered, removed or inserted.",
            discussion: """
                Entries removed from the end are caught by the head kept in the audit_head table, unless
                whoever removed them rewrote that too; --head with a hash noted elsewhere (from an earlier
                verify or backup) catches that as well.
                """)

        @Option(help: "Folder of the store, as for serve.")
        var data = "data"

        @Option(help: "A last hash noted earlier: it must still be in the chain.")
        var head: String?

        func run() throws {
            let shared = try sharedStore()
            guard shared != nil || FileManager.default.fileExists(atPath: storePath(data)) else {
                printError("error: no store at \(storePath(data))\n")
                throw ExitCode(64)
            }
            let report = try openStore(data, for: nil).verifyAudit(notedHead: head)
            if let problem = report.problem {
                printError("audit log broken: \(problem) (\(report.entries) entries)\n")
                throw ExitCode(1)
            }
            print("audit log intact: \(report.entries) entries, last hash \(report.head?.hash ?? "none")")
        }
    }
}
