import ArgumentParser
import BeredskabReview
import BeredskabServer
import BeredskabStore
import BeredskabWeb
import Foundation

/// `beredskab report`: after-action reports of incidents and drill statistics (docs/after-action.md).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "After-action reports of incidents (exercises or real) and drill statistics.",
        subcommands: [AfterActionCommand.self, DrillsCommand.self])

    enum Format: String, ExpressibleByArgument { case text, json, csv, html }

    struct AfterActionCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "after-action",
            abstract:
                "Who was alerted when and how, delivery times, time to acknowledge per role, escalations, tasks and watches."
        )

        @Argument(help: "The incident id.") var incident: String
        @Option(help: "text, json, csv (one row per message) or html (a page with an SVG timeline).") var format:
            Format = .text
        @Option(help: "Folder for the database.") var data = "data"
        @Option(name: .customLong("rules"), help: "Rule and contact files or folders.") var rulePaths: [String] = []

        func run() throws {
            let engine = try loadEngine(rulePaths)
            guard let record = try openStore(data, for: engine).afterActionRecord(incident: incident) else {
                printError("error: no incident '\(incident)' in \(data)\n")
                throw ExitCode(1)
            }
            let report = AfterAction.compute(record)
            switch format {
            case .text: print(AfterActionOutput.text(report), terminator: "")
            case .json: print(AfterActionOutput.json(report).prettyText, terminator: "")
            case .csv: FileHandle.standardOutput.write(Data(AfterActionOutput.csv(report).utf8))
            case .html: print(report.html(), terminator: "")
            }
        }
    }

    struct DrillsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drills",
            abstract:
                "Per role, the median and worst time to acknowledge across the drills of a period, and who never answered."
        )

        @Option(help: "First day (Copenhagen), e.g. 2026-03-01.") var from: String
        @Option(help: "Last day, included, e.g. 2026-03-31.") var to: String
        @Option(help: "text or json.") var format: Format = .text
        @Option(help: "Folder for the database.") var data = "data"
        @Option(name: .customLong("rules"), help: "Rule and contact files or folders.") var rulePaths: [String] = []

        func run() throws {
            guard let period = ReviewOutput.period(from: from, to: to) else {
                throw ValidationError("--from and --to are dates such as 2026-03-01, --to not before --from")
            }
            let engine = try loadEngine(rulePaths)
            let store = try openStore(data, for: engine)
            let reports = try store.exercises(receivedIn: period).compactMap {
                try store.afterActionRecord(incident: $0).map(AfterAction.compute)
            }
            let statistics = DrillStatistics.compute(reports)
            switch format {
            case .json: print(AfterActionOutput.json(statistics).prettyText, terminator: "")
            case .text, .csv, .html: print(AfterActionOutput.text(statistics), terminator: "")
            }
        }
    }
}
