import ArgumentParser
import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Foundation

/// `beredskab oncall`: who is on duty in each role now and over the coming days, from the rotas
/// and overrides in `Contacts/`.
struct OnCall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oncall",
        abstract: "Show who is on call in each role now and over the next days, with overrides and gaps.",
        discussion: """
            Times are Copenhagen local time. A gap is a stretch with nobody on duty in a role: a report \
            needing that role then reaches no one. Exit status: 0, 1 when the rules have errors, 64 on misuse.
            """)

    @Option(help: "Only this role (an id from Rules/).")
    var role: String?

    @Option(help: "Only the shifts of this person (an id from Contacts/), in every role they are on duty in.")
    var person: String?

    @Option(help: "From when: RFC 3339 or Copenhagen local 'YYYY-MM-DD HH:MM' (default: now).")
    var at: String?

    @Option(help: "How many days ahead (1–92).")
    var days = 14

    @Option(help: "Output format: text, json or ics (an iCalendar feed, RFC 5545).")
    var format: Format = .text

    @Option(help: "Language of the ics feed's texts: da or en.")
    var lang: String = "da"

    @Option(name: .customLong("rules"), help: "Rule and contact files or folders (default: Rules and Contacts).")
    var rulePaths: [String] = []

    enum Format: String, ExpressibleByArgument { case text, json, ics }

    func run() throws {
        guard (1...92).contains(days) else {
            printError("error: --days must be 1 to 92\n")
            throw ExitCode(64)
        }
        let start: Instant
        if let at {
            guard
                let parsed = Instant(rfc3339: at)
                    ?? LocalDateTime(parsing: at, requireTime: true).map(Copenhagen.instant)
            else {
                printError("error: --at '\(at)' is neither RFC 3339 nor 'YYYY-MM-DD HH:MM'\n")
                throw ExitCode(64)
            }
            start = parsed
        } else {
            start = now()
        }
        guard let language = Language(rawValue: lang) else {
            printError("error: --lang must be da or en\n")
            throw ExitCode(64)
        }
        let engine = try loadEngine(rulePaths)
        if let role, engine.rules.roles[role] == nil {
            printError("error: unknown role '\(role)'\n")
            throw ExitCode(64)
        }
        if let person, engine.roster.persons[person] == nil {
            printError("error: unknown person '\(person)'\n")
            throw ExitCode(64)
        }
        let end = Copenhagen.later(start, by: days * 86_400)
        var roles = role.map { [$0] } ?? engine.rules.roles.keys.sorted()
        // A feed shows the shift under way whole (stable event starts and UIDs); a listing starts at --at.
        var shifts = roles.map {
            format == .ics
                ? engine.duty.shifts($0, overlapping: start, to: end) : engine.duty.schedule($0, from: start, to: end)
        }
        if let person {
            // Only the person's own shifts, and only the roles they are on duty in.
            shifts = shifts.map { $0.filter { $0.persons.contains(person) } }
            roles = zip(roles, shifts).filter { !$0.1.isEmpty }.map(\.0)
            shifts = shifts.filter { !$0.isEmpty }
        }
        switch format {
        case .text:
            print(OnCallText.render(roles: roles, shifts: shifts, engine: engine, from: start, to: end))
        case .json:
            print(OnCallText.json(roles: roles, shifts: shifts, engine: engine).prettyText)
        case .ics:
            let events =
                person.map { p in
                    shifts.flatMap { OnCallCalendar.events(person: p, shifts: $0, engine: engine, language: language) }
                }
                ?? zip(roles, shifts).flatMap {
                    OnCallCalendar.events(role: $0, shifts: $1, engine: engine, language: language)
                }
            let name =
                person.flatMap { engine.roster.persons[$0]?.name } ?? role.flatMap { engine.rules.roles[$0]?.name }
            print(
                OnCallCalendar.render(name: "Beredskab: " + (name ?? "vagter"), events: events, generatedAt: start),
                terminator: "")
        }
    }
}
