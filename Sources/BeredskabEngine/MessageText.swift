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
    public static func flags(_ flags: Set<IncidentFlag>) -> String { self.flags(flags, in: .da) }

    /// The raised flags in a language: `tilskadekomne, våben` or `injured, weapons`; empty when none.
    public static func flags(_ flags: Set<IncidentFlag>, in language: Language) -> String {
        let words: [IncidentFlag: String] =
            language == .da
            ? [.injured: "tilskadekomne", .weapons: "våben", .minors: "mindreårige"]
            : [.injured: "injured", .weapons: "weapons", .minors: "minors"]
        return IncidentFlag.allCases.filter(flags.contains).compactMap { words[$0] }.joined(separator: ", ")
    }

    /// Who reports what and how serious it is, with the raised flags, in a language: `AKB melder
    /// vold, alvorlig, tilskadekomne` or `AKB reports violence, severe, injured`. English uses the
    /// category and severity ids, as a guideline's `{category}` does for an English reader.
    public static func facts(_ report: IncidentReport, reporter: String, in language: Language) -> String {
        let flags = self.flags(report.flags, in: language)
        let said =
            language == .da
            ? "\(reporter) melder \(category(report.category)), \(severity(report.severity))"
            : "\(reporter) reports \(report.category.rawValue), \(report.severity.rawValue)"
        return flags.isEmpty ? said : "\(said), \(flags)"
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
