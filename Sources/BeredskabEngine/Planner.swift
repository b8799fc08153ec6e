import BeredskabRoster
import BeredskabRules
import BeredskabTime

/// Turns the actions of fired guidelines into notifications, tasks, watches and escalations.
struct Planner {
    let engine: Engine
    let report: IncidentReport
    let facts: Facts
    let at: Instant
    var notifications: [PlannedNotification] = []
    var byPerson: [String: Int] = [:]
    var tasks: [PlannedTask] = []
    var watches: [PlannedWatch] = []
    var escalations: [PlannedEscalation] = []
    var problems: [PlanProblem] = []
    /// Duty looked up once per role and time within one plan.
    var dutyCache: [DutyKey: [String]] = [:]

    struct DutyKey: Hashable {
        var role: String
        var time: Instant
    }

    init(engine: Engine, report: IncidentReport, facts: Facts, at: Instant) {
        self.engine = engine
        self.report = report
        self.facts = facts
        self.at = at
    }

    mutating func problem(_ kind: String, _ message: String) {
        let problem = PlanProblem(kind: kind, message: message)
        if !problems.contains(problem) { problems.append(problem) }
    }

    /// Whoever is on duty in a role at a time, noting a role with nobody.
    mutating func onDuty(_ role: String, at time: Instant, for guideline: Guideline) -> [String] {
        let key = DutyKey(role: role, time: time)
        let persons = dutyCache[key] ?? engine.duty.onDuty(role, at: time)
        dutyCache[key] = persons
        if persons.isEmpty {
            let clock = engine.zone.local(time).danishText
            problem(
                "nobody-on-duty", "nobody is on duty for role '\(role)' at \(clock) (guideline '\(guideline.id.value)')"
            )
        }
        return persons
    }

    mutating func add(_ guideline: Guideline) {
        for action in guideline.notifications {
            let sendAt = engine.zone.later(at, by: action.delay)
            switch action.recipients {
            case .roles(let roles):
                for role in roles {
                    for person in onDuty(role.value, at: sendAt, for: guideline) {
                        notify(person, as: role.value, at: sendAt, tier: action.tier, guideline)
                    }
                }
            case .reporter:
                let organisation = report.reporter.organisation
                let persons = engine.keyPersons[organisation] ?? []
                if persons.isEmpty {
                    problem("no-key-persons", "the reporting organisation '\(organisation)' has no key persons to tell")
                }
                for person in persons { notify(person, as: "reporter", at: sendAt, tier: .situation, guideline) }
            }
        }
        for task in guideline.tasks {
            tasks.append(
                PlannedTask(
                    guideline: guideline.id.value, text: task.text, role: task.role.value,
                    due: engine.zone.later(at, by: task.within),
                    assignees: onDuty(task.role.value, at: at, for: guideline), escalateTo: task.escalateTo.map(\.value)
                ))
        }
        for watch in guideline.watches { addWatch(watch, guideline) }
        for escalation in guideline.escalations {
            for round in 0...escalation.repeats {
                escalations.append(
                    PlannedEscalation(
                        guideline: guideline.id.value, after: engine.zone.later(at, by: escalation.after * (round + 1)),
                        to: escalation.roles.map(\.value), round: round, tier: escalation.tier))
            }
        }
    }

    /// One notification per person: the earliest send time, the widest tier they are entitled to,
    /// every role and guideline behind it.
    mutating func notify(
        _ id: String, as role: String, at sendAt: Instant, tier: ContentTier, _ guideline: Guideline,
        message: String? = nil
    ) {
        guard let person = engine.roster.persons[id] else { return }
        // §115: personal details only ever to persons of an authority organisation, whatever a rule says.
        let entitled = engine.roster.organisations[person.organisation.value]?.isAuthority == true
        let tier: ContentTier = tier == .personal && entitled ? .personal : .situation
        if let index = byPerson[id] {
            var existing = notifications[index]
            if !existing.roles.contains(role) { existing.roles.append(role) }
            if !existing.guidelines.contains(guideline.id.value) { existing.guidelines.append(guideline.id.value) }
            if tier == .personal { existing.tier = .personal }
            if sendAt < existing.sendAt { existing.sendAt = sendAt }
            notifications[index] = existing
            return
        }
        if person.channels.isEmpty {
            problem("no-channel", "\(person.name) ('\(id)') has no channel and cannot be notified")
        }
        byPerson[id] = notifications.count
        notifications.append(
            PlannedNotification(
                person: id, name: person.name, organisation: person.organisation.value, roles: [role],
                channels: person.channels, sendAt: sendAt, tier: tier, language: person.language,
                guidelines: [guideline.id.value], message: message ?? render(guideline, in: person.language)))
    }

