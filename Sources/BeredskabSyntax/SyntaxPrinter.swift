import BeredskabTime

/// Prints declarations back as canonical source text; parsing the result gives the same declarations.
///
/// Comments and layout are not kept. Used to test that the parser loses nothing.
public enum SyntaxPrinter {
    /// Canonical text for a list of declarations, one blank line between them.
    public static func print(_ declarations: [Declaration]) -> String {
        declarations.map(print).joined(separator: "\n")
    }

    /// Canonical text for one declaration.
    public static func print(_ declaration: Declaration) -> String {
        var lines: [String] = []
        let head: String
        switch declaration {
        case .area(let area):
            head = header("area", area.id, area.title)
            if let parent = area.parent { lines.append("within \(parent.value)") }
            if let polygon = area.polygon {
                lines.append(
                    "polygon [" + polygon.value.map { "\(number($0.lat)) \(number($0.lon))" }.joined(separator: ", ")
                        + "]")
            }
            if !area.streets.isEmpty { lines.append("streets " + area.streets.map(street).joined(separator: ", ")) }
        case .role(let role):
            head = header("role", role.id, role.title)
            if let duty = role.duty { lines.append("duty \(quote(duty.value))") }
            if role.authorityOnly != nil { lines.append("authority only") }
        case .window(let window):
            head = header("window", window.id, window.title)
            lines = window.spans.map(span)
            if window.exceptHolidays != nil { lines.append("except holidays") }
        case .guideline(let guideline):
            head = header("guideline", guideline.id, guideline.title)
            lines = guidelineLines(guideline)
        case .organisation(let organisation):
            head = header("organisation", organisation.id, organisation.title)
            if let kind = organisation.kind { lines.append("kind \(kind.value)") }
        case .person(let person):
            head = header("person", person.id, person.title)
            if let organisation = person.organisation { lines.append("organisation \(organisation.value)") }
            for channel in person.channels { lines.append("\(channel.kind.value) \(quote(channel.address.value))") }
            if let language = person.language { lines.append("language \(language.value)") }
            if !person.roles.isEmpty { lines.append("roles \(list(person.roles))") }
            if person.keyPerson != nil { lines.append("key person") }
        case .rota(let rota):
            head = header("rota", rota.id, rota.title)
            if let role = rota.role { lines.append("role \(role.value)") }
            if !rota.members.isEmpty { lines.append("members \(list(rota.members))") }
            if let handover = rota.handover {
                let time = clock(handover.time.value)
                lines.append(handover.day.map { "handover weekly \($0.value) \(time)" } ?? "handover daily \(time)")
            }
            if let covers = rota.covers { lines.append("covers \(reference(covers))") }
            if let starting = rota.starting { lines.append("starting \(quote(starting.value))") }
        case .override(let override):
            var text = "override \(override.substitute.value) covers \(override.absent.value)"
            text += " from \(quote(override.from.value)) to \(quote(override.to.value))"
            if let reason = override.reason { text += " because \(quote(reason.value))" }
            return text + "\n"
        case .institution(let institution):
            head = header("institution", institution.id, institution.title)
            if let kind = institution.kind { lines.append("kind \(kind.value)") }
            if let administration = institution.administration {
                lines.append("administration \(administration.value)")
            }
            if let area = institution.area { lines.append("area \(area.value)") }
            if institution.vital != nil { lines.append("vital") }
            if let leader = institution.leader { lines.append("leader \(leader.value)") }
        case .holidays(let holidays):
            head = "holidays"
            if holidays.danish != nil { lines.append("danish") }
            for date in holidays.dates {
                lines.append("date \(quote(date.date.value))" + (date.name.map { " \(quote($0.value))" } ?? ""))
            }
        }
        return head + " {\n" + lines.map { "  \($0)\n" }.joined() + "}\n"
    }

