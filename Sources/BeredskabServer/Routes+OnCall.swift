import BeredskabEngine
import BeredskabRules
import BeredskabStore
import BeredskabTime
import BeredskabWeb
import Foundation
import HTTPTypes
import Hummingbird

extension APIError {
    /// A calendar token sent anywhere but to the on-call feeds.
    static let calendarTokenElsewhere = APIError(
        .forbidden, "a calendar token reads only the on-call feeds (/oncall/{role}.ics, /oncall/persons/{person}.ics)")
}

extension Routes {
    /// How many days the page shows.
    static let onCallPageDays = 14
    /// How many days ahead a feed reaches, from the server's now.
    static let onCallFeedDays = 60

    /// `/oncall` (the page) and the iCalendar feeds `/oncall/{role}.ics` and
    /// `/oncall/persons/{person}.ics`.
    func addOnCallRoutes(_ router: Router<BasicRequestContext>) {
        router.get("oncall") { request, _ in try onCallPage(request) }
        router.get("oncall/:feed") { request, context in
            try feedAnswer { try roleFeed(request, file: context.parameters.get("feed") ?? "") }
        }
        router.get("oncall/persons/:feed") { request, context in
            try feedAnswer { try personFeed(request, file: context.parameters.get("feed") ?? "") }
        }
    }

    // MARK: The page

    /// The page for reviewers (coordinators) and admins: every role, or the one `?role=` names
    /// (404 if unknown), from now for ``onCallPageDays`` days.
    func onCallPage(_ request: Request) throws -> Response {
        let principal = try require(request, .reviewer, .admin)
        let engine = engine
        let from = clock()
        let to = Copenhagen.later(from, by: Self.onCallPageDays * 86_400)
        let all = engine.rules.roles.keys.sorted()
        let selected = request.uri.queryParameters.get("role").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        if let selected, engine.rules.roles[selected] == nil { throw APIError.notFound("role '\(selected)'") }
        func name(_ person: String) -> String { engine.roster.persons[person]?.name ?? person }
        let roles = (selected.map { [$0] } ?? all).map { role in
            OnCallPage.Role(
                id: role, name: engine.rules.roles[role]?.name ?? role,
                shifts: engine.duty.schedule(role, from: from, to: to).map { shift in
                    OnCallPage.Shift(
                        start: shift.start, end: shift.end,
                        persons: shift.persons.map { person in
                            OnCallPage.Duty(
                                name: name(person),
                                covering: shift.covers.first { $0.substitute == person }.map { name($0.absent) })
                        })
                })
        }
        let choices = all.map { OnCallPage.Choice(id: $0, name: engine.rules.roles[$0]?.name ?? $0) }
        return page(
            request, principal, OnCallPage(roles: roles, choices: choices, selected: selected, from: from, to: to))
    }

    // MARK: The feeds

    /// A feed's answer, or its refusal as JSON whoever asks: a calendar program or a browser
    /// opening the address gets the reason, never the sign-in page. Other failures (the store)
    /// go to the error middleware, which logs them and answers 500 or 503.
    func feedAnswer(_ make: () throws -> Response) throws -> Response {
        do {
            return try make()
        } catch let error as APIError {
            return Self.json(error.status, error.json, headers: error.headers)
        }
    }

