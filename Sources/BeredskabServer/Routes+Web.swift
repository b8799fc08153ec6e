import BeredskabEngine
import BeredskabRules
import BeredskabStore
import BeredskabTime
import BeredskabWeb
import Foundation
import HTTPTypes
import Hummingbird

extension Routes {
    func addWebRoutes(_ router: Router<BasicRequestContext>) {
        router.get("assets/beredskab.css") { _, _ in Self.asset(WebAssets.css, type: "text/css; charset=utf-8") }
        router.get("assets/beredskab.js") { _, _ in
            Self.asset(WebAssets.js, type: "text/javascript; charset=utf-8")
        }
        router.get("/") { request, _ in
            guard let principal = try principal(request) else { return Self.redirect("/login") }
            return Self.redirect(principal.can(.reviewer) ? "/board" : "/report")
        }
        addSignInRoutes(router)
        addReportRoutes(router)
        addResponderRoutes(router)
        router.get("board") { request, _ in try board(request) }
        router.get("closures/new") { request, _ in
            let principal = try require(request, .reviewer, .admin)
            return page(request, principal, ClosureFormPage(institutions: institutionOptions()))
        }
        router.post("closures") { request, _ in
            var request = request
            let form = try await Self.formBody(&request)
            let principal = try require(request, [.reviewer, .admin], csrf: form.first("csrf"))
            return try closureForm(request, principal, form)
        }
    }

    // MARK: Pages and their plumbing

