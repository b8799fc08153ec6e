import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird

/// The HTTP side: report intake for housing associations' systems and acknowledgement pages for
/// the people notified. Every refusal is a 4xx with a JSON body saying what was wrong.
public struct Routes: Sendable {
    let engine: Engine
    let store: any IncidentStore
    let clock: @Sendable () -> Instant
    /// Rung after a report is committed, so its messages leave at once.
    let doorbell: Doorbell?
    /// Commits reports arriving together in one transaction.
    let commits: GroupCommit
    /// The largest report body accepted.
    public static let maximumBody = 256 * 1024

    /// Creates the routes.
    public init(
        engine: Engine, store: any IncidentStore, doorbell: Doorbell? = nil, clock: @escaping @Sendable () -> Instant
    ) {
        self.engine = engine
        self.store = store
        self.doorbell = doorbell
        self.clock = clock
        commits = GroupCommit(store: store)
    }

    /// A router with every route.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in Self.json(.ok, .object([("status", .string("ok"))])) }
        router.post("api/v1/incidents") { request, _ in try await intake(request) }
        router.get("ack/:token") { _, context in try ackPage(context.parameters.get("token") ?? "", acknowledge: false)
        }
        router.post("ack/:token") { request, context in
            var request = request
            let form = String(buffer: try await request.collectBody(upTo: 4096))
            let status = form.split(separator: "&").first { $0.hasPrefix("status=") }.map { String($0.dropFirst(7)) }
            return try ackPage(context.parameters.get("token") ?? "", acknowledge: true, status: status)
        }
        return router
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: value.prettyText)))
    }

    /// `{"error": {"status": 422, "message": "…", "problems": [{"path", "message"}]}}`
    static func error(_ status: HTTPResponse.Status, _ message: String, problems: [ReportProblem] = []) -> Response {
        var error: [(String, JSONValue)] = [("status", .number(Double(status.code))), ("message", .string(message))]
        if !problems.isEmpty {
            error.append(
                (
                    "problems",
                    .array(problems.map { .object([("path", .string($0.path)), ("message", .string($0.message))]) })
                ))
        }
        return json(status, .object([("error", .object(error))]))
    }

    func intake(_ request: Request) async throws -> Response {
        var request = request
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let organisation = try store.organisation(forToken: String(header.dropFirst(7)))
        else {
            return Self.error(.unauthorized, "a valid bearer token of the reporting organisation is required")
        }
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            return Self.error(.unsupportedMediaType, "send the report as application/json (see docs/report.md)")
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBody)
        } catch {
            return Self.error(.contentTooLarge, "the report is larger than \(Self.maximumBody / 1024) KiB")
        }
        let bytes = Array(body.readableBytesView)
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            return Self.error(
                .badRequest, "not valid JSON: \(error)", problems: [ReportProblem("$", "not valid JSON: \(error)")])
        }
        let report: IncidentReport
        switch IncidentReport.decode(json, rules: engine.rules, roster: engine.roster) {
        case .success(let decoded): report = decoded
        case .failure(let invalid):
            return Self.error(.unprocessableContent, "the report is invalid", problems: invalid.problems)
        }
        guard report.reporter.organisation == organisation else {
            return Self.error(
                .forbidden,
                "this token belongs to '\(organisation)', but the report names '\(report.reporter.organisation)' as reporter"
            )
        }
        let now = clock()
        let engine = engine
        let outcome = try await commits.accept(
            AcceptRequest(
                report: report, raw: String(decoding: bytes, as: UTF8.self), organisation: organisation, at: now,
                plan: { history in engine.evaluate(report, history: history, at: now) },
                watchRequest: { institution, watch in
                    Self.watchRequest(engine, institution, watch, incident: report.id, at: now)
                }))
        switch outcome {
        case .accepted(let incident):
            doorbell?.ring()
            return Self.json(.created, Self.summary(incident), headers: [.location: "/api/v1/incidents/\(incident.id)"])
        case .replayed(let incident):
            var headers = HTTPFields()
            headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
            return Self.json(.ok, Self.summary(incident), headers: headers)
        case .idTaken:
            return Self.error(.conflict, "the id '\(report.id)' is already used by another organisation")
        }
    }

    /// The message asking an institution's leader to confirm whether it is open.
    static func watchRequest(
        _ engine: Engine, _ institutionID: String, _ watch: PlannedWatch, incident: String, at: Instant
    ) -> PlannedNotification? {
        guard let institution = engine.roster.institutions[institutionID], let leader = institution.leader?.value else {
            return nil
        }
        let deadline = WeeklyWindow.clock(Copenhagen.local(watch.confirmBy).minutes)
        let message =
            "Hændelse \(incident): bekræft inden kl. \(deadline), om \(institution.name) holder åbent, har nedsat service eller er lukket: {link}"
        return engine.notification(
            to: leader, as: "leder:\(institutionID)", at: at, guideline: watch.guideline, message: message)
    }

    /// What the reporter hears back: the plan without personal details or message texts.
    static func summary(_ incident: StoredIncident) -> JSONValue {
        let plan = (try? JSONValue.parse(Array(incident.planJSON.utf8))) ?? .null
        var notified: [JSONValue] = []
        if case .array(let items)? = plan["notifications"] {
            notified = items.map { item in
                .object(
                    ["person", "name", "roles", "channel", "tier", "send_at"].map { ($0, item[$0] ?? .null) })
            }
        }
        func count(_ key: String) -> JSONValue {
            if case .array(let items)? = plan[key] { return .number(Double(items.count)) }
            return .number(0)
        }
        return .object([
            ("incident", .string(incident.id)), ("status", .string("accepted")),
            ("received_at", .string(Copenhagen.format(incident.receivedAt))),
            ("area", plan["incident"]?["area"] ?? .null), ("merged_into", plan["merged_into"] ?? .null),
            ("fired", plan["fired"] ?? .array([])), ("suppressed", plan["suppressed"] ?? .array([])),
            ("notified", .array(notified)), ("tasks", count("tasks")), ("watches", count("watches")),
            ("escalations", count("escalations")), ("problems", plan["problems"] ?? .array([])),
        ])
    }

    func ackPage(_ token: String, acknowledge: Bool, status: String? = nil) throws -> Response {
        if acknowledge, let status, let answer = WatchStatus(rawValue: status) {
            let engine = engine
            switch try store.answerWatch(
                ackToken: token, status: answer, vital: { engine.roster.institutions[$0]?.vital ?? false }, at: clock())
            {
            case .recorded(let institution, _):
                let name = engine.roster.institutions[institution]?.name ?? institution
                let said = ["open": "holder åbent", "reduced": "har nedsat service", "closed": "er lukket"][status]!
                return AckPage.message(
                    .ok, "Tak – registreret", "\(name) \(said). Du kan ændre svaret, så længe hændelsen overvåges.")
            case .over:
                return AckPage.message(
                    .gone, "Overvågningen er slut", "Hændelsen overvåges ikke længere. Kontakt vagthavende.")
            case .notAWatch:
                break
            }
        }
        if acknowledge {
            switch try store.acknowledge(ackToken: token, at: clock()) {
            case .acknowledged(let n):
                return AckPage.html(
                    .ok, title: "Tak – du har kvitteret", notification: n,
                    note: "Din kvittering er registreret, og eskaleringen er stoppet.")
            case .alreadyAcknowledged(let n):
                let when = n.acknowledgedAt.map { Copenhagen.local($0).danishText } ?? ""
                return AckPage.html(
                    .ok, title: "Allerede kvitteret", notification: n,
                    note: "Du kvitterede \(when). Det er registreret.")
            case .expired:
                return AckPage.message(
                    .gone, "Linket er udløbet", "Linket til at kvittere er for gammelt. Kontakt vagthavende.")
            case .unknown:
                return AckPage.message(
                    .notFound, "Linket kendes ikke", "Linket er ikke gyldigt. Tjek at hele linket er kopieret med.")
            }
        }
        guard let n = try store.notification(ackToken: token) else {
            return AckPage.message(
                .notFound, "Linket kendes ikke", "Linket er ikke gyldigt. Tjek at hele linket er kopieret med.")
        }
        if n.acknowledgedAt == nil && clock() > n.ackExpiresAt {
            return AckPage.message(
                .gone, "Linket er udløbet", "Linket til at kvittere er for gammelt. Kontakt vagthavende.")
        }
        if n.kind == "watch" {
            return AckPage.watch(n)
        }
        return AckPage.html(
            .ok, title: "Besked fra Beredskab", notification: n, note: nil, form: n.acknowledgedAt == nil)
    }
}

