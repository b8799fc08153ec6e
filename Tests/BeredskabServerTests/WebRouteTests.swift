import BeredskabDispatch
import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// An answer as a browser sees it: status, headers and body.
struct WebAnswer {
    var status: Int
    var headers: HTTPFields
    var bytes: [UInt8]
    var text: String { String(decoding: bytes, as: UTF8.self) }
    var location: String? { headers[.location] }
    var json: JSONValue { (try? JSONValue.parse(bytes)) ?? .null }
    /// The `path` of every problem in a JSON error body.
    var problemPaths: [String] {
        guard case .array(let problems)? = json["error"]?["problems"] else { return [] }
        return problems.compactMap { if case .string(let path)? = $0["path"] { path } else { nil } }
    }
}

struct WebTestFailure: Error, CustomStringConvertible {
    var description: String
}

extension APIFixture {
    /// Signs a person in through the store, as pressing the button behind a sign-in link does:
    /// the `Cookie` header value and the session's form token.
    func signIn(_ person: String) throws -> (cookie: String, csrf: String) {
        let link = try store.startSignIn(person: person, at: Self.at)
        guard case .signedIn(let secret, let session) = try store.finishSignIn(token: link, at: Self.at) else {
            throw WebTestFailure(description: "could not sign \(person) in")
        }
        return ("beredskab_session=\(secret)", session.csrf)
    }

    /// Sends a request as a browser would: with a cookie, `Accept: text/html` unless told otherwise,
    /// and a form (`application/x-www-form-urlencoded`) or a JSON body.
    func web(
        _ method: HTTPRequest.Method, _ uri: String, cookie: String? = nil, accept: String? = "text/html",
        form: [(String, String)]? = nil, json: String? = nil, bearer: String? = nil, csrfHeader: String? = nil
    ) async throws -> WebAnswer {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        if let accept { headers[.accept] = accept }
        if let bearer { headers[.authorization] = "Bearer \(tokens[bearer] ?? bearer)" }
        if let csrfHeader { headers[HTTPField.Name("X-CSRF-Token")!] = csrfHeader }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: WebForm.encode(form))
        } else if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        }
        let app = Application(router: routes.router())
        let sent = headers
        let sentBody = body
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: method, headers: sent, body: sentBody) { response in
                WebAnswer(
                    status: Int(response.status.code), headers: response.headers,
                    bytes: Array(response.body.readableBytesView))
            }
        }
    }
}

enum WebForm {
    /// `application/x-www-form-urlencoded`, as a browser encodes a form.
    static func encode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        func part(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        }
        return fields.map { "\(part($0.0))=\(part($0.1))" }.joined(separator: "&")
    }

    /// The text as the pages escape it.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    /// The opening tag that starts with `start` (e.g. `<select id="category"`), up to its `>`.
    static func tag(_ html: String, _ start: String) -> String? {
        guard let open = html.range(of: start) else { return nil }
        guard let close = html[open.upperBound...].firstIndex(of: ">") else { return nil }
        return String(html[open.lowerBound...close])
    }
}

@Suite struct WebRouteTests {
    static let demoPath = "/incidents/fsb%3A2026-000412"

    // MARK: Signing in

    @Test func aSignInLinkIsShownWithoutBeingUsedThenStartsOneSession() async throws {
        let fixture = try APIFixture()
        let link = try fixture.store.startSignIn(person: "bent-iversen", at: APIFixture.at)

        let confirm = try await fixture.web(.get, "/login/\(link)")
        #expect(confirm.status == 200)
        #expect(confirm.text.contains("action=\"/login/\(link)\""), "no button posting the link: \(confirm.text)")
        #expect(confirm.headers[.setCookie] == nil)
        // Only showing the page (as a mail scanner fetching the link would) leaves the link usable.
        #expect(try fixture.store.signInPerson(token: link, at: APIFixture.at) == "bent-iversen")

        let signedIn = try await fixture.web(.post, "/login/\(link)", form: [])
        #expect(signedIn.status == 303)
        #expect(signedIn.location == "/")
        let setCookie = try #require(signedIn.headers[.setCookie])
        let parts = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(parts[0].hasPrefix("beredskab_session=") && parts[0].count > "beredskab_session=".count)
        #expect(Set(parts).isSuperset(of: ["HttpOnly", "SameSite=Lax", "Secure"]), "\(setCookie)")

        // The cookie is a session: bent-iversen is a reporter, so `/` sends him to the report form.
        let home = try await fixture.web(.get, "/", cookie: parts[0])
        #expect(home.status == 303)
        #expect(home.location == "/report")
        #expect(try await fixture.web(.get, "/report", cookie: parts[0]).status == 200)

        let again = try await fixture.web(.post, "/login/\(link)", form: [])
        #expect(again.status == 410)
        #expect(again.headers[.setCookie] == nil)
        #expect(try await fixture.web(.get, "/login/\(link)").status == 410)
    }

