import BeredskabDispatch
import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A server on a fresh store with one token per kind of caller, and the demo shooting reported by fsb.
struct APIFixture {
    let store: SQLiteStore
    /// The SQLite file, for reading what the API does not show (the whole audit log).
    let path: String
    let routes: Routes
    /// Bearer tokens by caller name.
    var tokens: [String: String] = [:]
    static let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!
    static let incident = "fsb:2026-000412"

    init(options: Routes.Options = Routes.Options()) throws {
        let fixture = try Fixture()
        path = fixture.path
        store = try SQLiteStore(path: fixture.path)
        routes = Routes(
            live: LiveEngine(
                Fixture.engine,
                paths: [
                    Fixture.root.appendingPathComponent("Rules").path,
                    Fixture.root.appendingPathComponent("Contacts").path,
                ]),
            store: store, options: options, clock: { APIFixture.at })
        func token(_ org: String, _ role: AccessRole, _ person: String? = nil) throws -> String {
            try store.createToken(organisation: org, role: role, person: person, label: "", actor: "test", at: Self.at)
                .secret
        }
        tokens["reporter"] = try token("fsb", .reporter)
        tokens["other-reporter"] = try token("akb", .reporter)
        tokens["reviewer"] = try token("okf", .reviewer)
        tokens["admin"] = try token("hotspot", .admin)
        tokens["calendar"] = try token("okf", .calendar)
        let (report, raw) = try fixture.report("skud-blaagaarden.json")
        _ = try store.accept(report, raw: raw, organisation: "fsb", at: Self.at) { history in
            Fixture.engine.evaluate(report, history: history, at: Self.at)
        }
        let notified = try store.notifications(incident: Self.incident).filter { $0.kind == "notification" }
        // A police officer gets the personal tier; a housing association's staff member only the situation.
        let personal = try #require(notified.first { $0.tier == .personal })
        let situation = try #require(notified.first { $0.tier == .situation })
        tokens["responder"] = try token(
            Fixture.engine.roster.persons[personal.person]!.organisation.value, .responder, personal.person)
        tokens["situation-responder"] = try token(
            Fixture.engine.roster.persons[situation.person]!.organisation.value, .responder, situation.person)
        let told = Set(notified.map { Fixture.engine.roster.persons[$0.person]!.organisation.value })
        #expect(!told.contains("lejerbo"))
        tokens["other-responder"] = try token("lejerbo", .responder)
    }

    /// Sends a request as a named caller (nil: no credentials) and returns status and JSON body.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, as caller: String?, body: String? = nil,
        type: String = "application/json"
    ) async throws -> (status: Int, json: JSONValue, text: String) {
        var headers = HTTPFields()
        if let caller { headers[.authorization] = "Bearer \(tokens[caller] ?? caller)" }
        if body != nil { headers[.contentType] = type }
        let app = Application(router: routes.router())
        let sent = headers
        return try await app.test(.router) { client in
            try await client.execute(
                uri: uri, method: method, headers: sent, body: body.map { ByteBuffer(string: $0) }
            ) { response in
                let text = String(buffer: response.body)
                return (Int(response.status.code), (try? JSONValue.parse(Array(text.utf8))) ?? .null, text)
            }
        }
    }
}

@Suite struct APITests {
    static let id = "fsb%3A2026-000412"
    static let newReport = """
        {"id": "fsb:new-1", "reporter": {"organisation": "fsb"}, "occurred_at": "2026-03-13T21:40:00+01:00",
         "category": "vandalism", "severity": "minor", "location": {"area": "blaagaarden"}}
        """
    static let update = #"{"kind": "information", "text": "Politiet er på stedet."}"#

