import ArgumentParser
import BeredskabEngine
import BeredskabRules
import BeredskabStore
import BeredskabTime
import Foundation

extension BeredskabRules.Category: ExpressibleByArgument {}

/// `beredskab silence`: create, list and expire coordinators' silences in the data folder, the same
/// store and checks as `POST/GET/DELETE /api/v1/silences` (docs/api.md, "Silences").
struct SilenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Silence a guideline, or a category in an area, for a period: recorded, shown, nothing sent.",
        subcommands: [Add.self, List.self, Expire.self])

    /// A duration such as `90m`, `2h` or `3d`, in seconds.
    static func seconds(_ text: String) -> Int? {
        guard let unit = text.last, let number = Int(text.dropLast()), number > 0 else { return nil }
        switch unit {
        case "m": return number * 60
        case "h": return number * 3600
        case "d": return number * 86_400
        default: return nil
        }
    }

    /// One line per silence: id, state, what, where, from–to in Copenhagen time, who, why.
    static func line(_ s: Silence, engine: Engine, at now: Instant) -> String {
        func clock(_ instant: Instant) -> String { Copenhagen.local(instant).danishText }
        let what = s.guideline.map { "guideline \($0)" } ?? "category \(s.category?.rawValue ?? "?")"
        let critical = engine.guidelinesCovered(by: s).filter { engine.rules.guideline($0)?.priority == .critical }
        var text =
            "\(s.id)  \(s.state(at: now).rawValue)  \(what) in \(s.area ?? "every area")  "
            + "\(clock(s.startsAt)) – \(clock(s.effectiveEnd))  by \(s.createdBy): \(s.reason)"
        if !critical.isEmpty { text += "  [CRITICAL: \(critical.joined(separator: ", "))]" }
        if let by = s.expiredBy { text += "  (expired by \(by))" }
        return text
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a silence; a critical guideline needs --confirm-critical.")
        @Option(help: "The guideline id to silence.") var guideline: String?
        @Option(help: "Or: the category whose guidelines to silence (with --area, usually).") var category:
            BeredskabRules.Category?
        @Option(help: "Limit it to this area and the areas within it.") var area: String?
        @Option(help: "When it starts (default now): RFC 3339 or Copenhagen \"YYYY-MM-DD HH:MM\".") var starts: String?
        @Option(help: "When it ends; or give --for.") var ends: String?
        @Option(name: .customLong("for"), help: "How long from its start: 90m, 6h, 2d (at most 7d).") var duration:
            String?
        @Option(help: "Why (required): shown wherever the silence is.") var reason: String
        @Flag(help: "Confirm that the silence covers critical guidelines.") var confirmCritical = false
        @Option(help: "Who creates it, for the audit log (default: $USER).") var by: String?
        @Option(help: "Folder for the database.") var data = "data"
        @Option(name: .customLong("rules"), help: "Rule and contact files or folders.") var rulePaths: [String] = []

        func run() throws {
            let engine = try loadEngine(rulePaths)
            let current = now()
            let start = try starts.map { try parseTime($0, option: "--starts") } ?? current
            let end: Instant
            switch (ends, duration) {
            case (let ends?, nil): end = try parseTime(ends, option: "--ends")
            case (nil, let duration?):
                guard let seconds = SilenceCommand.seconds(duration) else {
                    throw ValidationError("--for must be a duration such as 90m, 6h or 2d")
                }
                end = start.adding(seconds)
            default: throw ValidationError("give --ends or --for, one of them")
            }
            let who = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let silence = Silence(
                guideline: guideline, category: category, area: area, startsAt: start, endsAt: end, reason: reason,
                createdBy: "cli:\(who)", createdAt: current, confirmCritical: confirmCritical)
            let check = engine.check(silence, now: current)
            guard check.problems.isEmpty else {
                for problem in check.problems {
                    let option = problem.path.dropFirst(2).replacingOccurrences(of: "_", with: "-")
                    printError("error: --\(option == "ends-at" ? "ends" : option): \(problem.message)\n")
                }
                throw ExitCode(64)
            }
            let stored = try openStore(data, for: engine).createSilence(silence, critical: check.critical)
            print("created silence " + SilenceCommand.line(stored, engine: engine, at: current))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List silences, newest first.")
        @Option(help: "active, pending, expired or all (default: active and pending).") var state: String?
        @Option(help: "Folder for the database.") var data = "data"
        @Option(name: .customLong("rules"), help: "Rule and contact files or folders.") var rulePaths: [String] = []

        func run() throws {
            let engine = try loadEngine(rulePaths)
            let states: Set<Silence.State>
            switch state {
            case nil: states = [.active, .pending]
            case "all": states = Set(Silence.State.allCases)
            case let text?:
                guard let one = Silence.State(rawValue: text) else {
                    throw ValidationError("--state must be active, pending, expired or all")
                }
                states = [one]
            }
            let current = now()
            let silences = try openStore(data, for: engine).silences(states: states, at: current)
            if silences.isEmpty { print("no silences") }
            for silence in silences { print(SilenceCommand.line(silence, engine: engine, at: current)) }
        }
    }

    struct Expire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a silence now; to change one, expire it and add another.")
        @Argument(help: "The silence id (see list).") var id: Int64
        @Option(help: "Who expires it, for the audit log (default: $USER).") var by: String?
        @Option(help: "Folder for the database.") var data = "data"
        @Option(name: .customLong("rules"), help: "Rule and contact files or folders.") var rulePaths: [String] = []

        func run() throws {
            let engine = try loadEngine(rulePaths)
            let who = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let current = now()
            switch try openStore(data, for: engine).expireSilence(id: id, actor: "cli:\(who)", at: current) {
            case .expired(let silence):
                print("expired silence " + SilenceCommand.line(silence, engine: engine, at: current))
            case .alreadyExpired:
                printError("error: silence \(id) has already expired\n")
                throw ExitCode(1)
            case .unknown:
                printError("error: no silence \(id)\n")
                throw ExitCode(1)
            }
        }
    }
}
