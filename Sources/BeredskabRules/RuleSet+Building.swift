import BeredskabSyntax
import BeredskabTime

extension RuleSet {
    /// Builds and checks the rule set from the area, role, window and guideline declarations.
    ///
    /// Declarations of other kinds are ignored. Every problem goes to `diagnostics`; what could be
    /// built is returned even when there are errors, so later checks still run.
    public static func build(
        _ declarations: [Declaration], sources: SourceSet, diagnostics: inout Diagnostics
    ) -> RuleSet {
        var builder = Builder(sources: sources)
        builder.collect(declarations)
        builder.checkAreas()
        builder.checkStreets()
        builder.buildGuidelines()
        builder.checkSuppressionCycles()
        diagnostics.append(contentsOf: builder.diagnostics)
        return builder.rules
    }
}

private struct Builder {
    let sources: SourceSet
    var diagnostics = Diagnostics()
    var rules = RuleSet()
    var areaTable = SymbolTable<Area>(kind: "area")
    var roleTable = SymbolTable<Role>(kind: "role")
    var windowTable = SymbolTable<Window>(kind: "window")
    var guidelineTable = SymbolTable<GuidelineSyntax>(kind: "guideline")

    init(sources: SourceSet) {
        self.sources = sources
    }

    mutating func collect(_ declarations: [Declaration]) {
        // Windows read the holidays wherever they are declared.
        for declaration in declarations {
            guard case .holidays(let syntax) = declaration else { continue }
            if let first = rules.holidaysSpan {
                diagnostics.error(
                    "holidays are declared twice; keep one holidays block", at: syntax.keyword,
                    notes: [.init("first declared here", at: first)])
                continue
            }
            rules.holidaysSpan = syntax.keyword
            rules.holidays = diagnostics.holidays(syntax)
        }
        for declaration in declarations {
            switch declaration {
            case .area(let syntax):
                var polygon: [Coordinate] = []
                if let points = syntax.polygon {
                    if points.value.count < 3 {
                        diagnostics.error(
                            "a polygon needs at least three points, this one has \(points.value.count)",
                            at: points.span)
                    }
                    for point in points.value {
                        if !(-90...90).contains(point.lat) || !(-180...180).contains(point.lon) {
                            diagnostics.error(
                                "this point is off the globe; write latitude (−90…90) first, then longitude (−180…180)",
                                at: point.span)
                        }
                        polygon.append(Coordinate(lat: point.lat, lon: point.lon))
                    }
                }
                let area = Area(
                    id: syntax.id, name: syntax.title?.value ?? syntax.id.value, parent: syntax.parent,
                    polygon: polygon,
                    streets: syntax.streets.compactMap { streetClaim($0) })
                areaTable.add(syntax.id, area, diagnostics: &diagnostics)
            case .role(let syntax):
                if syntax.duty == nil && !syntax.incomplete {
                    diagnostics.error(
                        "role '\(syntax.id.value)' has no duty; say its task in a sentence with duty \"…\"",
                        at: syntax.id.span)
                }
                let role = Role(
                    id: syntax.id, name: syntax.title?.value ?? syntax.id.value, duty: syntax.duty?.value ?? "",
                    authorityOnly: syntax.authorityOnly != nil)
                roleTable.add(syntax.id, role, diagnostics: &diagnostics)
            case .window(let syntax):
                if syntax.spans.isEmpty && !syntax.incomplete {
                    diagnostics.error("window '\(syntax.id.value)' has no time spans", at: syntax.id.span)
                }
                let window = Window(
                    id: syntax.id, name: syntax.title?.value ?? syntax.id.value,
                    times: diagnostics.window(
                        syntax.spans, exceptHolidays: syntax.exceptHolidays != nil, calendar: rules.holidays))
                windowTable.add(syntax.id, window, diagnostics: &diagnostics)
            case .guideline(let syntax):
                guidelineTable.add(syntax.id, syntax, diagnostics: &diagnostics)
            default:
                continue
            }
        }
        rules.areas = areaTable.byID
        rules.roles = roleTable.byID
        rules.windows = windowTable.byID
    }

