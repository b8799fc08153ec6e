import BeredskabRules
import BeredskabTime

/// A test of the rules kept beside them (Rules/tests/*.json): a report, a time, optionally history,
/// and what the plan must (and must not) contain. See docs/rule-tests.md.
public struct RuleTest: Sendable {
    public var name: String
    public var report: IncidentReport
    public var at: Instant?
    public var history: [HistoryIncident]
    /// The `expect` object as written.
    public var expect: JSONValue

    static let expectKeys = [
        "area", "merged_into", "merge", "fired", "already_fired", "not_fired", "suppressed", "notifications",
        "no_notifications", "tasks",
        "no_tasks", "watches", "no_watches", "escalations", "no_escalations", "problems", "no_problems",
        "no_suppressed",
    ]

    /// Decodes a test, checking the report against the rules; problems carry JSON paths.
    public static func decode(_ json: JSONValue, engine: Engine) -> Result<RuleTest, InvalidReport> {
        var fields = JSONFields()
        guard let root = fields.object(json, "$", keys: ["name", "at", "report", "history", "expect"], required: true)
        else { return .failure(InvalidReport(problems: fields.problems)) }
        let name = fields.string(root["name"], "$.name", required: true, max: 500)
        let at = root["at"] == nil ? nil : fields.time(root["at"], "$.at")
        var problems = fields.problems
        var report: IncidentReport?
        if let json = root["report"] {
            switch IncidentReport.decode(json, rules: engine.rules, roster: engine.roster) {
            case .success(let decoded): report = decoded
            case .failure(let invalid):
                problems += invalid.problems.map { ReportProblem("$.report" + $0.path.dropFirst(), $0.message) }
            }
        } else {
            problems.append(ReportProblem("$.report", "is required"))
        }
        var history: [HistoryIncident] = []
        if let json = root["history"] {
            switch HistoryIncident.decodeList(json, path: "$.history") {
            case .success(let list): history = list
            case .failure(let invalid): problems += invalid.problems
            }
        }
        var check = JSONFields()
        let expect = check.object(root["expect"], "$.expect", keys: expectKeys, required: true)
        if let expect {
            for key in ["fired", "already_fired", "not_fired"] {
                if let list = expect[key], !Self.isStringList(list) {
                    check.problem("$.expect.\(key)", "must be a list of guideline ids")
                }
                for id in Self.strings(expect[key]) where engine.rules.guidelineIndex[id] == nil {
                    check.problem("$.expect.\(key)", "unknown guideline '\(id)'")
                }
            }
        }
        problems += check.problems
        guard let name, let report, let expect, problems.isEmpty else {
            return .failure(InvalidReport(problems: problems))
        }
        return .success(RuleTest(name: name, report: report, at: at, history: history, expect: expect))
    }

    static func isStringList(_ value: JSONValue) -> Bool {
        guard case .array(let items) = value else { return false }
        return items.allSatisfy { if case .string = $0 { true } else { false } }
    }

    static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    /// Runs the test; an empty list means it passed, otherwise each failure reads as a small diff.
    public func run(_ engine: Engine) -> (plan: Plan, failures: [String]) {
        let plan = engine.evaluate(report, history: history, at: at)
        let actual = plan.json
        var failures: [String] = []
        for (key, expected) in Self.pairs(expect) {
            switch key {
            case "area", "merged_into", "merge":
                let got = (key == "area" ? actual["incident"]?[key] : actual[key]) ?? .null
                if got != expected { failures.append("\(key): expected \(expected.text), got \(got.text)") }
            case "fired", "already_fired":
                let want = Set(Self.strings(expected))
                let got = Set(key == "fired" ? plan.fired : plan.alreadyFired)
                if want != got {
                    var lines = "\(key): expected \(Self.list(want)), got \(Self.list(got))"
                    if !want.subtracting(got).isEmpty { lines += "\n  missing: \(Self.list(want.subtracting(got)))" }
                    if !got.subtracting(want).isEmpty { lines += "\n  unexpected: \(Self.list(got.subtracting(want)))" }
                    failures.append(lines)
                }
            case "not_fired":
                let wrongly = Set(Self.strings(expected)).intersection(plan.fired)
                if !wrongly.isEmpty { failures.append("not_fired: these fired: \(Self.list(wrongly))") }
            case "no_problems":
                if expected == .bool(true), !plan.problems.isEmpty {
                    failures.append("no_problems: got " + plan.problems.map { "\n  ! \($0.message)" }.joined())
                }
            default:
                let negative = key.hasPrefix("no_")
                let field = negative ? String(key.dropFirst(3)) : key
                guard case .array(let patterns) = expected, case .array(let items)? = actual[field] else {
                    failures.append("\(key): expected a list of patterns")
                    continue
                }
                for pattern in patterns {
                    let matches = items.filter { Self.matches(pattern, $0) }
                    if negative, let first = matches.first {
                        failures.append("\(key): \(pattern.text) must not match, but matches \(Self.summary(first))")
                    } else if !negative, matches.isEmpty {
                        let got = items.isEmpty ? " (none)" : items.map { "\n    " + Self.summary($0) }.joined()
                        failures.append("\(key): nothing matches \(pattern.text)\n  got:\(got)")
                    }
                }
            }
        }
        return (plan, failures)
    }

    static func pairs(_ value: JSONValue) -> [(String, JSONValue)] {
        if case .object(let pairs) = value { return pairs }
        return []
    }

    /// Whether a value contains the pattern: objects by their keys, lists element by element
    /// (each pattern element must match some element), anything else by equality.
    static func matches(_ pattern: JSONValue, _ value: JSONValue) -> Bool {
        switch (pattern, value) {
        case (.object(let wanted), .object):
            return wanted.allSatisfy { key, sub in value[key].map { matches(sub, $0) } ?? (sub == .null) }
        case (.array(let wanted), .array(let items)):
            return wanted.allSatisfy { sub in items.contains { matches(sub, $0) } }
        default:
            return pattern == value
        }
    }

    /// A one-line view of a plan element without the long message text.
    static func summary(_ value: JSONValue) -> String {
        guard case .object(let pairs) = value else { return value.text }
        let short = pairs.filter { !["message", "channels", "name", "text"].contains($0.0) }
        return JSONValue.object(short).text
    }

    static func list(_ items: Set<String>) -> String { "[" + items.sorted().joined(separator: ", ") + "]" }
}