    @Test func theLoginFormAnswersAlikeAndSendsAWorkingLinkOnlyToAKnownAddress() async throws {
        var options = Routes.Options()
        let recorder = Recorder()
        options.transport = recorder
        let fixture = try APIFixture(options: options)

        let unknown = try await fixture.web(.post, "/login", form: [("address", "nobody@example.org")])
        let known = try await fixture.web(.post, "/login", form: [("address", "bent.iversen@example.org")])
        #expect(unknown.status == 200)
        #expect(known.status == 200)
        #expect(unknown.text == known.text, "the page tells whether an address is known")

        // The link leaves in the background.
        for _ in 0..<300 where recorder.sent.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(recorder.people == ["bent-iversen"], "unknown address got a message, or the known one not one")
        let message = try #require(recorder.sent.first)
        #expect(message.address == "bent.iversen@example.org")
        let marker = try #require(message.text.range(of: "/login/"), "no link in: \(message.text)")
        let token = String(message.text[marker.upperBound...].prefix { !$0.isWhitespace })
        #expect(!token.isEmpty)

        let used = try await fixture.web(.post, "/login/\(token)", form: [])
        #expect(used.status == 303)
        #expect(used.headers[.setCookie]?.hasPrefix("beredskab_session=") == true)
    }

    /// A mail outage must not lock a duty officer out: the sign-in link goes by SMS when e-mail
    /// fails, and its token is never on the first line (an e-mail's subject, which servers log).
    @Test func aSignInLinkFallsBackToSMSWhenMailIsDownAndKeepsTheTokenOutOfTheSubject() async throws {
        var options = Routes.Options()
        let transport = Scripted(["email": [.retry("Couldn't connect to server")], "sms": [.delivered("202")]])
        options.transport = transport
        let fixture = try APIFixture(options: options)
        let page = try await fixture.web(.post, "/login", form: [("address", "bent.iversen@example.org")])
        #expect(page.status == 200)
        for _ in 0..<600 where !transport.lock.withLock({ transport.log.contains { $0.1 == "sms" } }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(transport.lock.withLock { transport.log.map(\.1) } == ["email", "sms"])
        var audit: [String] = []
        for _ in 0..<100 {
            audit = try await DatabaseQueue(path: fixture.path).read {
                try String.fetchAll($0, sql: "SELECT action FROM audit ORDER BY id")
            }
            if audit.contains("signin-link-sent") { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(audit.contains("signin-link-requested") && audit.contains("signin-link-sent"), "\(audit)")
        let recorder = Recorder()
        var plain = Routes.Options()
        plain.transport = recorder
        let other = try APIFixture(options: plain)
        _ = try await other.web(.post, "/login", form: [("address", "bent.iversen@example.org")])
        for _ in 0..<300 where recorder.sent.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        let text = try #require(recorder.sent.first?.text)
        #expect(!(text.split(separator: "\n").first ?? "").contains("/login/"), "\(text)")
    }

    // MARK: Reporting

    static func reportForm(csrf: String?) -> [(String, String)] {
        var fields: [(String, String)] = csrf.map { [("csrf", $0)] } ?? []
        fields += [
            ("category", "weapons"), ("severity", "severe"), ("area", "blaagaarden"),
            ("address", "Blågårdsgade 10, 2200 København N"), ("lat", "55.6866"), ("lon", "12.5581"),
            ("occurred_at", "2026-03-13T21:40"), ("description", "En pistol ligger i gården bag nr. 10 & 12."),
            ("injured", "yes"), ("persons", "Ali Hansen, 17 år\nMaja Berg"),
        ]
        return fields
    }

    static func incidentCount(_ store: SQLiteStore) throws -> Int {
        var all = IncidentFilter()
        all.status = "all"
        all.limit = 1000
        return try store.incidents(all).count
    }

    @Test func theReportFormMakesAnIncidentAndItsStatusPage() async throws {
        let fixture = try APIFixture()
        let (cookie, csrf) = try fixture.signIn("bent-iversen")

        let sent = try await fixture.web(.post, "/report", cookie: cookie, form: Self.reportForm(csrf: csrf))
        #expect(sent.status == 303, "\(sent.text)")
        let location = try #require(sent.location)
        #expect(location.hasPrefix("/incidents/"))
        let id = try #require(String(location.dropFirst("/incidents/".count)).removingPercentEncoding)
        let incident = try #require(try fixture.store.incident(id: id))
        #expect(incident.organisation == "fsb")
        #expect(incident.category == .weapons)
        #expect(incident.severity == .severe)
        #expect(incident.area == "blaagaarden")
        #expect(incident.occurredAt == Instant(rfc3339: "2026-03-13T21:40:00+01:00"))
        let report = try JSONValue.parse(Array(incident.reportJSON.utf8))
        #expect(report["reporter"]?["organisation"] == .string("fsb"))
        #expect(report["reporter"]?["person"] == .string("bent-iversen"))
        #expect(report["flags"]?["injured"] == .bool(true))
        #expect(report["description"] == .string("En pistol ligger i gården bag nr. 10 & 12."))

        let page = try await fixture.web(.get, location, cookie: cookie)
        #expect(page.status == 200)
        let roles = Set(
            try fixture.store.notifications(incident: id).filter { $0.kind == "notification" }.flatMap(\.roles))
        let names = roles.compactMap { Fixture.engine.rules.roles[$0]?.name }
        #expect(!names.isEmpty, "nobody was notified of a weapons report")
        for name in names { #expect(page.text.contains(WebForm.escape(name)), "\(name) missing from the status page") }
        // The reporter's page never shows the persons typed into the form.
        #expect(!page.text.contains("Ali Hansen"))
        #expect(!page.text.contains("Maja Berg"))
    }

    /// A coordinator (here the hotspot chief, a reviewer) may tick "exercise" on the report form
    /// (issue 12): the incident is an exercise, its messages are marked and its page has a banner.
    /// A reporter is not offered the box, and a ticked box sent anyway is ignored.
    @Test func aCoordinatorCanReportAnExerciseFromTheFormAndItsPageSaysSo() async throws {
        let fixture = try APIFixture()
        let (cookie, csrf) = try fixture.signIn("mette-holm")
        #expect(try await fixture.web(.get, "/report", cookie: cookie).text.contains("name=\"exercise\""))
        let sent = try await fixture.web(
            .post, "/report", cookie: cookie, form: Self.reportForm(csrf: csrf) + [("exercise", "yes")])
        #expect(sent.status == 303, "\(sent.text)")
        let location = try #require(sent.location)
        let id = try #require(String(location.dropFirst("/incidents/".count)).removingPercentEncoding)
        #expect(try fixture.store.incident(id: id)?.exercise == true)
        let messages = try fixture.store.notifications(incident: id)
        #expect(!messages.isEmpty && messages.allSatisfy { $0.exercise && Exercise.isMarked($0.message) })
        let page = try await fixture.web(.get, location, cookie: cookie)
        #expect(page.text.contains("class=\"exercise-banner\""), "\(page.text.prefix(400))")
        #expect(page.text.contains("href=\"\(location)/after-action\""), "no link to the after-action page")
        let board = try await fixture.web(.get, "/board", cookie: cookie)
        #expect(board.text.contains("<strong class=\"exercise-tag\">ØVELSE</strong>"), "\(board.text.prefix(300))")
        // The after-action page: the exercise banner, the SVG timeline, a row per message.
        let review = try await fixture.web(.get, location + "/after-action", cookie: cookie)
        #expect(review.status == 200, "\(review.text.prefix(300))")
        #expect(review.text.contains("<p class=\"big\">ØVELSE</p>") && review.text.contains("<svg role=\"img\""))
        #expect(review.text.components(separatedBy: "<circle").count - 1 <= messages.count)
        let figures = try await fixture.web(.get, "/api/v1" + location + "/after-action", cookie: cookie, accept: nil)
        #expect(figures.json["exercise"] == .bool(true), "\(figures.text.prefix(300))")
        if case .array(let alerts)? = figures.json["alerts"] { #expect(alerts.count == messages.count) }

        let (reporterCookie, reporterCSRF) = try fixture.signIn("bent-iversen")
        #expect(!(try await fixture.web(.get, "/report", cookie: reporterCookie).text.contains("name=\"exercise\"")))
        let real = try await fixture.web(
            .post, "/report", cookie: reporterCookie,
            form: Self.reportForm(csrf: reporterCSRF) + [("exercise", "yes")])
        let realID = try #require(
            real.location.flatMap { String($0.dropFirst("/incidents/".count)).removingPercentEncoding })
        #expect(try fixture.store.incident(id: realID)?.exercise == false)
        let realPage = try await fixture.web(.get, try #require(real.location), cookie: reporterCookie)
        #expect(!realPage.text.contains("exercise-banner"))
    }

    @Test func aFormSentTwiceIsOneReport() async throws {
        let fixture = try APIFixture()
        let (cookie, csrf) = try fixture.signIn("bent-iversen")
        let form = try await fixture.web(.get, "/report", cookie: cookie)
        let match = try #require(form.text.firstMatch(of: #/name="report_id" value="([^"]+)"/#))
        let id = String(match.1)
        #expect(id.hasPrefix("fsb:web-"))
        let before = try Self.incidentCount(fixture.store)
        let fields = Self.reportForm(csrf: csrf) + [("report_id", id)]
        let first = try await fixture.web(.post, "/report", cookie: cookie, form: fields)
        let second = try await fixture.web(.post, "/report", cookie: cookie, form: fields)
        #expect(first.status == 303 && second.status == 303)
        #expect(first.location == second.location)
        #expect(try Self.incidentCount(fixture.store) == before + 1)
        #expect(try fixture.store.incident(id: id) != nil)
        // An id that is not this organisation's web id is not taken from the form.
        let forged = try await fixture.web(
            .post, "/report", cookie: cookie, form: Self.reportForm(csrf: csrf) + [("report_id", APIFixture.incident)])
        #expect(forged.status == 303)
        #expect(forged.location != "/incidents/fsb%3A2026-000412")
        #expect(try Self.incidentCount(fixture.store) == before + 2)
    }

    @Test func aReportFormWithoutItsCSRFTokenIsRefusedAndNothingStored() async throws {
        let fixture = try APIFixture()
        let (cookie, csrf) = try fixture.signIn("bent-iversen")
        let before = try Self.incidentCount(fixture.store)

        let missing = try await fixture.web(.post, "/report", cookie: cookie, form: Self.reportForm(csrf: nil))
        #expect(missing.status == 403)
        let wrong = try await fixture.web(
            .post, "/report", cookie: cookie, form: Self.reportForm(csrf: String(csrf.reversed()) + "x"))
        #expect(wrong.status == 403)
        // Another session's token is no good either.
        let other = try fixture.signIn("dorthe-nyborg")
        let foreign = try await fixture.web(.post, "/report", cookie: cookie, form: Self.reportForm(csrf: other.csrf))
        #expect(foreign.status == 403)
        #expect(try Self.incidentCount(fixture.store) == before)
    }

    @Test func aReportFormWithProblemsComesBackWithWhatWasTypedAndTheFieldsMarked() async throws {
        let fixture = try APIFixture()
        let (cookie, csrf) = try fixture.signIn("bent-iversen")
        let before = try Self.incidentCount(fixture.store)
        let description = "Knust rude & graffiti <b>på</b> døren"
        let answer = try await fixture.web(
            .post, "/report", cookie: cookie,
            form: [
                ("csrf", csrf), ("severity", "minor"), ("area", "blaagaarden"), ("description", description),
                // A day after the fixture's clock.
                ("occurred_at", "2026-03-14T21:40"),
            ])
        #expect(answer.status == 422)
        #expect(answer.headers[.contentType]?.hasPrefix("text/html") == true)
        #expect(answer.text.contains(WebForm.escape(description)), "the description typed is lost")
        #expect(!answer.text.contains("<b>på</b>"), "the description is not escaped")
        #expect(answer.text.contains("value=\"2026-03-14T21:40\""))
        let category = try #require(WebForm.tag(answer.text, "<select id=\"category\""))
        #expect(category.contains("aria-invalid=\"true\""), "\(category)")
        let occurred = try #require(WebForm.tag(answer.text, "<input type=\"datetime-local\" id=\"occurred_at\""))
        #expect(occurred.contains("aria-invalid=\"true\""), "\(occurred)")
        let severity = try #require(WebForm.tag(answer.text, "<select id=\"severity\""))
        #expect(!severity.contains("aria-invalid"), "a good field is marked: \(severity)")
        #expect(try Self.incidentCount(fixture.store) == before)
    }

    /// The form counts a description's length as the report decoder and the schema do, in code
    /// points: a browser sends line breaks as CR LF (2 each), an emoji flag is 2.
    @Test func theFormCountsLengthsInCodePointsLikeTheSchema() async throws {
        let fixture = try APIFixture()
        let (cookie, csrf) = try fixture.signIn("bent-iversen")
        func form(_ description: String) -> [(String, String)] {
            Self.reportForm(csrf: csrf).map { $0.0 == "description" ? ($0.0, description) : $0 }
        }
        let lines = String(repeating: "Uro ved opgang C.\r\n", count: 200)  // 19 code points a line
        let atTheLimit = lines + String(repeating: "x", count: 4000 - lines.codePointCount)
        #expect(atTheLimit.codePointCount == 4000)
        let accepted = try await fixture.web(.post, "/report", cookie: cookie, form: form(atTheLimit))
        #expect(accepted.status == 303, "\(accepted.text.prefix(500))")

        let before = try Self.incidentCount(fixture.store)
        let flags = String(repeating: "🇩🇰", count: 2000) + "!"  // 2001 characters on screen, 4001 code points
        let refused = try await fixture.web(.post, "/report", cookie: cookie, form: form(flags))
        #expect(refused.status == 422)
        let textarea = try #require(WebForm.tag(refused.text, "<textarea id=\"description\""))
        #expect(textarea.contains("aria-invalid=\"true\""), "\(textarea)")
        #expect(try Self.incidentCount(fixture.store) == before)
    }

    @Test func anotherOrganisationsIncidentIsA404AndTheFormAsksForSignIn() async throws {
        let fixture = try APIFixture()
        let akb = try fixture.signIn("preben-ravnkilde")
        let hidden = try await fixture.web(.get, Self.demoPath, cookie: akb.cookie)
        #expect(hidden.status == 404)
        #expect(hidden.headers[.contentType]?.hasPrefix("text/html") == true)
        #expect(!hidden.text.contains("Blågårds Plads"))
        // The same answer as for an id that does not exist.
        let nothing = try await fixture.web(.get, "/incidents/fsb%3Anothing-here", cookie: akb.cookie)
        #expect(nothing.status == 404)
        // fsb's own person sees it.
        let fsb = try fixture.signIn("bent-iversen")
        let own = try await fixture.web(.get, Self.demoPath, cookie: fsb.cookie)
        #expect(own.status == 200)
        #expect(own.text.contains("Blågårds Plads"))

        let browser = try await fixture.web(.get, "/report")
        #expect(browser.status == 303)
        #expect(browser.location == "/login")
        let api = try await fixture.web(.get, "/report", accept: "application/json")
        #expect(api.status == 401)
        #expect(api.headers[.contentType]?.hasPrefix("application/json") == true)
        #expect(api.json["error"]?["status"] == .number(401))
    }

    @Test func theAllClearFormClosesTheIncident() async throws {
        let fixture = try APIFixture()
        let (cookie, csrf) = try fixture.signIn("bent-iversen")
        let path = Self.demoPath + "/updates"

        let refused = try await fixture.web(
            .post, path, cookie: cookie, form: [("kind", "all_clear"), ("text", "Politiet har forladt stedet")])
        #expect(refused.status == 403)
        #expect(try fixture.store.incident(id: APIFixture.incident)?.closedAt == nil)

        let answer = try await fixture.web(
            .post, path, cookie: cookie,
            form: [("csrf", csrf), ("kind", "all_clear"), ("text", "Politiet har forladt stedet")])
        #expect(answer.status == 303)
        #expect(answer.location == Self.demoPath)
        let incident = try #require(try fixture.store.incident(id: APIFixture.incident))
        #expect(incident.closedAt != nil)
        #expect(try fixture.store.updates(incident: APIFixture.incident).map(\.kind) == [.allClear])
        // A second all clear is shown as a problem on the page, not stored again.
        let again = try await fixture.web(.post, path, cookie: cookie, form: [("csrf", csrf), ("kind", "all_clear")])
        #expect(again.status == 422)
        #expect(try fixture.store.updates(incident: APIFixture.incident).count == 1)
    }

    @Test func seeingEverythingIsNotLeaveToCloseSomeoneElsesIncident() async throws {
        let fixture = try APIFixture()
        // Katrine Elm (OKF) is a reviewer: she sees fsb's shooting but was not alerted about it.
        let (cookie, csrf) = try fixture.signIn("katrine-elm")
        #expect(try await fixture.web(.get, Self.demoPath, cookie: cookie).status == 200)
        let page = try await fixture.web(
            .post, Self.demoPath + "/updates", cookie: cookie, form: [("csrf", csrf), ("kind", "all_clear")])
        #expect(page.status == 403)
        let api = try await fixture.web(
            .post, "/api/v1/incidents/\(APITests.id)/updates", cookie: cookie, accept: "application/json",
            json: #"{"kind": "all_clear"}"#, csrfHeader: csrf)
        #expect(api.status == 403)
        #expect(try fixture.store.incident(id: APIFixture.incident)?.closedAt == nil)
    }

    // MARK: The responder's page behind an alert's link

    @Test func theResponderPageShowsPersonalDetailsOnlyToThePersonalTierAndTakesTasksAndAcknowledgements()
        async throws
    {
        let fixture = try APIFixture()
        let store = fixture.store
        let incident = APIFixture.incident
        let notified = try store.notifications(incident: incident).filter { $0.kind == "notification" }
        let tasks = try store.tasks(incident: incident)
        let personal = try #require(
            notified.first { n in n.tier == .personal && tasks.contains { n.roles.contains($0.role) } })
        let situation = try #require(notified.first { $0.tier == .situation })
        let token = store.ackToken(for: personal)

        let page = try await fixture.web(.get, "/ack/\(token)")
        #expect(page.status == 200)
        #expect(page.text.contains("Yusuf Demir"))
        let reads = try store.audit(incident: incident).filter { $0.action == "personal-details-read" }
        #expect(reads.count == 1)
        #expect(reads.first?.actor == "person:\(personal.person)")

        let other = try await fixture.web(.get, "/ack/\(store.ackToken(for: situation))")
        #expect(other.status == 200)
        #expect(!other.text.contains("Yusuf Demir"))
        #expect(!other.text.contains("Birthe Kjeldsen"))
        #expect(try store.audit(incident: incident).filter { $0.action == "personal-details-read" }.count == 1)

        // One of the recipient's own tasks, shown with its button, marked done through the link.
        let task = try #require(tasks.first { personal.roles.contains($0.role) })
        #expect(page.text.contains("action=\"/ack/\(token)/tasks/\(task.id)\""))
        let done = try await fixture.web(.post, "/ack/\(token)/tasks/\(task.id)", form: [("status", "done")])
        #expect(done.status == 303)
        #expect(done.location == "/ack/\(token)")
        let after = try store.tasks(incident: incident)
        #expect(after.first { $0.id == task.id }?.doneAt != nil)
        #expect(after.filter { $0.id != task.id && $0.doneAt != nil }.isEmpty, "another task was marked done")
        #expect(try await fixture.web(.post, "/ack/\(token)/tasks/999999", form: []).status == 404)

        #expect(try store.incident(id: incident)?.acknowledged == false)
        let ack = try await fixture.web(.post, "/ack/\(token)", form: [])
        #expect(ack.status == 200)
        #expect(try store.notification(ackToken: token)?.acknowledgedAt != nil)
        #expect(try store.incident(id: incident)?.acknowledged == true)
        // Pressing again is harmless.
        #expect(try await fixture.web(.post, "/ack/\(token)", form: []).status == 200)
        #expect(try await fixture.web(.get, "/ack/not-a-token").status == 404)
    }

    // MARK: The board

    @Test func theBoardShowsWhatEachMaySeeUnacknowledgedFirst() async throws {
        let fixture = try APIFixture()
        let store = fixture.store
        // A second, minor incident, reported by akb.
        let (report, raw) = try Fixture().report("haervaerk-belysning.json")
        _ = try store.accept(report, raw: raw, organisation: "akb", at: APIFixture.at) { history in
            Fixture.engine.evaluate(report, history: history, at: APIFixture.at)
        }
        let second = report.id
        let reviewerID = try #require(
            Fixture.engine.roster.persons.values.filter { $0.roles.contains { $0.value == "okf-sikker-by" } }
                .map(\.id.value).sorted().first)
        let reviewer = try fixture.signIn(reviewerID)
        func order(_ html: String) -> [String] {
            [APIFixture.incident, second].compactMap { id in
                html.range(of: ">\(WebForm.escape(id))</a>").map { (id, $0.lowerBound) }
            }.sorted { $0.1 < $1.1 }.map(\.0)
        }

        let board = try await fixture.web(.get, "/board", cookie: reviewer.cookie)
        #expect(board.status == 200)
        // Neither acknowledged: the severe shooting before the minor vandalism.
        #expect(order(board.text) == [APIFixture.incident, second])

        let akb = try fixture.signIn("preben-ravnkilde")
        let akbBoard = try await fixture.web(.get, "/board", cookie: akb.cookie)
        #expect(akbBoard.status == 200)
        #expect(order(akbBoard.text) == [second])

        // Someone alerted acknowledges the shooting: the unacknowledged vandalism now comes first.
        let alerted = try #require(
            try store.notifications(incident: APIFixture.incident).first {
                $0.kind == "notification" && $0.roles != ["reporter"]
            })
        #expect(
            try store.acknowledge(
                incident: APIFixture.incident, person: alerted.person, actor: "person:\(alerted.person)",
                at: APIFixture.at, stops: Fixture.stops) > 0)
        let after = try await fixture.web(.get, "/board", cookie: reviewer.cookie)
        #expect(order(after.text) == [second, APIFixture.incident])

        #expect(try await fixture.web(.get, "/board").location == "/login")
    }

    // MARK: Headers, assets, language

    @Test func pagesCarrySecurityHeadersAndAssetsTheirTypes() async throws {
        let fixture = try APIFixture()
        let fsb = try fixture.signIn("bent-iversen")
        let pages = [
            try await fixture.web(.get, "/login"), try await fixture.web(.get, "/report", cookie: fsb.cookie),
            try await fixture.web(.get, "/no-such-page"),
        ]
        for page in pages {
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            let policy = page.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), "\(policy)")
            #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
        }
        #expect(pages[2].status == 404)

        for (path, type) in [("/assets/beredskab.css", "text/css"), ("/assets/beredskab.js", "text/javascript")] {
            let asset = try await fixture.web(.get, path, accept: "*/*")
            #expect(asset.status == 200)
            #expect(asset.headers[.contentType]?.hasPrefix(type) == true, "\(path): \(asset.headers)")
            #expect(!asset.bytes.isEmpty)
            #expect(asset.headers[.contentSecurityPolicy] != nil)
        }
    }

    @Test func langEnSwitchesToEnglishAndIsRemembered() async throws {
        let fixture = try APIFixture()
        let danish = try await fixture.web(.get, "/login")
        #expect(danish.text.contains("<html lang=\"da\">"))
        #expect(danish.text.contains("Log ind"))
        #expect(danish.headers[.setCookie] == nil)

        let english = try await fixture.web(.get, "/login?lang=en")
        #expect(english.text.contains("<html lang=\"en\">"))
        #expect(english.text.contains("Sign in"))
        let cookie = try #require(english.headers[.setCookie])
        #expect(cookie.hasPrefix("lang=en;"))

        let remembered = try await fixture.web(.get, "/login", cookie: String(cookie.split(separator: ";")[0]))
        #expect(remembered.text.contains("<html lang=\"en\">"))
    }
}