    /// Reports unknown parents and each nesting cycle once, at the cycle's first declared area.
    ///
    /// Each area is walked up once (areas already walked are not walked again), so deep nesting and
    /// long chains cost linear time.
    mutating func checkAreas() {
        var orderIndex: [String: Int] = [:]
        for (index, id) in areaTable.order.enumerated() { orderIndex[id] = index }
        for id in areaTable.order {
            guard let parent = rules.areas[id]?.parent, rules.areas[parent.value] == nil else { continue }
            diagnostics.unknown("area", parent, among: areaTable.order.lazy.filter { $0 != id })
        }
        var state: [String: Int] = [:]  // 1 on the path being walked, 2 walked
        for id in areaTable.order where state[id] == nil {
            var path: [String] = []
            var current: String? = id
            while let area = current, rules.areas[area] != nil, state[area] == nil {
                state[area] = 1
                path.append(area)
                current = rules.areas[area]?.parent?.value
            }
            if let area = current, state[area] == 1, let back = path.lastIndex(of: area) {
                // The walk came back to an area on it: a cycle. Tell it from its first declared area.
                let cycle = Array(path[back...])
                let first = cycle.indices.min { orderIndex[cycle[$0]]! < orderIndex[cycle[$1]]! }!
                let start = cycle[first]
                let told = Array(cycle[first...] + cycle[..<first]) + [start]
                if let parent = rules.areas[start]?.parent {
                    diagnostics.error(
                        "area '\(start)' is nested in itself: \(told.joined(separator: " → "))", at: parent.span)
                }
            }
            for area in path { state[area] = 2 }
        }
    }

    /// A street claim as written, or nil after reporting what is wrong with it.
    mutating func streetClaim(_ syntax: StreetSyntax) -> StreetClaim? {
        let name = syntax.name
        if StreetName.key(name.value).isEmpty {
            diagnostics.error("a street needs a name", at: name.span)
            return nil
        }
        if let last = name.value.split(separator: " ").last, last.first?.isNumber == true {
            let street = name.value.split(separator: " ").dropLast().joined(separator: " ")
            diagnostics.error(
                "a house number belongs after the street's name, outside the quotes", at: name.span,
                notes: [.init("write \"\(street)\" \(last.prefix(while: \.isNumber))")])
            return nil
        }
        var side: HouseNumberSide?
        if let word = syntax.side {
            guard let known = diagnostics.word(HouseNumberSide.self, word, what: "side of the street") else {
                return nil
            }
            side = known
        }
        var claim = StreetClaim(street: name.value, side: side, span: syntax.span)
        if let from = syntax.from, let to = syntax.to {
            if from.value < 1 {
                diagnostics.error("house numbers start at 1", at: from.span)
                return nil
            }
            if to.value < from.value {
                diagnostics.error(
                    "the house numbers \(from.value)-\(to.value) end before they start; write the lower number first",
                    at: from.span.through(to.span))
                return nil
            }
            claim.from = from.value
            claim.to = to.value
        }
        if claim.isEmpty {
            diagnostics.error("\(claim.text) includes no house number", at: syntax.span)
            return nil
        }
        return claim
    }

    /// Street claims must say of every address which area it lies in: two areas that do not lie one
    /// within the other may not share a house number, and a nested area may not claim numbers of a
    /// street that an area it lies in lists without them.
    mutating func checkStreets() {
        var byKey: [String: [(area: String, claim: StreetClaim)]] = [:]
        var keys: [String] = []
        for id in areaTable.order {
            for claim in rules.areas[id]?.streets ?? [] {
                if byKey[claim.key] == nil { keys.append(claim.key) }
                byKey[claim.key, default: []].append((id, claim))
            }
        }
        for key in keys {
            let claims = byKey[key]!
            for (index, (area, claim)) in claims.enumerated() {
                for (other, earlier) in claims[..<index] where claim.overlaps(earlier) {
                    if other == area {
                        diagnostics.warning(
                            "\(claim.text) is listed twice in area '\(area)'", at: claim.span,
                            notes: [.init("it overlaps \(earlier.text), given here", at: earlier.span)])
                        break
                    }
                    guard !rules.area(area, isWithin: other) && !rules.area(other, isWithin: area) else { continue }
                    diagnostics.error(
                        "\(claim.text) is claimed by both area '\(other)' and area '\(area)', and neither lies within the other",
                        at: claim.span,
                        notes: [
                            .init("area '\(other)' claims \(earlier.text) here", at: earlier.span),
                            .init(
                                "an address lies in one area and those it is nested in; split the house numbers, e.g. 1-69 odd"
                            ),
                        ])
                    break
                }
                checkAgainstAncestors(claim, in: area, claims)
            }
        }
    }

