import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A Python receiver from Tests/BeredskabDeliveryTests/servers on 127.0.0.1, writing what it gets to a folder.
final class Sink {
    let process = Process()
    let folder: URL
    var port = 0

    init(_ script: String, _ arguments: [String] = []) throws {
        folder = try temporaryFolder([:])
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "python3", Run.root.appendingPathComponent("Tests/BeredskabDeliveryTests/servers/\(script)").path,
                folder.path,
            ]
            + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let lines = try readLines(out, of: process, until: "READY ", seconds: 20)
        guard let port = lines.last.flatMap({ Int($0.dropFirst(6)) }) else { throw CancellationError() }
        self.port = port
    }

    deinit {
        // The Python receivers do not stop on SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The JSON records the receiver wrote, in arrival order.
    var records: [[String: Any]] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted { Int($0.dropLast(5)) ?? 0 < Int($1.dropLast(5)) ?? 0 }
        return names.compactMap {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent($0).path) else {
                return nil
            }
            return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
    }
}

@Suite(.serialized) struct ServeDeliveryTests {
    /// An alert with a 2,000-character description to a gateway that refuses texts over 1,600
    /// characters: every SMS arrives cut to three segments with its acknowledgement link whole at the
    /// end, and each delivery attempt records that it was cut.
    @Test func aLongAlertIsCutToThreeSegmentsForTheSMSGateway() async throws {
        let gateway = try Sink("http_sink.py", ["--refuse-longer-than", "1600"])
        let server = try Server(environment: ["BEREDSKAB_SMS_URL": "http://127.0.0.1:\(gateway.port)/sms"])
        let token = try server.token("helhedsplan-prater")
        var report = try #require(
            try JSONSerialization.jsonObject(with: try example("uro-aften-prater.json")) as? [String: Any])
        var description = ""
        while description.count < 2000 { description += "Unge samlet ved legepladsen, kanonslag mod opgangene. " }
        report["description"] = String(description.prefix(2000))
        let created = try await server.request(
            "POST", "/api/v1/incidents", token: token, body: try JSONSerialization.data(withJSONObject: report))
        #expect(created.status == 201, "\(created.body)")

        var texts: [String] = []
        for _ in 0..<100 where texts.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            texts = gateway.records.compactMap { json($0["body"] as? String ?? "")["text"] as? String }
                .filter { $0.hasPrefix("Uro i") }
        }
        #expect(texts.count >= 2, "\(gateway.records.count) requests: \(texts)")
        for text in texts {
            #expect(text.count <= 3 * 153, "\(text.count) characters")
            #expect(text.contains("..."), "not marked as cut: \(text)")
            let link = try #require(text.firstMatch(of: #/https?://[^ \n]+/ack/([0-9]+\.[A-Za-z0-9_-]+)$/#), "\(text)")
            #expect(link.1.count >= 20, "the link's token is cut: \(text)")
        }
        var details: [String] = []
        for _ in 0..<50 where details.count < texts.count {
            let query = try sqlite(
                server.data.appendingPathComponent("beredskab.sqlite").path,
                "SELECT a.detail FROM delivery_attempt a JOIN notification n ON n.id = a.notification_id "
                    + "WHERE a.channel = 'sms' AND a.outcome = 'delivered' AND n.message LIKE 'Uro i%'")
            details = query.split(separator: "\n").map(String.init)
            if details.count < texts.count { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(!details.isEmpty)
        for detail in details { #expect(detail.contains("cut to 3 segments (GSM-7)"), "\(detail)") }
    }

    @Test func deliversThroughLibcurlToARealSMTPServerAndARealWebhookReceiver() async throws {
        let smtp = try Sink("smtp_sink.py")
        let http = try Sink("http_sink.py", ["--secret", "hemmelig-nøgle"])
        let server = try Server(environment: [
            "BEREDSKAB_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)",
            "BEREDSKAB_WEBHOOK_URL": "http://127.0.0.1:\(http.port)/beredskab",
            "BEREDSKAB_WEBHOOK_SECRET": "hemmelig-nøgle",
        ])
        #expect(server.startup.contains("delivering email via smtp://127.0.0.1:\(smtp.port), signed webhooks"))
        let token = try server.token("fsb")
        let created = try await server.request(
            "POST", "/api/v1/incidents", token: token, body: try example("skud-blaagaarden.json"))
        #expect(created.status == 201)

        // Four of the five immediate recipients prefer email; jens-kragh (police) prefers a webhook.
        var mails: [[String: Any]] = []
        var hooks: [[String: Any]] = []
        // Only the incident's own notifications: the watch requests to institution leaders go out too.
        for _ in 0..<100 where mails.count < 4 || hooks.count < 1 {
            try await Task.sleep(for: .milliseconds(100))
            // The Message-ID carries the idempotency key, incident/notify/person, slashes encoded.
            mails = smtp.records.filter {
                (($0["headers"] as? [String: Any])?["Message-ID"] as? String)?.contains("notify") == true
            }
            hooks = http.records.filter {
                (($0["headers"] as? [String: Any])?["idempotency-key"] as? String)?.contains("/notify/") == true
            }
        }
        #expect(mails.count == 4)
        #expect(hooks.count == 1)

        // A Danish recipient's mail (English-speaking ones get "SHOTS FIRED").
        let mail = try #require(mails.first { ($0["subject"] as? String)?.contains("SKUD AFFYRET") == true })
        let subject = mail["subject"] as? String ?? ""
        #expect(subject.hasPrefix("Beredskab: SKUD AFFYRET: Blågården"), "\(subject)")
        let body = mail["body"] as? String ?? ""
        #expect(body.contains("Blågårds Plads") && body.contains("/ack/"))
        #expect((mail["defects"] as? [Any])?.isEmpty == true)

        let hook = try #require(hooks.first)
        #expect(hook["path"] as? String == "/beredskab")
        #expect(hook["signature_valid"] as? Bool == true)
        let hookHeaders = hook["headers"] as? [String: Any] ?? [:]
        let key = hookHeaders["Idempotency-Key"] as? String ?? hookHeaders["idempotency-key"] as? String
        #expect(key == "fsb:2026-000412/notify/jens-kragh")
    }
}

/// What the sqlite3 command prints for a query on a database file (the server keeps writing it: WAL).
func sqlite(_ database: String, _ query: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sqlite3", "-readonly", database, query]
    let out = Pipe()
    process.standardOutput = out
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
