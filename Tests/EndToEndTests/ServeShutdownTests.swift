import Foundation
import Testing

/// SIGTERM under load: the server stops even while a client is in the middle of a request and a
/// delivery hangs, and after a restart nothing is lost: the report is stored and the delivery that
/// was in flight goes.
@Suite(.serialized) struct ServeShutdownTests {
    /// A client that sends a report's headers and the start of its body, then nothing more.
    static func stalledClient(port: String, token: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            """
            import socket, sys, time
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            s.sendall(b"POST /api/v1/incidents HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\n"
                      b"Authorization: Bearer " + sys.argv[2].encode() + b"\\r\\nContent-Length: 1000\\r\\n\\r\\n{")
            print("SENT", flush=True)
            time.sleep(120)
            """,
            port, token,
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        _ = try readLines(out, of: process, until: "SENT", seconds: 20)
        return process
    }

    @Test func sigtermStopsTheServerUnderLoadAndTheDeliveryInFlightGoesAfterTheRestart() async throws {
        let hanging = try Sink("http_sink.py", ["--behaviour", "hang", "--hang", "600"])
        let environment = [
            "BEREDSKAB_WEBHOOK_URL": "http://127.0.0.1:\(hanging.port)/beredskab",
            "BEREDSKAB_WEBHOOK_SECRET": "hemmelig",
        ]
        let server = try Server(environment: environment)
        let token = try server.token("fsb")
        let created = try await server.request(
            "POST", "/api/v1/incidents", token: token, body: try example("skud-blaagaarden.json"))
        #expect(created.status == 201)
        // Jens Kragh's alert is in flight to the receiver that never answers.
        for _ in 0..<100 where hanging.records.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!hanging.records.isEmpty)
        let client = try Self.stalledClient(port: String(server.base.split(separator: ":").last ?? ""), token: token)
        defer {
            // Python does not stop on SIGTERM under the test runner.
            kill(client.processIdentifier, SIGKILL)
            client.waitUntilExit()
        }

        kill(server.process.processIdentifier, SIGTERM)
        // A hang guard, not the 5 s figure (scripts/faults measures that).
        for _ in 0..<300 where server.process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!server.process.isRunning, "the server did not exit within 30 s of SIGTERM")
        if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) }

        // Restarted, with a receiver that answers: the alert that was in flight is delivered.
        let healthy = try Sink("http_sink.py", ["--secret", "hemmelig"])
        let restarted = try Server(
            environment: [
                "BEREDSKAB_WEBHOOK_URL": "http://127.0.0.1:\(healthy.port)/beredskab",
                "BEREDSKAB_WEBHOOK_SECRET": "hemmelig",
            ], data: server.data)
        // On a busy machine the hanging attempt may have timed out (15 s) before the SIGTERM, and been
        // recorded as a retry a few seconds on: the clock stands still until moved, so move it.
        try restarted.setClock("2026-03-14T21:53:00+01:00")
        var keys: [String] = []
        for _ in 0..<200 where !keys.contains("fsb:2026-000412/notify/jens-kragh") {
            try await Task.sleep(for: .milliseconds(100))
            keys = healthy.records.compactMap { ($0["headers"] as? [String: Any])?["idempotency-key"] as? String }
        }
        #expect(keys.contains("fsb:2026-000412/notify/jens-kragh"), "\(keys)")
        let stored = try await restarted.request("GET", "/api/v1/incidents/fsb%3A2026-000412", token: token)
        #expect(stored.status == 200 || stored.status == 403, "\(stored.body)")
        let count = try sqlite(
            server.data.appendingPathComponent("beredskab.sqlite").path, "SELECT count(*) FROM incident")
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}

/// A binary installed without its resource folders must not start and serve one-line pages.
@Suite struct InstallTests {
    @Test func serveRefusesToStartWithoutItsPageTemplates() throws {
        let folder = try temporaryFolder([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let alone = folder.appendingPathComponent("beredskab")
        try FileManager.default.copyItem(at: Run.binary, to: alone)
        let run = try Run(
            ["serve", "--port", "0", "--data", folder.appendingPathComponent("data").path] + demoRules,
            executable: alone)
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stderr.contains("the web pages cannot be rendered"), "\(run.stderr)")
        #expect(run.stderr.contains("Beredskab_BeredskabWeb.resources"), "\(run.stderr)")
        #expect(!run.stdout.contains("listening on"))
    }
}