    /// The nearest area that `area` lies within and that lists the claim's street must include
    /// every number of the claim.
    mutating func checkAgainstAncestors(
        _ claim: StreetClaim, in area: String, _ claims: [(area: String, claim: StreetClaim)]
    ) {
        var current = rules.areas[area]?.parent?.value
        var steps = 0
        while let ancestor = current, ancestor != area, steps <= areaTable.order.count {
            let theirs = claims.filter { $0.area == ancestor }.map(\.claim)
            if let first = theirs.first {
                if let number = claim.firstUncovered(by: theirs) {
                    diagnostics.error(
                        "\(claim.text) in area '\(area)' includes number \(number), which area '\(ancestor)' does not list, though '\(area)' lies within it",
                        at: claim.span,
                        notes: [.init("area '\(ancestor)' lists the street here", at: first.span)])
                }
                return
            }
            current = rules.areas[ancestor]?.parent?.value
            steps += 1
        }
    }

    mutating func buildGuidelines() {
        for id in guidelineTable.order {
            let syntax = guidelineTable.byID[id]!
            let guideline = build(syntax)
            rules.guidelineIndex[id] = rules.guidelines.count
            rules.guidelines.append(guideline)
        }
        // Suppression needs every guideline's priority, so it is checked once all are built.
        for guideline in rules.guidelines {
            for target in guideline.suppresses {
                guard let other = rules.guideline(target.value) else {
                    diagnostics.unknown("guideline", target, among: guidelineTable.order)
                    continue
                }
                if target.value == guideline.id.value {
                    diagnostics.error("guideline '\(target.value)' suppresses itself", at: target.span)
                } else if other.priority > guideline.priority {
                    diagnostics.warning(
                        "guideline '\(guideline.id.value)' (\(guideline.priority.rawValue)) suppresses '\(target.value)', which has a higher priority (\(other.priority.rawValue))",
                        at: target.span)
                }
            }
        }
    }

    mutating func role(_ name: Name) {
        if rules.roles[name.value] == nil { diagnostics.unknown("role", name, among: roleTable.order) }
    }

    /// Checks that personal details go only to roles that only authorities hold.
    mutating func tier(_ details: Span?, roles: [Name]) -> ContentTier {
        guard let details else { return .situation }
        for name in roles {
            if let role = rules.roles[name.value], !role.authorityOnly {
                diagnostics.error(
                    "personal details may only go to roles that are 'authority only', and '\(name.value)' is not",
                    at: name.span,
                    notes: [
                        .init("requested here", at: details),
                        .init(
                            "Retsplejelovens §115: only authorities may receive personal details; mark the role 'authority only' if only authorities hold it"
                        ),
                    ])
            }
        }
        return .personal
    }