    mutating func addWatch(_ watch: WatchAction, _ guideline: Guideline) {
        let area: Int?
        if let named = watch.area {
            area = engine.areas.index[named.value]
        } else {
            area = facts.area
            if area == nil {
                problem("unplaced", "guideline '\(guideline.id.value)' watches the incident's area, which is unknown")
            }
        }
        let institutions = area.map { engine.institutionsWithin[$0].filter { watch.kinds.contains($0.kind) } } ?? []
        for institution in institutions where institution.leader == nil {
            problem("no-leader", "institution '\(institution.id.value)' has no leader to confirm whether it is open")
        }
        watches.append(
            PlannedWatch(
                guideline: guideline.id.value, institutions: institutions.map(\.id.value),
                leaders: institutions.compactMap { $0.leader?.value },
                confirmBy: engine.zone.later(at, by: watch.confirmWithin),
                until: engine.zone.later(at, by: watch.duration)))
    }

    /// The personal-details block for each language, if the report names any persons.
    var personalDetails: [Language: String] {
        guard !report.persons.isEmpty else { return [:] }
        func lines(_ heading: String, _ age: String) -> String {
            "\n\n" + heading + "\n"
                + report.persons.map { person in
                    var parts = [person.name]
                    if let years = person.age { parts.append("\(years) \(age)") }
                    if let involvement = person.involvement { parts.append(involvement) }
                    if let reference = person.reference { parts.append(reference) }
                    return "- " + parts.joined(separator: ", ")
                }.joined(separator: "\n")
        }
        return [
            .da: lines("Personoplysninger (retsplejelovens § 115, kun til myndigheder):", "år"),
            .en: lines("Personal details (Administration of Justice Act § 115, authorities only):", "years"),
        ]
    }

    func render(_ guideline: Guideline, in language: Language) -> String {
        let template = guideline.messages[language] ?? guideline.messages[.da] ?? guideline.title
        return MessageRenderer(engine: engine, report: report, area: facts.area, guideline: guideline)
            .render(template, language: guideline.messages[language] == nil ? .da : language)
    }

    func finish(into plan: inout Plan) {
        // The personal tier, rendered only now that each person's tier is final, and only for
        // persons of authority organisations (the tier is never personal for anyone else).
        let details = personalDetails
        let finished = notifications.map { notification in
            guard notification.tier == .personal, let details = details[notification.language] else {
                return notification
            }
            var withDetails = notification
            withDetails.details = details
            return withDetails
        }
        plan.notifications = finished.sorted { ($0.sendAt, $0.person) < ($1.sendAt, $1.person) }
        plan.tasks = tasks
        plan.watches = watches
        plan.escalations = escalations
        plan.problems += problems
    }
}

/// Fills a guideline's message template for one incident. `{link}` is kept for the delivery step,
/// which puts each recipient's own acknowledgement link there. Personal details never appear.
///
/// A placeholder with no value (no address, no description, no coordinates) is removed together
/// with the punctuation it would leave behind, by the rule in docs/language.md ("Empty
/// placeholders"). When the report has coordinates and the template shows none of `{coordinates}`,
/// `{map}` and `{geo}`, a line with the position and two map links is added at the end, in the
/// message's language: coordinates are situation tier, so every recipient gets them.
struct MessageRenderer {
    let engine: Engine
    let report: IncidentReport
    let area: Int?
    let guideline: Guideline

    static let danishCategories: [Category: String] = [
        .shooting: "skyderi", .weapons: "våben", .gang: "bandehændelse", .unrest: "uro", .vandalism: "hærværk",
        .violence: "vold", .threat: "trusler", .burglary: "indbrud", .theft: "tyveri", .drugs: "narkotika",
        .harassment: "chikane", .discrimination: "diskrimination", .fire: "brand", .release: "løsladelse",
        .insecurity: "utryghed", .other: "andet",
    ]
    static let danishSeverities: [IncidentSeverity: String] = [
        .minor: "mindre", .moderate: "moderat", .severe: "alvorlig", .extreme: "meget alvorlig",
    ]
    /// What an empty placeholder takes with it from the text before it, or after it when it stands
    /// first; a plain space is taken only when none of these is there.
    static let separators = [", ", "; ", " – ", " - "]
    /// The placeholders that show the position; when a template uses none, a position line is added.
    static let positionPlaceholders: Set<String> = ["coordinates", "map", "geo"]

