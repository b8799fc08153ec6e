import BeredskabEngine
import BeredskabRules
import BeredskabTime

/// The handbook's words in Danish or English: conditions, durations, duties and the fixed texts of
/// its pages (`labels`, for the templates). Kept here rather than in `BeredskabWeb`'s `WebText`, as
/// only the handbook uses them.
public struct HandbookWords: Sendable {
    /// The language.
    public let language: Language
    let rules: RuleSet

    /// Words for this language, with the rules for the names of areas and windows.
    public init(language: Language, rules: RuleSet) {
        self.language = language
        self.rules = rules
    }

    var da: Bool { language == .da }

    /// ` (samfundsvigtig)` after a vital institution's name.
    var vitalMark: String { da ? " (samfundsvigtig)" : " (vital)" }

    /// A duration as a reader says it: `15 min`, `2 timer`, `7 dage` (`2 hours`, `7 days`).
    public func duration(_ seconds: Int) -> String {
        if seconds == 0 { return da ? "straks" : "at once" }
        if seconds % 86_400 == 0 && seconds >= 2 * 86_400 {
            let days = seconds / 86_400
            return da ? "\(days) dage" : "\(days) days"
        }
        if seconds % 3600 == 0 {
            let hours = seconds / 3600
            return da ? "\(hours) \(hours == 1 ? "time" : "timer")" : "\(hours) hour\(hours == 1 ? "" : "s")"
        }
        if seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }

    /// When a notification goes: `straks` / `efter 10 min`.
    public func delay(_ seconds: Int) -> String {
        seconds == 0 ? (da ? "straks" : "at once") : (da ? "efter \(duration(seconds))" : "after \(duration(seconds))")
    }

    func category(_ category: Category) -> String {
        da ? MessageText.category(category) : category.rawValue
    }

    func severity(_ severity: IncidentSeverity) -> String {
        da ? MessageText.severity(severity) : severity.rawValue
    }

    /// A list joined as a reader writes it: `a, b eller c`.
    func list(_ items: [String], _ last: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(last) " + items.last!
    }

    func window(_ times: TimeWindow) -> String {
        if let named = rules.windows.values.sorted(by: { $0.id.value < $1.id.value }).first(where: {
            $0.times == times
        }) {
            return named.name
        }
        var parts = times.weekly.wrappedIntervals.map(WeeklyWindow.describe)
        let da = language == .da
        if !times.holidayIntervals.isEmpty {
            let hours = times.holidayIntervals.map {
                WeeklyWindow.clock($0.lowerBound) + "–"
                    + WeeklyWindow.clock($0.upperBound % 1440 == 0 && $0.upperBound > 0 ? 1440 : $0.upperBound % 1440)
            }
            parts.append((da ? "helligdage " : "holidays ") + hours.joined(separator: ", "))
        }
        if !times.dateIntervals.isEmpty {
            parts.append(da ? "enkelte datoer" : "certain dates")
        }
        if times.exceptHolidays { parts.append(da ? "undtagen helligdage" : "except holidays") }
        return parts.joined(separator: ", ")
    }

    /// A specialised condition in words; `always` for a constant true.
    public func condition(_ specialised: HandbookConditions.Specialised) -> String {
        switch specialised {
        case .constant(let value): return value ? (da ? "altid" : "always") : (da ? "aldrig" : "never")
        case .open(let condition): return self.condition(condition, nested: false)
        }
    }

