import Foundation
import Testing

/// `beredskab oncall` on the demo rotas (issue 13, "Who is on call").
@Suite struct OnCallCommandTests {
    @Test func listsEveryRoleWithHandoversOverridesAndGapsInCopenhagenTime() throws {
        let run = try Run(["oncall", "--at", "2026-12-21 08:00", "--days", "14"])
        #expect(run.status == 0, "\(run.stderr)")
        // The police duty officer changes every day at 07:00, in turn.
        #expect(run.stdout.contains("  2026-12-22 07:00 – 2026-12-23 07:00  Sanne Dahl\n"))
        // Emil covers Bo's evening, night and weekend SSP duty over Christmas, and it says so.
        #expect(run.stdout.contains("Emil Hansen (for Bo Lund)"))
        // Every role of the rules is listed.
        #expect(run.stdout.contains("\npoliti-vagt — Vagthavende, Københavns Politi\n"))
    }

    @Test func oneRoleAsJSONAgreesWithTheICalendarFeed() throws {
        let arguments = ["oncall", "--role", "gadeteam-vagt", "--at", "2026-03-23T08:00:00+01:00", "--days", "14"]
        let json = try Run(arguments + ["--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let root = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let roles = root["roles"] as! [[String: Any]]
        #expect(roles.map { $0["role"] as? String } == ["gadeteam-vagt"])
        let shifts = roles[0]["shifts"] as! [[String: Any]]
        // Evenings from 17:00 on both sides of the switch to summer time (29 March).
        let starts = shifts.compactMap { $0["start"] as? String }
        #expect(starts.contains("2026-03-27T17:00:00+01:00") && starts.contains("2026-03-30T17:00:00+02:00"))
        let ics = try Run(arguments + ["--format", "ics"])
        #expect(ics.status == 0, "\(ics.stderr)")
        #expect(ics.stdout.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.stdout.hasSuffix("END:VCALENDAR\r\n"))
        #expect(ics.stdout.components(separatedBy: "BEGIN:VEVENT").count - 1 == shifts.count)
        // 17:00 in Copenhagen is 16:00 UTC in winter and 15:00 UTC in summer.
        #expect(ics.stdout.contains("DTSTART:20260327T160000Z") && ics.stdout.contains("DTSTART:20260330T150000Z"))
    }

    @Test func refusesWhatItCannotShow() throws {
        let unknown = try Run(["oncall", "--role", "brandmand"])
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown role 'brandmand'"))
        let badTime = try Run(["oncall", "--at", "i morgen"])
        #expect(badTime.status == 64 && badTime.stderr.contains("--at 'i morgen'"))
        let tooLong = try Run(["oncall", "--days", "400"])
        #expect(tooLong.status == 64)
    }
}
