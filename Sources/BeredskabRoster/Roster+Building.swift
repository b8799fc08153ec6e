import BeredskabRules
import BeredskabSyntax
import BeredskabTime

extension Roster {
    /// The date rotas count from when they do not say `starting` (a Monday).
    public static let defaultStart = LocalDateTime(year: 2026, month: 1, day: 5)

    /// Builds and checks the roster from its declarations, resolving roles, areas and windows in `rules`.
    public static func build(
        _ declarations: [Declaration], rules: RuleSet, diagnostics: inout Diagnostics
    ) -> Roster {
        var builder = RosterBuilder(rules: rules)
        builder.build(declarations)
        diagnostics.append(contentsOf: builder.diagnostics)
        return builder.roster
    }
}

private struct RosterBuilder {
    let rules: RuleSet
    var diagnostics = Diagnostics()
    var roster = Roster()
    var organisations = SymbolTable<Organisation>(kind: "organisation")
    var persons = SymbolTable<PersonSyntax>(kind: "person")
    var rotaIDs = SymbolTable<Span>(kind: "rota")
    var institutions = SymbolTable<Institution>(kind: "institution")
    /// The roles each person holds, so adding a holder is not a search through all of a role's holders.
    var held: [String: Set<String>] = [:]

    init(rules: RuleSet) {
        self.rules = rules
    }

    mutating func build(_ declarations: [Declaration]) {
        var rotaSyntax: [RotaSyntax] = []
        var overrideSyntax: [OverrideSyntax] = []
        var institutionSyntax: [InstitutionSyntax] = []
        for declaration in declarations {
            switch declaration {
            case .organisation(let syntax):
                var kind = OrganisationKind.other
                if let name = syntax.kind {
                    kind = diagnostics.word(OrganisationKind.self, name, what: "organisation kind") ?? .other
                } else if !syntax.incomplete {
                    diagnostics.error(
                        "organisation '\(syntax.id.value)' has no kind; say e.g. kind authority or kind housing-association",
                        at: syntax.id.span)
                }
                organisations.add(
                    syntax.id, Organisation(id: syntax.id, name: syntax.title?.value ?? syntax.id.value, kind: kind),
                    diagnostics: &diagnostics)
            case .person(let syntax): persons.add(syntax.id, syntax, diagnostics: &diagnostics)
            case .rota(let syntax):
                rotaIDs.add(syntax.id, syntax.id.span, diagnostics: &diagnostics)
                rotaSyntax.append(syntax)
            case .override(let syntax): overrideSyntax.append(syntax)
            case .institution(let syntax): institutionSyntax.append(syntax)
            default: continue
            }
        }
        roster.organisations = organisations.byID
        for id in persons.order { buildPerson(persons.byID[id]!) }
        roster.personOrder = persons.order
        for syntax in rotaSyntax { buildRota(syntax) }
        for syntax in overrideSyntax { buildOverride(syntax) }
        checkOverrideCircles()
        for syntax in institutionSyntax { buildInstitution(syntax) }
        roster.institutions = institutions.byID
    }

    func organisation(of person: String) -> Organisation? {
        roster.persons[person].flatMap { roster.organisations[$0.organisation.value] }
    }

    /// Reports a person of a non-authority organisation taking an authority-only role.
    mutating func checkAuthority(person: Name, role: Name, how: String) {
        guard let held = rules.roles[role.value], held.authorityOnly,
            let organisation = organisation(of: person.value), !organisation.isAuthority
        else { return }
        diagnostics.error(
            "'\(person.value)' of '\(organisation.id.value)' (\(organisation.kind.rawValue)) \(how) '\(role.value)', which only authorities may hold",
            at: role.span,
            notes: [
                .init("'\(role.value)' is authority only", at: held.id.span),
                .init("Retsplejelovens §115: personal details may only be shared between authorities"),
            ])
    }

    mutating func addHolder(_ person: String, of role: String) {
        if held[person, default: []].insert(role).inserted { roster.holders[role, default: []].append(person) }
    }

