import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `beredskab serve` process on a free port of 127.0.0.1 with its own data folder.
/// Lines a child process prints, up to and including the first that starts with `prefix`; gives up
/// after `seconds` or when the process exits, so a test fails instead of hanging.
func readLines(_ pipe: Pipe, of process: Process, until prefix: String, seconds: Double = 60) throws -> [String] {
    let fd = pipe.fileHandleForReading.fileDescriptor
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    var lines: [String] = []
    var line: [UInt8] = []
    let deadline = Date().addingTimeInterval(seconds)
    // The deadline is looked at only when nothing is waiting, so a busy machine that kept this
    // thread from running still finds the lines printed meanwhile.
    while true {
        var byte: UInt8 = 0
        if read(fd, &byte, 1) == 1 {
            guard byte == UInt8(ascii: "\n") else {
                line.append(byte)
                continue
            }
            lines.append(String(decoding: line, as: UTF8.self))
            line.removeAll()
            if lines.last!.hasPrefix(prefix) { return lines }
            continue
        }
        if !process.isRunning || Date() >= deadline { break }
        usleep(10_000)
    }
    process.terminate()
    throw CancellationError()
}

final class Server {
    let process = Process()
    let data: URL
    var base = ""
    /// What the server printed before it listened.
    var startup = ""

    /// The rule arguments the server was started with.
    let rules: [String]
    /// The server's standard output, read on by `waitForLine`.
    let out = Pipe()

    /// The file the server reads the time from (`--test-clock`): no test depends on the wall clock.
    var clockFile: URL { data.appendingPathComponent("clock") }

