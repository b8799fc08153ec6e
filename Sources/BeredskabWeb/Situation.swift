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

    /// The situation as a description list.
    func html(_ lang: Language) -> String {
        let t = Texts(lang)
        var out = ""
        if exercise {
            let words =
                lang == .da
                ? "ØVELSE – dette er en øvelse, ikke en rigtig hændelse"
                : "EXERCISE – this is an exercise, not a real incident"
            out += "<p class=\"exercise-banner\" role=\"alert\"><strong>\(words)</strong></p>\n"
        }
        out += "<dl class=\"situation\">\n"
        func row(_ key: WebText, _ value: String) { out += "<dt>\(t[key])</dt><dd>\(value)</dd>\n" }
        row(.fieldCategory, t[WebText.category(category)])
        row(.fieldSeverity, "<span class=\"severity sev-\(severity.rawValue)\">\(t[WebText.severity(severity)])</span>")
        row(.fieldArea, areaName.map(HTML.escape) ?? t[.areaUnknown])
        if let address, !address.isEmpty { row(.fieldAddress, HTML.escape(address)) }
        if let coordinate {
            row(
                .fieldCoordinates,
                "<span class=\"coordinates\">\(HTML.escape(coordinate.text))</span>"
                    + " <a class=\"map-link\" href=\"\(HTML.escape(coordinate.mapURL))\">\(t[.mapLink])</a>"
                    + " <a class=\"geo-link\" href=\"\(HTML.escape(coordinate.geoURI))\">\(t[.geoLink])</a>")
        }
        row(.fieldOccurredAt, occurredAt.map { WebTime.element($0, lang) } ?? t[.timeUnknown])
        var flags: [String] = []
        if injured { flags.append(t[.flagInjured]) }
        if weapons { flags.append(t[.flagWeapons]) }
        if minors { flags.append(t[.flagMinors]) }
        row(.fieldFlags, flags.isEmpty ? t[.flagsNone] : flags.joined(separator: ", "))
        row(.fieldDescription, "<span class=\"prewrap\">\(HTML.escape(description))</span>")
        return out + "</dl>\n"
    }
}
