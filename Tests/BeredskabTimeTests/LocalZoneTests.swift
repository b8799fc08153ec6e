import Foundation
import Testing

@testable import BeredskabTime

/// Zones other than Copenhagen, read from the tz database: offsets, skipped and repeated hours.
@Suite struct LocalZoneTests {
    let newYork = try! LocalZone(identifier: "America/New_York")
    let london = try! LocalZone(identifier: "Europe/London")

    func wall(_ text: String) -> LocalDateTime { LocalDateTime(parsing: text, requireTime: true)! }

    @Test func offsetsAgreeWithTheZoneDatabaseEveryHourFor2024To2030() throws {
        for name in ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata"] {
            let zone = try LocalZone(identifier: name)
            let system = try #require(TimeZone(identifier: name))
            let start = Instant(rfc3339: "2024-01-01T00:00:00Z")!.seconds
            let end = Instant(rfc3339: "2031-01-01T00:00:00Z")!.seconds
            for seconds in stride(from: start, to: end, by: 3600) {
                let expected = system.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
                #expect(zone.offset(at: Instant(seconds: seconds)) == expected, "\(name) at \(seconds)")
            }
        }
    }

    @Test func newYorkSwitchesAtTwoInTheMorningLocalTime() {
        // 2026: daylight saving time from 8 March 07:00 UTC to 1 November 06:00 UTC.
        #expect(newYork.offset(at: Instant(rfc3339: "2026-03-08T06:59:59Z")!) == -18_000)
        #expect(newYork.offset(at: Instant(rfc3339: "2026-03-08T07:00:00Z")!) == -14_400)
        #expect(newYork.offset(at: Instant(rfc3339: "2026-11-01T05:59:59Z")!) == -14_400)
        #expect(newYork.offset(at: Instant(rfc3339: "2026-11-01T06:00:00Z")!) == -18_000)
        #expect(newYork.format(Instant(rfc3339: "2026-07-01T10:00:00Z")!) == "2026-07-01T06:00:00-04:00")
        #expect(newYork.format(Instant(rfc3339: "2026-12-01T10:00:05Z")!) == "2026-12-01T05:00:05-05:00")
        #expect(london.format(Instant(rfc3339: "2026-12-01T10:00:00Z")!) == "2026-12-01T10:00:00+00:00")
        let kolkata = try! LocalZone(identifier: "Asia/Kolkata")
        #expect(kolkata.format(Instant(rfc3339: "2026-12-01T10:00:00Z")!) == "2026-12-01T15:30:00+05:30")
    }

    @Test func aSkippedTimeIsReadWithTheOffsetBeforeTheJump() {
        // 02:30 does not exist in New York on 8 March 2026: read as standard time it is 03:30 daylight time,
        // as 02:30 on Copenhagen's spring night is 03:30 summer time.
        #expect(newYork.format(newYork.instant(wall("2026-03-08 02:30"))) == "2026-03-08T03:30:00-04:00")
        #expect(newYork.format(newYork.instant(wall("2026-03-08 01:59"))) == "2026-03-08T01:59:00-05:00")
        #expect(newYork.format(newYork.instant(wall("2026-03-08 03:00"))) == "2026-03-08T03:00:00-04:00")
        // London skips 01:00–02:00 on 29 March 2026.
        #expect(london.format(london.instant(wall("2026-03-29 01:30"))) == "2026-03-29T02:30:00+01:00")
    }

    @Test func aRepeatedTimeIsTheFirstOfTheTwo() {
        // 01:30 happens twice in New York on 1 November 2026: the first is daylight time.
        let first = newYork.instant(wall("2026-11-01 01:30"))
        #expect(first == Instant(rfc3339: "2026-11-01T05:30:00Z")!)
        #expect(newYork.local(first) == wall("2026-11-01 01:30"))
        #expect(newYork.local(first.adding(3600)) == wall("2026-11-01 01:30"))
        #expect(london.format(london.instant(wall("2026-10-25 01:30"))) == "2026-10-25T01:30:00+01:00")
    }

    @Test func wholeDaysKeepTheClockTimeAcrossTheSwitch() {
        let before = Instant(rfc3339: "2026-03-05T16:20:00-05:00")!
        #expect(newYork.format(newYork.later(before, by: 7 * 86_400)) == "2026-03-12T16:20:00-04:00")
        #expect(newYork.format(newYork.later(before, by: 3600)) == "2026-03-05T17:20:00-05:00")
    }

    @Test func everyWallClockMinuteOfASwitchDayRoundTrips() {
        // Away from the skipped hour, reading a wall-clock time and showing it again gives it back.
        for zone in [newYork, london, LocalZone.copenhagen] {
            for day in ["2026-03-08", "2026-03-29", "2026-10-25", "2026-11-01"] {
                for minutes in stride(from: 0, to: 1440, by: 15) {
                    var local = LocalDateTime(parsing: day)!
                    local.minutes = minutes
                    let back = zone.local(zone.instant(local))
                    #expect(
                        back == local || back.minutesSinceEpoch - local.minutesSinceEpoch == 60,
                        "\(zone.identifier) \(local)")
                }
            }
        }
    }

    @Test func zonesWithoutDaylightSavingAndUTC() throws {
        let tokyo = try LocalZone(identifier: "Asia/Tokyo")
        #expect(tokyo.changes.isEmpty)
        // Denmark has had summer time since 1980: two changes a year to 2099.
        #expect(LocalZone.copenhagen.changes.count == 240)
        #expect(tokyo.format(Instant(seconds: 0)) == "1970-01-01T09:00:00+09:00")
        #expect(try LocalZone(identifier: "UTC").format(Instant(seconds: 60)) == "1970-01-01T00:01:00+00:00")
    }

    @Test(arguments: ["Europe/Kobenhavn", "CET", "", "europe/london", "Nowhere"])
    func unknownZonesAreRefusedByName(_ name: String) {
        #expect(throws: UnknownTimeZone(name: name)) { try LocalZone(identifier: name) }
        #expect(UnknownTimeZone(name: name).description.contains("\"\(name)\""))
    }

    @Test func theDeploymentZoneIsCopenhagenByDefault() {
        #expect(LocalTime.zone == LocalZone.copenhagen)
        #expect(LocalTime.zone.identifier == "Europe/Copenhagen")
    }
}
