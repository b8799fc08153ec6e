import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Runs a query on an SQLite file with the sqlite3 program, read-only; one line per row.
func sqlite(_ file: URL, _ query: String) throws -> [String] {
    let run = try Run(["-readonly", file.path, query], executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
    #expect(run.status == 0, "\(run.stderr)")
    return run.stdout.split(separator: "\n").map(String.init)
}

/// `beredskab backup`, `restore` and `audit verify` against running and stopped servers.
@Suite(.serialized) struct BackupCommandTests {
    /// The demo shooting as a new report: its own id, and an hour earlier for each `n`.
    func shooting(_ n: Int) throws -> Data {
        var report = try #require(
            try JSONSerialization.jsonObject(with: try example("skud-blaagaarden.json")) as? [String: Any])
        report["id"] = "fsb:backup-\(n)"
        report["occurred_at"] = "2026-03-14T\(String(format: "%02d", 21 - n % 20)):40:00+01:00"
        return try JSONSerialization.data(withJSONObject: report)
    }

    /// A server whose transport is down keeps what it accepts pending. A backup taken while reports
    /// come in is whole and consistent; restored into a new folder, a new server sends everything
    /// that was pending in it. Restore refuses the first server's store while that server runs.
    @Test func aBackupTakenUnderLoadRestoresIntoANewServerThatSendsWhatWasPending() async throws {
        let first = try temporaryFolder([:])
        // The outbox "file" is a folder: every delivery fails and is retried later (the clock stands still).
        try FileManager.default.createDirectory(
            at: first.appendingPathComponent("outbox.jsonl"), withIntermediateDirectories: true)
        let server = try Server(data: first)
        let fsb = try server.token("fsb")
        for n in 1...3 {
            let created = try await server.request("POST", "/api/v1/incidents", token: fsb, body: try shooting(n))
            #expect(created.status == 201, "\(created.body)")
        }
        let posting = Task {
            var statuses: [Int] = []
            for n in 4...23 {
                let created = try await server.request("POST", "/api/v1/incidents", token: fsb, body: try shooting(n))
                statuses.append(created.status)
            }
            return statuses
        }
        let backup = try temporaryFolder([:]).appendingPathComponent("beredskab-backup.sqlite")
        let run = try Run(["backup", "--to", backup.path, "--data", first.path])
        #expect(try await posting.value.allSatisfy { $0 == 201 })
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("integrity ok"), "\(run.stdout)")
        let incidents = try sqlite(backup, "SELECT count(*) FROM incident").first.flatMap { Int($0) } ?? 0
        #expect(incidents >= 3 && run.stdout.contains(" \(incidents) incidents"), "\(run.stdout)")
        #expect(try sqlite(backup, "PRAGMA integrity_check") == ["ok"])
        #expect(
            try sqlite(backup, "SELECT count(*) FROM notification WHERE incident_id NOT IN (SELECT id FROM incident)")
                == ["0"])
        // Every pending message with its time: due before the new server's clock, or later.
        let restart = try #require(ISO8601DateFormatter().date(from: "2026-03-14T21:53:00+01:00"))
        let rows = try sqlite(backup, "SELECT idempotency_key, send_at FROM notification WHERE status = 'pending'")
            .map { $0.split(separator: "|").map(String.init) }
        let pending = Set(rows.map { $0[0] })
        let later = Set(rows.filter { Double($0[1]) ?? 0 > restart.timeIntervalSince1970 }.map { $0[0] })
        #expect(!later.isEmpty, "a delayed alert (the demo's ssp-vagt after 10 minutes) is pending too")
        #expect(!pending.isEmpty)
        #expect(run.stdout.contains(" \(pending.count) pending notifications"), "\(run.stdout)")

        let refused = try Run(["restore", "--from", backup.path, "--data", first.path])
        #expect(refused.status == 1 && refused.stderr.contains("stop it first"), "\(refused.stderr)")
        server.process.terminate()
        server.process.waitUntilExit()

        let second = try temporaryFolder([:])
        let restored = try Run(["restore", "--from", backup.path, "--data", second.path])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains(" \(pending.count) pending notifications"), "\(restored.stdout)")
        // Five minutes on: past the back-off of the first server's failed attempts, before the delayed alerts.
        let again = try Server(time: "2026-03-14T21:53:00+01:00", data: second)
        let due = pending.subtracting(later)
        var sent = try await again.outbox(
            until: { lines in due.isSubset(of: lines.compactMap { $0["idempotency_key"] as? String }) }, seconds: 30)
        var keys = Set(sent.compactMap { $0["idempotency_key"] as? String })
        #expect(due.isSubset(of: keys), "not sent: \(due.subtracting(keys).sorted())")
        #expect(keys.isDisjoint(with: later), "sent early: \(keys.intersection(later).sorted())")
        try again.setClock("2026-03-14T22:00:00+01:00")
        sent = try await again.outbox(
            until: { lines in pending.isSubset(of: lines.compactMap { $0["idempotency_key"] as? String }) },
            seconds: 30)
        keys = Set(sent.compactMap { $0["idempotency_key"] as? String })
        #expect(pending.isSubset(of: keys), "not sent: \(pending.subtracting(keys).sorted())")
        again.process.terminate()
        again.process.waitUntilExit()

        let verified = try Run(["audit", "verify", "--data", second.path])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("audit log intact: "), "\(verified.stdout)")
    }

    /// `audit verify` names an entry changed in the file of a stopped server, and a head hash noted
    /// earlier catches the last entry removed with the recorded head rewritten.
    @Test func auditVerifyNamesTheEntryEditedBehindAStoppedServersBack() async throws {
        let server = try Server()
        let fsb = try server.token("fsb")
        let created = try await server.request("POST", "/api/v1/incidents", token: fsb, body: try shooting(1))
        #expect(created.status == 201, "\(created.body)")
        server.process.terminate()
        server.process.waitUntilExit()
        let intact = try Run(["audit", "verify", "--data", server.data.path])
        #expect(intact.status == 0, "\(intact.stderr)")
        let line = try #require(intact.stdout.firstMatch(of: #/intact: (\d+) entries, last hash ([0-9a-f]{64})/#))
        let (count, head) = (Int(line.1) ?? 0, String(line.2))
        #expect(count >= 2)

        let store = server.data.appendingPathComponent("beredskab.sqlite")
        let sqlite3 = URL(fileURLWithPath: "/usr/bin/sqlite3")
        // The last entry removed and the recorded head moved back: the chain checks out on its own,
        // and only the head noted before shows what is missing.
        let shorten = """
            DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;
            DELETE FROM audit WHERE seq = \(count);
            UPDATE audit_head SET seq = seq - 1, hash = (SELECT hash FROM audit WHERE seq = \(count - 1));
            """
        #expect(try Run([store.path, shorten], executable: sqlite3).status == 0)
        #expect(try Run(["audit", "verify", "--data", server.data.path]).status == 0)
        let noted = try Run(["audit", "verify", "--data", server.data.path, "--head", head])
        #expect(noted.status == 1)
        #expect(noted.stderr.contains("the noted head \(head) is not in the chain"), "\(noted.stderr)")

        #expect(
            try Run([store.path, "UPDATE audit SET actor = 'someone else' WHERE seq = 1"], executable: sqlite3).status
                == 0)
        let altered = try Run(["audit", "verify", "--data", server.data.path])
        #expect(altered.status == 1)
        #expect(altered.stderr.contains("entry 1 was altered"), "\(altered.stderr)")
    }
}