    func condition(_ condition: Condition, nested: Bool) -> String {
        switch condition {
        case .and(let parts):
            let text = parts.map { self.condition($0, nested: true) }.joined(separator: da ? " og " : " and ")
            return nested ? "(\(text))" : text
        case .or(let parts):
            let text = parts.map { self.condition($0, nested: true) }.joined(separator: da ? " eller " : " or ")
            return nested ? "(\(text))" : text
        case .not(.category(let set)):
            let names = Category.allCases.filter(set.contains).map(category)
            return da ? "hændelsen er ikke \(list(names, "eller"))" : "the incident is not \(list(names, "or"))"
        case .not(.area(let ids)):
            let names = ids.map { rules.areas[$0]?.name ?? $0 }
            return da ? "uden for \(list(names, "og"))" : "outside \(list(names, "and"))"
        case .not(.severity(true, let level)):
            return da ? "alvorlighed under \(severity(level))" : "severity below \(level.rawValue)"
        case .not(.flag(let flag)):
            switch flag {
            case .injured: return da ? "ingen er kommet til skade" : "nobody is injured"
            case .weapons: return da ? "der er ikke våben involveret" : "no weapons are involved"
            case .minors: return da ? "ingen mindreårige er involveret" : "no minors are involved"
            }
        case .not(let inner):
            return (da ? "ikke " : "not ") + self.condition(inner, nested: true)
        case .category(let set):
            let names = Category.allCases.filter(set.contains).map(category)
            return da ? "hændelsen er \(list(names, "eller"))" : "the incident is \(list(names, "or"))"
        case .area(let ids):
            let names = ids.map { rules.areas[$0]?.name ?? $0 }
            return da ? "i \(list(names, "eller"))" : "in \(list(names, "or"))"
        case .severity(let atLeast, let level):
            if da { return atLeast ? "alvorlighed mindst \(severity(level))" : "alvorlighed \(severity(level))" }
            return atLeast ? "severity at least \(level.rawValue)" : "severity \(level.rawValue)"
        case .flag(let flag):
            switch flag {
            case .injured: return da ? "der er tilskadekomne" : "someone is injured"
            case .weapons: return da ? "der er våben involveret" : "weapons are involved"
            case .minors: return da ? "mindreårige er involveret" : "minors are involved"
            }
        case .reporter(let kinds):
            let names = kinds.map(\.rawValue).sorted()
            return da ? "anmelderen er \(list(names, "eller"))" : "the reporter is \(list(names, "or"))"
        case .during(let weekly):
            return da ? "i tidsrummet \(window(weekly))" : "during \(window(weekly))"
        case .correlation(let c):
            let of =
                c.categories.map { set in
                    let names = Category.allCases.filter(set.contains).map(category)
                    return da ? " (\(list(names, "eller")))" : " (\(list(names, "or")))"
                } ?? ""
            let place = c.sameArea ? (da ? " i samme område" : " in the same area") : ""
            return da
                ? "mindst \(c.count) hændelser\(of)\(place) inden for \(duration(c.within)), denne medregnet"
                : "at least \(c.count) incidents\(of)\(place) within \(duration(c.within)), this one included"
        case .always: return da ? "altid" : "always"
        }
    }

    func toldAsReporter(delay: Int) -> String {
        da
            ? "Jeres nøglepersoner får besked \(self.delay(delay)) (kun situationen, ingen personoplysninger), når I selv anmelder."
            : "Your key persons are told \(self.delay(delay)) (the situation only, no personal details) when you report it yourselves."
    }

    func toldInRole(_ role: String, delay: Int) -> String {
        da ? "Som \(role) får I besked \(self.delay(delay))." : "As \(role) you are told \(self.delay(delay))."
    }

    func toldOnEscalation(_ role: String, after: Int) -> String {
        da
            ? "Som \(role) får I besked, hvis ingen har kvitteret efter \(duration(after))."
            : "As \(role) you are told if nobody has acknowledged after \(duration(after))."
    }

    func ownTask(_ text: String, role: String, within: Int) -> String {
        da
            ? "\(text) (som \(role), inden for \(duration(within)))."
            : "\(text) (as \(role), within \(duration(within)))."
    }

    func confirmOpen(_ institution: String, within: Int) -> String {
        da
            ? "Bekræft inden for \(duration(within)), om \(institution) holder åbent."
            : "Confirm within \(duration(within)) whether \(institution) stays open."
    }

    /// The name of an institution kind.
    public func institutionKind(_ kind: InstitutionKind) -> String {
        guard da else { return String(kind.rawValue.map { $0 == "-" ? " " : $0 }) }
        switch kind {
        case .school: return "skoler"
        case .privateSchool: return "privat- og friskoler"
        case .afterSchoolCentre: return "fritidshjem"
        case .youthClub: return "klubber"
        case .daycare: return "daginstitutioner"
        case .jobcentre: return "jobcentre"
        case .activityCentre: return "aktivitetscentre"
        case .citizenService: return "borgerservice"
        }
    }

    /// A priority's name.
    public func priority(_ priority: Priority) -> String {
        guard da else { return priority.rawValue }
        switch priority {
        case .critical: return "kritisk"
        case .high: return "høj"
        case .normal: return "normal"
        case .low: return "lav"
        }
    }

