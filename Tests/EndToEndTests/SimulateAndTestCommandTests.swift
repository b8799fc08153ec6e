import Foundation
import Testing

/// `--rules` options naming the demo, for runs in another folder.
let demoRules = [
    "--rules", Run.root.appendingPathComponent("Rules").path, "--rules",
    Run.root.appendingPathComponent("Contacts").path,
]

@Suite struct SimulateCommandTests {
    @Test func plansTheExampleShootingAsJSON() throws {
        let run = try Run(["simulate", "examples/reports/skud-blaagaarden.json", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let plan = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect((plan["incident"] as! [String: Any])["area"] as? String == "blaagaarden")
        #expect(plan["merged_into"] is NSNull)
        #expect(plan["fired"] as? [String] == ["skud-distrikt-8"])
        let notifications = plan["notifications"] as! [[String: Any]]
        for key in ["person", "role", "channel", "send_at", "tier"] {
            #expect(notifications.allSatisfy { $0[key] != nil }, "\(key)")
        }
        // The housing association's key persons get the situation only.
        let fsb = notifications.filter { $0["organisation"] as? String == "fsb" }
        #expect(!fsb.isEmpty && fsb.allSatisfy { $0["tier"] as? String == "situation" })
        let watches = plan["watches"] as! [[String: Any]]
        #expect((watches.first?["institutions"] as? [String])?.contains("skole-blaagaard") == true)
        let escalations = plan["escalations"] as! [[String: Any]]
        #expect(escalations.first?["to"] as? [String] == ["styregruppe"])
        #expect(escalations.first?["after"] as? String == "2026-03-13T22:02:00+01:00")
    }

    @Test func mergesTheSecondAssociationsReportWithHistory() throws {
        let folder = try temporaryFolder([
            "history.json":
                #"[{"id": "fsb:2026-000412", "category": "shooting", "area": "blaagaarden", "occurred_at": "2026-03-13T21:47:00+01:00", "fired": ["skud-distrikt-8"]}]"#
        ])
        let run = try Run([
            "simulate", "examples/reports/skud-blaagaarden-akb.json", "--history",
            folder.appendingPathComponent("history.json").path,
        ])
        #expect(run.status == 0)
        #expect(run.stdout.contains("duplicate of incident fsb:2026-000412: merged into it"))
        #expect(run.stdout.contains("already fired for it: skud-distrikt-8"))
        #expect(run.stdout.contains("fires now for it: none (nothing new is sent)"))
    }

    @Test func explainsEveryGuidelineCondition() throws {
        let run = try Run(["simulate", "examples/reports/uro-aften-prater.json", "--explain"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("area prater ⊂ indre-norrebro ⊂ kobenhavn"))
        #expect(run.stdout.contains("klub-overvejer-lukning \"Uro i klubtid: klubber overvejer at lukke\": FIRED"))
        #expect(run.stdout.contains("✗ category release  — is unrest"))
        #expect(run.stdout.contains("✓ during klub-aabningstid  — happened Sat 22:15"))
    }

    @Test func refusesAnInvalidReportListingEveryProblem() throws {
        let folder = try temporaryFolder([
            "bad.json":
                #"{"id": "x 1", "reporter": {"organisation": "fbs"}, "occurred_at": "2026-11-21T22:30:00", "category": "riot", "severity": "severe", "location": {"lat": 55.68}, "flgas": {}}"#
        ])
        let run = try Run(["simulate", "bad.json"] + demoRules, in: folder)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(
            run.stderr == """
                bad.json: $.flgas: unknown field; did you mean 'flags'?
                bad.json: $.id: may only use letters, digits, '.', '_', ':' and '-', starting with a letter or digit
                bad.json: $.reporter.organisation: unknown organisation 'fbs'; did you mean 'fsb'?
                bad.json: $.occurred_at: must be an RFC 3339 time with an offset, such as 2026-11-21T22:30:00+01:00
                bad.json: $.category: must be one of: shooting, weapons, gang, unrest, vandalism, violence, threat, burglary, theft, drugs, harassment, discrimination, fire, release, insecurity, other
                bad.json: $.location.lon: is required with lat
                error: the report is invalid; nothing was evaluated

                """)
    }

    @Test func misuseAndBrokenJSON() throws {
        let folder = try temporaryFolder(["broken.json": "{\"id\": \n"])
        let broken = try Run(["simulate", "broken.json"] + demoRules, in: folder)
        #expect(broken.status == 1)
        #expect(broken.stderr == "broken.json: not valid JSON: line 2, column 1: unexpected end of the text\n")
        let badTime = try Run(["simulate", "examples/reports/skud-blaagaarden.json", "--at", "tomorrow"])
        #expect(badTime.status == 64)
        let missing = try Run(["simulate", "no-such-report.json"])
        #expect(missing.status == 64)
    }
}

@Suite struct TestCommandTests {
    @Test func theDemoRuleTestsPassAndExerciseEveryGuideline() throws {
        let run = try Run(["test"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.hasSuffix(" passed, 0 failed\n"))
        #expect(!run.stdout.contains("guidelines no test exercises"))
    }

    @Test func aFailingTestPrintsADiffAndExitsOne() throws {
        let report = try String(
            contentsOf: Run.root.appendingPathComponent("examples/reports/skud-blaagaarden.json"), encoding: .utf8)
        let folder = try temporaryFolder([
            "wrong.json": """
            {"name": "forkert forventning", "report": \(report),
             "expect": {"fired": ["skud-distrikt-8", "uro-aften"], "no_notifications": [{"organisation": "fsb"}]}}
            """
        ])
        let run = try Run(["test", folder.appendingPathComponent("wrong.json").path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("FAIL "))
        #expect(
            run.stdout.contains(
                "  fired: expected [skud-distrikt-8, uro-aften], got [skud-distrikt-8]\n    missing: [uro-aften]"))
        #expect(
            run.stdout.contains(
                "  no_notifications: {\"organisation\":\"fsb\"} must not match, but matches {\"person\":\"bent-iversen\""
            ))
        #expect(run.stdout.hasSuffix("0 passed, 1 failed\n"))
    }
}
