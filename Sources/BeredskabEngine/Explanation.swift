import BeredskabRules
import BeredskabSyntax
import BeredskabTime

extension Engine {
    /// For every guideline, each condition with its value for this incident, and the outcome:
    /// why something fired or did not.
    public func explain(
        _ report: IncidentReport, history: [HistoryIncident] = [], at: Instant? = nil
    ) -> String {
        let facts = facts(report, history: IncidentHistory(history))
        let plan = evaluate(report, history: history, at: at)
        let local = zone.local(report.occurredAt)
        var out = "incident: category \(report.category.rawValue), severity \(report.severity.rawValue), "
        out += "area \(facts.areaID.map { lineageText($0) } ?? "unknown")"
        out +=
            ", flags [\(IncidentFlag.allCases.filter(report.flags.contains).map(\.rawValue).joined(separator: ", "))]"
        out += ", reporter \(report.reporter.organisation) (\(facts.reporterKind?.rawValue ?? "unknown"))"
        out += ", \(local.weekday.shortName) \(local.danishText)\n"
        if let merged = plan.mergedInto { out += "merged into the earlier incident \(merged)\n" }
        for guideline in rules.guidelines {
            let id = guideline.id.value
            let outcome: String
            if plan.fired.contains(id) {
                outcome = "FIRED"
            } else if let s = plan.suppressed.first(where: { $0.guideline == id }) {
                outcome = "matched, suppressed by \(s.by)"
            } else if NaiveConditions.holds(guideline.condition, facts, rules) {
                outcome = plan.mergedInto == nil ? "matched" : "matched, merged into \(plan.mergedInto!)"
            } else if NaiveConditions.truth(guideline.condition, facts, rules) == nil {
                outcome = "not fired: depends on the incident's area, which is unknown"
            } else {
                outcome = "not matched"
            }
            out += "\n\(id) \"\(guideline.title)\": \(outcome)\n"
            explain(guideline.condition, facts, depth: 1, into: &out)
        }
        return out
    }

    func lineageText(_ area: String) -> String {
        guard let index = areas.index[area] else { return area }
        return areas.lineage[index].map { areas.ids[$0] }.joined(separator: " ⊂ ")
    }

    func explain(_ condition: Condition, _ facts: Facts, depth: Int, into out: inout String) {
        let mark = NaiveConditions.truth(condition, facts, rules).map { $0 ? "✓" : "✗" } ?? "?"
        let indent = String(repeating: "  ", count: depth)
        func list<T: RawRepresentable>(_ items: some Sequence<T>) -> String where T.RawValue == String {
            let names = items.map(\.rawValue).sorted()
            return names.count == 1 ? names[0] : "[\(names.joined(separator: ", "))]"
        }
        switch condition {
        case .and(let parts), .or(let parts):
            let word: String
            if case .and = condition { word = "all of" } else { word = "any of" }
            out += "\(indent)\(mark) \(word):\n"
            for part in parts { explain(part, facts, depth: depth + 1, into: &out) }
        case .not(let inner):
            out += "\(indent)\(mark) not:\n"
            explain(inner, facts, depth: depth + 1, into: &out)
        case .category(let set):
            out += "\(indent)\(mark) category \(list(set))  — is \(facts.category.rawValue)\n"
        case .area(let ids):
            let at = facts.areaID.map(lineageText) ?? "unknown"
            out += "\(indent)\(mark) area \(ids.count == 1 ? ids[0] : "[\(ids.joined(separator: ", "))]")  — is \(at)\n"
        case .severity(let atLeast, let level):
            out +=
                "\(indent)\(mark) severity \(atLeast ? "at least " : "")\(level.rawValue)  — is \(facts.severity.rawValue)\n"
        case .flag(let flag):
            out += "\(indent)\(mark) flag \(flag.rawValue)\n"
        case .reporter(let kinds):
            out += "\(indent)\(mark) reporter \(list(kinds))  — is \(facts.reporterKind?.rawValue ?? "unknown")\n"
        case .during(let window):
            let named = rules.windows.values.first { $0.times == window }?.id.value ?? "the given hours"
            let minute = facts.minuteOfWeek
            var when = "\(Weekday(rawValue: minute / 1440)!.shortName) \(WeeklyWindow.clock(minute % 1440))"
            if !window.isWeeklyOnly {
                let day = LocalTime.floorDiv(facts.wall, 1440)
                when += " \(LocalDateTime(daysSinceEpoch: day).dateText)"
                if let holiday = window.calendar.name(onDay: day) { when += " (\(holiday))" }
            }
            out += "\(indent)\(mark) during \(named)  — happened \(when)\n"
        case .correlation(let c):
            let categories = c.categories.map { " of \(list($0))" } ?? ""
            let scope = c.sameArea ? " in the same area" : ""
            let count = NaiveConditions.count(c, facts, rules)
            out += "\(indent)\(mark) at least \(c.count) incidents\(categories)\(scope) within "
            out += "\(SyntaxPrinter.duration(c.within))  — \(count) counting this one\n"
        case .always:
            out += "\(indent)\(mark) always\n"
        }
    }
}