    mutating func buildPerson(_ syntax: PersonSyntax) {
        let id = syntax.id
        if let organisation = syntax.organisation {
            if roster.organisations[organisation.value] == nil {
                diagnostics.unknown("organisation", organisation, among: organisations.order)
            }
        } else if !syntax.incomplete {
            diagnostics.error("person '\(id.value)' has no organisation", at: id.span)
        }
        var channels: [Channel] = []
        for channel in syntax.channels {
            let kind = ChannelKind(rawValue: channel.kind.value)!
            if let problem = Self.problem(with: channel.address.value, kind: kind) {
                diagnostics.error(problem, at: channel.address.span)
            }
            channels.append(Channel(kind: kind, address: channel.address.value))
        }
        if channels.isEmpty && !syntax.incomplete {
            diagnostics.warning(
                "person '\(id.value)' has no channel and cannot be notified; add email, sms or webhook", at: id.span)
        }
        let language = syntax.language.flatMap { diagnostics.word(Language.self, $0, what: "language") } ?? .da
        roster.persons[id.value] = Person(
            id: id, name: syntax.title?.value ?? id.value,
            organisation: syntax.organisation ?? Name("", id.span), channels: channels, language: language,
            roles: syntax.roles, keyPerson: syntax.keyPerson != nil)
        for role in syntax.roles {
            guard rules.roles[role.value] != nil else {
                diagnostics.unknown("role", role, among: rules.roles.keys.sorted())
                continue
            }
            checkAuthority(person: id, role: role, how: "holds")
            addHolder(id.value, of: role.value)
        }
    }

    /// What is wrong with a channel address, if anything.
    static func problem(with address: String, kind: ChannelKind) -> String? {
        switch kind {
        case .email:
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count != 2 || parts[0].isEmpty || !parts[1].contains(".") || parts[1].hasPrefix(".")
                || parts[1].hasSuffix(".") || address.contains(where: \.isWhitespace)
            {
                return "'\(address)' is not an email address"
            }
        case .sms:
            let digits = address.filter(\.isASCII).filter(\.isNumber)
            let allowed = address.dropFirst().allSatisfy { $0 == " " || ($0.isASCII && $0.isNumber) }
            if !address.hasPrefix("+") || !allowed || !(8...15).contains(digits.count) {
                return "'\(address)' is not a phone number in international form, such as \"+45 01 00 00 01\""
            }
        case .webhook:
            let rest =
                address.hasPrefix("https://")
                ? address.dropFirst(8) : address.hasPrefix("http://") ? address.dropFirst(7) : nil
            if rest == nil || rest!.isEmpty || rest!.hasPrefix("/") || address.contains(where: \.isWhitespace) {
                return "'\(address)' is not an http:// or https:// URL"
            }
        }
        return nil
    }

    mutating func buildRota(_ syntax: RotaSyntax) {
        let id = syntax.id
        let roleKnown: Bool
        if let role = syntax.role {
            roleKnown = rules.roles[role.value] != nil
            if !roleKnown { diagnostics.unknown("role", role, among: rules.roles.keys.sorted()) }
        } else {
            roleKnown = false
            if !syntax.incomplete {
                diagnostics.error("rota '\(id.value)' has no role; say which role it covers with role …", at: id.span)
            }
        }
        if syntax.members.isEmpty && !syntax.incomplete {
            diagnostics.error("rota '\(id.value)' has no members", at: syntax.membersSpan ?? id.span)
        }
        for member in syntax.members {
            guard roster.persons[member.value] != nil else {
                diagnostics.unknown("person", member, among: persons.order)
                continue
            }
            if let role = syntax.role, roleKnown {
                // A person who lists the role already had §115 checked where they list it.
                let listed = roster.persons[member.value]!.roles.contains { $0.value == role.value }
                if !listed {
                    checkAuthority(person: member, role: Name(role.value, member.span), how: "is on the rota for")
                }
                addHolder(member.value, of: role.value)
            }
        }
        var handover: Handover?
        if let handoverSyntax = syntax.handover {
            if let day = handoverSyntax.day {
                if let weekday = Weekday(id: day.value) {
                    handover = .weekly(weekday, handoverSyntax.time.value)
                } else {
                    var notes: [Diagnostic.Note] = []
                    if let guess = closest(to: day.value, in: Weekday.allCases.map(\.id)) {
                        notes.append(.init("did you mean '\(guess)'?"))
                    }
                    diagnostics.error("unknown day '\(day.value)'; use mon … sun", at: day.span, notes: notes)
                }
            } else {
                handover = .daily(handoverSyntax.time.value)
            }
            if handoverSyntax.time.value >= 24 * 60 {
                diagnostics.error("hand over at 00:00 of the next day, not 24:00", at: handoverSyntax.time.span)
            }
        } else if syntax.members.count > 1 && !syntax.incomplete {
            diagnostics.error(
                "rota '\(id.value)' has \(syntax.members.count) members but no handover; say e.g. handover weekly mon 08:00",
                at: syntax.membersSpan ?? id.span)
        }
        var coverage = TimeWindow.always
        if let covers = syntax.covers {
            switch covers {
            case .inline(let spans, _):
                coverage = diagnostics.window(spans, exceptHolidays: false, calendar: rules.holidays)
            case .named(let name):
                if let window = rules.windows[name.value] {
                    coverage = window.times
                } else {
                    diagnostics.unknown("window", name, among: rules.windows.keys.sorted())
                }
            }
        }
        var starting = Roster.defaultStart
        if let text = syntax.starting {
            if let date = LocalDateTime(parsing: text.value) {
                starting = date
            } else {
                diagnostics.error("'\(text.value)' is not a date; write it as \"2026-01-05\"", at: text.span)
            }
        }
        let rota = Rota(
            id: id, name: syntax.title?.value ?? id.value, role: syntax.role ?? Name("", id.span),
            members: syntax.members.filter { roster.persons[$0.value] != nil }, handover: handover,
            coverage: coverage, starting: starting)
        if roleKnown, let role = syntax.role {
            roster.rotasByRole[role.value, default: []].append(roster.rotas.count)
        }
        roster.rotas.append(rota)
    }

