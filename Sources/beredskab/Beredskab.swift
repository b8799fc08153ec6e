import ArgumentParser

/// The `beredskab` command: check guidelines and contacts, and later run the alert server.
@main
struct Beredskab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beredskab",
        abstract: "Executable crisis guidelines for Copenhagen's housing areas.",
        subcommands: [
            Check.self, Simulate.self, Test.self, Serve.self, Token.self, Closures.self, ReviewCommand.self,
            Backup.self,
            Restore.self, Audit.self, ReportCommand.self, Drill.self, OnCall.self, SilenceCommand.self,
            HandbookCommand.self, MigrateStore.self,
        ]
    )
}
