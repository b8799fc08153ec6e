import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The inputs of `../shared/cases/lifecycle` (beside the project), run against `beredskab serve`
/// with the demo rules and a test clock set near each report's time (docs/plan.md, "The lifecycle").
let lifecycleCases = Run.root.deletingLastPathComponent().appendingPathComponent("shared/cases/lifecycle")

func lifecycleCase(_ path: String) throws -> Data {
    try Data(contentsOf: lifecycleCases.appendingPathComponent(path))
}

extension Server {
    /// The outbox once `done` holds for it, or after `seconds` as it is then.
    func outbox(until done: ([[String: Any]]) -> Bool, seconds: Double = 10) async throws -> [[String: Any]] {
        var lines = outbox
        var waited = 0.0
        while !done(lines) && waited < seconds {
            try await Task.sleep(for: .milliseconds(100))
            waited += 0.1
            lines = outbox
        }
        return lines
    }

    /// The outbox once every message an intake answer lists as due at `time` has been written,
    /// with the watch requests the plan made, and nothing more has come for a second.
    func delivered(_ intake: [String: Any], at time: String) async throws -> [[String: Any]] {
        let id = intake["incident"] as? String ?? ""
        let target = intake["merged_into"] as? String ?? id
        let due = (intake["notified"] as? [[String: Any]] ?? []).filter { $0["send_at"] as? String == time }.count
        let watches = (intake["watches"] as? Int ?? 0) > 0
        var lines = try await outbox(until: { lines in
            lines.filter { $0.incident == target && $0.kind == "notification" }.count >= due
                && (!watches || lines.contains { $0.incident == target && $0.kind == "watch" })
        })
        // The dispatcher writes a pass's messages one by one: wait until a second passes with no more.
        for _ in 0..<20 {
            try await Task.sleep(for: .seconds(1))
            let now = outbox
            if now.count == lines.count { break }
            lines = now
        }
        return lines
    }

    /// The path of an outbox line's acknowledgement link on this server.
    func linkPath(_ line: [String: Any]) -> String {
        String((line["ack_link"] as? String ?? "").dropFirst(base.count))
    }

    /// Posts a report from `../shared/cases/lifecycle/` as `organisation`, expecting it accepted;
    /// returns the intake answer and the outbox once everything due at `time` was written.
    func report(
        _ path: String, by organisation: String, at time: String, type: String = "application/json"
    ) async throws -> (answer: [String: Any], outbox: [[String: Any]]) {
        let created = try await request(
            "POST", "/api/v1/incidents", token: try token(organisation), body: try lifecycleCase(path), type: type)
        #expect(created.status == 201, "\(created.body)")
        return (json(created.body), try await delivered(json(created.body), at: time))
    }

    /// Moves the clock and gives the dispatcher (a pass at least every second) time to act on it.
    func advance(to time: String) async throws {
        try setClock(time)
        try await Task.sleep(for: .milliseconds(2_500))
    }

    /// An incident as an admin sees it through the API.
    func incident(_ id: String, admin: String) async throws -> [String: Any] {
        let answer = try await request(
            "GET", "/api/v1/incidents/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)",
            token: admin)
        #expect(answer.status == 200, "\(answer.body)")
        return json(answer.body)
    }
}

/// The persons of the demo contacts with `language en`.
let englishSpeakers: Set<String> = [
    "sanne-dahl", "amalie-kjaer", "yasmin-hassan", "ida-bjerre", "jesper-vang", "dorthe-nyborg", "eva-lund-nielsen",
]

/// How the all clear begins for a demo person: in their language (docs/messages.md).
func allClearPrefix(_ person: String) -> String { englishSpeakers.contains(person) ? "ALL CLEAR" : "AFBLÆST" }

extension [String: Any] {
    var roles: [String] { self["roles"] as? [String] ?? [] }
    var kind: String { self["kind"] as? String ?? "" }
    var incident: String { self["incident"] as? String ?? "" }
    var text: String { self["text"] as? String ?? "" }
    var person: String { self["person"] as? String ?? "" }
}

