import BeredskabTime
import Foundation
import Testing

@Suite struct CopenhagenTests {
    /// Every hour from 2024 to 2030 agrees with the system's zone database (Debian's tzdata).
    @Test func offsetsAgreeWithTheZoneDatabaseEveryHourFor2024To2030() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Copenhagen"))
        let start = Instant(rfc3339: "2024-01-01T00:00:00Z")!.seconds
        let end = Instant(rfc3339: "2031-01-01T00:00:00Z")!.seconds
        var checked = 0
        for seconds in stride(from: start, to: end, by: 3600) {
            let expected = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(Copenhagen.offset(at: Instant(seconds: seconds)) == expected, "at \(seconds)")
            checked += 1
        }
        #expect(checked > 60_000)
    }

    /// The switches 2024–2030 as fixed values (the last Sundays of March and October, 01:00 UTC), so
    /// that a wrapper or a zone database that drifted from the EU rule fails here.
    static let knownSwitches: [(summer: String, winter: String)] = [
        ("2024-03-31T01:00:00Z", "2024-10-27T01:00:00Z"), ("2025-03-30T01:00:00Z", "2025-10-26T01:00:00Z"),
        ("2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"), ("2027-03-28T01:00:00Z", "2027-10-31T01:00:00Z"),
        ("2028-03-26T01:00:00Z", "2028-10-29T01:00:00Z"), ("2029-03-25T01:00:00Z", "2029-10-28T01:00:00Z"),
        ("2030-03-31T01:00:00Z", "2030-10-27T01:00:00Z"),
    ]

    @Test func everyHourFor2024To2030FollowsTheKnownSwitches() {
        var summers: [Range<Int>] = []
        for known in Self.knownSwitches {
            summers.append(Instant(rfc3339: known.summer)!.seconds..<Instant(rfc3339: known.winter)!.seconds)
        }
        let start = Instant(rfc3339: "2024-01-01T00:00:00Z")!.seconds
        let end = Instant(rfc3339: "2031-01-01T00:00:00Z")!.seconds
        for seconds in stride(from: start, to: end, by: 3600) {
            let expected = summers.contains { $0.contains(seconds) } ? 7200 : 3600
            #expect(Copenhagen.offset(at: Instant(seconds: seconds)) == expected, "at \(seconds)")
        }
        for known in Self.knownSwitches {
            let summer = Instant(rfc3339: known.summer)!
            let winter = Instant(rfc3339: known.winter)!
            #expect(Copenhagen.offset(at: summer.adding(-1)) == 3600 && Copenhagen.offset(at: summer) == 7200)
            #expect(Copenhagen.offset(at: winter.adding(-1)) == 7200 && Copenhagen.offset(at: winter) == 3600)
        }
    }

    @Test func switchInstantsAreExact() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        #expect(Copenhagen.offset(at: Instant(rfc3339: "2026-03-29T00:59:59Z")!) == 3600)
        #expect(Copenhagen.offset(at: Instant(rfc3339: "2026-03-29T01:00:00Z")!) == 7200)
        #expect(Copenhagen.offset(at: Instant(rfc3339: "2026-10-25T00:59:59Z")!) == 7200)
        #expect(Copenhagen.offset(at: Instant(rfc3339: "2026-10-25T01:00:00Z")!) == 3600)
    }

    @Test func wallClockBothWays() {
        let instant = Instant(rfc3339: "2026-11-21T22:30:00+01:00")!
        #expect(Copenhagen.local(instant) == LocalDateTime(year: 2026, month: 11, day: 21, minutes: 22 * 60 + 30))
        #expect(Copenhagen.format(instant) == "2026-11-21T22:30:00+01:00")
        #expect(Copenhagen.format(Instant(rfc3339: "2026-07-01T10:00:00Z")!) == "2026-07-01T12:00:00+02:00")
        // The spring gap: 02:30 does not exist and is read as winter time, i.e. 03:30 summer time.
        let gap = Copenhagen.instant(LocalDateTime(parsing: "2026-03-29 02:30", requireTime: true)!)
        #expect(Copenhagen.format(gap) == "2026-03-29T03:30:00+02:00")
        // The autumn overlap: 02:30 happens twice; the first (summer) one is meant.
        let overlap = Copenhagen.instant(LocalDateTime(parsing: "2026-10-25 02:30", requireTime: true)!)
        #expect(Copenhagen.format(overlap) == "2026-10-25T02:30:00+02:00")
    }

    @Test(arguments: [
        ("2026-11-21T22:30:00+01:00", 1_795_296_600), ("2026-11-21T21:30:00Z", 1_795_296_600),
        ("2026-11-21T21:30Z", 1_795_296_600), ("2026-11-21T21:30:59.999Z", 1_795_296_659),
        ("2026-11-21T23:30:00+02:00", 1_795_296_600),
    ])
    func rfc3339Parses(_ text: String, _ seconds: Int) {
        #expect(Instant(rfc3339: text)?.seconds == seconds)
    }

    @Test(arguments: [
        "2026-11-21 22:30:00+01:00", "2026-11-21T22:30:00", "2026-11-21", "2026-02-30T10:00:00Z",
        "2026-11-21T24:00:00Z", "2026-11-21T22:30:00+1:00", "2026-11-21t22:30:00z",
    ])
    func rfc3339Refuses(_ text: String) {
        #expect(Instant(rfc3339: text) == nil)
    }
}

@Suite struct CalendarDurationTests {
    @Test func wholeDaysKeepTheClockTimeAcrossDaylightSaving() {
        let before = Instant(rfc3339: "2026-03-25T16:20:00+01:00")!
        #expect(Copenhagen.format(Copenhagen.later(before, by: 7 * 86_400)) == "2026-04-01T16:20:00+02:00")
        #expect(Copenhagen.format(Copenhagen.later(before, by: 14 * 86_400)) == "2026-04-08T16:20:00+02:00")
        let autumn = Instant(rfc3339: "2026-10-20T08:10:00+02:00")!
        #expect(Copenhagen.format(Copenhagen.later(autumn, by: 7 * 86_400)) == "2026-10-27T08:10:00+01:00")
    }

    @Test func otherDurationsAreElapsedTime() {
        let night = Instant(rfc3339: "2026-03-29T01:55:00+01:00")!
        #expect(Copenhagen.format(Copenhagen.later(night, by: 10 * 60)) == "2026-03-29T03:05:00+02:00")
        #expect(Copenhagen.format(Copenhagen.later(night, by: 36 * 3600)) == "2026-03-30T14:55:00+02:00")
        #expect(Copenhagen.later(night, by: 0) == night)
    }
}
