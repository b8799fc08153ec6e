import Testing

@testable import BeredskabTime

@Suite struct TimeTests {
    @Test func weekdaysOfKnownDates() {
        #expect(LocalDateTime(parsing: "2026-01-05")?.weekday == .monday)
        #expect(LocalDateTime(parsing: "2026-11-21")?.weekday == .saturday)
        #expect(LocalDateTime(parsing: "2024-02-29")?.weekday == .thursday)
        #expect(LocalDateTime(parsing: "1970-01-01")?.weekday == .thursday)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-05", "2026-01-05 24:00", "2026-01-05 8:00", ""])
    func invalidDatesAreRefused(_ text: String) {
        #expect(LocalDateTime(parsing: text) == nil)
    }

    @Test func dateTimesParseAndOrder() throws {
        let a = try #require(LocalDateTime(parsing: "2026-12-23 08:00", requireTime: true))
        let b = try #require(LocalDateTime(parsing: "2027-01-02 07:59", requireTime: true))
        #expect(a.minutes == 480)
        #expect(a < b)
        #expect(LocalDateTime(parsing: "2026-12-23", requireTime: true) == nil)
        #expect(a.minuteOfWeek == 2 * 1440 + 480)
    }

    @Test func daySpecs() {
        #expect(Weekday.days("mon-fri") == [.monday, .tuesday, .wednesday, .thursday, .friday])
        #expect(Weekday.days("fri-mon") == [.friday, .saturday, .sunday, .monday])
        #expect(Weekday.days("weekends") == [.saturday, .sunday])
        #expect(Weekday.days("daily")?.count == 7)
        #expect(Weekday.days("mon-funday") == nil)
    }

    @Test func spansCrossingMidnightAndSundayWrap() {
        let window = WeeklyWindow(days: [.sunday], from: 22 * 60, to: 6 * 60)
        #expect(window.intervals == [0..<360, (6 * 1440 + 1320)..<minutesPerWeek])
        #expect(window.contains(0))
        #expect(window.contains(359))
        #expect(!window.contains(360))
        #expect(window.wrappedIntervals == [(6 * 1440 + 1320)..<(minutesPerWeek + 360)])
        #expect(window.wrappedIntervals.map(WeeklyWindow.describe) == ["Sun 22:00–Mon 06:00"])
    }

    @Test func complementNamesGapsPrecisely() {
        let evenings = WeeklyWindow(days: Weekday.days("mon-fri")!, from: 17 * 60, to: 8 * 60)
        let office = WeeklyWindow(days: Weekday.days("mon-fri")!, from: 8 * 60, to: 17 * 60)
        let saturdayMorning = WeeklyWindow(days: [.saturday], from: 8 * 60, to: 24 * 60)
        let coverage = evenings.union(office).union(saturdayMorning)
        let gaps = coverage.complement.wrappedIntervals.map(WeeklyWindow.describe)
        #expect(gaps == ["Sun 00:00–Mon 08:00"])
        #expect(WeeklyWindow.describe((5 * 1440 + 120)..<(5 * 1440 + 480)) == "Sat 02:00–08:00")
        #expect(WeeklyWindow.describe((5 * 1440 + 1080)..<(6 * 1440)) == "Sat 18:00–24:00")
        #expect(WeeklyWindow.always.complement.isEmpty)
        #expect(WeeklyWindow.never.complement == .always)
    }

    @Test func adjacentSpansMerge() {
        let window = WeeklyWindow(intervals: [0..<10, 10..<20, 30..<40, 35..<50])
        #expect(window.intervals == [0..<20, 30..<50])
    }
}