    mutating func build(_ syntax: GuidelineSyntax) -> Guideline {
        let id = syntax.id
        let priority = syntax.priority.flatMap { diagnostics.word(Priority.self, $0, what: "priority") } ?? .normal
        var condition = Condition.always
        if let when = syntax.when {
            condition = build(when)
        } else if !syntax.incomplete {
            diagnostics.error(
                "guideline '\(id.value)' has no 'when'; say which incidents it covers, e.g. when category unrest",
                at: id.span)
        }
        if let merge = syntax.mergeWithin { diagnostics.positive(merge, "the duplicate window") }
        if let active = syntax.activeFor { diagnostics.positive(active, "the active period") }

        var notifications: [NotifyAction] = []
        for notify in syntax.notifications {
            if let after = notify.after { diagnostics.positive(after, "a delay") }
            if let reporter = notify.reporter {
                if let details = notify.personalDetails {
                    diagnostics.error(
                        "personal details may never go to the reporter, which may be a housing association",
                        at: details,
                        notes: [.init("the reporter is named here", at: reporter)])
                }
                notifications.append(
                    NotifyAction(
                        recipients: .reporter, delay: notify.after?.value ?? 0, tier: .situation, span: notify.span))
                continue
            }
            notify.roles.forEach { role($0) }
            notifications.append(
                NotifyAction(
                    recipients: .roles(notify.roles), delay: notify.after?.value ?? 0,
                    tier: tier(notify.personalDetails, roles: notify.roles), span: notify.span))
        }

        var escalations: [EscalateAction] = []
        for escalate in syntax.escalations {
            escalate.roles.forEach { role($0) }
            diagnostics.positive(escalate.after, "the time before escalating")
            escalations.append(
                EscalateAction(
                    roles: escalate.roles, after: escalate.after.value, repeats: escalate.repeats?.value ?? 0,
                    tier: tier(escalate.personalDetails, roles: escalate.roles), span: escalate.span))
        }

        var tasks: [TaskAction] = []
        for task in syntax.tasks {
            role(task.role)
            task.escalateTo.forEach { role($0) }
            diagnostics.positive(task.within, "a task's deadline")
            if task.text.value.allSatisfy(\.isWhitespace) {
                diagnostics.error("a task needs a text", at: task.text.span)
            }
            tasks.append(
                TaskAction(
                    text: task.text.value, role: task.role, within: task.within.value, escalateTo: task.escalateTo,
                    span: task.span))
        }

        var watches: [WatchAction] = []
        for watch in syntax.watches {
            let kinds = watch.kinds.compactMap { diagnostics.word(InstitutionKind.self, $0, what: "institution kind") }
            if let area = watch.area, rules.areas[area.value] == nil {
                diagnostics.unknown("area", area, among: areaTable.order)
            }
            diagnostics.positive(watch.duration, "a watch")
            if let confirm = watch.confirmWithin { diagnostics.positive(confirm, "the time to confirm") }
            watches.append(
                WatchAction(
                    kinds: Set(kinds), area: watch.area, duration: watch.duration.value,
                    confirmWithin: watch.confirmWithin?.value ?? 3600, span: watch.span))
        }

        if syntax.notifications.isEmpty && syntax.tasks.isEmpty && syntax.watches.isEmpty && !syntax.incomplete {
            diagnostics.error(
                "guideline '\(id.value)' notifies nobody; add a 'notify', 'task' or 'watch'", at: id.span,
                notes: syntax.escalations.isEmpty
                    ? [] : [.init("an escalation only follows a notification nobody acknowledged")])
        }

        var messages: [Language: String] = [:]
        var messageSpans: [Language: Span] = [:]
        for message in syntax.messages {
            checkPlaceholders(message.text)
            guard let language = diagnostics.word(Language.self, message.language, what: "language") else { continue }
            if let first = messageSpans[language] {
                diagnostics.error(
                    "guideline '\(id.value)' has two '\(language.rawValue)' messages", at: message.span,
                    notes: [.init("the first is here", at: first)])
                continue
            }
            messageSpans[language] = message.span
            messages[language] = message.text.value
        }
        if messages[.da] == nil && syntax.messages.allSatisfy({ $0.language.value != "da" }) && !syntax.incomplete {
            diagnostics.error(
                "guideline '\(id.value)' has no Danish message; add message da \"…\" (Danish is the default language)",
                at: id.span)
        }

        return Guideline(
            id: id, title: syntax.title?.value ?? id.value, priority: priority, condition: condition,
            mergeWithin: syntax.mergeWithin?.value, activeFor: syntax.activeFor?.value ?? 86_400,
            suppresses: syntax.suppresses, notifications: notifications, escalations: escalations, tasks: tasks,
            watches: watches, messages: messages)
    }