    /// The value of a placeholder, "" when the report has nothing for it, nil for one left to the
    /// delivery step (`{link}`). `shown` are the placeholders the template uses.
    func value(_ name: String, _ language: Language, shown: Set<String>) -> String? {
        let local = engine.zone.local(report.occurredAt)
        let address = report.location.address ?? ""
        switch name {
        case "title": return guideline.title
        case "area":
            if let area, let named = engine.rules.areas[engine.areas.ids[area]] { return named.name }
            // An unplaced report: its address stands in for the area, unless the message shows it anyway.
            if !address.isEmpty && !shown.contains("address") { return address }
            return language == .da ? "ukendt område" : "unknown area"
        case "address": return address
        case "coordinates": return report.location.coordinate?.text ?? ""
        case "map": return report.location.coordinate?.mapURL ?? ""
        case "geo": return report.location.coordinate?.geoURI ?? ""
        case "category": return language == .da ? Self.danishCategories[report.category]! : report.category.rawValue
        case "severity": return language == .da ? Self.danishSeverities[report.severity]! : report.severity.rawValue
        case "date":
            let date = local.dateText.split(separator: "-")
            return language == .da ? "\(date[2])-\(date[1])-\(date[0])" : local.dateText
        case "time": return WeeklyWindow.clock(local.minutes)
        case "description": return report.description ?? ""
        case "reporter":
            return engine.roster.organisations[report.reporter.organisation]?.name ?? report.reporter.organisation
        default: return nil
        }
    }

    /// The names of the placeholders a template uses.
    static func placeholders(in template: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(template)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            let after = rest.index(after: open)
            if after < rest.endIndex, rest[after] == rest[open] {
                rest = rest[rest.index(after: after)...]
                continue
            }
            guard rest[open] == "{", let close = rest[after...].firstIndex(of: "}") else {
                rest = rest[after...]
                continue
            }
            names.insert(String(rest[after..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// The line added to a message that shows no position, when the report has coordinates.
    func positionLine(_ language: Language) -> String? {
        guard let point = report.location.coordinate else { return nil }
        let map = language == .da ? "kort" : "map"
        return "Position: \(point.text) – \(map): \(point.mapURL) – \(point.geoURI)"
    }

    func render(_ template: String, language: Language) -> String {
        let shown = Self.placeholders(in: template)
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            out += rest[..<open]
            let after = rest.index(after: open)
            if after < rest.endIndex, rest[after] == rest[open] {
                out.append(rest[open])
                rest = rest[rest.index(after: after)...]
                continue
            }
            guard rest[open] == "{", let close = rest[after...].firstIndex(of: "}"),
                let text = value(String(rest[after..<close]), language, shown: shown)
            else {
                // `{link}` and anything not filled here stay for the delivery step.
                let end = rest[after...].firstIndex(of: "}").map { rest.index(after: $0) } ?? rest.endIndex
                out += rest[open..<end]
                rest = rest[end...]
                continue
            }
            rest = rest[rest.index(after: close)...]
            if text.isEmpty {
                Self.removeEmpty(&out, &rest)
            } else {
                out += text
            }
        }
        out += rest
        if Self.positionPlaceholders.isDisjoint(with: shown), let line = positionLine(language) {
            out += "\n" + line
        }
        return out
    }

    /// Takes away what an empty placeholder would leave behind, from the text rendered so far
    /// (`out`) and the template after the placeholder (`rest`), the first rule that applies:
    /// 1. a bracket pair left empty, `(` before and `)` after, goes with the space before it (the
    ///    space after it at the start of a line);
    /// 2. a separator (`, `, `; `, ` – `, ` - `) before it goes;
    /// 3. when it stands first (at the start, or after a space, a line break or an opening bracket),
    ///    a separator after it goes;
    /// 4. a space before it goes, or else a space after it;
    /// 5. on a line of its own, its line break goes.
    static func removeEmpty(_ out: inout String, _ rest: inout Substring) {
        let pairs: [(Character, Character)] = [("(", ")"), ("[", "]")]
        if let last = out.last, let first = rest.first, pairs.contains(where: { $0 == (last, first) }) {
            out.removeLast()
            rest = rest.dropFirst()
            if out.last == " " {
                out.removeLast()
            } else if out.isEmpty || out.last == "\n", rest.first == " " {
                rest = rest.dropFirst()
            }
            return
        }
        if let separator = separators.first(where: { out.hasSuffix($0) }) {
            out.removeLast(separator.count)
            return
        }
        let standsFirst = out.last.map { $0 == " " || $0 == "\n" || $0 == "(" || $0 == "[" } ?? true
        if standsFirst, let separator = separators.first(where: { rest.hasPrefix($0) }) {
            rest = rest.dropFirst(separator.count)
            return
        }
        if out.last == " " {
            out.removeLast()
        } else if rest.first == " " {
            rest = rest.dropFirst()
        } else if out.last == "\n" || out.isEmpty, rest.first == "\n" {
            rest = rest.dropFirst()
        }
    }
}
