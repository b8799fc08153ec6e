import ArgumentParser
import BeredskabEngine
import BeredskabReview
import BeredskabRules
import BeredskabServer
import BeredskabStore
import BeredskabTime
import BeredskabWeb
import Foundation

/// A time on the command line: RFC 3339, or Copenhagen wall-clock `YYYY-MM-DD HH:MM` or `YYYY-MM-DD`.
func parseTime(_ text: String, option: String) throws -> Instant {
    if let instant = Instant(rfc3339: text) { return instant }
    if let local = LocalDateTime(parsing: text) { return Copenhagen.instant(local) }
    throw ValidationError(
        "\(option) must be a time such as \"2026-03-28 20:00\" (Copenhagen) or 2026-03-28T20:00:00+01:00")
}

extension ClosureReason: ExpressibleByArgument {}
extension Mitigation: ExpressibleByArgument {}
extension InstitutionKind: ExpressibleByArgument {}

/// `beredskab closures`: record, reopen, correct and list closures of institutions.
struct Closures: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record and list institution closures and near misses for OKF's review.",
        subcommands: [Record.self, Reopen.self, Correct.self, List.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a closure, or with --near-miss a closure considered and avoided.")

        @Option(help: "The institution id from Contacts/.") var institution: String
        @Option(help: "When it closed (or the near miss began).") var from: String
        @Option(help: "When it reopened; leave out while still closed.") var to: String?
        @Flag(help: "Reduced service rather than fully closed.") var partial = false
        @Option(help: "Why, in a sentence.") var reason: String
        @Option(help: "staff-safety, police-advice, damage or other.") var category: ClosureReason = .other
        @Option(help: "Who decided.") var decidedBy: String
        @Option(help: "A linked incident id (repeatable).") var incident: [String] = []
        @Option(help: "extra-staff, police-presence, activity-moved or hours-changed (repeatable).") var mitigation:
            [Mitigation] = []
        @Flag(help: "Closure was considered, the institution stayed open.") var nearMiss = false
        @Option(help: "Folder for the database.") var data = "data"
        @Option(name: .customLong("rules"), help: "Rule and contact files or folders.") var rulePaths: [String] = []

        func run() throws {
            let engine = try loadEngine(rulePaths)
            guard let registered = engine.roster.institutions[institution] else {
                printError("error: unknown institution '\(institution)'\n")
                throw ExitCode(64)
            }
            let start = try parseTime(from, option: "--from")
            let end = try to.map { try parseTime($0, option: "--to") }
            if let end, end < start { throw ValidationError("--to is before --from") }
            let record = ClosureRecord(
                institution: institution, from: start, to: end, partial: partial, reason: category, reasonText: reason,
                decidedBy: decidedBy, incidents: incident, vital: registered.vital, mitigations: mitigation,
                nearMiss: nearMiss)
            let id = try openStore(data, for: engine).recordClosure(record, actor: "cli", at: now())
            print(
                "recorded \(nearMiss ? "near miss" : "closure") \(id) of \(registered.name)\(registered.vital ? " (vital)" : "")"
            )
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a closed institution has reopened.")
        @Option(help: "The institution id.") var institution: String
        @Option(help: "When it reopened.") var at: String
        @Option(help: "Folder for the database.") var data = "data"
        @Option(name: .customLong("rules"), help: "Rule and contact files or folders.") var rulePaths: [String] = []

        func run() throws {
            let engine = try loadEngine(rulePaths)
            guard
                let record = try openStore(data, for: engine).reopen(
                    institution: institution, at: try parseTime(at, option: "--at"), actor: "cli", recordedAt: now())
            else {
                printError("error: '\(institution)' has no open closure\n")
                throw ExitCode(1)
            }
            print("closure \(record.id) of \(institution) ended \(Copenhagen.local(record.to!).danishText)")
        }
    }

    struct Correct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a closure record; the audit log keeps the old version.")
        @Option(help: "The closure id (see list).") var id: Int64
        @Option(help: "Corrected start.") var from: String?
        @Option(help: "Corrected end.") var to: String?
        @Option(help: "Corrected reason.") var reason: String?
        @Option(help: "Corrected reason category.") var category: ClosureReason?
        @Option(help: "Folder for the database.") var data = "data"
        @Option(name: .customLong("rules"), help: "Rule and contact files or folders.") var rulePaths: [String] = []

        func run() throws {
            let engine = try loadEngine(rulePaths)
            let store = try openStore(data, for: engine)
            guard var record = try store.closures().first(where: { $0.id == id }) else {
                printError("error: no closure \(id)\n")
                throw ExitCode(1)
            }
            if let from { record.from = try parseTime(from, option: "--from") }
            if let to { record.to = try parseTime(to, option: "--to") }
            if let reason { record.reasonText = reason }
            if let category { record.reason = category }
            _ = try store.correctClosure(record, actor: "cli", at: now())
            print("closure \(id) corrected")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List closures and near misses, oldest first.")
        @Option(help: "Folder for the database.") var data = "data"
        @Option(name: .customLong("rules"), help: "Rule and contact files or folders.") var rulePaths: [String] = []

        func run() throws {
            let engine = try loadEngine(rulePaths)
            for r in try openStore(data, for: engine).closures() {
                let name = engine.roster.institutions[r.institution]?.name ?? r.institution
                // A near miss never closed, so it has no "still closed".
                let end = r.to.map { " – " + Copenhagen.local($0).danishText } ?? (r.nearMiss ? "" : " – still closed")
                let span = Copenhagen.local(r.from).danishText + end
                let kind = r.nearMiss ? "near miss" : r.partial ? "partial" : "closed"
                print(
                    "\(r.id)  \(name)\(r.vital ? " (vital)" : "")  \(kind)  \(span)  \(r.reason.rawValue): \(r.reasonText)  [\(r.decidedBy)]"
                )
            }
        }
    }
}