    /// Starts a server whose clock stands at `time` (RFC 3339) until `setClock` moves it. By default
    /// a Saturday evening, the day after the demo shooting `skud-blaagaarden.json`, when the police
    /// officer on duty (Jens Kragh, by the daily rota) takes alerts by webhook. With `data` it runs
    /// on the store already in that folder.
    init(
        environment: [String: String] = [:], rules: [String] = demoRules,
        time: String = "2026-03-14T21:48:00+01:00", data folder: URL? = nil, arguments: [String] = []
    ) throws {
        data = try folder ?? temporaryFolder([:])
        self.rules = rules
        try Data(time.utf8).write(to: data.appendingPathComponent("clock"))
        process.executableURL = Run.binary
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.arguments =
            ["serve", "--port", "0", "--data", data.path, "--test-clock", data.appendingPathComponent("clock").path]
            + arguments + rules
        process.standardOutput = out
        let log = data.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let lines = try readLines(out, of: process, until: "listening on ")
        startup = lines.joined(separator: "\n")
        guard let url = lines.last?.split(separator: " ").dropFirst(2).first else { throw CancellationError() }
        base = String(url)
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// Moves the server's clock to `time` (RFC 3339); it reads the file whenever it needs the time.
    func setClock(_ time: String) throws {
        let temporary = data.appendingPathComponent("clock.new")
        try Data(time.utf8).write(to: temporary)
        _ = rename(temporary.path, clockFile.path)
    }

    func token(_ organisation: String, role: String = "reporter", person: String? = nil) throws -> String {
        let run = try Run(
            ["token", "create", "--role", role, "--data", data.path]
                + (organisation.isEmpty ? [] : ["--org", organisation])
                + (person.map { ["--person", $0] } ?? []) + rules)
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits for the next line the server prints that starts with `prefix`.
    func waitForLine(_ prefix: String) throws -> String {
        try readLines(out, of: process, until: prefix).last ?? ""
    }

    /// What the server has written to standard error.
    var log: String {
        (try? String(contentsOf: data.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    func request(
        _ method: String, _ path: String, token: String? = nil, body: Data? = nil, type: String = "application/json"
    ) async throws -> (status: Int, headers: [AnyHashable: Any], body: String) {
        var request = URLRequest(url: URL(string: base + path)!, timeoutInterval: 20)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue(type, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, http.allHeaderFields, String(decoding: data, as: UTF8.self))
    }

    /// Every line of the outbox file: notifications, escalations and watch requests.
    var outbox: [[String: Any]] {
        let text = (try? String(contentsOf: data.appendingPathComponent("outbox.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }
}

func example(_ name: String) throws -> Data {
    try Data(contentsOf: Run.root.appendingPathComponent("examples/reports/\(name)"))
}

func json(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}

@Suite(.serialized) struct ServeCommandTests {
    @Test func reportIntakeDeliveryToTheOutboxAndAcknowledgement() async throws {
        let server = try Server()
        #expect(server.startup.contains("no transport configured"))
        let token = try server.token("fsb")
        #expect(token.hasPrefix("bsk_"))

        let created = try await server.request(
            "POST", "/api/v1/incidents", token: token, body: try example("skud-blaagaarden.json"))
        #expect(created.status == 201, "\(created.body)")
        let summary = json(created.body)
        #expect(summary["incident"] as? String == "fsb:2026-000412")
        #expect(summary["fired"] as? [String] == ["skud-distrikt-8"])
        #expect((summary["notified"] as? [Any])?.count == 6)

        // The same id again: the original result, never a second incident.
        let again = try await server.request(
            "POST", "/api/v1/incidents", token: token, body: try example("skud-blaagaarden.json"))
        #expect(again.status == 200)
        #expect(json(again.body)["received_at"] as? String == summary["received_at"] as? String)

        // The dispatcher writes the five immediate messages (the street team's comes after 10 minutes).
        var outbox: [[String: Any]] = []
        for _ in 0..<50 where outbox.count < 5 {
            try await Task.sleep(for: .milliseconds(100))
            outbox = server.outbox.filter { $0["kind"] as? String == "notification" }
        }
        #expect(outbox.count == 5)
        #expect(outbox.allSatisfy { ($0["idempotency_key"] as? String)?.hasPrefix("fsb:2026-000412/notify/") == true })
        let fsb = outbox.filter { ($0["roles"] as? [String]) == ["reporter"] }
        #expect(!fsb.isEmpty && fsb.allSatisfy { $0["tier"] as? String == "situation" })

        // §115: the police officer's message carries the persons involved; fsb's never does.
        let police = try #require(outbox.first { ($0["roles"] as? [String]) == ["politi-vagt"] })
        #expect((police["text"] as? String)?.contains("Yusuf Demir, 19 år, victim") == true)
        #expect(fsb.allSatisfy { ($0["text"] as? String)?.contains("Yusuf Demir") == false })
        let link = try #require(police["ack_link"] as? String)
        let path = String(link.dropFirst(server.base.count))
        let page = try await server.request("GET", path)
        #expect(page.status == 200)
        #expect(page.body.contains("Kvittér for modtagelsen"))
        // The page behind the link shows personal details to their rightful recipient only.
        #expect(page.body.contains("Yusuf Demir"))
        #expect(page.body.contains("§ 115"))
        let fsbLink = try #require(fsb.first?["ack_link"] as? String)
        let fsbPage = try await server.request("GET", String(fsbLink.dropFirst(server.base.count)))
        #expect(fsbPage.status == 200 && !fsbPage.body.contains("Yusuf Demir"))
        let acknowledged = try await server.request("POST", path)
        #expect(acknowledged.body.contains("Tak – du har kvitteret"))
        let twice = try await server.request("POST", path)
        #expect(twice.status == 200 && twice.body.contains("Allerede kvitteret"))
        let unknown = try await server.request("GET", "/ack/not-a-token")
        #expect(unknown.status == 404 && unknown.body.contains("Linket kendes ikke"))
    }

    @Test func refusalsAreJSONWithTheRightStatus() async throws {
        let server = try Server()
        let fsb = try server.token("fsb")
        let akb = try server.token("akb")
        let report = try example("skud-blaagaarden.json")

        let noToken = try await server.request("POST", "/api/v1/incidents", body: report)
        #expect(noToken.status == 401)
        #expect((json(noToken.body)["error"] as? [String: Any])?["message"] as? String != nil)

        let wrongOrganisation = try await server.request("POST", "/api/v1/incidents", token: akb, body: report)
        #expect(wrongOrganisation.status == 403)

        let malformed = try await server.request("POST", "/api/v1/incidents", token: fsb, body: Data("{\"id\": ".utf8))
        #expect(malformed.status == 400)

        let invalid = try await server.request(
            "POST", "/api/v1/incidents", token: fsb,
            body: Data(#"{"id": "x", "reporter": {"organisation": "fsb"}, "category": "riot"}"#.utf8))
        #expect(invalid.status == 422)
        let problems = ((json(invalid.body)["error"] as? [String: Any])?["problems"] as? [[String: Any]]) ?? []
        #expect(
            problems.compactMap { $0["path"] as? String } == [
                "$.occurred_at", "$.category", "$.severity", "$.location",
            ])

        let form = try await server.request("POST", "/api/v1/incidents", token: fsb, body: report, type: "text/plain")
        #expect(form.status == 415)

        let huge = try await server.request(
            "POST", "/api/v1/incidents", token: fsb, body: Data(repeating: 32, count: 300_000))
        #expect(huge.status == 413)

        #expect(try await server.request("POST", "/api/v1/incidents", token: fsb, body: report).status == 201)
        // Another organisation sending the same id gets its own incident behind its own prefix:
        // ids are scoped by organisation, so neither can block the other nor learn the id is used.
        var taken = json(String(decoding: report, as: UTF8.self))
        taken["reporter"] = ["organisation": "akb"]
        let takenBody = try JSONSerialization.data(withJSONObject: taken)
        let scoped = try await server.request("POST", "/api/v1/incidents", token: akb, body: takenBody)
        #expect(scoped.status == 201, "\(scoped.body)")
        #expect((scoped.headers["Location"] as? String)?.hasPrefix("/api/v1/incidents/akb:") == true)
    }

    @Test func refusesToStartOnRulesWithErrors() throws {
        let folder = try temporaryFolder(["broken.rules": "role r { }\n"])
        let run = try Run([
            "serve", "--port", "0", "--data", folder.path, "--rules",
            folder.appendingPathComponent("broken.rules").path,
        ])
        #expect(run.status == 1)
        #expect(run.stderr.contains("broken.rules:1:6: error: role 'r' has no duty"))
        #expect(run.stderr.contains("the rules have errors; nothing was evaluated"))
    }
}
