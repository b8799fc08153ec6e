import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The API of a running `beredskab serve`: tokens made and revoked on the command line, rules
/// reloaded by SIGHUP, and the operations endpoints.
@Suite(.serialized) struct ServeAPITests {
    /// The role × endpoint matrix of `Tests/Fixtures/role-matrix.json` against the running binary,
    /// each caller with a token made by `beredskab token create`, over real HTTP.
    @Test func everyEndpointForEveryKindOfCaller() async throws {
        let matrix =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: Run.root.appendingPathComponent("Tests/Fixtures/role-matrix.json")))
            as! [String: Any]
        let rows = try #require(matrix["rows"] as? [[String: Any]])
        let callers = try #require(matrix["callers"] as? [String])
        #expect(rows.count >= 19)
        for caller in callers where caller != "none" {
            // A fresh server per caller, so one caller's acknowledgement or closure cannot change the next.
            let server = try Server()
            let fsb = try server.token("fsb")
            let created = try await server.request(
                "POST", "/api/v1/incidents", token: fsb, body: try example("skud-blaagaarden.json"))
            let notified = try #require(json(created.body)["notified"] as? [[String: Any]])
            let personal = try #require(notified.first { $0["tier"] as? String == "personal" }?["person"] as? String)
            let tokens = [
                "reporter": fsb, "other-reporter": try server.token("akb"),
                "responder": try server.token("", role: "responder", person: personal),
                "other-responder": try server.token("lejerbo", role: "responder"),
                "reviewer": try server.token("okf", role: "reviewer"),
                "admin": try server.token("hotspot", role: "admin"),
                "calendar": try server.token("okf", role: "calendar"),
            ]
            try await check(rows, caller: "none", token: nil, on: server)
            try await check(rows, caller: caller, token: tokens[caller], on: server)
        }
    }

    func check(_ rows: [[String: Any]], caller: String, token: String?, on server: Server) async throws {
        for row in rows {
            let method = row["method"] as! String
            let path = (row["path"] as! String).replacingOccurrences(of: "{id}", with: "fsb%3A2026-000412")
            let body = try row["body"].flatMap { $0 is NSNull ? nil : try JSONSerialization.data(withJSONObject: $0) }
            let statuses = row["expected"] as! [String: Int]
            // A row written before calendar tokens: a calendar token may do nothing a stranger may not.
            let expected =
                statuses[caller] ?? (caller == "calendar" ? statuses["none"].map { $0 == 401 ? 403 : $0 } : nil)
            let answer = try await server.request(method, path, token: token, body: body)
            #expect(answer.status == expected, "\(caller) \(method) \(path): \(answer.body)")
            if answer.status >= 400 {
                #expect((json(answer.body)["error"] as? [String: Any])?["message"] is String, "\(answer.body)")
            }
        }
    }

    @Test func tokensAreListedWithoutSecretsAndRevokedAtOnce() async throws {
        let server = try Server()
        let admin = try server.token("hotspot", role: "admin")
        let reporter = try server.token("fsb", role: "reporter")
        #expect(try await server.request("GET", "/api/v1/admin/tokens", token: admin).status == 200)
        #expect(try await server.request("GET", "/api/v1/admin/tokens", token: reporter).status == 403)

        let list = try Run(["token", "list", "--data", server.data.path])
        #expect(list.status == 0)
        #expect(!list.stdout.contains(admin) && !list.stdout.contains(reporter))
        let reporterLine = try #require(list.stdout.split(separator: "\n").first { $0.contains("\treporter\tfsb\t") })
        let id = String(reporterLine.split(separator: "\t")[0])
        #expect(id.hasPrefix("tok_"))

        let revoke = try Run(["token", "revoke", id, "--data", server.data.path])
        #expect(revoke.status == 0, "\(revoke.stdout)")
        let refused = try await server.request(
            "POST", "/api/v1/incidents", token: reporter, body: try example("skud-blaagaarden.json"))
        #expect(refused.status == 401)
        #expect(json(refused.body)["error"] != nil)
        #expect(try Run(["token", "revoke", id, "--data", server.data.path]).status == 1)
        #expect(try Run(["token", "list", "--data", server.data.path]).stdout.contains("revoked"))
    }

    @Test func sighupReloadsGoodRulesAndKeepsTheRunningOnesWhenTheNewAreBroken() async throws {
        let folder = try temporaryFolder([:])
        for name in ["Rules", "Contacts"] {
            try FileManager.default.copyItem(
                at: Run.root.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let rules = [
            "--rules", folder.appendingPathComponent("Rules").path, "--rules",
            folder.appendingPathComponent("Contacts").path,
        ]
        let server = try Server(rules: rules)
        let before = json(try await server.request("GET", "/readyz").body)["guidelines"] as? Int
        let broken = folder.appendingPathComponent("Rules/zz-broken.rules")
        try "guideline zz \"Broken\" {\n  when category = meteor\n}\n".write(
            to: broken, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        for _ in 0..<100 where !server.log.contains("SIGHUP") { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.log.contains("SIGHUP: the rules have errors; the running rules are kept"))
        #expect(server.log.contains("zz-broken.rules:2:"))
        #expect(json(try await server.request("GET", "/readyz").body)["guidelines"] as? Int == before)

        // Bytes that crashed the diagnostic renderer, and so the server: control characters, then a
        // sequence past U+10FFFF at the end of the file.
        try Data(Array("# \u{1}\u{1}\u{1} ".utf8) + [0xF4, 0x90, 0x80, 0x80]).write(to: broken)
        kill(server.process.processIdentifier, SIGHUP)
        func kept() -> Int { server.log.components(separatedBy: "the running rules are kept").count - 1 }
        for _ in 0..<100 where kept() < 2 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(kept() == 2)
        #expect(server.log.contains("zz-broken.rules:1:"))
        #expect(json(try await server.request("GET", "/readyz").body)["guidelines"] as? Int == before)

        try FileManager.default.removeItem(at: broken)
        kill(server.process.processIdentifier, SIGHUP)
        #expect(try server.waitForLine("SIGHUP:").contains("rules reloaded"))
        #expect(try await server.request("GET", "/healthz").status == 200)
    }

    @Test func metricsCountReportsAndDeliveries() async throws {
        let server = try Server()
        let token = try server.token("fsb")
        _ = try await server.request(
            "POST", "/api/v1/incidents", token: token, body: try example("skud-blaagaarden.json"))
        _ = try await server.request("POST", "/api/v1/incidents", token: token, body: Data("{".utf8))
        var metrics = ""
        for _ in 0..<50 where !metrics.contains("beredskab_notifications_total{channel=") {
            try await Task.sleep(for: .milliseconds(100))
            metrics = try await server.request("GET", "/metrics").body
        }
        #expect(metrics.contains("beredskab_reports_received_total{outcome=\"accepted\"} 1"))
        #expect(metrics.contains("beredskab_reports_received_total{outcome=\"rejected\"} 1"))
        #expect(metrics.contains("beredskab_open_incidents_count 1"))
        #expect(metrics.contains("beredskab_delivery_latency_seconds_bucket"))
        #expect(metrics.contains("outcome=\"delivered\""))
        let openapi = try await server.request("GET", "/api/v1/openapi.json")
        #expect(json(openapi.body)["openapi"] as? String == "3.1.0")
    }
}