    /// One row of `Tests/Fixtures/role-matrix.json`: an endpoint and the status each caller must get.
    struct MatrixRow: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var expected: [String: Int]
    }

    /// Every endpoint for every caller, shared with the end-to-end test against the running binary.
    static let matrix: [MatrixRow] = {
        let url = Fixture.root.appendingPathComponent("Tests/Fixtures/role-matrix.json")
        guard let data = try? Data(contentsOf: url),
            case .array(let rows)? = try? JSONValue.parse([UInt8](data))["rows"]
        else { return [] }
        return rows.compactMap { row in
            guard case .string(let method)? = row["method"], case .string(let path)? = row["path"],
                case .object(let expected)? = row["expected"]
            else { return nil }
            var statuses: [String: Int] = [:]
            for (caller, status) in expected { if case .number(let n) = status { statuses[caller] = Int(n) } }
            // A row written before calendar tokens: a calendar token may do nothing a stranger may not.
            if statuses["calendar"] == nil, let none = statuses["none"] {
                statuses["calendar"] = none == 401 ? 403 : none
            }
            let body: String? = row["body"].flatMap { $0 == .null ? nil : $0.text }
            return MatrixRow(
                method: HTTPRequest.Method(method)!, path: path.replacingOccurrences(of: "{id}", with: id), body: body,
                expected: statuses)
        }
    }()

    @Test(
        arguments: [
            "none", "reporter", "other-reporter", "responder", "other-responder", "reviewer", "admin", "calendar",
        ])
    func roleByEndpoint(_ caller: String) async throws {
        #expect(Self.matrix.count >= 19, "the matrix file was not read")
        for row in Self.matrix {
            // A fresh server for each call, so one call's effect (an acknowledgement) cannot change the next.
            let fixture = try APIFixture()
            let result = try await fixture.call(
                row.method, row.path, as: caller == "none" ? nil : caller, body: row.body)
            #expect(result.status == row.expected[caller], "\(caller) \(row.method) \(row.path): \(result.text)")
            if result.status >= 400 {
                guard case .string(let message)? = result.json["error"]?["message"] else {
                    Issue.record("\(caller) \(row.method) \(row.path): no JSON error body: \(result.text)")
                    continue
                }
                #expect(!message.isEmpty)
            }
        }
    }

    @Test func personalDetailsOnlyForAPersonalTierResponderAndTheReadingIsAudited() async throws {
        let fixture = try APIFixture()
        let path = "/api/v1/incidents/\(Self.id)"
        let police = try await fixture.call(.get, path, as: "responder")
        #expect(police.text.contains("Yusuf Demir"))
        for caller in ["reporter", "situation-responder", "reviewer", "admin"] {
            let result = try await fixture.call(.get, path, as: caller)
            #expect(result.status == 200)
            #expect(!result.text.contains("Yusuf Demir"), "\(caller) saw personal details")
            #expect(!result.text.contains("+45 01 00 00 55"), "\(caller) saw the reporter's phone")
        }
        let audit = try fixture.store.audit(incident: APIFixture.incident)
        #expect(audit.filter { $0.action == "personal-details-read" }.count == 1)
        let timeline = try await fixture.call(.get, path + "/timeline", as: "reviewer")
        #expect(!timeline.text.contains("Yusuf Demir"))
    }

    @Test func listsShowOnlyWhatTheCallerMaySee() async throws {
        let fixture = try APIFixture()
        func ids(_ caller: String, _ query: String = "") async throws -> [String] {
            let result = try await fixture.call(.get, "/api/v1/incidents\(query)", as: caller)
            guard case .array(let items)? = result.json["incidents"] else { return [] }
            return items.compactMap { if case .string(let id)? = $0["id"] { id } else { nil } }
        }
        #expect(try await ids("reporter") == [APIFixture.incident])
        #expect(try await ids("other-reporter") == [])
        #expect(try await ids("responder") == [APIFixture.incident])
        #expect(try await ids("other-responder") == [])
        #expect(try await ids("reviewer", "?severity=severe&category=shooting") == [APIFixture.incident])
        #expect(try await ids("reviewer", "?severity=extreme") == [])
        #expect(try await ids("reviewer", "?status=closed") == [])
        let bad = try await fixture.call(
            .get, "/api/v1/incidents?status=maybe&severity=huge&area=atlantis", as: "reviewer")
        #expect(bad.status == 400)
        guard case .array(let problems)? = bad.json["error"]?["problems"] else {
            Issue.record("no problems listed: \(bad.text)")
            return
        }
        #expect(problems.count == 3)
    }

    @Test func badInputIsA4xxWithAClearJSONError() async throws {
        let fixture = try APIFixture()
        let cases: [(String?, String, Int, String)] = [
            ("{\"id\": ", "application/json", 400, "not valid JSON"),
            (#"{"id": 5}"#, "application/json", 422, "$.id"),
            (
                Self.newReport.replacingOccurrences(of: "vandalism", with: "meteor"), "application/json", 422,
                "$.category"
            ),
            (Self.newReport, "text/plain", 415, "application/json"),
            (String(repeating: " ", count: Routes.maximumBody + 1), "application/json", 413, "larger"),
        ]
        for (body, type, status, needle) in cases {
            let result = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: body, type: type)
            #expect(result.status == status, "\(result.text)")
            #expect(result.text.contains(needle), "\(result.text)")
        }
        let unknown = try await fixture.call(.get, "/api/v1/nothing-here", as: "reporter")
        #expect(unknown.status == 404)
        #expect(unknown.json["error"]?["message"] != nil)
        let badUpdate = try await fixture.call(
            .post, "/api/v1/incidents/\(Self.id)/updates", as: "reporter", body: #"{"kind": "severity", "x": 1}"#)
        #expect(badUpdate.status == 422)
        #expect(badUpdate.text.contains("$.x") && badUpdate.text.contains("$.severity"))
    }

    @Test func revokedTokensStopWorkingAtOnce() async throws {
        var fixture = try APIFixture()
        let created = try await fixture.call(
            .post, "/api/v1/admin/tokens", as: "admin",
            body: #"{"organisation": "akb", "role": "reporter", "label": "case system"}"#)
        #expect(created.status == 201)
        guard case .string(let secret)? = created.json["token"], case .string(let id)? = created.json["id"] else {
            Issue.record("no token: \(created.text)")
            return
        }
        fixture.tokens["new"] = secret
        #expect(try await fixture.call(.get, "/api/v1/incidents", as: "new").status == 200)
        let listed = try await fixture.call(.get, "/api/v1/admin/tokens", as: "admin")
        #expect(listed.text.contains(id) && !listed.text.contains(secret))
        #expect(try await fixture.call(.delete, "/api/v1/admin/tokens/\(id)", as: "admin").status == 204)
        #expect(try await fixture.call(.get, "/api/v1/incidents", as: "new").status == 401)
        #expect(try await fixture.call(.delete, "/api/v1/admin/tokens/\(id)", as: "admin").status == 404)
    }

    /// As with `beredskab token create`, a person's token needs no organisation: it is the person's.
    @Test func aPersonsTokenTakesThePersonsOrganisation() async throws {
        let fixture = try APIFixture()
        let person = try #require(Fixture.engine.roster.persons.values.sorted { $0.id.value < $1.id.value }.first)
        let created = try await fixture.call(
            .post, "/api/v1/admin/tokens", as: "admin", body: #"{"role": "calendar", "person": "\#(person.id.value)"}"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["organisation"] == .string(person.organisation.value))
        // Neither an organisation nor a person: still refused, naming the field.
        let neither = try await fixture.call(.post, "/api/v1/admin/tokens", as: "admin", body: #"{"role": "calendar"}"#)
        #expect(neither.status == 422 && neither.text.contains("$.organisation"))
    }

    @Test func aBurstBeyondTheLimitIsTold429WithRetryAfter() async throws {
        var options = Routes.Options()
        options.rateBurst = 3
        options.ratePerSecond = 0.01
        let fixture = try APIFixture(options: options)
        var statuses: [Int] = []
        for _ in 0..<5 { statuses.append(try await fixture.call(.get, "/api/v1/incidents", as: "reviewer").status) }
        #expect(statuses == [200, 200, 200, 429, 429])
        // Another token has its own bucket.
        #expect(try await fixture.call(.get, "/api/v1/incidents", as: "admin").status == 200)
    }

    @Test func updatesTasksAndTheAllClear() async throws {
        let fixture = try APIFixture()
        let base = "/api/v1/incidents/\(Self.id)"
        // The alerts due now are delivered; the street team's waits ten minutes.
        try await Dispatcher(store: fixture.store, engine: Fixture.engine, transport: Recorder(), publicURL: "http://x")
            .runOnce(now: APIFixture.at)
        let severity = try await fixture.call(
            .post, base + "/updates", as: "responder",
            body: #"{"kind": "severity", "severity": "extreme", "text": "Flere ramt"}"#)
        #expect(severity.status == 201)
        #expect(severity.json["severity"] == .string("extreme"))
        let tasks = try await fixture.call(.get, base + "/tasks", as: "responder")
        guard case .array(let items)? = tasks.json["tasks"], case .number(let taskID)? = items.first?["id"] else {
            Issue.record("no tasks: \(tasks.text)")
            return
        }
        // A responder marks only tasks of the roles it was alerted in; an admin any.
        let person = try #require(try fixture.store.token(secret: fixture.tokens["responder"]!)?.person)
        let mine = Set(
            try fixture.store.notifications(incident: APIFixture.incident).filter { $0.person == person }.flatMap(
                \.roles))
        for item in items {
            guard case .string(let role)? = item["role"], case .number(let id)? = item["id"] else { continue }
            let marked = try await fixture.call(
                .post, base + "/tasks/\(Int(id))", as: "responder", body: #"{"status": "done"}"#)
            #expect(marked.status == (mine.contains(role) ? 200 : 403), "\(role): \(marked.text)")
        }
        #expect(items.contains { if case .string(let role)? = $0["role"] { !mine.contains(role) } else { false } })
        let done = try await fixture.call(
            .post, base + "/tasks/\(Int(taskID))", as: "admin", body: #"{"status": "done"}"#)
        #expect(done.json["status"] == .string("done"))
        #expect(
            try await fixture.call(.post, base + "/tasks/999999", as: "responder", body: #"{"status": "done"}"#).status
                == 404)
        let clear = try await fixture.call(
            .post, base + "/updates", as: "reporter", body: #"{"kind": "all_clear", "text": "Roligt igen"}"#)
        #expect(clear.json["status"] == .string("closed"))
        #expect(
            try await fixture.call(.post, base + "/updates", as: "reporter", body: #"{"kind": "all_clear"}"#).status
                == 409)
        // Everyone alerted hears about both updates — not the street team, whose alert still waited
        // and is withdrawn by the all clear; the escalation timers are stopped.
        let notifications = try fixture.store.notifications(incident: APIFixture.incident)
        let updates = notifications.filter { $0.kind == "update" }
        let alerted = Set(notifications.filter { $0.kind == "notification" && $0.status == "delivered" }.map(\.person))
        #expect(updates.count == 2 * alerted.count)
        #expect(Set(updates.map(\.person)) == alerted)
        let street = notifications.filter { $0.roles.contains("gadeteam-vagt") }
        #expect(!street.isEmpty && street.allSatisfy { $0.kind == "notification" && $0.status == "cancelled" })
        #expect(updates.contains { $0.message.hasPrefix("AFBLÆST") })
        let timeline = try await fixture.call(.get, base + "/timeline", as: "reviewer")
        #expect(timeline.text.contains("\"task-done\"") && timeline.text.contains("\"update\""))
        let open = try await fixture.call(.get, "/api/v1/incidents?status=open", as: "reviewer")
        #expect(open.json["incidents"] == .array([]))
    }

    @Test func reloadKeepsTheRunningRulesWhenTheNewOnesAreBroken() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "beredskab-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["Rules", "Contacts"] {
            try FileManager.default.copyItem(
                at: Fixture.root.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
        let live = LiveEngine(
            Fixture.engine,
            paths: [folder.appendingPathComponent("Rules").path, folder.appendingPathComponent("Contacts").path])
        let routes = Routes(live: live, store: store, options: Routes.Options(), clock: { APIFixture.at })
        let admin = try store.createToken(
            organisation: "hotspot", role: .admin, person: nil, label: "", actor: "t", at: APIFixture.at
        ).secret
        let before = Fixture.engine.rules.guidelines.count
        let broken = folder.appendingPathComponent("Rules/broken.rules")
        try "guideline x \"X\" {\n  when category = meteor\n}\n".write(to: broken, atomically: true, encoding: .utf8)
        let app = Application(router: routes.router())
        try await app.test(.router) { client in
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(admin)"
            try await client.execute(uri: "/api/v1/admin/reload", method: .post, headers: headers) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("broken.rules:2:"))
            }
            #expect(live.current.rules.guidelines.count == before)
            try FileManager.default.removeItem(at: broken)
            try await client.execute(uri: "/api/v1/admin/reload", method: .post, headers: headers) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func operationsEndpoints() async throws {
        let fixture = try APIFixture()
        #expect(try await fixture.call(.get, "/healthz", as: nil).status == 200)
        let ready = try await fixture.call(.get, "/readyz", as: nil)
        #expect(ready.json["status"] == .string("ready"))
        _ = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: Self.newReport)
        let metrics = try await fixture.call(.get, "/metrics", as: nil)
        #expect(metrics.text.contains("beredskab_reports_received_total{outcome=\"accepted\"} 1"))
        #expect(metrics.text.contains("beredskab_open_incidents_count 2"))
        let openapi = try await fixture.call(.get, "/api/v1/openapi.json", as: nil)
        #expect(openapi.json["openapi"] != nil)
    }

    @Test func aRaisedSeverityAlertsWhoTheNewlyFiringGuidelinesNameOnce() async throws {
        let fixture = try APIFixture()
        let report = """
            {"id": "fsb:vold-1", "reporter": {"organisation": "fsb"}, "occurred_at": "2026-03-13T21:40:00+01:00",
             "category": "violence", "severity": "moderate", "location": {"area": "blaagaarden"}}
            """
        let created = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: report)
        #expect(created.status == 201)
        #expect(created.json["fired"]?.text.contains("vold-alvorlig") == false)
        let before = try fixture.store.notifications(incident: "fsb:vold-1")

        let path = "/api/v1/incidents/fsb:vold-1/updates"
        let raised = try await fixture.call(
            .post, path, as: "reporter", body: #"{"kind": "severity", "severity": "severe", "text": "Kniv set"}"#)
        #expect(raised.status == 201, "\(raised.text)")
        let after = try fixture.store.notifications(incident: "fsb:vold-1")
        let added = after.filter { $0.kind == "notification" && !before.map(\.id).contains($0.id) }
        // vold-alvorlig alerts the police duty officer (personal tier) and the hotspot secretariat.
        #expect(added.contains { $0.roles == ["politi-vagt"] && $0.tier == .personal })
        #expect(added.contains { $0.roles == ["hotspot-sekretariat"] })
        #expect(added.allSatisfy { $0.guidelines.contains("vold-alvorlig") })
        #expect(Set(added.map(\.person)).isDisjoint(with: before.filter { $0.kind == "notification" }.map(\.person)))
        #expect(try fixture.store.tasks(incident: "fsb:vold-1").contains { $0.guideline == "vold-alvorlig" })
        #expect(try fixture.store.audit(incident: "fsb:vold-1").contains { $0.action == "replanned" })
        #expect(raised.json["escalation"] == .string("pending"))

        // Raising it again fires nothing new and alerts nobody twice.
        let again = try await fixture.call(
            .post, path, as: "reporter", body: #"{"kind": "severity", "severity": "extreme", "text": "Flere"}"#)
        #expect(again.status == 201)
        let third = try fixture.store.notifications(incident: "fsb:vold-1").filter { $0.kind == "notification" }
        #expect(third.count == after.filter { $0.kind == "notification" }.count)
    }
}