    mutating func localTime(_ text: Located<String>) -> LocalDateTime? {
        if let time = LocalDateTime(parsing: text.value, requireTime: true) { return time }
        diagnostics.error(
            "'\(text.value)' is not a local date and time; write it as \"2026-12-23 08:00\"", at: text.span)
        return nil
    }

    mutating func buildOverride(_ syntax: OverrideSyntax) {
        for name in [syntax.substitute, syntax.absent] where roster.persons[name.value] == nil {
            diagnostics.unknown("person", name, among: persons.order)
        }
        if syntax.substitute.value == syntax.absent.value {
            diagnostics.error("a person cannot cover for themselves", at: syntax.absent.span)
        }
        let from = localTime(syntax.from)
        let to = localTime(syntax.to)
        if let from, let to, to <= from {
            diagnostics.error(
                "this override ends before it starts", at: syntax.to.span,
                notes: [.init("it starts here", at: syntax.from.span)])
        }
        // The substitute takes over every role of the absent person, so §115 applies to them too.
        if let absent = roster.persons[syntax.absent.value], roster.persons[syntax.substitute.value] != nil {
            let roles = held[absent.id.value, default: []].sorted()
            for role in roles {
                checkAuthority(person: syntax.substitute, role: Name(role, syntax.substitute.span), how: "would cover")
            }
        }
        guard let from, let to else { return }
        roster.overrides.append(
            Override(
                substitute: syntax.substitute, absent: syntax.absent, from: from, to: to, reason: syntax.reason?.value,
                span: syntax.span))
    }

    /// Reports overrides that cover each other in a circle during a common period: A covers B while B
    /// covers A, or A covers B, B covers C and C covers A. Whoever is on duty would be replaced by someone
    /// who is away too, so the cover would quietly go round instead of reaching someone present.
    ///
    /// Each circle is reported once, at its last declared override, with a note at each of the others.
    mutating func checkOverrideCircles() {
        let overrides = roster.overrides
        var reported: Set<[Int]> = []
        // A circle's overrides are all in force together from the latest of their starts, so looking at
        // each override's start finds every circle.
        for moment in Set(overrides.map(\.from)).sorted() {
            var coveringFor: [String: [Int]] = [:]
            for index in overrides.indices {
                let o = overrides[index]
                guard o.from <= moment, moment < o.to, o.substitute.value != o.absent.value else { continue }
                coveringFor[o.absent.value, default: []].append(index)
            }
            // Only overrides between people on some cycle of cover can be in a circle; a long chain of
            // overrides (a covers b, b covers c, …) is not searched from each of its links.
            let onCycles = Self.peopleOnCycles(coveringFor, overrides)
            for start in coveringFor.values.joined().sorted()
            where onCycles.contains(overrides[start].absent.value)
                && onCycles.contains(overrides[start].substitute.value)
            {
                // Circles through `start` of overrides declared after it, so each is found from its first;
                // one for each way out of `start`, so two overrides covering the same person both show.
                for first in coveringFor[overrides[start].substitute.value, default: []] where first > start {
                    guard let path = circle(from: [start, first], coveringFor: coveringFor) else { continue }
                    if reported.insert(path.sorted()).inserted { reportCircle(path) }
                }
            }
        }
    }

