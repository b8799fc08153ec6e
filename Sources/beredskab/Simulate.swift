import ArgumentParser
import BeredskabEngine
import BeredskabTime
import Foundation

/// `beredskab simulate`: evaluate a report against the rules and print the plan, sending nothing.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the rules would do with an incident report, without sending anything.",
        discussion: "Exit status: 0 with a plan, 1 when the rules have errors or the report is invalid, 64 on misuse."
    )

    @Argument(help: "The incident report (JSON, see docs/report.md).")
    var report: String

    @Option(help: "When the plan is made, RFC 3339 (default: when the incident occurred).")
    var at: String?

    @Option(help: "Earlier incidents (a JSON list) for duplicates, correlation and suppression.")
    var history: String?

    @Flag(help: "Show, for every guideline, each condition and its value for this incident.")
    var explain = false

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(name: .customLong("rules"), help: "Rule and contact files or folders (default: Rules and Contacts).")
    var rulePaths: [String] = []

    @Option(help: "The zone of the rules' local times (tz database name; default Europe/Copenhagen).")
    var timeZone: String?

    func validate() throws {
        if let at, Instant(rfc3339: at) == nil {
            throw ValidationError("--at must be an RFC 3339 time with an offset, such as 2026-11-21T22:30:00+01:00")
        }
    }

    func run() throws {
        try useTimeZone(timeZone)
        let engine = try loadEngine(rulePaths)
        let incident: IncidentReport
        switch IncidentReport.decode(try readJSON(report), rules: engine.rules, roster: engine.roster) {
        case .success(let decoded): incident = decoded
        case .failure(let invalid):
            printError(invalid.problems.map { "\(report): \($0)\n" }.joined())
            printError("error: the report is invalid; nothing was evaluated\n")
            throw ExitCode(1)
        }
        var earlier: [HistoryIncident] = []
        if let history {
            switch HistoryIncident.decodeList(try readJSON(history)) {
            case .success(let list): earlier = list
            case .failure(let invalid):
                printError(invalid.problems.map { "\(history): \($0)\n" }.joined())
                throw ExitCode(1)
            }
        }
        let time = at.flatMap(Instant.init(rfc3339:))
        let plan = engine.evaluate(incident, history: earlier, at: time)
        let explanation = explain ? engine.explain(incident, history: earlier, at: time) : nil
        switch format {
        case .text:
            print((explanation.map { $0 + "\n" } ?? "") + plan.text, terminator: "")
        case .json:
            var json = plan.json
            if let explanation, case .object(var pairs) = json {
                pairs.append(("explanation", .string(explanation)))
                json = .object(pairs)
            }
            print(json.prettyText, terminator: "")
        }
    }
}