    static func asset(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// Danish unless `?lang=en` or the `lang` cookie says English.
    static func language(_ request: Request) -> Language {
        if let asked = request.uri.queryParameters.get("lang").flatMap({ Language(rawValue: String($0)) }) {
            return asked
        }
        return Self.cookie(request, "lang").flatMap(Language.init(rawValue:)) ?? .da
    }

    func context(_ request: Request, _ principal: Principal?) -> PageContext {
        let engine = engine
        let user = principal.map { p in
            SignedInUser(
                name: p.person.flatMap { engine.roster.persons[$0]?.name } ?? p.actor,
                organisation: engine.roster.organisations[p.organisation]?.name ?? p.organisation,
                mayReport: p.can(.reporter), mayUseBoard: true, mayReview: p.can(.reviewer))
        }
        return PageContext(
            lang: Self.language(request), path: request.uri.path, user: user, csrf: principal?.csrf,
            criticalSilences: principal == nil ? [] : criticalSilenceBanners())
    }

    /// A page as a response, for the signed-in principal if any; remembers a language chosen with `?lang=`.
    func page(_ request: Request, _ principal: Principal?, _ view: some WebPage) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        if let lang = request.uri.queryParameters.get("lang").flatMap({ Language(rawValue: String($0)) }) {
            headers[.setCookie] = "lang=\(lang.rawValue); Path=/; Max-Age=31536000; SameSite=Lax"
        }
        return Response(
            status: HTTPResponse.Status(code: view.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: view.render(context(request, principal)))))
    }

    /// Whether the request comes from a browser that wants a page rather than JSON.
    static func wantsHTML(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/html") == true
    }

    /// A browser's failed page request: the sign-in page for a 401 on GET, else an error page; nil for non-browsers.
    func errorPage(_ request: Request, _ error: APIError) -> Response? {
        guard Self.wantsHTML(request) else { return nil }
        if error.status == .unauthorized && request.method == .get { return Self.redirect("/login") }
        let principal = try? principal(request)
        return page(request, principal ?? nil, ErrorPage(status: Int(error.status.code), message: error.message))
    }

    // MARK: Sign-in

    func addSignInRoutes(_ router: Router<BasicRequestContext>) {
        router.get("login") { request, _ in page(request, nil, SignInPage(step: .form())) }
        router.post("login") { request, _ in
            var request = request
            let form = try await Self.formBody(&request)
            guard let address = form.first("address") else {
                return page(request, nil, SignInPage(step: .form(problem: .required)))
            }
            sendSignInLink(to: address)
            return page(request, nil, SignInPage(step: .sent(validMinutes: SQLiteStore.signInValidity / 60)))
        }
        router.get("login/:token") { request, context in
            let token = context.parameters.get("token") ?? ""
            guard try store.signInPerson(token: token, at: clock()) != nil else {
                return page(request, nil, SignInPage(step: .linkExpired))
            }
            return page(request, nil, SignInPage(step: .confirm(token: token)))
        }
        router.post("login/:token") { request, context in
            try refuseCrossSite(request)
            guard
                case .signedIn(let secret, _) = try store.finishSignIn(
                    token: context.parameters.get("token") ?? "", at: clock())
            else { return page(request, nil, SignInPage(step: .linkExpired)) }
            let cookie =
                "beredskab_session=\(secret); Path=/; Max-Age=\(SQLiteStore.sessionValidity); HttpOnly; SameSite=Lax"
                + (options.secureCookies ? "; Secure" : "")
            return Self.redirect("/", cookies: [cookie])
        }
        router.post("logout") { request, _ in
            var request = request
            let form = try await Self.formBody(&request)
            _ = try require(request, csrf: form.first("csrf"))
            if let secret = Self.cookie(request, "beredskab_session") {
                try store.endSession(secret: secret, at: clock())
            }
            return Self.redirect("/login", cookies: ["beredskab_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"])
        }
    }

    /// A 403 for a form posted from another site: the browser's `Sec-Fetch-Site` when it sends one
    /// (only `same-origin` and `none`, a typed address, pass), else its `Origin`, which must be this
    /// server (its public address or the `Host` asked for). A sign-in link pressed on another
    /// site's page would otherwise start a session in the victim's browser (login CSRF).
    func refuseCrossSite(_ request: Request) throws {
        let refusal = APIError(.forbidden, "this form may only be sent from Beredskab's own pages")
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased() {
            guard site == "same-origin" || site == "none" else { throw refusal }
        }
        guard let origin = request.headers[HTTPField.Name("Origin")!]?.lowercased() else { return }
        // The public address's origin: scheme and authority, without a path.
        let address = options.publicURL.value.lowercased()
        let start = address.range(of: "://")?.upperBound ?? address.startIndex
        let own = [
            String(address[..<(address[start...].firstIndex(of: "/") ?? address.endIndex)]),
            request.head.authority.map { "http://\($0.lowercased())" },
            request.head.authority.map { "https://\($0.lowercased())" },
        ]
        guard own.contains(origin) else { throw refusal }
    }

    // MARK: Reporting and the reporter's status page

    func addReportRoutes(_ router: Router<BasicRequestContext>) {
        router.get("report") { request, _ in
            let principal = try require(request, .reporter)
            let values = ReportFormPage.Values(
                occurredAt: WebTime.dateTimeLocal(clock()), reportID: newReportID(principal.organisation))
            return page(
                request, principal,
                ReportFormPage(
                    areas: areaOptions(), values: values, mayMarkExercise: principal.can(.admin, .reviewer)))
        }
        router.post("report") { request, _ in
            var request = request
            let form = try await Self.formBody(&request)
            let principal = try require(request, [.reporter], csrf: form.first("csrf"))
            return try await reportForm(request, principal, form)
        }
        router.get("incidents/:id") { request, context in
            let (principal, incident, notifications, _) = try visible(request, context)
            return try statusPage(request, principal, incident, notifications)
        }
        router.post("incidents/:id/updates") { request, context in
            var request = request
            let form = try await Self.formBody(&request)
            let (principal, incident, notifications, _) = try visible(
                request, context, roles: [.reporter, .responder, .admin], csrf: form.first("csrf"))
            guard principal.mayUpdate(incident, notifications: notifications, engine: engine) else {
                throw APIError(.forbidden, "updates come from the reporting organisation, those alerted, or an admin")
            }
            let posted = IncidentUpdate.Kind(rawValue: form.first("kind") ?? "") ?? .information
            let kind = posted == .report ? .information : posted
            let text = form.first("text") ?? ""
            var errors: [IncidentStatusPage.UpdateField: FieldProblem] = [:]
            if kind == .information && text.isEmpty { errors[.text] = .required }
            if text.codePointCount > 4000 { errors[.text] = .tooLong(maximum: 4000) }
            if try followMerge(incident).closedAt != nil {
                errors[.kind] = .custom(da: "Hændelsen er allerede afsluttet.", en: "The incident is already closed.")
            }
            guard errors.isEmpty else {
                return try statusPage(
                    request, principal, incident, notifications, kind: kind.rawValue, text: text, errors: errors)
            }
            try addUpdate(IncidentUpdate(at: clock(), actor: principal.actor, kind: kind, text: text), to: incident)
            return Self.redirect("/incidents/\(HTML.pathSegment(incident.id))")
        }
    }

    func areaOptions() -> [AreaOption] {
        engine.rules.areas.values.map { AreaOption(id: $0.id.value, name: $0.name) }.sorted { $0.name < $1.name }
    }

    func institutionOptions() -> [InstitutionOption] {
        engine.roster.institutions.values.map { InstitutionOption(id: $0.id.value, name: $0.name, vital: $0.vital) }
            .sorted { $0.name < $1.name }
    }

    /// The situation tier of an incident, as the pages show it.
    func situation(_ incident: IncidentRecord) -> Situation {
        let report = (try? JSONValue.parse(Array(incident.reportJSON.utf8))) ?? .null
        func text(_ value: JSONValue?) -> String? { if case .string(let s)? = value { s } else { nil } }
        func flag(_ name: String) -> Bool { IncidentFlag(rawValue: name).map(incident.flags.contains) ?? false }
        var situation = Situation(
            category: incident.category, severity: incident.severity,
            areaName: incident.area.flatMap { engine.rules.areas[$0]?.name } ?? incident.area,
            address: text(report["location"]?["address"]), coordinate: Self.coordinate(inReport: report),
            occurredAt: incident.occurredAt,
            description: text(report["description"]) ?? "", injured: flag("injured"), weapons: flag("weapons"),
            minors: flag("minors"))
        situation.exercise = incident.exercise
        return situation
    }

    func statusPage(
        _ request: Request, _ principal: Principal, _ incident: IncidentRecord, _ notifications: [StoredNotification],
        kind: String = "information", text: String = "", errors: [IncidentStatusPage.UpdateField: FieldProblem] = [:]
    ) throws -> Response {
        // A report merged into another incident shows that incident: its alerts, state and updates.
        let followed = try followMerge(incident)
        let notifications = followed.id == incident.id ? notifications : try store.notifications(incident: followed.id)
        var view = IncidentStatusPage(
            incident: incident.id, situation: situation(followed), receivedAt: incident.receivedAt,
            open: followed.closedAt == nil, acknowledged: followed.acknowledged,
            notified: notifiedByRole(notifications).map {
                NotifiedRole(role: $0.role, roleName: $0.name, count: $0.count, acknowledged: $0.acknowledged)
            },
            updates: try store.updates(incident: followed.id).map {
                TimelineEntry(at: $0.at, kind: .update, text: $0.text.isEmpty ? $0.kind.rawValue : $0.text)
            },
            updateKind: kind, updateText: text, updateErrors: errors)
        view.afterActionLink =
            followed.id == incident.id
            && (principal.seesAll || principal.wasAlerted(notifications, engine: engine))
        view.silenced = try store.silenced(incident: followed.id).map {
            SilencedLine(
                guidelineTitle: engine.rules.guideline($0.guideline)?.title ?? $0.guideline, silence: $0.silence,
                reason: $0.reason, firedSince: $0.firedSince)
        }
        return page(request, principal, view)
    }

    /// The report form sent: checked field by field, re-shown with the problems, or accepted like
    /// any report and answered with the reporter's status page.
    func reportForm(_ request: Request, _ principal: Principal, _ form: [String: [String]]) async throws -> Response {
        let now = clock()
        var values = ReportFormPage.Values(
            category: form.first("category") ?? "", severity: form.first("severity") ?? "",
            area: form.first("area") ?? "", address: form.first("address") ?? "", lat: form.first("lat") ?? "",
            lon: form.first("lon") ?? "", occurredAt: form.first("occurred_at") ?? "",
            description: form.first("description") ?? "", injured: form.first("injured") != nil,
            weapons: form.first("weapons") != nil, minors: form.first("minors") != nil,
            persons: form.first("persons") ?? "",
            reportID: form.first("report_id").flatMap { Self.isOwnWebID($0, principal.organisation) ? $0 : nil }
                ?? newReportID(principal.organisation))
        // Only an admin or a coordinator may run an exercise from the form.
        values.exercise = form.first("exercise") != nil && principal.can(.admin, .reviewer)
        var errors: [ReportFormPage.Field: FieldProblem] = [:]
        if values.category.isEmpty {
            errors[.category] = .required
        } else if Category(rawValue: values.category) == nil {
            errors[.category] = .unknownChoice
        }
        if values.severity.isEmpty {
            errors[.severity] = .required
        } else if IncidentSeverity(rawValue: values.severity) == nil {
            errors[.severity] = .unknownChoice
        }
        if !values.area.isEmpty && engine.rules.areas[values.area] == nil { errors[.area] = .unknownChoice }
        if values.address.codePointCount > 300 { errors[.address] = .tooLong(maximum: 300) }
        let lat = Double(values.lat)
        let lon = Double(values.lon)
        if values.area.isEmpty && values.address.isEmpty && (lat == nil || lon == nil) {
            errors[.area] = .custom(
                da: "Vælg et område, skriv en adresse eller brug din placering.",
                en: "Pick an area, write an address or use your location.")
        }
        let occurred = WebTime.parseDateTimeLocal(values.occurredAt)
        if values.occurredAt.isEmpty {
            errors[.occurredAt] = .required
        } else if occurred == nil {
            errors[.occurredAt] = .invalidDateTime
        } else if let occurred, occurred.seconds > now.seconds + 300 {
            errors[.occurredAt] = .inFuture
        }
        if values.description.codePointCount > 4000 { errors[.description] = .tooLong(maximum: 4000) }
        let persons = values.persons.split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        if persons.contains(where: { $0.codePointCount > 200 }) { errors[.persons] = .tooLong(maximum: 200) }
        guard errors.isEmpty, let occurred else {
            return page(
                request, principal,
                ReportFormPage(
                    areas: areaOptions(), values: values, errors: errors,
                    mayMarkExercise: principal.can(.admin, .reviewer)))
        }
        var location: [(String, JSONValue)] = []
        if !values.area.isEmpty { location.append(("area", .string(values.area))) }
        if !values.address.isEmpty { location.append(("address", .string(values.address))) }
        if let lat, let lon { location += [("lat", .number(lat)), ("lon", .number(lon))] }
        var flags: [(String, JSONValue)] = []
        for (name, on) in [("injured", values.injured), ("weapons", values.weapons), ("minors", values.minors)] where on
        {
            flags.append((name, .bool(true)))
        }
        let id = values.reportID
        var reporter: [(String, JSONValue)] = [("organisation", .string(principal.organisation))]
        if let person = principal.person { reporter.append(("person", .string(person))) }
        var fields: [(String, JSONValue)] = [
            ("id", .string(id)), ("reporter", .object(reporter)),
            ("occurred_at", .string(Copenhagen.format(occurred))), ("category", .string(values.category)),
            ("severity", .string(values.severity)), ("location", .object(location)),
        ]
        if !flags.isEmpty { fields.append(("flags", .object(flags))) }
        if !values.description.isEmpty { fields.append(("description", .string(values.description))) }
        if !persons.isEmpty { fields.append(("persons", .array(persons.map { .object([("name", .string($0))]) }))) }
        if values.exercise { fields.append(("exercise", .bool(true))) }
        let json = JSONValue.object(fields)
        let report: IncidentReport
        switch IncidentReport.decode(json, rules: engine.rules, roster: engine.roster) {
        case .success(let decoded): report = decoded
        case .failure(let invalid):
            for problem in invalid.problems {
                let field: ReportFormPage.Field =
                    problem.path.hasPrefix("$.location")
                    ? .area
                    : ReportFormPage.Field(
                        rawValue: String(problem.path.dropFirst(2).prefix { $0 != "." && $0 != "[" }))
                        ?? .description
                errors[field] = .custom(da: problem.message, en: problem.message)
            }
            values.occurredAt = WebTime.dateTimeLocal(occurred)
            return page(
                request, principal,
                ReportFormPage(
                    areas: areaOptions(), values: values, errors: errors,
                    mayMarkExercise: principal.can(.admin, .reviewer)))
        }
        // Sent twice, the same id is the same report: both answers lead to the one incident.
        switch try await acceptReport(report, raw: json.prettyText, organisation: principal.organisation) {
        case .accepted: metrics.reportReceived("accepted")
        case .replayed: metrics.reportReceived("replayed")
        case .idTaken: throw APIError(.conflict, "the form's report id is taken; reload the form and send it again")
        }
        return Self.redirect("/incidents/\(HTML.pathSegment(id))")
    }

    /// A fresh id for a report made on the web: `<organisation>:web-<Copenhagen time>-<random>`.
    func newReportID(_ organisation: String) -> String {
        let stamp = Copenhagen.format(clock()).prefix(16).filter(\.isNumber)
        return "\(organisation):web-\(stamp)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Whether a posted id is one this server made for this organisation's form (nothing else is taken).
    static func isOwnWebID(_ id: String, _ organisation: String) -> Bool {
        id.hasPrefix("\(organisation):web-") && id.codePointCount <= 200
            && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-:._".contains($0)) }
    }

    // MARK: The responder's page behind the link in an alert

    func addResponderRoutes(_ router: Router<BasicRequestContext>) {
        router.get("ack/:token") { request, context in
            try responderPage(request, token: context.parameters.get("token") ?? "")
        }
        router.post("ack/:token") { request, context in
            var request = request
            let form = try await Self.formBody(&request)
            let token = context.parameters.get("token") ?? ""
            if let status = form.first("status") {
                return try watchAnswer(request, token: token, status: status, reopenAt: form.first("reopen_at"))
            }
            // A watch request is answered, not merely acknowledged: an empty answer is refused.
            if let n = try store.notification(ackToken: token), n.kind == "watch" {
                return try watchAnswerMissing(request, n, token: token, reopenAt: form.first("reopen_at"))
            }
            let engine = engine
            switch try store.acknowledge(
                ackToken: token, at: clock(),
                stops: { engine.acknowledgementStops(roles: $0.roles, guidelines: $0.guidelines) })
            {
            case .acknowledged: return page(request, nil, ResponderMessagePage(kind: .acknowledged, token: token))
            case .seen: return page(request, nil, ResponderMessagePage(kind: .seen, token: token))
            case .alreadyAcknowledged(let n):
                return page(
                    request, nil, ResponderMessagePage(kind: .alreadyAcknowledged(at: n.acknowledgedAt), token: token))
            case .expired: return page(request, nil, ResponderMessagePage(kind: .expired))
            case .unknown: return page(request, nil, ResponderMessagePage(kind: .unknown))
            }
        }
        router.post("ack/:token/tasks/:task") { request, context in
            let token = context.parameters.get("token") ?? ""
            guard let n = try store.notification(ackToken: token) else {
                return page(request, nil, ResponderMessagePage(kind: .unknown))
            }
            if clock() > n.ackExpiresAt {
                return page(request, nil, ResponderMessagePage(kind: .expired))
            }
            // Only the tasks of the roles this alert was for, as the page shows them.
            guard let task = context.parameters.get("task").flatMap(Int64.init),
                try store.tasks(incident: n.incident).contains(where: { $0.id == task && n.roles.contains($0.role) }),
                try store.setTask(
                    incident: n.incident, task: task, done: true, actor: "person:\(n.person)", at: clock())
                    != nil
            else { throw APIError.notFound("task") }
            return Self.redirect("/ack/\(token)")
        }
    }

    func responderPage(_ request: Request, token: String) throws -> Response {
        guard let n = try store.notification(ackToken: token) else {
            return page(request, nil, ResponderMessagePage(kind: .unknown))
        }
        let now = clock()
        // Seven days after it was sent a link shows nothing, acknowledged or not: personal details
        // (§115) must not stay behind a link that may sit in a forwarded mail or an old phone.
        if now > n.ackExpiresAt {
            return page(request, nil, ResponderMessagePage(kind: .expired))
        }
        let engine = engine
        let incident = try store.incident(id: n.incident)
        let message = n.message.replacingOccurrences(of: "{link}", with: "").trimmingCharacters(in: .whitespaces)
        if n.kind == "watch" {
            return page(request, nil, watchPage(n, token: token, incident: incident))
        }
        var details: String?
        // The incident's personal details for an entitled recipient: those of this alert and of the
        // reports merged into the incident since (sent to the same person, personal tier).
        let personal =
            n.tier == .personal
            ? try store.notifications(incident: n.incident).filter { $0.person == n.person && $0.tier == .personal }
                .compactMap { $0.details?.trimmingCharacters(in: .whitespacesAndNewlines) }
            : []
        var blocks: [String] = []
        for block in personal where !blocks.contains(block) { blocks.append(block) }
        if !blocks.isEmpty {
            details = blocks.joined(separator: "\n\n")
            try store.appendAudit(
                actor: "person:\(n.person)", action: "personal-details-read", incident: n.incident,
                detail: "shown on the page behind the alert's link", at: now)
        }
        let roles = Set(n.roles)
        let tasks = try store.tasks(incident: n.incident).filter { roles.contains($0.role) }.map {
            ResponderTask(
                id: String($0.id), text: $0.text, roleName: engine.rules.roles[$0.role]?.name ?? $0.role,
                dueAt: $0.dueAt,
                doneAt: $0.doneAt)
        }
        let timeline = try store.timeline(incident: n.incident).compactMap { event in
            TimelineEntry.Kind(rawValue: event.kind).map { TimelineEntry(at: event.at, kind: $0, text: event.text) }
        }
        let view = ResponderPage(
            token: token, incident: n.incident, recipientName: n.name,
            roleNames: n.roles.map { engine.rules.roles[$0]?.name ?? $0 },
            situation: incident.map(situation)
                ?? Situation(category: .other, severity: .moderate, description: ""),
            message: message, personalDetails: details, tasks: tasks, acknowledgedAt: n.acknowledgedAt,
            timeline: timeline, now: now)
        return page(request, nil, view)
    }

    /// A watch form sent without an answer: the form again with the problem (422) for a browser, a
    /// 422 JSON error for anything else. Nothing is recorded.
    func watchAnswerMissing(
        _ request: Request, _ n: StoredNotification, token: String, reopenAt: String?
    ) throws -> Response {
        guard Self.wantsHTML(request) else {
            throw APIError(
                .unprocessableContent, "the watch answer needs a status",
                problems: [("status", "must be open, reduced or closed")])
        }
        let view = watchPage(
            n, token: token, incident: try store.incident(id: n.incident), reopenAt: reopenAt ?? "",
            errors: [.status: .required])
        return page(request, nil, view)
    }

    /// The page behind a watch request's link: the leader's institution, the request and the situation.
    func watchPage(
        _ n: StoredNotification, token: String, incident: IncidentRecord?, reopenAt: String = "",
        errors: [WatchRequestPage.Field: FieldProblem] = [:]
    ) -> WatchRequestPage {
        let institution = n.roles.first.map { String($0.dropFirst("leder:".count)) } ?? ""
        return WatchRequestPage(
            token: token, incident: n.incident,
            institutionName: engine.roster.institutions[institution]?.name ?? institution,
            message: n.message.replacingOccurrences(of: "{link}", with: "").trimmingCharacters(in: .whitespaces),
            situation: incident.map(situation), reopenAt: reopenAt, errors: errors)
    }

    func watchAnswer(_ request: Request, token: String, status: String, reopenAt: String?) throws -> Response {
        guard let answer = WatchStatus(rawValue: status), let pageAnswer = WatchRequestPage.Answer(rawValue: status)
        else { throw APIError(.unprocessableContent, "status must be open, reduced or closed") }
        let reopening = reopenAt.flatMap(WebTime.parseDateTimeLocal)
        if let reopenAt, reopening == nil, let n = try store.notification(ackToken: token) {
            let view = WatchRequestPage(
                token: token, incident: n.incident, institutionName: n.name, message: n.message, answer: status,
                reopenAt: reopenAt, errors: [.reopenAt: .invalidDateTime])
            return page(request, nil, view)
        }
        let engine = engine
        switch try store.answerWatch(
            ackToken: token, status: answer, expectedReopening: reopening,
            vital: { engine.roster.institutions[$0]?.vital ?? false }, at: clock())
        {
        case .recorded(let institution, _):
            let name = engine.roster.institutions[institution]?.name ?? institution
            return page(
                request, nil,
                ResponderMessagePage(kind: .watchRecorded(institution: name, answer: pageAnswer), token: token)
            )
        case .over:
            return page(request, nil, ResponderMessagePage(kind: .watchOver))
        case .notAWatch:
            return page(request, nil, ResponderMessagePage(kind: .unknown))
        }
    }

    // MARK: The board and the closure form

    func board(_ request: Request) throws -> Response {
        let principal = try require(request)
        var filter = IncidentFilter()
        filter.limit = 500
        let now = clock()
        let engine = engine
        var rows = try store.incidents(principal.restrict(filter, engine: engine)).filter { $0.mergedInto == nil }.map {
            var row = BoardRow(
                id: $0.id, areaName: $0.area.flatMap { engine.rules.areas[$0]?.name } ?? $0.area, category: $0.category,
                severity: $0.severity, ageMinutes: max(0, (now.seconds - $0.receivedAt.seconds) / 60),
                acknowledged: $0.acknowledged, escalation: BoardRow.Escalation(rawValue: $0.escalation) ?? .none,
                link: "/incidents/\(HTML.pathSegment($0.id))")
            row.exercise = $0.exercise
            return row
        }
        // Incidents a silence kept quiet (issue 13): one query for those on the board.
        let silenced = try store.silencedOpenIncidents(among: rows.map(\.id))
        for index in rows.indices {
            guard let entries = silenced[rows[index].id] else { continue }
            var reasons: [String] = []
            for entry in entries where !reasons.contains(entry.reason) { reasons.append(entry.reason) }
            rows[index].silenced = reasons.joined(separator: "; ")
        }
        // Deliveries waiting through an outage, for the incidents this principal sees.
        let visible = Set(rows.map(\.id))
        let waiting = try store.waitingNotifications(limit: 200).filter { visible.contains($0.incident) }.map {
            WaitingDelivery(
                name: $0.name, incident: $0.incident, link: "/incidents/\(HTML.pathSegment($0.incident))",
                channel: $0.channel, failedAttempts: $0.failedAttempts,
                waitingMinutes: max(0, (now.seconds - $0.waitingSince.seconds) / 60), nextAttemptAt: $0.nextAttemptAt,
                lastError: $0.lastError)
        }
        var view = BoardPage(rows: BoardPage.ordered(rows), updatedAt: now, waiting: waiting)
        view.silencesLink = principal.can(.reviewer, .admin)
        return page(request, principal, view)
    }

    func closureForm(_ request: Request, _ principal: Principal, _ form: [String: [String]]) throws -> Response {
        let values = ClosureFormPage.Values(
            institution: form.first("institution") ?? "", from: form.first("from") ?? "", to: form.first("to") ?? "",
            partial: form.first("partial") != nil, reason: form.first("reason") ?? "",
            reasonText: form.first("reason_text") ?? "", decidedBy: form.first("decided_by") ?? "",
            incidents: form.first("incidents") ?? "", nearMiss: form.first("near_miss") != nil,
            mitigations: form["mitigations"] ?? [])
        let incidents = values.incidents.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        var body: [(String, JSONValue)] = [
            ("institution", .string(values.institution)), ("reason", .string(values.reason)),
            ("reason_text", .string(values.reasonText)), ("decided_by", .string(values.decidedBy)),
            ("partial", .bool(values.partial)), ("near_miss", .bool(values.nearMiss)),
            ("incidents", .array(incidents.map(JSONValue.string))),
            ("mitigations", .array(values.mitigations.map(JSONValue.string))),
        ]
        var errors: [ClosureFormPage.Field: FieldProblem] = [:]
        for (field, text) in [(ClosureFormPage.Field.from, values.from), (.to, values.to)] where !text.isEmpty {
            if let time = WebTime.parseDateTimeLocal(text) {
                body.append((field.rawValue, .string(Copenhagen.format(time))))
            } else {
                errors[field] = .invalidDateTime
            }
        }
        let unknown = try incidents.filter { try store.incident(id: $0) == nil }
        if !unknown.isEmpty { errors[.incidents] = .unknownIncidents(unknown) }
        do {
            let record = try decodeClosure(.object(body))
            if errors.isEmpty {
                _ = try store.recordClosure(record, actor: principal.actor, at: clock())
                return Self.redirect("/review")
            }
        } catch let error as APIError {
            for problem in error.problems {
                let name = String(problem.path.dropFirst(2))
                let field = ClosureFormPage.Field(rawValue: name) ?? .reasonText
                if errors[field] == nil {
                    errors[field] =
                        problem.message.hasPrefix("required")
                        ? .required : .custom(da: problem.message, en: problem.message)
                }
            }
        }
        return page(
            request, principal, ClosureFormPage(institutions: institutionOptions(), values: values, errors: errors))
    }
}
