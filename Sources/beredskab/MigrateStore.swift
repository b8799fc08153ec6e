import ArgumentParser
import BeredskabStore
import Foundation

/// `beredskab migrate-store --from DIR --to postgres://…`: the embedded store into PostgreSQL.
struct MigrateStore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy the SQLite store of a data folder into an empty PostgreSQL store.",
        discussion: """
            Stop the server first. Every incident, notification, delivery attempt, task, timer, watch,
            closure, silence, token, session and audit entry is copied with its id, in one transaction
            (all or nothing), together with the secret acknowledgement links are signed with, so links
            already sent keep working. The audit chain is verified afterwards against the source's last
            hash. The SQLite file is not changed. Then start the servers with --store or BEREDSKAB_STORE.
            """)

    @Option(help: "The data folder of the SQLite store (its beredskab.sqlite).")
    var from: String

    @Option(help: "The PostgreSQL store, postgres://user:password@host:5432/database (default: BEREDSKAB_STORE).")
    var to: String?

    func run() throws {
        guard let location = try sharedStore(to) else {
            printError("error: give --to postgres://… or set BEREDSKAB_STORE\n")
            throw ExitCode(64)
        }
        do {
            let summary = try StoreCopy.copy(sqlite: storePath(from), to: location)
            for (table, count) in summary.rows { print("\(table)\t\(count)") }
            print(
                "copied \(storePath(from)) to \(location); audit log intact: \(summary.audit.entries) entries, "
                    + "last hash \(summary.audit.head?.hash ?? "none")")
        } catch let error as StoreFileError {
            printError("error: \(error)\n")
            throw ExitCode(1)
        }
    }
}