/// The small server-rendered pages behind acknowledgement links.
enum AckPage {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func page(_ status: HTTPResponse.Status, _ title: String, _ body: String) -> Response {
        let html = """
            <!doctype html>
            <html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#111}
            button{font-size:1.2rem;padding:.8rem 1.6rem;background:#0b5;color:#fff;border:0;border-radius:.4rem}
            .message{white-space:pre-wrap;background:#f3f3f3;padding:1rem;border-radius:.4rem}</style></head>
            <body><h1>\(escape(title))</h1>
            \(body)
            </body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func message(_ status: HTTPResponse.Status, _ title: String, _ text: String) -> Response {
        page(status, title, "<p>\(escape(text))</p>")
    }

    /// The page asking an institution's leader: open, reduced service, or closed.
    static func watch(_ n: StoredNotification) -> Response {
        var body = "<div class=\"message\">\(escape(n.message.replacingOccurrences(of: "{link}", with: "")))</div>\n"
        body += "<form method=\"post\"><fieldset><legend>Hvordan er situationen?</legend>\n"
        for (value, label) in [
            ("open", "Åben som normalt"), ("reduced", "Åben med nedsat service"), ("closed", "Lukket"),
        ] {
            body +=
                "<p><label><input type=\"radio\" name=\"status\" value=\"\(value)\" required> \(label)</label></p>\n"
        }
        body += "</fieldset><button type=\"submit\">Send svar</button></form>\n"
        return page(.ok, "Holder institutionen åbent?", body)
    }

    static func html(
        _ status: HTTPResponse.Status, title: String, notification n: StoredNotification, note: String?,
        form: Bool = false
    ) -> Response {
        var body =
            "<p>Hændelse <strong>\(escape(n.incident))</strong> – til \(escape(n.name)) som \(escape(n.roles.joined(separator: ", ")))</p>\n"
        body += "<div class=\"message\">\(escape(n.message.replacingOccurrences(of: "{link}", with: "")))</div>\n"
        if n.details != nil {
            body += "<p>Personoplysningerne (retsplejelovens § 115) står kun i den besked, du fik tilsendt.</p>\n"
        }
        if let note { body += "<p>\(escape(note))</p>\n" }
        if form { body += "<form method=\"post\"><button type=\"submit\">Kvittér for modtagelsen</button></form>\n" }
        return page(status, title, body)
    }
}
