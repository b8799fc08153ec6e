import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The API of a running `beredskab serve`: tokens made and revoked on the command line, rules
/// reloaded by SIGHUP, and the operations endpoints.
@Suite(.serialized) struct ServeAPITests {
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
