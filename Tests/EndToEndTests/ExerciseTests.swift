import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Exercises through a running server, delivered to a real SMTP server and a real webhook receiver
/// (issue 12).
@Suite(.serialized) struct ExerciseEndToEndTests {
    /// `beredskab drill start` sends the demo shooting as an exercise for two roles only: every mail
    /// subject and text starts with ØVELSE or EXERCISE, every webhook body says `"exercise": true`,
    /// nobody outside the roles is alerted, and the answer names who was left out. The real shooting
    /// reported four minutes later on the same square is an incident of its own, unmarked; the
    /// metrics count the two apart; the after-action report reads the drill from the store.
    @Test func aDrillIsMarkedInEveryMessageAndAlertsOnlyTheRolesAskedFor() async throws {
        let smtp = try Sink("smtp_sink.py")
        let http = try Sink("http_sink.py", ["--secret", "hemmelig-nøgle"])
        let server = try Server(environment: [
            "BEREDSKAB_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)",
            "BEREDSKAB_WEBHOOK_URL": "http://127.0.0.1:\(http.port)/beredskab",
            "BEREDSKAB_WEBHOOK_SECRET": "hemmelig-nøgle",
        ])
        let token = try server.token("fsb")
        let drill = try Run([
            "drill", "start", Run.root.appendingPathComponent("examples/reports/skud-blaagaarden.json").path,
            "--only-roles", "politi-vagt", "ssp-vagt", "--server", server.base, "--token", token,
        ])
        #expect(drill.status == 0, "\(drill.stderr)")
        #expect(drill.stdout.hasPrefix("ØVELSE / EXERCISE started: incident fsb:2026-000412"), "\(drill.stdout)")
        #expect(drill.stdout.contains("left out:"), "\(drill.stdout)")
        // The same drill again is not a second drill, and says so.
        let again = try Run([
            "drill", "start", Run.root.appendingPathComponent("examples/reports/skud-blaagaarden.json").path,
            "--only-roles", "politi-vagt", "ssp-vagt", "--server", server.base, "--token", token,
        ])
        #expect(again.stdout.hasPrefix("ØVELSE / EXERCISE already sent: incident fsb:2026-000412"), "\(again.stdout)")

        let database = server.data.appendingPathComponent("beredskab.sqlite").path
        let roles = try sqlite(database, "SELECT roles FROM notification WHERE incident_id = 'fsb:2026-000412'")
            .split(separator: "\n")
        #expect(!roles.isEmpty)
        for list in roles { #expect(list.contains("politi-vagt") || list.contains("ssp-vagt"), "\(list)") }
        // The school leaders are not in the roles either: their watch requests are left out, audited.
        let leftOut = try sqlite(
            database,
            "SELECT COUNT(*) FROM audit WHERE incident_id = 'fsb:2026-000412' AND action = 'exercise-left-out'")
        #expect(Int(leftOut.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 0)
        // Nor do the roles left out get tasks to be reminded of, or to count as not done afterwards.
        let otherTasks = try sqlite(
            database,
            "SELECT COUNT(*) FROM task WHERE incident_id = 'fsb:2026-000412' AND role NOT IN ('politi-vagt', 'ssp-vagt')"
        )
        #expect(otherTasks.trimmingCharacters(in: .whitespacesAndNewlines) == "0")

        var pending = ""
        for _ in 0..<100 where pending != "0" {
            try await Task.sleep(for: .milliseconds(100))
            pending = try sqlite(
                database,
                "SELECT COUNT(*) FROM notification WHERE incident_id = 'fsb:2026-000412' AND status = 'pending'"
            ).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(pending == "0")
        let mails = smtp.records
        let hooks = http.records
        #expect(mails.count + hooks.count == roles.count, "\(mails.count) mails, \(hooks.count) webhooks")
        for mail in mails {
            let subject = mail["subject"] as? String ?? ""
            #expect(
                subject.hasPrefix("ØVELSE – Beredskab: ") || subject.hasPrefix("EXERCISE – Beredskab: "), "\(subject)")
            let body = mail["body"] as? String ?? ""
            #expect(body.hasPrefix("ØVELSE – ") || body.hasPrefix("EXERCISE – "), "\(body.prefix(80))")
        }
        for hook in hooks {
            let body = json(hook["body"] as? String ?? "")
            #expect(body["exercise"] as? Bool == true, "\(body)")
            #expect((body["subject"] as? String ?? "").contains("Beredskab: "))
            #expect(hook["signature_valid"] as? Bool == true)
        }

        // The real shooting four minutes later, reported by another housing association.
        let akb = try server.token("akb")
        let real = try await server.request(
            "POST", "/api/v1/incidents", token: akb, body: try example("skud-blaagaarden-akb.json"))
        #expect(real.status == 201, "\(real.body)")
        let answer = json(real.body)
        #expect(answer["merged_into"] is NSNull && answer["exercise"] as? Bool == false)
        #expect((answer["fired"] as? [String])?.isEmpty == false && (answer["suppressed"] as? [Any])?.isEmpty == true)
        let realID = answer["incident"] as? String ?? ""
        let realMessages = try sqlite(database, "SELECT message FROM notification WHERE incident_id = '\(realID)'")
        #expect(!realMessages.isEmpty && !realMessages.contains("ØVELSE") && !realMessages.contains("EXERCISE"))
        let shown = try await server.request("GET", "/api/v1/incidents/fsb:2026-000412", token: token)
        #expect(json(shown.body)["exercise"] as? Bool == true, "\(shown.body.prefix(200))")

        let metrics = try await server.request("GET", "/metrics").body
        #expect(metrics.contains("beredskab_reports_received_total{outcome=\"exercise\"} 1"))
        #expect(metrics.contains("beredskab_reports_received_total{outcome=\"accepted\"} 1"))
        #expect(metrics.contains("beredskab_exercise_notifications_total{channel="), "\(metrics)")

        // OKF's review counts the real shooting only: one watched incident, one report in the area.
        let review = try Run(
            ["review", "--from", "2026-03-13", "--to", "2026-03-14", "--format", "json", "--data", server.data.path]
                + server.rules)
        #expect(review.status == 0, "\(review.stderr)")
        #expect(json(review.stdout)["watched_incidents"] as? Int == 1, "\(review.stdout)")
        let reports = (json(review.stdout)["safety_index_reports"] as? [String: [String: Int]]) ?? [:]
        #expect(reports.values.flatMap(\.values).reduce(0, +) <= 1, "\(reports)")

        let report = try Run(
            [
                "report", "after-action", "fsb:2026-000412", "--format", "json", "--data", server.data.path,
            ] + server.rules)
        #expect(report.status == 0, "\(report.stderr)")
        let figures = json(report.stdout)
        #expect(figures["exercise"] as? Bool == true)
        #expect((figures["alerts"] as? [Any])?.count == roles.count)
        #expect((figures["left_out"] as? [Any])?.isEmpty == false)

        // A second drill report of the same shooting joins the first drill, and the output says where.
        var duplicate = try String(
            contentsOf: Run.root.appendingPathComponent("examples/reports/skud-blaagaarden-akb.json"), encoding: .utf8)
        duplicate = duplicate.replacingOccurrences(of: "\"id\": \"", with: "\"id\": \"akb-drill-")
        let file = server.data.appendingPathComponent("drill-duplicate.json")
        try duplicate.write(to: file, atomically: true, encoding: .utf8)
        let joined = try Run(["drill", "start", file.path, "--server", server.base, "--token", akb])
        #expect(joined.status == 0, "\(joined.stderr)")
        #expect(joined.stdout.hasPrefix("ØVELSE / EXERCISE joined exercise fsb:2026-000412"), "\(joined.stdout)")
    }
}
