import BeredskabRules
import BeredskabTime

/// The situation tier of an incident: what, where, when. It has no place for personal details, so
/// no page that shows a `Situation` can show them.
public struct Situation: Sendable, Equatable {
    /// The kind of incident.
    public var category: Category
    /// How severe it is.
    public var severity: IncidentSeverity
    /// The area's name, nil if not known.
    public var areaName: String?
    /// The address, nil or empty if not given.
    public var address: String?
    /// The reported position (WGS 84), nil if not given; shown with a map link and a `geo:` link.
    public var coordinate: Coordinate?
    /// When it happened, nil if not known.
    public var occurredAt: Instant?
    /// What happened, as reported.
    public var description: String
    /// People are injured.
    public var injured: Bool
    /// Weapons are involved.
    public var weapons: Bool
    /// Minors are involved.
    public var minors: Bool
    /// It is an exercise: every page showing it says so first, in a banner.
    public var exercise = false

    /// Creates a situation.
    public init(
        category: Category, severity: IncidentSeverity, areaName: String? = nil, address: String? = nil,
        coordinate: Coordinate? = nil, occurredAt: Instant? = nil, description: String, injured: Bool = false,
        weapons: Bool = false, minors: Bool = false
    ) {
        self.category = category
        self.severity = severity
        self.areaName = areaName
        self.address = address
        self.coordinate = coordinate
        self.occurredAt = occurredAt
        self.description = description
        self.injured = injured
        self.weapons = weapons
        self.minors = minors
    }

    /// The situation as the description list `Templates/situation.mustache` shows; every key is
    /// present (`false` when empty).
    func view(_ lang: Language) -> [String: Any] {
        func t(_ key: WebText) -> String { key.text(lang) }
        var flags: [String] = []
        if injured { flags.append(t(.flagInjured)) }
        if weapons { flags.append(t(.flagWeapons)) }
        if minors { flags.append(t(.flagMinors)) }
        return [
            "exercise": exercise
                ? (lang == .da
                    ? "ØVELSE – dette er en øvelse, ikke en rigtig hændelse"
                    : "EXERCISE – this is an exercise, not a real incident") : false,
            "category": t(WebText.category(category)), "severityCode": severity.rawValue,
            "severity": t(WebText.severity(severity)), "area": areaName ?? t(.areaUnknown),
            "address": address.flatMap { $0.isEmpty ? nil : $0 } ?? false,
            "coordinate": coordinate.map {
                ["text": $0.text, "map": $0.mapURL, "geo": $0.geoURI] as [String: Any]
            } ?? false,
            "occurredAt": occurredAt.map { WebTime.view($0, lang) } ?? false,
            "flags": flags.isEmpty ? t(.flagsNone) : flags.joined(separator: ", "),
            "description": description,
        ]
    }
}
