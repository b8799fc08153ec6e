import Foundation
import Testing

/// `serve --log-format json`: every line a JSON object a collector can read, and never a personal
/// detail (names, addresses, phone numbers, e-mail addresses, message or report texts).
@Suite(.serialized) struct ServeLogTests {
    /// Every quoted string of the demo contacts' `person` blocks that is a name, an address or a
    /// number, and the persons and texts of the report sent.
    static func personalDetails() throws -> [String] {
        let contacts = try String(
            contentsOf: Run.root.appendingPathComponent("Contacts/personer.contacts"), encoding: .utf8)
        var details: [String] = []
        for line in contacts.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let quoted = trimmed.split(separator: "\"", omittingEmptySubsequences: false)
            guard quoted.count >= 3 else { continue }
            if trimmed.hasPrefix("person ") || trimmed.hasPrefix("email ") || trimmed.hasPrefix("sms ")
                || trimmed.hasPrefix("webhook ") || trimmed.hasPrefix("phone ")
            {
                details.append(String(quoted[1]))
                // The person's id is made from the name: not logged either.
                if trimmed.hasPrefix("person ") { details.append(String(trimmed.split(separator: " ")[1])) }
            }
        }
        details += [
            "Yusuf Demir", "Birthe Kjeldsen", "+45 01 00 00 55", "Blågårdsgade 23", "bent-iversen",
            "Flere skud affyret",
        ]
        return details
    }

    @Test func jsonLinesWithLevelsAndNoPersonalDetails() async throws {
        let details = try Self.personalDetails()
        #expect(details.count > 100)
        #expect(details.contains("jens.kragh@example.org") && details.contains("+45 01 00 00 01"))
        // Webhooks (the police officer on duty takes alerts by webhook) go to a port where nobody
        // listens: every attempt fails and is retried.
        let server = try Server(
            environment: [
                "BEREDSKAB_WEBHOOK_URL": "http://127.0.0.1:9/beredskab", "BEREDSKAB_WEBHOOK_SECRET": "hemmelig",
            ],
            arguments: ["--log-format", "json", "--log-level", "debug"])
        let token = try server.token("fsb")
        let created = try await server.request(
            "POST", "/api/v1/incidents", token: token, body: try example("skud-blaagaarden.json"))
        #expect(created.status == 201, "\(created.body)")
        // A sign-in link asked for (it fails too: no mail server) and a page that is not there.
        _ = try await server.request(
            "POST", "/login", body: Data("address=jens.kragh%40example.org".utf8),
            type: "application/x-www-form-urlencoded")
        _ = try await server.request("GET", "/ack/not-a-token")
        for _ in 0..<100 where !server.log.contains("delivery attempt failed") {
            try await Task.sleep(for: .milliseconds(100))
        }
        let lines = server.log.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("delivery attempt failed") }, "\(server.log)")
        var failures: [[String: Any]] = []
        for line in lines {
            let object = try #require(
                try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(
                ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(
                    object["level"] as? String ?? ""), "\(line)")
            #expect(object["timestamp"] is String && object["label"] is String && object["message"] is String)
            if object["message"] as? String == "delivery attempt failed" { failures.append(object) }
            for detail in details {
                #expect(!line.contains(detail), "\(detail) in the log: \(line)")
            }
        }
        // Failed attempts name the incident and the notification, for finding them in the store.
        let metadata = try #require(failures.first?["metadata"] as? [String: Any])
        #expect(metadata["incident"] as? String == "fsb:2026-000412")
        #expect(Int(metadata["notification"] as? String ?? "") != nil)
        #expect(metadata["outcome"] as? String == "retry" || metadata["outcome"] as? String == "permanent")
    }

    @Test func textFormatAndLevelAreOptions() throws {
        let bad = try Run(["serve", "--log-level", "loud"] + demoRules)
        #expect(bad.status == 64, "\(bad.stderr)")
        #expect(bad.stderr.contains("log-level"))
        let badFormat = try Run(["serve", "--log-format", "xml"] + demoRules)
        #expect(badFormat.status == 64 && badFormat.stderr.contains("log-format"))
    }
}
