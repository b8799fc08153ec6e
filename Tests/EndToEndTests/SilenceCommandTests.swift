import Foundation
import Testing

/// Coordinators' silences against the built binary (issue 13): through the API with the server's
/// test clock, and with `beredskab silence` on the data folder.
@Suite(.serialized) struct SilenceCommandTests {
    static func vandalism(_ id: String, at time: String) -> Data {
        Data(
            """
            {"id": "\(id)", "reporter": {"organisation": "fsb"}, "occurred_at": "\(time)",
             "category": "vandalism", "severity": "minor", "location": {"area": "blaagaarden"},
             "description": "Knust gadelampe"}
            """.utf8)
    }

    /// The outbox's notifications about an incident, waiting up to five seconds for at least `least`.
    func notifications(_ server: Server, incident: String, least: Int) async throws -> [[String: Any]] {
        var found: [[String: Any]] = []
        for _ in 0..<50 {
            found = server.outbox.filter {
                ($0["idempotency_key"] as? String)?.hasPrefix(incident + "/") == true
            }
            if found.count >= least { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return found
    }

    @Test func aSilencedReportSendsNothingAndADuplicateAfterTheSilenceEndsIsSent() async throws {
        let server = try Server()
        let reviewer = try server.token("okf", role: "reviewer")
        let fsb = try server.token("fsb")
        let silence = Data(
            """
            {"guideline": "haervaerk-belysning", "area": "indre-norrebro", "ends_at": "2026-03-14T23:00:00+01:00",
             "reason": "Kendt fyrværkeri ved Blågårds Plads"}
            """.utf8)
        let created = try await server.request("POST", "/api/v1/silences", token: reviewer, body: silence)
        #expect(created.status == 201, "\(created.body)")
        #expect(json(created.body)["state"] as? String == "active")

        let first = try await server.request(
            "POST", "/api/v1/incidents", token: fsb,
            body: Self.vandalism("fsb:lygte-1", at: "2026-03-14T21:45:00+01:00"))
        #expect(first.status == 201, "\(first.body)")
        let summary = json(first.body)
        #expect(summary["fired"] as? [String] == [])
        #expect((summary["silenced"] as? [[String: Any]])?.first?["guideline"] as? String == "haervaerk-belysning")
        #expect((summary["notified"] as? [Any])?.isEmpty == true)

        // After the silence ends, a duplicate merges into the incident and fires the guideline then.
        try server.setClock("2026-03-14T23:05:00+01:00")
        let second = try await server.request(
            "POST", "/api/v1/incidents", token: fsb,
            body: Self.vandalism("fsb:lygte-2", at: "2026-03-14T23:00:00+01:00"))
        #expect(second.status == 201, "\(second.body)")
        let merged = json(second.body)
        #expect(merged["merged_into"] as? String == "fsb:lygte-1")
        #expect(merged["fired"] as? [String] == ["haervaerk-belysning"])
        #expect(merged["already_fired"] as? [String] == [])
        #expect((merged["notified"] as? [Any])?.isEmpty == false)

        let sent = try await notifications(server, incident: "fsb:lygte-1", least: 1)
        #expect(!sent.isEmpty)
        // Everything sent is the merged report's: nothing was ever planned for the silenced one.
        #expect(sent.allSatisfy { ($0["idempotency_key"] as? String)?.contains("/merge-fsb:lygte-2/") == true })

        // The incident shows what was silenced no more, since it fired; the silence is expired.
        let incident = try await server.request("GET", "/api/v1/incidents/fsb%3Alygte-1", token: fsb)
        #expect((json(incident.body)["silenced"] as? [Any])?.isEmpty == true, "\(incident.body)")
        let expired = try await server.request("GET", "/api/v1/silences?state=expired", token: reviewer)
        #expect(expired.body.contains("Kendt fyrværkeri"))
    }

    @Test func theCommandLineAddsListsAndExpiresSilencesAndInsistsOnConfirmingCritical() throws {
        let data = try temporaryFolder([:])
        let rules = demoRules
        let critical = try Run(
            [
                "silence", "add", "--guideline", "skud-distrikt-8", "--for", "2h", "--reason", "Filmoptagelse",
                "--data",
                data.path,
            ] + rules)
        #expect(critical.status == 64)
        #expect(critical.stderr.contains("--confirm-critical") && critical.stderr.contains("skud-distrikt-8"))
        let unknown = try Run(
            ["silence", "add", "--guideline", "meteor", "--for", "2h", "--reason", "x", "--data", data.path] + rules)
        #expect(unknown.status == 64 && unknown.stderr.contains("--guideline: unknown guideline 'meteor'"))

        let added = try Run(
            [
                "silence", "add", "--guideline", "skud-distrikt-8", "--area", "blaagaarden", "--for", "2h", "--reason",
                "Filmoptagelse", "--confirm-critical", "--by", "hanne", "--data", data.path,
            ] + rules)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("created silence 1  active") && added.stdout.contains("CRITICAL"))
        let listed = try Run(["silence", "list", "--data", data.path] + rules)
        #expect(
            listed.stdout.contains("guideline skud-distrikt-8 in blaagaarden") && listed.stdout.contains("cli:hanne"))
        let expired = try Run(["silence", "expire", "1", "--by", "hanne", "--data", data.path] + rules)
        #expect(expired.status == 0 && expired.stdout.contains("expired"), "\(expired.stderr)")
        #expect(try Run(["silence", "list", "--data", data.path] + rules).stdout.contains("no silences"))
        #expect(
            try Run(["silence", "list", "--state", "expired", "--data", data.path] + rules).stdout.contains(
                "Filmoptagelse"))
        #expect(try Run(["silence", "expire", "1", "--data", data.path] + rules).status == 1)
        let audit = try Run(["audit", "verify", "--data", data.path])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
    }
}