    /// Checks `{placeholder}`s against the known list, pointing into the string as written.
    mutating func checkPlaceholders(_ text: Located<String>) {
        let file = sources[text.span]
        let bytes = file.bytes
        var index = Int(text.span.start) + 1
        let end = Int(text.span.end) - 1
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "}") {
                if index + 1 < end, bytes[index + 1] == UInt8(ascii: "}") {
                    index += 2
                    continue
                }
                diagnostics.error(
                    "a lone '}' in a message; write '}}' for a literal brace",
                    at: Span(file: text.span.file, start: index, end: index + 1))
                index += 1
                continue
            }
            guard byte == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            if index + 1 < end, bytes[index + 1] == UInt8(ascii: "{") {
                index += 2
                continue
            }
            var close = index + 1
            while close < end, bytes[close] != UInt8(ascii: "}"), bytes[close] != UInt8(ascii: "{") { close += 1 }
            guard close < end, bytes[close] == UInt8(ascii: "}") else {
                diagnostics.error(
                    "'{' starts a placeholder that is never closed; write '{{' for a literal brace",
                    at: Span(file: text.span.file, start: index, end: index + 1))
                index += 1
                continue
            }
            let name = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
            if !messagePlaceholders.contains(name) {
                var notes: [Diagnostic.Note] = []
                if let guess = closest(to: name, in: messagePlaceholders) {
                    notes.append(.init("did you mean '{\(guess)}'?"))
                }
                notes.append(.init("placeholders: " + messagePlaceholders.map { "{\($0)}" }.joined(separator: " ")))
                diagnostics.error(
                    "unknown placeholder '{\(name)}'", at: Span(file: text.span.file, start: index, end: close + 1),
                    notes: notes)
            }
            index = close + 1
        }
    }

    mutating func categories(_ names: [Name]) -> Set<Category> {
        Set(names.compactMap { diagnostics.word(Category.self, $0, what: "category") })
    }

    mutating func build(_ syntax: ConditionSyntax) -> Condition {
        switch syntax {
        case .and(let parts, _): return .and(parts.map { build($0) })
        case .or(let parts, _): return .or(parts.map { build($0) })
        case .not(let inner, _): return .not(build(inner))
        case .category(let names, _): return .category(categories(names))
        case .area(let names, _):
            for name in names where rules.areas[name.value] == nil {
                diagnostics.unknown("area", name, among: areaTable.order)
            }
            return .area(names.map(\.value))
        case .severity(let atLeast, let name, _):
            let level = diagnostics.word(IncidentSeverity.self, name, what: "severity") ?? .minor
            return .severity(atLeast: atLeast, level)
        case .flag(let name, _):
            guard let flag = diagnostics.word(IncidentFlag.self, name, what: "flag") else { return .always }
            return .flag(flag)
        case .reporter(let names, _):
            return .reporter(
                Set(names.compactMap { diagnostics.word(OrganisationKind.self, $0, what: "organisation kind") }))
        case .during(let reference, _):
            return .during(window(reference))
        case .correlation(let syntax, _):
            if syntax.count.value < 1 {
                diagnostics.error(
                    "'at least 0 incidents' is always true; count at least 1", at: syntax.count.span)
            }
            diagnostics.positive(syntax.within, "the correlation period")
            return .correlation(
                Correlation(
                    count: syntax.count.value, categories: syntax.categories.map { categories($0) },
                    sameArea: syntax.sameArea, within: syntax.within.value))
        case .always:
            return .always
        }
    }

    /// Resolves a window reference; a bare id must name a declared window.
    mutating func window(_ reference: WindowReferenceSyntax) -> TimeWindow {
        switch reference {
        case .inline(let spans, _):
            return diagnostics.window(spans, exceptHolidays: false, calendar: rules.holidays)
        case .named(let name):
            if let window = rules.windows[name.value] { return window.times }
            var notes: [Diagnostic.Note] = []
            if let guess = diagnostics.suggestion(for: name.value, among: windowTable.order) {
                notes.append(.init("did you mean '\(guess)'?"))
            } else if Weekday.days(name.value) != nil {
                notes.append(.init("to write days in place, put them in brackets: [\(name.value)]"))
            }
            diagnostics.error("unknown window '\(name.value)'", at: name.span, notes: notes)
            return .never
        }
    }

    /// Reports each suppression cycle once, at the first suppression on it.
    ///
    /// A depth-first walk with its own stack, not recursion, so a chain of thousands of suppressions
    /// cannot exhaust the thread's stack.
    mutating func checkSuppressionCycles() {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var path: [String] = []
        var place: [String: Int] = [:]  // where each visiting guideline is on the path
        var frames: [(id: String, next: Int)] = []
        for root in guidelineTable.order where state[root] == nil {
            state[root] = 1
            place[root] = 0
            path.append(root)
            frames.append((root, 0))
            while let frame = frames.last {
                let targets = rules.guideline(frame.id)?.suppresses ?? []
                guard frame.next < targets.count else {
                    frames.removeLast()
                    path.removeLast()
                    state[frame.id] = 2
                    continue
                }
                frames[frames.count - 1].next += 1
                let target = targets[frame.next]
                guard target.value != frame.id, rules.guideline(target.value) != nil else { continue }
                switch state[target.value] {
                case 1:
                    let cycle = path[place[target.value]!...] + [target.value]
                    diagnostics.error(
                        "suppression cycle: \(cycle.joined(separator: " → ")); a guideline cannot be silenced by one it silences",
                        at: target.span)
                case nil:
                    state[target.value] = 1
                    place[target.value] = path.count
                    path.append(target.value)
                    frames.append((target.value, 0))
                default:
                    break
                }
            }
        }
    }
}
