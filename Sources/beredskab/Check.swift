import ArgumentParser
import BeredskabCheck
import BeredskabSyntax
import BeredskabTime
import Foundation

/// How `check` prints its findings.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `beredskab check`: parse Rules/ and Contacts/ and check them as one whole.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check guidelines and contacts for errors, §115 violations and rota gaps.",
        discussion: """
            Exit status: 0 when clean, 1 on errors (or on warnings with --strict), 64 on misuse.
            """
    )

    @Option(help: "Output format: text (compiler style) or json.")
    var format: OutputFormat = .text

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Option(help: "Look for rota gaps on this year's holidays (default: the current year).")
    var year: Int?

    @Argument(help: "Files or directories to check (default: Rules and Contacts).")
    var paths: [String] = []

    func validate() throws {
        if let year, !(1583...9999).contains(year) {
            throw ValidationError("--year must be a Gregorian year from 1583 to 9999")
        }
    }

    func run() throws {
        let sources: SourceSet
        do {
            sources = try SourceLoader.load(paths.isEmpty ? ["Rules", "Contacts"] : paths)
        } catch let error as LoadError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(64)
        }
        // The only clock the check reads: which year's holidays to look at.
        let year = self.year ?? LocalTime.local(Instant(seconds: Int(Date().timeIntervalSince1970))).year
        let result = Checker.check(sources, year: year)
        let output = format == .json ? result.renderedJSON() : result.renderedText()
        FileHandle.standardOutput.write(Data(output.utf8))
        if result.errorCount > 0 || (strict && result.warningCount > 0) {
            throw ExitCode(1)
        }
    }
}