    /// The fixed texts of the handbook's pages, by key, for the templates (`{{h.key}}`).
    public var labels: [String: String] {
        da
            ? [
                "title": "Kriseberedskab", "subtitle": "Vejledning ved akutte kriser",
                "made": "Udarbejdet", "rules": "Regelsæt", "contents": "Indhold",
                "first": "Det første du gør", "call112": "Er liv eller helbred i fare: ring 112 først.",
                "thenReport": "Meld derefter hændelsen til Beredskab på formularen:",
                "byPhone": "eller pr. telefon:",
                "noPhone":
                    "Kan du ikke bruge formularen, så ring til en af jeres nøglepersoner (nedenfor), som melder den.",
                "reportWhat":
                    "Oplys hvad der er sket, hvor og hvornår, hvor alvorligt, og om der er tilskadekomne, våben eller mindreårige involveret. Personoplysninger ses kun af myndigheder (Retsplejelovens §115).",
                "guidelines": "Kriser og vejledninger",
                "noGuidelines": "Ingen vejledning kan udløses af jeres anmeldelser.",
                "applies": "Gælder når", "priority": "Prioritet", "told": "Hvem får besked, og hvor hurtigt",
                "ownKeyPersons": "Jeres egne nøglepersoner", "personal": "med personoplysninger",
                "tasks": "Opgaver med frist", "within": "inden for", "ifOverdue": "overskrides fristen, får besked:",
                "escalates": "Hvad eskalerer", "unacknowledged": "Hvis ingen har kvitteret efter",
                "repeat": "gentages", "times": "gange", "ownDuties": "Det skal I selv gøre",
                "noOwnDuties": "Ingen opgaver til jer ud over at melde hændelsen og følge med i sagen.",
                "watched": "Institutioner der overvåges for lukning",
                "incidentArea": "i hændelsens område", "confirm": "lederne bekræfter inden for",
                "for": "i", "merge": "Meldinger af samme slags i samme område inden for",
                "mergeTail": "bliver til én hændelse.", "suppresses": "Mens den er aktiv, tier",
                "keyPersons": "Jeres nøglepersoner", "keyPerson": "nøgleperson", "email": "E-mail",
                "phone": "Telefon", "roles": "Roller",
                "noKeyPersons": "Organisationen har ingen nøglepersoner i Contacts/.",
                "ownRoles": "Jeres roller",
                "othersByRole":
                    "Andre organisationers personer nævnes kun ved deres rolle; deres kontaktoplysninger står ikke her.",
                "name": "Navn", "role": "Rolle", "duty": "Opgave", "when": "Hvornår",
            ]
            : [
                "title": "Crisis preparedness", "subtitle": "Guidelines for acute crises",
                "made": "Made", "rules": "Rules", "contents": "Contents",
                "first": "What to do first", "call112": "If life or health is in danger: call 112 first.",
                "thenReport": "Then report the incident to Beredskab on the form:",
                "byPhone": "or by phone:",
                "noPhone": "If you cannot use the form, call one of your key persons (below), who reports it.",
                "reportWhat":
                    "Say what happened, where and when, how serious it is, and whether anyone is injured or weapons or minors are involved. Personal details are seen by authorities only (Retsplejeloven §115).",
                "guidelines": "Crises and guidelines", "noGuidelines": "No guideline can be fired by your reports.",
                "applies": "Applies when", "priority": "Priority", "told": "Who is told, and how fast",
                "ownKeyPersons": "Your own key persons", "personal": "with personal details",
                "tasks": "Tasks with deadlines", "within": "within", "ifOverdue": "if overdue, told:",
                "escalates": "What escalates", "unacknowledged": "If nobody has acknowledged after",
                "repeat": "repeated", "times": "times", "ownDuties": "What you must do yourselves",
                "noOwnDuties": "Nothing beyond reporting the incident and following the case.",
                "watched": "Institutions watched for closures",
                "incidentArea": "in the incident's area", "confirm": "leaders confirm within",
                "for": "for", "merge": "Reports of the same kind in the same area within",
                "mergeTail": "become one incident.", "suppresses": "While it is active, these stay silent:",
                "keyPersons": "Your key persons", "keyPerson": "key person", "email": "E-mail",
                "phone": "Phone", "roles": "Roles", "noKeyPersons": "The organisation has no key persons in Contacts/.",
                "ownRoles": "Your roles",
                "othersByRole":
                    "Other organisations' people are named by role only; their contact details are not here.",
                "name": "Name", "role": "Role", "duty": "Duty", "when": "When",
            ]
    }
}