    static func guidelineLines(_ guideline: GuidelineSyntax) -> [String] {
        var lines: [String] = []
        if let priority = guideline.priority { lines.append("priority \(priority.value)") }
        if let when = guideline.when { lines.append("when \(condition(when))") }
        if let merge = guideline.mergeWithin { lines.append("merge duplicates within \(duration(merge.value))") }
        if let active = guideline.activeFor { lines.append("active for \(duration(active.value))") }
        if !guideline.suppresses.isEmpty { lines.append("suppresses \(list(guideline.suppresses))") }
        for notify in guideline.notifications {
            var line = notify.reporter != nil ? "notify reporter" : "notify \(list(notify.roles))"
            if let after = notify.after { line += " after \(duration(after.value))" }
            if notify.personalDetails != nil { line += " with personal details" }
            lines.append(line)
        }
        for escalate in guideline.escalations {
            var line = "escalate to \(list(escalate.roles)) if unacknowledged for \(duration(escalate.after.value))"
            if let repeats = escalate.repeats { line += " repeat \(repeats.value) times" }
            if escalate.personalDetails != nil { line += " with personal details" }
            lines.append(line)
        }
        for task in guideline.tasks {
            var line = "task \(quote(task.text.value)) for \(task.role.value) within \(duration(task.within.value))"
            if !task.escalateTo.isEmpty { line += " escalate to \(list(task.escalateTo)) if overdue" }
            lines.append(line)
        }
        for watch in guideline.watches {
            var line = "watch \(list(watch.kinds)) in \(watch.area?.value ?? "incident area")"
            line += " for \(duration(watch.duration.value))"
            if let confirm = watch.confirmWithin { line += " confirm within \(duration(confirm.value))" }
            lines.append(line)
        }
        for message in guideline.messages {
            lines.append("message \(message.language.value) \(quote(message.text.value))")
        }
        return lines
    }

    /// A condition with the fewest parentheses that keep its meaning.
    public static func condition(_ condition: ConditionSyntax) -> String {
        switch condition {
        case .or(let parts, _):
            return parts.map(Self.condition).joined(separator: " or ")
        case .and(let parts, _):
            return parts.map { part in
                if case .or = part { return "(\(Self.condition(part)))" }
                return Self.condition(part)
            }.joined(separator: " and ")
        case .not(let inner, _):
            switch inner {
            case .and, .or: return "not (\(Self.condition(inner)))"
            default: return "not \(Self.condition(inner))"
            }
        case .category(let names, _): return "category \(bracketed(names))"
        case .area(let names, _): return "area \(bracketed(names))"
        case .severity(let atLeast, let level, _): return "severity \(atLeast ? "at least " : "")\(level.value)"
        case .flag(let flag, _): return "flag \(flag.value)"
        case .reporter(let names, _): return "reporter \(bracketed(names))"
        case .during(let window, _): return "during \(reference(window))"
        case .correlation(let correlation, _):
            var text = "at least \(correlation.count.value) incidents"
            if let categories = correlation.categories { text += " of \(bracketed(categories))" }
            if correlation.sameArea { text += " in same area" }
            return text + " within \(duration(correlation.within.value))"
        case .always: return "always"
        }
    }

    static func header(_ keyword: String, _ id: Name, _ title: Located<String>?) -> String {
        keyword + " " + id.value + (title.map { " " + quote($0.value) } ?? "")
    }

    static func list(_ names: [Name]) -> String { names.map(\.value).joined(separator: ", ") }

    /// A single name bare, several in brackets, so `and` and `or` around it stay unambiguous.
    static func bracketed(_ names: [Name]) -> String { names.count == 1 ? names[0].value : "[\(list(names))]" }

    static func reference(_ window: WindowReferenceSyntax) -> String {
        switch window {
        case .named(let name): name.value
        case .inline(let spans, _): "[" + spans.map(span).joined(separator: ", ") + "]"
        }
    }

    static func span(_ span: TimeSpanSyntax) -> String {
        let days = span.date.map { quote($0.value) } ?? span.days.value
        guard let from = span.from, let to = span.to else { return days }
        return "\(days) \(clock(from.value))-\(clock(to.value))"
    }

    static func clock(_ minutes: Int) -> String { WeeklyWindow.clock(minutes) }

    static func street(_ street: StreetSyntax) -> String {
        var text = quote(street.name.value)
        if let from = street.from {
            text += " \(from.value)"
            if let to = street.to, to.value != from.value || to.span.start != from.span.start { text += "-\(to.value)" }
        }
        if let side = street.side { text += " \(side.value)" }
        return text
    }

    /// Seconds in the largest unit up to days that divides them: 30 days → 30d, 90 minutes → 90m,
    /// 90 seconds → 90s. Days rather than weeks, as guidelines count them.
    public static func duration(_ seconds: Int) -> String {
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] where seconds != 0 && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}
