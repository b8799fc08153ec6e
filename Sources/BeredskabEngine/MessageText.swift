import BeredskabRules

/// Danish words for an incident's facts in system messages (updates, merged reports), the same
/// words a guideline's `{category}` and `{severity}` placeholders give.
public enum MessageText {
    /// `skyderi`, `vold`, … for a category.
    public static func category(_ category: Category) -> String {
        MessageRenderer.danishCategories[category] ?? category.rawValue
    }

    /// `mindre`, `moderat`, `alvorlig`, `meget alvorlig`.
    public static func severity(_ severity: IncidentSeverity) -> String {
        MessageRenderer.danishSeverities[severity] ?? severity.rawValue
    }

    /// The raised flags as Danish words, e.g. `tilskadekomne, våben`; empty when none.
    public static func flags(_ flags: Set<IncidentFlag>) -> String {
        let words: [IncidentFlag: String] = [.injured: "tilskadekomne", .weapons: "våben", .minors: "mindreårige"]
        return IncidentFlag.allCases.filter(flags.contains).compactMap { words[$0] }.joined(separator: ", ")
    }
}

extension Engine {
    /// The personal-details block (§115) of a report's persons in a language, as a personal-tier
    /// notification carries it; nil when the report names nobody. Only ever for authorities.
    public func personalDetails(_ report: IncidentReport, language: Language) -> String? {
        Planner(engine: self, report: report, facts: facts(report, history: IncidentHistory()), at: report.occurredAt)
            .personalDetails[language]
    }
}