    /// The calendar token of a feed request: `?token=` (what calendar programs can send) or
    /// `Authorization: Bearer`. 401 if missing, unknown or revoked; 403 for any other kind of token.
    func calendarToken(_ request: Request) throws -> TokenRecord {
        var secret = request.uri.queryParameters.get("token").map { String($0) }
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer ") else {
                throw APIError(.unauthorized, "the bearer token is not valid (unknown, revoked or malformed)")
            }
            secret = String(header.dropFirst(7))
        }
        guard let secret, !secret.isEmpty else {
            throw APIError(.unauthorized, "a feed needs a calendar token: ?token=bsk_… or Authorization: Bearer")
        }
        guard let token = try store.token(secret: secret) else {
            throw APIError(.unauthorized, "the calendar token is not valid (unknown, revoked or malformed)")
        }
        _ = try limited(
            Principal(
                roles: [token.role], organisation: token.organisation, person: token.person,
                actor: "token:\(token.id)", csrf: nil))
        guard token.role == .calendar else {
            throw APIError(.forbidden, "the feeds take only a calendar token (beredskab token create --role calendar)")
        }
        return token
    }

    /// The id in a feed's file name, `politi-vagt.ics` → `politi-vagt`; nil without `.ics`.
    static func feedID(_ file: String) -> String? {
        let decoded = file.removingPercentEncoding ?? file
        guard decoded.hasSuffix(".ics"), decoded.count > 4 else { return nil }
        return String(decoded.dropLast(4))
    }

    /// The roles whose feeds a person-bound calendar token may read: those the person holds and
    /// those of the rotas they are a member of.
    static func feedRoles(of person: String, in engine: Engine) -> Set<String> {
        var roles = Set(engine.roster.persons[person]?.roles.map(\.value) ?? [])
        for rota in engine.roster.rotas where rota.members.contains(where: { $0.value == person }) {
            roles.insert(rota.role.value)
        }
        return roles
    }

    /// `GET /oncall/{role}.ics`: the role's shifts from now for ``onCallFeedDays`` days.
    func roleFeed(_ request: Request, file: String) throws -> Response {
        let token = try calendarToken(request)
        let engine = engine
        guard let role = Self.feedID(file), let definition = engine.rules.roles[role] else {
            throw APIError.notFound("role feed '\(file)'")
        }
        if let person = token.person, !Self.feedRoles(of: person, in: engine).contains(role) {
            throw APIError(.forbidden, "this calendar token reads the feeds of its person's own roles only")
        }
        let (from, to) = feedPeriod()
        let events = OnCallCalendar.events(
            role: role, shifts: engine.duty.shifts(role, overlapping: from, to: to), engine: engine,
            language: Self.feedLanguage(request, default: .da))
        return Self.calendar(
            OnCallCalendar.render(name: "Beredskab: " + definition.name, events: events, generatedAt: from),
            file: role)
    }

    /// `GET /oncall/persons/{person}.ics`: the person's shifts in every role, from now for
    /// ``onCallFeedDays`` days, in the person's language unless `?lang=` says otherwise.
    func personFeed(_ request: Request, file: String) throws -> Response {
        let token = try calendarToken(request)
        let engine = engine
        guard let id = Self.feedID(file), let person = engine.roster.persons[id] else {
            throw APIError.notFound("person feed '\(file)'")
        }
        if let own = token.person, own != id {
            throw APIError(.forbidden, "this calendar token reads its own person's feed only")
        }
        let (from, to) = feedPeriod()
        let language = Self.feedLanguage(request, default: person.language)
        let events = engine.rules.roles.keys.sorted().flatMap { role in
            OnCallCalendar.events(
                person: id, shifts: engine.duty.shifts(role, overlapping: from, to: to), engine: engine,
                language: language)
        }.sorted { ($0.start, $0.uid) < ($1.start, $1.uid) }
        return Self.calendar(
            OnCallCalendar.render(name: "Beredskab: " + person.name, events: events, generatedAt: from), file: id)
    }

    func feedPeriod() -> (Instant, Instant) {
        let from = clock()
        return (from, Copenhagen.later(from, by: Self.onCallFeedDays * 86_400))
    }

    static func feedLanguage(_ request: Request, default fallback: Language) -> Language {
        request.uri.queryParameters.get("lang").flatMap { Language(rawValue: String($0)) } ?? fallback
    }

    /// A `text/calendar` answer, never cached on the way (its address holds a token).
    static func calendar(_ text: String, file: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/calendar; charset=utf-8"
        headers[.contentDisposition] =
            "inline; filename=\"\(file.filter { $0.isLetter || $0.isNumber || $0 == "-" }).ics\""
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