@Suite(.serialized) struct LifecycleTests {
    @Test func aSeriousReportMergedIntoAMinorOneAlertsThePoliceAndTellsThoseAlreadyAlerted() async throws {
        let server = try Server(time: "2026-11-30T17:41:00+01:00")
        let fsb = try server.token("fsb")
        let admin = try server.token("politi", role: "admin")
        let (fight, first) = try await server.report(
            "merge-swallows/serve-report-1.json", by: "akb", at: "2026-11-30T17:41:00+01:00")
        let fightFired = fight["fired"] as? [String] ?? []
        let alerted = Set(first.filter { $0.kind == "notification" }.map(\.person))
        #expect(!fightFired.contains("vold-alvorlig") && !alerted.isEmpty)

        try server.setClock("2026-11-30T17:46:00+01:00")
        let stabbing = try await server.request(
            "POST", "/api/v1/incidents", token: fsb, body: try lifecycleCase("merge-swallows/serve-report-2.json"))
        #expect(stabbing.status == 201, "\(stabbing.body)")
        let answer = json(stabbing.body)
        #expect(answer["merged_into"] as? String == "akb:2026-1130-01")
        #expect(answer["fired"] as? [String] == ["vold-alvorlig"])
        #expect((answer["merge"] as? [String: Any])?["severity_after"] as? String == "severe")
        let notified = answer["notified"] as? [[String: Any]] ?? []
        #expect(notified.contains { ($0["roles"] as? [String])?.contains("politi-vagt") == true })

        let lines = try await server.outbox(until: { lines in
            lines.contains { $0.roles.contains("politi-vagt") }
                && lines.filter { $0.kind == "update" }.count >= alerted.count
        })
        // The police are told about the incident everyone follows, with personal details as the guideline says.
        let police = try #require(lines.first { $0.roles.contains("politi-vagt") && $0.kind == "notification" })
        #expect(police.incident == "akb:2026-1130-01")
        #expect(police["tier"] as? String == "personal")
        #expect(police.text.contains("Alvorlig vold"))
        // Those alerted about the fight learn the new facts, once each; nobody is told twice.
        let updates = lines.filter { $0.kind == "update" }
        #expect(Set(updates.map(\.person)) == alerted)
        // In each person's own language: Danish or English words for what the new report says.
        for update in updates {
            let english = englishSpeakers.contains(update.person)
            #expect(update.text.hasPrefix(english ? "NEW REPORT" : "NY ANMELDELSE"), "\(update.text)")
            #expect(update.text.contains(english ? "reports violence, severe, injured" : "melder vold, alvorlig"))
            #expect(update.text.contains("kniv"))
        }
        let notifications = lines.filter { $0.kind == "notification" }
        #expect(Set(notifications.map(\.person)).count == notifications.count)

        let incident = try await server.incident("akb:2026-1130-01", admin: admin)
        #expect(incident["severity"] as? String == "severe")
        #expect(incident["flags"] as? [String: Bool] == ["injured": true, "weapons": true])
        #expect((incident["updates"] as? [[String: Any]])?.contains { $0["kind"] as? String == "report" } == true)
    }

    @Test func aMergedReportsUrgentAlertIsNotHeldBackByADelayedOneAndNeedsItsOwnAcknowledgement() async throws {
        // As the demo, plus a guideline that alerts the leisure administration at once about serious violence.
        let extra = try temporaryFolder([
            "zz-kff.rules": """
            guideline vold-kff "Alvorlig vold: fritid" {
              when category violence and severity at least severe and area indre-norrebro
              merge duplicates within 30m
              notify kff-fritid
              message da "Alvorlig vold i {area}: vurder klubbernes aften. {link}"
            }

            """
        ])
        let server = try Server(
            rules: demoRules + ["--rules", extra.appendingPathComponent("zz-kff.rules").path],
            time: "2026-11-30T17:41:00+01:00")
        let fsb = try server.token("fsb")
        let admin = try server.token("politi", role: "admin")
        let (_, first) = try await server.report(
            "merge-swallows/serve-report-1.json", by: "akb", at: "2026-11-30T17:41:00+01:00")
        // The club guideline tells the leisure administration only after 30 minutes.
        #expect(!first.contains { $0.roles.contains("kff-fritid") })
        // Someone responsible for the club guideline acknowledges it.
        let okf = try #require(first.first { $0.roles.contains("okf-sikker-by") && $0.kind == "notification" })
        let okfLink = server.linkPath(okf)
        #expect(try await server.request("POST", okfLink).body.contains("eskaleringen er stoppet"))

        try server.setClock("2026-11-30T17:46:00+01:00")
        let stabbing = try await server.request(
            "POST", "/api/v1/incidents", token: fsb, body: try lifecycleCase("merge-swallows/serve-report-2.json"))
        let answer = json(stabbing.body)
        #expect(Set(answer["fired"] as? [String] ?? []) == ["vold-alvorlig", "vold-kff"])
        // The answer names only those told now.
        let notified = Set((answer["notified"] as? [[String: Any]] ?? []).compactMap { $0["person"] as? String })
        #expect(notified.isDisjoint(with: Set(first.filter { $0.kind == "notification" }.map(\.person))))
        let lines = try await server.outbox(until: { $0.contains { $0.roles.contains("kff-fritid") } })
        let leisure = try #require(lines.first { $0.roles.contains("kff-fritid") })
        #expect(leisure.text.contains("Alvorlig vold"))

        // The serious guideline is not acknowledged by the club guideline's receipt, even once its
        // escalation has gone out.
        try await server.advance(to: "2026-11-30T18:17:00+01:00")
        let incident = try await server.incident("akb:2026-1130-01", admin: admin)
        #expect(incident["escalation"] as? String == "fired")
        #expect(incident["acknowledged"] as? Bool == false)
        // Past the old 30-minute delay, the leisure administration is not told a second time.
        try await server.advance(to: "2026-11-30T18:30:00+01:00")
        #expect(server.outbox.filter { $0.roles.contains("kff-fritid") && $0.kind == "notification" }.count == 1)
    }

