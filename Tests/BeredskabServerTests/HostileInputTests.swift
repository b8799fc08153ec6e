import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// What a hostile or careless client sends: control characters, foreign ids, foreign origins,
/// other charsets, unusual methods. Each is refused with its status, or kept whole; never cut.
@Suite struct HostileInputTests {
    /// The demo shooting report with `change` applied to its JSON object.
    func report(_ change: (inout [String: Any]) -> Void) throws -> String {
        let url = Fixture.root.appendingPathComponent("examples/reports/skud-blaagaarden.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// Sends one request to the routes with these headers.
    func send(
        _ routes: Routes, _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil
    ) async throws -> WebAnswer {
        let app = Application(router: routes.router())
        return try await app.test(.router) { client in
            try await client.execute(
                uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
            ) { response in
                WebAnswer(
                    status: Int(response.status.code), headers: response.headers,
                    bytes: Array(response.body.readableBytesView))
            }
        }
    }

    @Test func aControlCharacterInAnyTextOfAReportIsRefusedNamingTheField() async throws {
        let fixture = try APIFixture()
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            (
                "$.location.address",
                { r in
                    var location = r["location"] as! [String: Any]
                    location["address"] = "Blågårdsgade 23\u{0}, 21.47, skud"
                    r["location"] = location
                }
            ),
            (
                "$.persons[0].name",
                { r in
                    var persons = r["persons"] as! [[String: Any]]
                    persons[0]["name"] = "Yusuf\u{0} Demir"
                    r["persons"] = persons
                }
            ),
            ("$.description", { r in r["description"] = "Skud\u{0} gerningsmanden er stadig bevæbnet" }),
            ("$.description", { r in r["description"] = "Skud\rBcc: x" }),
            (
                "$.reporter.person",
                { r in r["reporter"] = ["organisation": "fsb", "person": "Bent\u{1b}[2J Iversen"] }
            ),
        ]
        for (index, (path, change)) in cases.enumerated() {
            let body = try report {
                change(&$0)
                $0["id"] = "fsb:control-\(index)"
            }
            let answer = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: body)
            #expect(answer.status == 422, "\(path): \(answer.text)")
            #expect(answer.text.contains("\"\(path)\""), "\(answer.text)")
            #expect(try fixture.store.incident(id: "fsb:control-\(index)") == nil)
        }
        // Line breaks and tabs in free text are legitimate.
        let multiline = try report {
            $0["id"] = "fsb:multiline"
            $0["description"] = "Skud på pladsen.\n\tTo gerningsmænd flygtede.\r\nDe kørte mod Nørrebrogade."
        }
        #expect(try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: multiline).status == 201)
        // The boundary example with a CR LF line break (docs/report.md) is still a valid report.
        let crlf = try String(
            contentsOf: Fixture.root.appendingPathComponent("examples/reports/graense-beskrivelse-crlf.json"),
            encoding: .utf8)
        let answer = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: crlf)
        #expect(answer.status == 201, "\(answer.text)")
    }

    @Test func aControlCharacterInUpdatesTasksClosuresAndTokensIsRefusedNamingTheField() async throws {
        let fixture = try APIFixture()
        let base = "/api/v1/incidents/\(APIFixture.incident)"
        let update = try await fixture.call(
            .post, base + "/updates", as: "reporter",
            body: #"{"kind": "information", "text": "Anholdt\u0000 skytten er stadig bevæbnet"}"#)
        #expect(update.status == 422, "\(update.text)")
        #expect(update.text.contains("\"$.text\""))
        let lines = try await fixture.call(
            .post, base + "/updates", as: "reporter",
            body: #"{"kind": "information", "text": "Anholdt.\nSkytten\tflygtet"}"#)
        #expect(lines.status == 201, "\(lines.text)")
        let token = try await fixture.call(
            .post, "/api/v1/admin/tokens", as: "admin",
            body: #"{"organisation": "fsb", "role": "reporter", "label": "sag\u0000system"}"#)
        #expect(token.status == 422, "\(token.text)")
        #expect(token.text.contains("\"$.label\""))
        let closure = try await fixture.call(
            .post, "/api/v1/closures", as: "reviewer",
            body: #"{"institution": "x\u0007", "from": "2026-03-13T22:00:00+01:00", "reason": "other"}"#)
        #expect(closure.status == 422, "\(closure.text)")
        #expect(closure.text.contains("\"$.institution\""))
    }

    @Test func theStoreKeepsTextAfterANulWhole() throws {
        let fixture = try APIFixture()
        let text = "Anholdt\u{0} skytten er stadig bevæbnet"
        try fixture.store.addUpdate(
            IncidentUpdate(at: APIFixture.at, actor: "test", kind: .information, text: text, severity: nil),
            incident: APIFixture.incident, notify: [])
        let stored = try #require(try fixture.store.updates(incident: APIFixture.incident).last?.text)
        #expect(stored.hasSuffix(" skytten er stadig bevæbnet"), "\(stored.debugDescription)")
    }

    @Test func reportIdsAreScopedByOrganisationAndA409RevealsNothing() async throws {
        let fixture = try APIFixture()
        // akb takes ids fsb has used and will use: each is stored behind akb's own prefix.
        for id in [APIFixture.incident, "fsb:2026-000999"] {
            let body = try report {
                $0["id"] = id
                $0["reporter"] = ["organisation": "akb"]
            }
            let answer = try await fixture.call(.post, "/api/v1/incidents", as: "other-reporter", body: body)
            #expect(answer.status == 201, "\(answer.text)")
            #expect(try fixture.store.incident(id: "akb:\(id)")?.organisation == "akb")
        }
        #expect(try fixture.store.incident(id: APIFixture.incident)?.organisation == "fsb")
        // fsb's own id is still fsb's.
        let own = try report { $0["id"] = "fsb:2026-000999" }
        #expect(try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: own).status == 201)
        #expect(try fixture.store.incident(id: "fsb:2026-000999")?.organisation == "fsb")
        // An unprefixed id is fsb's under its prefix, and sending it again is a replay.
        let bare = try report { $0["id"] = "2026-1" }
        #expect(try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: bare).status == 201)
        #expect(try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: bare).status == 200)
        #expect(try fixture.store.incident(id: "fsb:2026-1") != nil)
    }

    @Test func aSignInLinkPressedOnAnotherSiteStartsNoSession() async throws {
        let fixture = try APIFixture()
        for headers in [
            [HTTPField(name: HTTPField.Name("Origin")!, value: "https://evil.example")],
            [HTTPField(name: HTTPField.Name("Sec-Fetch-Site")!, value: "cross-site")],
            [HTTPField(name: HTTPField.Name("Origin")!, value: "null")],
        ] {
            let link = try fixture.store.startSignIn(person: "bent-iversen", at: APIFixture.at)
            let answer = try await send(fixture.routes, .post, "/login/\(link)", headers: HTTPFields(headers))
            #expect(answer.status == 403, "\(headers)")
            #expect(answer.headers[.setCookie] == nil)
        }
        let link = try fixture.store.startSignIn(person: "bent-iversen", at: APIFixture.at)
        var same = HTTPFields()
        same[HTTPField.Name("Origin")!] = "http://127.0.0.1:8080"
        same[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
        let answer = try await send(fixture.routes, .post, "/login/\(link)", headers: same)
        #expect(answer.status == 303)
        #expect(answer.headers[.setCookie]?.hasPrefix("beredskab_session=") == true)
    }

    @Test func aBodyInAnotherCharsetThanUTF8IsRefusedWithJSON() async throws {
        let fixture = try APIFixture()
        let base = "/api/v1/incidents/\(APIFixture.incident)"
        let latin1 = try await fixture.call(
            .post, base + "/updates", as: "reporter", body: #"{"kind": "information", "text": "Rolig"}"#,
            type: "application/json; charset=latin1")
        #expect(latin1.status == 415)
        #expect(latin1.json["error"]?["status"] == .number(415))
        let report = try await fixture.call(
            .post, "/api/v1/incidents", as: "reporter", body: try report { $0["id"] = "fsb:latin1" },
            type: "application/json;charset=ISO-8859-1")
        #expect(report.status == 415)
        let utf8 = try await fixture.call(
            .post, base + "/updates", as: "reporter", body: #"{"kind": "information", "text": "Rolig"}"#,
            type: "application/json; charset=UTF-8")
        #expect(utf8.status == 201)
    }

    @Test func headIsAnsweredOnGetRoutesAndOtherMethodsAre405WithAllow() async throws {
        let fixture = try APIFixture()
        let head = try await send(fixture.routes, .head, "/healthz")
        #expect(head.status == 200)
        #expect(head.bytes.isEmpty)
        let delete = try await send(fixture.routes, .delete, "/api/v1/incidents")
        #expect(delete.status == 405)
        #expect(delete.headers[.allow] == "GET, HEAD, POST")
        #expect(delete.json["error"]?["status"] == .number(405))
        let put = try await send(fixture.routes, .put, "/api/v1/incidents/\(APIFixture.incident)/ack")
        #expect(put.status == 405)
        #expect(put.headers[.allow] == "POST")
        #expect(try await send(fixture.routes, .get, "/api/v1/nothing-here").status == 404)
    }

    @Test func theContentSecurityPolicyAllowsNoInlineStyles() async throws {
        let fixture = try APIFixture()
        let answer = try await send(fixture.routes, .get, "/login")
        let policy = try #require(answer.headers[.contentSecurityPolicy])
        #expect(!policy.contains("unsafe-inline"))
        #expect(policy.contains("style-src 'self'"))
        #expect(!answer.text.contains("style=\""))
    }

    @Test func unknownFieldsOfATaskUpdateAreRefused() async throws {
        let fixture = try APIFixture()
        let base = "/api/v1/incidents/\(APIFixture.incident)"
        let tasks = try fixture.store.tasks(incident: APIFixture.incident)
        let task = try #require(tasks.first)
        let answer = try await fixture.call(
            .post, base + "/tasks/\(task.id)", as: "admin", body: #"{"status": "done", "assignee": "x"}"#)
        #expect(answer.status == 422, "\(answer.text)")
        #expect(answer.text.contains("\"$.assignee\""))
    }

    @Test func escalationRoundsFitTheServedSchema() async throws {
        let fixture = try APIFixture()
        let document = try await fixture.call(.get, "/api/v1/openapi.json", as: nil)
        guard
            case .number(let minimum)? = document.json["components"]?["schemas"]?["PlannedEscalation"]?["properties"]?[
                "round"]?["minimum"]
        else {
            Issue.record("no minimum for round")
            return
        }
        let incident = try #require(try fixture.store.incident(id: APIFixture.incident))
        let plan = try JSONValue.parse(Array(incident.planJSON.utf8))
        guard case .array(let escalations)? = plan["escalations"], !escalations.isEmpty else {
            Issue.record("the demo shooting has escalations")
            return
        }
        for escalation in escalations {
            guard case .number(let round)? = escalation["round"] else { continue }
            #expect(round >= minimum)
        }
    }

    @Test func anAcknowledgedLinkShowsNoPersonalDetailsAfterItsSevenDays() async throws {
        let fixture = try APIFixture()
        let store = fixture.store
        let personal = try #require(
            try store.notifications(incident: APIFixture.incident).first {
                $0.kind == "notification" && $0.tier == .personal
            })
        let token = store.ackToken(for: personal)
        #expect(try await fixture.web(.post, "/ack/\(token)", form: []).status == 200)
        #expect(try await fixture.web(.get, "/ack/\(token)").text.contains("Yusuf Demir"))
        let later = personal.ackExpiresAt.adding(60)
        let routes = Routes(engine: Fixture.engine, store: store, clock: { later })
        let page = try await send(routes, .get, "/ack/\(token)")
        #expect(!page.text.contains("Yusuf Demir"))
        #expect(!page.text.contains("Birthe Kjeldsen"))
    }
}