    /// The people on a cycle of cover (each covering for the next, the last for the first), by Tarjan's
    /// strongly connected components, with its own stack so that long chains cannot exhaust the thread's.
    static func peopleOnCycles(_ coveringFor: [String: [Int]], _ overrides: [Override]) -> Set<String> {
        var index: [String: Int] = [:]
        var low: [String: Int] = [:]
        var stack: [String] = []
        var onStack: Set<String> = []
        var result: Set<String> = []
        func enter(_ person: String) {
            index[person] = index.count
            low[person] = index[person]
            stack.append(person)
            onStack.insert(person)
        }
        for root in coveringFor.keys.sorted() where index[root] == nil {
            enter(root)
            var work: [(person: String, edge: Int)] = [(root, 0)]
            while let (person, edge) = work.last {
                let edges = coveringFor[person, default: []]
                if edge < edges.count {
                    work[work.count - 1].edge += 1
                    let next = overrides[edges[edge]].substitute.value
                    if index[next] == nil {
                        enter(next)
                        work.append((next, 0))
                    } else if onStack.contains(next) {
                        low[person] = min(low[person]!, index[next]!)
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.person { low[parent] = min(low[parent]!, low[person]!) }
                guard low[person] == index[person] else { continue }
                var component: [String] = []
                while let top = stack.popLast() {
                    onStack.remove(top)
                    component.append(top)
                    if top == person { break }
                }
                if component.count > 1 { result.formUnion(component) }
            }
        }
        return result
    }

    /// `path` extended by overrides declared after its first, each covering the previous one's
    /// substitute, until it comes back to the first one's absent person; nil if it cannot.
    /// Depth first with its own stack, so a long chain of overrides cannot exhaust the thread's.
    func circle(from path: [Int], coveringFor: [String: [Int]]) -> [Int]? {
        let overrides = roster.overrides
        let start = path[0]
        let target = overrides[start].absent.value
        var path = path
        var visited = Set(path.map { overrides[$0].substitute.value })
        if overrides[path.last!].substitute.value == target { return path }
        // For each step from the given path on, how many of the ways on from it were tried.
        var tried: [Int] = [0]
        while let count = tried.last {
            let options = coveringFor[overrides[path.last!].substitute.value, default: []]
            var next: Int?
            var index = count
            while index < options.count, next == nil {
                let option = options[index]
                index += 1
                if option > start, visited.insert(overrides[option].substitute.value).inserted { next = option }
            }
            tried[tried.count - 1] = index
            if let next {
                path.append(next)
                if overrides[next].substitute.value == target { return path }
                tried.append(0)
            } else {
                tried.removeLast()
                if tried.isEmpty { return nil }
                path.removeLast()
            }
        }
        return nil
    }

    mutating func reportCircle(_ path: [Int]) {
        let overrides = roster.overrides
        // Start the story at the override declared last, keeping the order of the chain.
        let last = path.firstIndex(of: path.max()!)!
        let ordered = Array(path[last...] + path[..<last]).map { overrides[$0] }
        let from = ordered.map(\.from).max()!
        let to = ordered.map(\.to).min()!
        // Each override's substitute is the absent person of the one after it in `ordered`, so the
        // circle reads backwards from the first: a covers b, who covers c (whom the last one names), …
        let others = Array(ordered.dropFirst().reversed())
        var text = "'\(ordered[0].substitute.value)' covers '\(ordered[0].absent.value)'"
        for override in others { text += ", who covers '\(override.absent.value)'" }
        diagnostics.error(
            "overrides cover each other in a circle from \(Self.text(from)) to \(Self.text(to)): \(text); "
                + "someone who is present must stand in",
            at: ordered[0].substitute.span.through(ordered[0].absent.span),
            notes: others.map { override in
                .init(
                    "'\(override.substitute.value)' covers '\(override.absent.value)' here",
                    at: override.substitute.span.through(override.absent.span))
            })
    }

    /// `2026-12-23 08:00`.
    static func text(_ time: LocalDateTime) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(time.year)-\(two(time.month))-\(two(time.day)) \(WeeklyWindow.clock(time.minutes))"
    }

    mutating func buildInstitution(_ syntax: InstitutionSyntax) {
        let id = syntax.id
        func missing(_ what: String, _ example: String) {
            if syntax.incomplete { return }
            diagnostics.error("institution '\(id.value)' has no \(what); say e.g. \(example)", at: id.span)
        }
        var kind = InstitutionKind.citizenService
        if let name = syntax.kind {
            kind = diagnostics.word(InstitutionKind.self, name, what: "institution kind") ?? kind
        } else {
            missing("kind", "kind school")
        }
        if let administration = syntax.administration {
            if roster.organisations[administration.value] == nil {
                diagnostics.unknown("organisation", administration, among: organisations.order)
            }
        } else {
            missing("administration", "administration buf")
        }
        if let area = syntax.area {
            if rules.areas[area.value] == nil { diagnostics.unknown("area", area, among: rules.areas.keys.sorted()) }
        } else {
            missing("area", "area blaagaarden")
        }
        if let leader = syntax.leader {
            if roster.persons[leader.value] == nil { diagnostics.unknown("person", leader, among: persons.order) }
        } else if !syntax.incomplete {
            diagnostics.warning(
                "institution '\(id.value)' has no leader, so nobody can confirm whether it is open during a watch",
                at: id.span)
        }
        let institution = Institution(
            id: id, name: syntax.title?.value ?? id.value, kind: kind,
            administration: syntax.administration ?? Name("", id.span), area: syntax.area ?? Name("", id.span),
            vital: syntax.vital != nil, leader: syntax.leader)
        institutions.add(id, institution, diagnostics: &diagnostics)
    }
}
