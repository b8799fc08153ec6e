extension Parser {
    mutating func parseArea() throws -> AreaSyntax {
        let (id, title) = try header("area")
        var area = AreaSyntax(id: id, title: title)
        var seen: [String: Span] = [:]
        let what = "area '\(id.value)'"
        area.incomplete = try block(what, statements: ["within", "polygon", "streets"]) { p, keyword in
            // `streets` may be given on several lines; the others once.
            if keyword.text == "streets" {
                area.streets += try p.parseStreets()
                return
            }
            let ok = p.single(keyword, &seen, in: what)
            switch keyword.text {
            case "within":
                let parent = try p.name(after: "'within'")
                if ok { area.parent = parent }
            default:
                let polygon = try p.parsePolygon()
                if ok { area.polygon = polygon }
            }
        }
        return area
    }

    /// `"Street" [N[-M]] [odd|even], …` after `streets`.
    mutating func parseStreets() throws -> [StreetSyntax] {
        var streets: [StreetSyntax] = []
        repeat {
            let name = try string(after: streets.isEmpty ? "'streets'" : "','")
            var street = StreetSyntax(name: name, span: name.span)
            if at(.number) {
                let from = try wholeNumber(after: "the street's name")
                street.from = from
                street.to = from
                if accept(.minus) != nil { street.to = try wholeNumber(after: "'-' (write a range as 1-69)") }
            }
            // A word on the same line is the side of the street (checked when the rules are built).
            if at(.identifier), !current.startsLine, !statementKeywords.contains(current.text),
                !reservedWords.contains(current.text)
            {
                let side = advance()
                street.side = Name(side.text, side.span)
            }
            street.span = name.span.through(previous.span)
            streets.append(street)
            let ends =
                at(.comma) || at(.rightBrace) || at(.endOfFile) || current.startsLine
                || (at(.identifier) && statementKeywords.contains(current.text))
            if !ends {
                throw expected("',' before the next street", after: "'\(name.value)' and its house numbers")
            }
        } while accept(.comma) != nil
        return streets
    }

    mutating func parsePolygon() throws -> Located<[PointSyntax]> {
        let open = try expect(.leftBracket, after: "'polygon'")
        var points: [PointSyntax] = []
        if !at(.rightBracket) {
            repeat {
                let lat = try signedNumber(after: points.isEmpty ? "'['" : "','")
                let lon = try signedNumber(after: "the latitude (write each point as LAT LON)")
                points.append(PointSyntax(lat: lat.value, lon: lon.value, span: lat.span.through(lon.span)))
            } while accept(.comma) != nil
        }
        let close = try expect(.rightBracket, after: "the polygon's points")
        return Located(points, open.span.through(close.span))
    }

    mutating func parseRole() throws -> RoleSyntax {
        let (id, title) = try header("role")
        var role = RoleSyntax(id: id, title: title)
        var seen: [String: Span] = [:]
        let what = "role '\(id.value)'"
        role.incomplete = try block(what, statements: ["duty", "authority"]) { p, keyword in
            let ok = p.single(keyword, &seen, in: what)
            switch keyword.text {
            case "duty":
                let duty = try p.string(after: "'duty'")
                if ok { role.duty = duty }
            default:
                let only = try p.expectKeyword("only", after: "'authority'")
                if ok { role.authorityOnly = keyword.span.through(only.span) }
            }
        }
        return role
    }

    mutating func parseWindow(_ keyword: Token) throws -> WindowSyntax {
        let (id, title) = try header("window")
        let open = try expect(.leftBrace, after: "window '\(id.value)'")
        var spans: [TimeSpanSyntax] = []
        var exceptHolidays: Span?
        var incomplete = false
        while !at(.rightBrace) && !at(.endOfFile) && !looksLikeDeclaration() {
            let start = position
            do {
                if let except = acceptKeyword("except") {
                    let holidays = try expectKeyword("holidays", after: "'except' (write: except holidays)")
                    if let first = exceptHolidays {
                        diagnostics.error(
                            "'except holidays' is given twice in window '\(id.value)'", at: except.span,
                            notes: [.init("first given here", at: first)])
                    } else {
                        exceptHolidays = except.span.through(holidays.span)
                    }
                    continue
                }
                spans.append(try timeSpan(after: spans.isEmpty ? "'{'" : "the previous line"))
            } catch {
                incomplete = true
                // Skip the rest of the line, moving on at least one token.
                if position == start { advance() }
                while !at(.endOfFile) && !at(.rightBrace) && !current.startsLine { advance() }
            }
        }
        let close = accept(.rightBrace)
        if close == nil {
            diagnostics.error(
                "expected '}' to close window '\(id.value)'", at: current.span,
                notes: [.init("the block opened here", at: open.span)])
        }
        return WindowSyntax(
            id: id, title: title, spans: spans, exceptHolidays: exceptHolidays,
            span: keyword.span.through(close?.span ?? previous.span), incomplete: incomplete || close == nil)
    }

    /// `DAYS [HH:MM-HH:MM]`, `holidays [HH:MM-HH:MM]` or `"YYYY-MM-DD" [HH:MM-HH:MM]`: the times on
    /// the days' line.
    mutating func timeSpan(after context: String) throws -> TimeSpanSyntax {
        var date: Located<String>?
        if at(.string) {
            date = Located(current.text, current.span)
        } else if !at(.identifier) {
            throw expected("days such as mon-fri, daily or weekends, holidays, or a date", after: context)
        }
        let days = Name(current.text, current.span)
        advance()
        guard at(.clock), !current.startsLine else {
            return TimeSpanSyntax(days: days, date: date, from: nil, to: nil, span: days.span)
        }
        let from = try clock(after: date == nil ? "the days" : "the date")
        _ = try expect(.minus, after: "the start time (write the hours as 17:00-08:00)")
        let to = try clock(after: "'-'")
        return TimeSpanSyntax(days: days, date: date, from: from, to: to, span: days.span.through(to.span))
    }

    /// `holidays { danish  date "MM-DD" "Name"  date "YYYY-MM-DD" "Name" }`.
    mutating func parseHolidays(_ keyword: Token) throws -> HolidaysSyntax {
        var holidays = HolidaysSyntax(danish: nil, keyword: keyword.span)
        var seen: [String: Span] = [:]
        holidays.incomplete = try block("holidays", statements: ["danish", "date"]) { p, statement in
            if statement.text == "danish" {
                if p.single(statement, &seen, in: "holidays") { holidays.danish = statement.span }
                return
            }
            let date = try p.string(after: "'date' (write the date as \"12-24\" every year or \"2026-12-31\" once)")
            guard p.at(.string), !p.current.startsLine else {
                throw p.expected("the holiday's name in quotes, such as \"Juleaften\"", after: "the date")
            }
            let name = try p.string(after: "the date")
            holidays.dates.append(HolidayDateSyntax(date: date, name: name, span: statement.span.through(name.span)))
        }
        return holidays
    }

    /// A window id, or spans in brackets.
    mutating func windowReference(after context: String) throws -> WindowReferenceSyntax {
        if let open = accept(.leftBracket) {
            var spans: [TimeSpanSyntax] = []
            repeat {
                spans.append(try timeSpan(after: spans.isEmpty ? "'['" : "','"))
            } while accept(.comma) != nil
            let close = try expect(.rightBracket, after: "the time spans")
            return .inline(spans, open.span.through(close.span))
        }
        return .named(try name(after: context))
    }

    mutating func parseOrganisation() throws -> OrganisationSyntax {
        let (id, title) = try header("organisation")
        var organisation = OrganisationSyntax(id: id, title: title)
        var seen: [String: Span] = [:]
        let what = "organisation '\(id.value)'"
        organisation.incomplete = try block(what, statements: ["kind"]) { p, keyword in
            let ok = p.single(keyword, &seen, in: what)
            let kind = try p.name(after: "'kind'")
            if ok { organisation.kind = kind }
        }
        return organisation
    }

    mutating func parsePerson() throws -> PersonSyntax {
        let (id, title) = try header("person")
        var person = PersonSyntax(id: id, title: title)
        var seen: [String: Span] = [:]
        let what = "person '\(id.value)'"
        person.incomplete = try block(
            what, statements: ["organisation", "email", "sms", "webhook", "language", "roles", "key"]
        ) {
            p, keyword in
            let ok = p.single(keyword, &seen, in: what)
            switch keyword.text {
            case "organisation":
                let organisation = try p.name(after: "'organisation'")
                if ok { person.organisation = organisation }
            case "email", "sms", "webhook":
                let address = try p.string(after: "'\(keyword.text)'")
                if ok {
                    person.channels.append(ChannelSyntax(kind: Name(keyword.text, keyword.span), address: address))
                }
            case "language":
                let language = try p.name(after: "'language'")
                if ok { person.language = language }
            case "roles":
                let roles = try p.nameList(after: "'roles'")
                if ok { person.roles = roles }
            default:
                let word = try p.expectKeyword("person", after: "'key'")
                if ok { person.keyPerson = keyword.span.through(word.span) }
            }
        }
        return person
    }

    mutating func parseRota() throws -> RotaSyntax {
        let (id, title) = try header("rota")
        var rota = RotaSyntax(id: id, title: title)
        var seen: [String: Span] = [:]
        let what = "rota '\(id.value)'"
        rota.incomplete = try block(what, statements: ["role", "members", "handover", "covers", "starting"]) {
            p, keyword in
            let ok = p.single(keyword, &seen, in: what)
            switch keyword.text {
            case "role":
                let role = try p.name(after: "'role'")
                if ok { rota.role = role }
            case "members":
                let members = try p.nameList(after: "'members'")
                if ok {
                    rota.members = members
                    rota.membersSpan = keyword.span.through(p.previous.span)
                }
            case "handover":
                let handover = try p.parseHandover(keyword)
                if ok { rota.handover = handover }
            case "covers":
                let covers = try p.windowReference(after: "'covers'")
                if ok { rota.covers = covers }
            default:
                let starting = try p.string(after: "'starting'")
                if ok { rota.starting = starting }
            }
        }
        return rota
    }

    mutating func parseHandover(_ keyword: Token) throws -> HandoverSyntax {
        if acceptKeyword("daily") != nil {
            let time = try clock(after: "'daily'")
            return HandoverSyntax(day: nil, time: time, span: keyword.span.through(time.span))
        }
        if acceptKeyword("weekly") != nil {
            let day = try name(after: "'weekly'")
            let time = try clock(after: "the day")
            return HandoverSyntax(day: day, time: time, span: keyword.span.through(time.span))
        }
        throw expected("'weekly DAY HH:MM' or 'daily HH:MM'", after: "'handover'")
    }

    mutating func parseOverride(_ keyword: Token) throws -> OverrideSyntax {
        let substitute = try name(after: "'override'")
        _ = try expectKeyword("covers", after: "the person who covers")
        let absent = try name(after: "'covers'")
        _ = try expectKeyword("from", after: "the person covered")
        let from = try string(after: "'from'")
        _ = try expectKeyword("to", after: "the start time")
        let to = try string(after: "'to'")
        var reason: Located<String>?
        if acceptClause("because") != nil {
            reason = try string(after: "'because'")
        }
        return OverrideSyntax(
            substitute: substitute, absent: absent, from: from, to: to, reason: reason,
            span: keyword.span.through(previous.span))
    }

    mutating func parseInstitution() throws -> InstitutionSyntax {
        let (id, title) = try header("institution")
        var institution = InstitutionSyntax(id: id, title: title)
        var seen: [String: Span] = [:]
        let what = "institution '\(id.value)'"
        institution.incomplete = try block(what, statements: ["kind", "administration", "area", "vital", "leader"]) {
            p, keyword in
            let ok = p.single(keyword, &seen, in: what)
            switch keyword.text {
            case "kind":
                let kind = try p.name(after: "'kind'")
                if ok { institution.kind = kind }
            case "administration":
                let administration = try p.name(after: "'administration'")
                if ok { institution.administration = administration }
            case "area":
                let area = try p.name(after: "'area'")
                if ok { institution.area = area }
            case "vital":
                if ok { institution.vital = keyword.span }
            default:
                let leader = try p.name(after: "'leader'")
                if ok { institution.leader = leader }
            }
        }
        return institution
    }
}