/// `beredskab review`: OKF's figures for a period.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "OKF's review of closures for a period: closed hours, vital closures, near misses, reports per area.")

    @Option(help: "First day (Copenhagen), e.g. 2026-03-01.") var from: String
    @Option(help: "Last day, included, e.g. 2026-03-31.") var to: String
    @Option(help: "text, csv, json or html (a page with SVG charts, for reading or printing).") var format:
        ReviewFormat = .text
    @Flag(help: "CSV for a Danish Excel: semicolons and decimal commas.") var danishExcel = false
    @Option(help: "Only this administration (organisation id).") var administration: String?
    @Option(help: "Only institutions in this area (nested areas included).") var area: String?
    @Option(help: "Only institutions of this kind (school, youth-club, …).") var kind: InstitutionKind?
    @Flag(help: "Only vital institutions.") var vitalOnly = false
    @Option(help: "Folder for the database.") var data = "data"
    @Option(name: .customLong("rules"), help: "Rule and contact files or folders.") var rulePaths: [String] = []

    enum ReviewFormat: String, ExpressibleByArgument { case text, csv, json, html }

    func run() throws {
        guard let period = ReviewOutput.period(from: from, to: to) else {
            throw ValidationError("--from and --to are dates such as 2026-03-01, --to not before --from")
        }
        let engine = try loadEngine(rulePaths)
        let store = try openStore(data, for: engine)
        let review = Review.compute(
            closures: try store.closures(), incidents: try store.reviewIncidents(in: period),
            filter: ReviewFilter(
                period: period, administration: administration, area: area, kind: kind, vitalOnly: vitalOnly),
            rules: engine.rules, roster: engine.roster, now: now())
        switch format {
        case .json: print(ReviewOutput.json(review, from: from, to: to).prettyText, terminator: "")
        case .csv: FileHandle.standardOutput.write(Data(ReviewOutput.csv(review, danish: danishExcel).utf8))
        case .text: print(ReviewOutput.text(review, from: from, to: to, engine: engine), terminator: "")
        case .html: print(review.html(from: from, to: to, rules: engine.rules, roster: engine.roster), terminator: "")
        }
    }
}

/// The review as text for the terminal (JSON and CSV are `ReviewOutput` in BeredskabServer).
extension ReviewOutput {
    static func text(_ r: Review, from: String, to: String, engine: Engine) -> String {
        func hours(_ h: Double) -> String { String(format: "%.1f h", h) }
        var out = "Review \(from) – \(to)\n\n"
        out += "VITAL INSTITUTIONS CLOSED: \(r.vitalClosures)   (goal: 0)\n\n"
        out += "closures: \(r.closures) (\(r.stillClosed) still closed), near misses: \(r.nearMisses)\n"
        out +=
            "closed hours: \(hours(r.closedHours)); median time to reopen: \(r.medianHoursToReopen.map(hours) ?? "–")\n"
        out +=
            "watched incidents: \(r.watchedIncidents), of which nothing closed: \(r.watchedIncidentsWithoutClosure)\n"
        for (id, h) in r.closedHoursByInstitution.sorted(by: { $0.value > $1.value }) {
            out += "  \(engine.roster.institutions[id]?.name ?? id): \(hours(h))\n"
        }
        if !r.safetyIndexReports.isEmpty { out += "\nreports per area (safety index crime types):\n" }
        for (area, types) in r.safetyIndexReports.sorted(by: { $0.key < $1.key }) {
            out +=
                "  \(engine.rules.areas[area]?.name ?? area): "
                + types.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        return out
    }
}