    @Test func updatesOfAMergedReportReachTheIncidentEveryoneFollows() async throws {
        let server = try Server(time: "2026-11-30T18:06:00+01:00")
        let politi = try server.token("politi")
        let admin = try server.token("politi", role: "admin")
        let cap = "application/cap+xml"
        let first = try await server.request(
            "POST", "/api/v1/incidents", token: politi, body: try lifecycleCase("update-after-merge/1-first-alert.xml"),
            type: cap)
        #expect(first.status == 201, "\(first.body)")
        let incident = try #require(json(first.body)["incident"] as? String)
        let before = try await server.delivered(json(first.body), at: "2026-11-30T18:06:00+01:00")
        let alerted = Set(before.filter { $0.incident == incident && $0.kind == "notification" }.map(\.person))
        #expect(!alerted.isEmpty)

        let second = try await server.request(
            "POST", "/api/v1/incidents", token: politi,
            body: try lifecycleCase("update-after-merge/2-second-alert-merges.xml"), type: cap)
        #expect(second.status == 201, "\(second.body)")
        #expect(json(second.body)["merged_into"] as? String == incident)
        let merged = try #require(json(second.body)["incident"] as? String)

        try server.setClock("2026-11-30T18:08:00+01:00")
        let capUpdate = try await server.request(
            "POST", "/api/v1/incidents", token: politi,
            body: try lifecycleCase("update-after-merge/3-cap-update-of-second.xml"), type: cap)
        #expect(capUpdate.status == 200, "\(capUpdate.body)")
        #expect(json(capUpdate.body)["id"] as? String == incident)
        let path = "/api/v1/incidents/\(merged.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)/updates"
        let jsonUpdate = try await server.request(
            "POST", path, token: politi, body: try lifecycleCase("update-after-merge/4-json-update-of-second.json"))
        #expect(jsonUpdate.status == 201, "\(jsonUpdate.body)")
        #expect(json(jsonUpdate.body)["applied_to"] as? String == incident)

        let lines = try await server.outbox(until: { lines in
            lines.filter { $0.kind == "update" && $0.text.contains("to anholdt") }.count >= alerted.count
                && lines.filter { $0.kind == "update" && $0.text.contains("sten kastet") }.count >= alerted.count
        })
        let updates = lines.filter { $0.kind == "update" }
        #expect(updates.allSatisfy { $0.incident == incident })
        for person in alerted {
            #expect(updates.contains { $0.person == person && $0.text.contains("sten kastet") }, "\(person)")
            #expect(updates.contains { $0.person == person && $0.text.contains("to anholdt") }, "\(person)")
        }
        let followed = try await server.incident(incident, admin: admin)
        #expect(followed["severity"] as? String == "extreme")
        let texts = (followed["updates"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(texts.contains { $0.contains("to anholdt") })
    }

    @Test func afterTheAllClearOnlyTheAllClearGoesOut() async throws {
        let server = try Server(time: "2026-11-30T17:57:00+01:00")
        let fsb = try server.token("fsb")
        let id = "fsb:2026-1130-allclear"
        let (_, sent) = try await server.report(
            "all-clear/report-skud.json", by: "fsb", at: "2026-11-30T17:57:00+01:00")
        let alerted = Set(sent.filter { $0.kind == "notification" }.map(\.person))
        #expect(!sent.contains { $0.roles.contains("gadeteam-vagt") })

        try server.setClock("2026-11-30T17:57:01+01:00")
        let allClear = try await server.request(
            "POST", "/api/v1/incidents/\(id)/updates", token: fsb, body: try lifecycleCase("all-clear/all-clear.json"))
        #expect(allClear.status == 201, "\(allClear.body)")
        _ = try await server.outbox(until: { $0.filter { $0.kind == "update" }.count >= alerted.count })
        // Past the street team's delay, the escalation, the watches' confirm time and overdue tasks.
        try await server.advance(to: "2026-11-30T18:10:00+01:00")
        try await server.advance(to: "2026-11-30T20:30:00+01:00")
        try await server.advance(to: "2026-12-01T12:00:00+01:00")
        // A closed incident takes no more updates: nothing more is sent about it.
        let afterwards = try await server.request(
            "POST", "/api/v1/incidents/\(id)/updates", token: fsb,
            body: Data(#"{"kind": "severity", "severity": "extreme", "text": "Alligevel skud"}"#.utf8))
        #expect(afterwards.status == 409, "\(afterwards.body)")
        try await server.advance(to: "2026-12-01T12:01:00+01:00")
        let later = server.outbox.dropFirst(sent.count)
        #expect(
            later.allSatisfy { $0.kind == "update" && $0.text.hasPrefix(allClearPrefix($0.person)) },
            "\(later.map(\.text))")
        // To those already alerted and the leaders asked about their institutions, once each; never
        // to the street team held back for ten minutes.
        let leaders = Set(sent.filter { $0.kind == "watch" }.map(\.person))
        #expect(Set(later.map(\.person)) == alerted.union(leaders))
        #expect(later.count == alerted.union(leaders).count)
        #expect(!server.outbox.contains { $0.roles.contains("gadeteam-vagt") })
    }

    @Test func afterTheAllClearNothingWaitingGoesOutWithShortTimers() async throws {
        let rules =
            demoRules + ["--rules", lifecycleCases.appendingPathComponent("all-clear/zz-kort-watch.rules").path]
        let server = try Server(rules: rules, time: "2026-11-30T17:57:30+01:00")
        let fsb = try server.token("fsb")
        let (_, sent) = try await server.report(
            "all-clear/report-other.json", by: "fsb", at: "2026-11-30T17:57:30+01:00")
        #expect(sent.contains { $0.roles.contains("hotspot-sekretariat") })
        let cancel = try await server.request(
            "POST", "/api/v1/incidents/fsb:2026-1130-kort/updates", token: fsb,
            body: Data(#"{"kind": "all_clear", "text": "Genstanden var ufarlig."}"#.utf8))
        #expect(cancel.status == 201, "\(cancel.body)")
        try await server.advance(to: "2026-11-30T17:59:00+01:00")
        try await server.advance(to: "2026-11-30T18:10:00+01:00")
        try await server.advance(to: "2026-11-30T19:10:00+01:00")
        let later = server.outbox.dropFirst(sent.count)
        #expect(
            later.allSatisfy { $0.kind == "update" && $0.text.hasPrefix(allClearPrefix($0.person)) },
            "\(later.map(\.text))")
        #expect(!server.outbox.contains { $0.roles.contains("tmf-drift") || $0.text.hasPrefix("INTET SVAR") })
    }

    @Test func aReporterReceiptIsSeenAndTheEscalationGoesOn() async throws {
        let server = try Server(time: "2026-11-30T17:55:00+01:00")
        let admin = try server.token("politi", role: "admin")
        let id = "fsb:2026-1130-ack"
        let (_, sent) = try await server.report(
            "ack-by-reporter/report-vaaben.json", by: "fsb", at: "2026-11-30T17:55:00+01:00")
        let caretaker = try #require(sent.first { $0.roles == ["reporter"] })
        let link = server.linkPath(caretaker)
        let receipt = try await server.request("POST", link)
        #expect(receipt.status == 200)
        #expect(receipt.body.contains("set beskeden") && !receipt.body.contains("eskaleringen er stoppet"))
        var incident = try await server.incident(id, admin: admin)
        #expect(incident["acknowledged"] as? Bool == false)
        #expect(incident["seen"] as? Bool == true)
        #expect(incident["escalation"] as? String == "pending")

        // Thirty minutes on, nobody responsible has acknowledged: the hotspot coordinator is told.
        try await server.advance(to: "2026-11-30T18:26:00+01:00")
        let escalated = try await server.outbox(until: { lines in
            lines.contains { $0.kind == "escalation" && $0.roles.contains("politi-hotspotkoordinator") }
        })
        #expect(escalated.contains { $0.kind == "escalation" && $0.roles.contains("politi-hotspotkoordinator") })

        // A police officer on duty acknowledges: that stops it, and the API says so without contradiction.
        let officer = try #require(
            server.outbox.first { $0.roles.contains("politi-vagt") && $0.kind == "notification" })
        let officerLink = server.linkPath(officer)
        let acknowledged = try await server.request("POST", officerLink)
        #expect(acknowledged.body.contains("eskaleringen er stoppet"))
        incident = try await server.incident(id, admin: admin)
        #expect(incident["acknowledged"] as? Bool == true)
        #expect(incident["escalation"] as? String != "pending")
    }

    @Test func aWatchFormWithoutAnAnswerIsRefusedAndStopsNothing() async throws {
        let server = try Server(time: "2026-11-30T17:54:00+01:00")
        let admin = try server.token("politi", role: "admin")
        let id = "fsb:2026-1130-watchbtn"
        let (_, sent) = try await server.report(
            "ack-by-reporter/report-skud-prater.json", by: "fsb", at: "2026-11-30T17:54:00+01:00")
        let club = try #require(
            sent.first { $0.kind == "watch" && $0.text.contains("Klub Prater") } ?? sent.first { $0.kind == "watch" })
        let link = server.linkPath(club)
        let form = "application/x-www-form-urlencoded"

        // From a program: a JSON 422 naming the missing field.
        let empty = try await server.request("POST", link, body: Data("reopen_at=".utf8), type: form)
        #expect(empty.status == 422, "\(empty.body)")
        #expect(empty.body.contains("\"status\""))
        // From a browser: the form again, with the problem on the page.
        var request = URLRequest(url: URL(string: server.base + link)!)
        request.httpMethod = "POST"
        request.httpBody = Data("reopen_at=".utf8)
        request.setValue(form, forHTTPHeaderField: "Content-Type")
        request.setValue("text/html", forHTTPHeaderField: "Accept")
        let (page, response) = try await URLSession.shared.data(for: request)
        #expect((response as! HTTPURLResponse).statusCode == 422)
        #expect(String(decoding: page, as: UTF8.self).contains("Holder institutionen åbent?"))

        var incident = try await server.incident(id, admin: admin)
        #expect(incident["escalation"] as? String == "pending")
        #expect(incident["acknowledged"] as? Bool == false)
        // A real answer is recorded as seen, and the escalation to the steering group still comes.
        let answered = try await server.request("POST", link, body: Data("status=open".utf8), type: form)
        #expect(answered.status == 200)
        try await server.advance(to: "2026-11-30T18:10:00+01:00")
        let lines = try await server.outbox(until: { lines in
            lines.contains { $0.kind == "escalation" && $0.roles.contains("styregruppe") }
        })
        #expect(lines.contains { $0.kind == "escalation" && $0.roles.contains("styregruppe") })
        incident = try await server.incident(id, admin: admin)
        #expect(incident["seen"] as? Bool == true)
    }
}

/// The server plans with its clock, never the wall clock: at several hours of the week (weekday
/// office hours, a Monday evening, a weekend night, across the autumn daylight-saving switch) the
/// people alerted at once are exactly those `simulate --at` names for that moment.
@Suite(.serialized) struct ClockTests {
    @Test(arguments: [
        "2026-11-30T19:05:00+01:00", "2026-12-02T10:30:00+01:00", "2026-12-05T03:30:00+01:00",
        "2026-10-25T02:30:00+01:00",
    ])
    func theServerAlertsWhoIsOnDutyAtItsOwnTime(_ time: String) async throws {
        let planned = try Run([
            "simulate", "examples/reports/skud-blaagaarden.json", "--at", time, "--format", "json",
        ])
        let plan = json(planned.stdout)
        let due = (plan["notifications"] as? [[String: Any]] ?? []).filter { $0["send_at"] as? String == time }
        let expected = Set(due.compactMap { $0["person"] as? String })
        #expect(!expected.isEmpty)

        let server = try Server(time: time)
        let fsb = try server.token("fsb")
        let created = try await server.request(
            "POST", "/api/v1/incidents", token: fsb, body: try example("skud-blaagaarden.json"))
        #expect(created.status == 201, "\(created.body)")
        let lines = try await server.delivered(json(created.body), at: time)
        #expect(Set(lines.filter { $0.kind == "notification" }.map(\.person)) == expected)
    }
}
