import BeredskabEngine
import BeredskabTime
import Testing

/// The rules' local times read in a zone other than Copenhagen (`time_zone` in the server's
/// configuration): America/New_York, whose clocks move at 02:00 local time, 5 hours behind UTC.
@Suite struct OtherZoneTests {
    static let newYork = try! LocalZone(identifier: "America/New_York")

    static let world = """
        area by "Byen" { polygon [0 0, 0 10, 10 10, 10 0] }
        role vagt "Vagt" { duty "Tager imod alarmer" }
        role nat "Nat" { duty "Natten" }
        window tidlig "Tidlig søndag" { sun 01:00-01:45 }
        organisation kommune "Kommunen" { kind authority }
        person anna "Anna" { organisation kommune email "anna@example.org" }
        person bo "Bo" { organisation kommune email "bo@example.org" }
        rota vagtplan { role vagt members anna, bo handover daily 02:30 starting "2026-03-01" }
        rota natplan { role nat members anna, bo handover daily 01:30 starting "2026-10-25" }
        guideline g "G" {
          when during tidlig
          notify vagt
          task "Ring tilbage" for vagt within 1d
          message da "{title}"
        }

        """

    let e = engine(world, zone: newYork)

    func at(_ utc: String) -> Instant { Instant(rfc3339: utc)! }

    @Test func theEngineReadsItsZone() {
        #expect(e.zone == Self.newYork)
        #expect(e.duty.zone == Self.newYork)
    }

    @Test func aHandoverAtASkippedTimeHappensWhenTheClockJumpsPastIt() {
        // 8 March 2026: New York's clocks go from 01:59:59 EST to 03:00 EDT (07:00 UTC); 02:30 never
        // shows. Anna has the day from 7 March 02:30; Bo takes over as the clock jumps.
        #expect(e.duty.onDuty("vagt", at: at("2026-03-07T12:00:00Z")) == ["anna"])
        #expect(e.duty.onDuty("vagt", at: at("2026-03-08T06:59:00Z")) == ["anna"])
        #expect(e.duty.onDuty("vagt", at: at("2026-03-08T07:00:00Z")) == ["bo"])
        // The next handover is at 02:30 daylight time (06:30 UTC), a day on the wall clock.
        #expect(e.duty.onDuty("vagt", at: at("2026-03-09T06:29:00Z")) == ["bo"])
        #expect(e.duty.onDuty("vagt", at: at("2026-03-09T06:30:00Z")) == ["anna"])
    }

    @Test func aHandoverInARepeatedHourFollowsTheWallClock() {
        // 1 November 2026: 01:00–02:00 happens twice (EDT until 06:00 UTC, then EST). The handover
        // at 01:30 happens at the first 01:30; as the clock goes back to 01:00 the day before's
        // person is on duty again until the second 01:30, as in Copenhagen's repeated 02:00–03:00.
        // Anna from 31 October 01:30; Bo from 1 November 01:30.
        #expect(e.duty.onDuty("nat", at: at("2026-11-01T05:29:00Z")) == ["anna"])
        #expect(e.duty.onDuty("nat", at: at("2026-11-01T05:30:00Z")) == ["bo"])
        #expect(e.duty.onDuty("nat", at: at("2026-11-01T06:00:00Z")) == ["anna"])
        #expect(e.duty.onDuty("nat", at: at("2026-11-01T06:30:00Z")) == ["bo"])
    }

    @Test func aWindowHoldsOnBothPassesOfARepeatedHourAndTasksKeepTheClockTime() throws {
        func report(_ time: String) -> IncidentReport {
            let json: JSONValue = .object([
                ("id", .string("r")), ("reporter", .object([("organisation", .string("kommune"))])),
                ("occurred_at", .string(time)), ("category", .string("unrest")),
                ("severity", .string("moderate")), ("location", .object([("area", .string("by"))])),
            ])
            guard case .success(let report) = IncidentReport.decode(json, rules: e.rules, roster: e.roster) else {
                fatalError("bad test report")
            }
            return report
        }
        // 01:15 both times it shows on 1 November: inside the window `sun 01:00-01:45`.
        #expect(e.evaluate(report("2026-11-01T01:15:00-04:00")).fired == ["g"])
        #expect(e.evaluate(report("2026-11-01T01:15:00-05:00")).fired == ["g"])
        #expect(e.evaluate(report("2026-11-01T01:50:00-05:00")).fired == [])
        // Read in Copenhagen the same instant (07:15 there) is outside the window.
        let copenhagen = engine(Self.world, zone: .copenhagen)
        #expect(copenhagen.evaluate(report("2026-11-01T01:15:00-05:00")).fired == [])
        // A whole day on is the same clock time a calendar day on, in the engine's zone.
        let plan = e.evaluate(report("2026-11-01T01:15:00-04:00"))
        let task = try #require(plan.tasks.first)
        #expect(task.due == at("2026-11-02T06:15:00Z"))
    }
}
