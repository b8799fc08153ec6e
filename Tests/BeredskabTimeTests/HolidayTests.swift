import Testing

@testable import BeredskabTime

/// Danish public holidays from Easter, deployment dates, and windows that name them (issue 13, "Holidays").
@Suite struct HolidayTests {
    @Test(arguments: [
        (2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"),
        (2028, "2028-04-16"), (2029, "2029-04-01"), (2030, "2030-04-21"), (2031, "2031-04-13"),
        (2032, "2032-03-28"), (2033, "2033-04-17"), (2034, "2034-04-09"), (2035, "2035-03-25"),
        // The latest and earliest possible Easter Sundays.
        (2038, "2038-04-25"), (2285, "2285-03-22"), (1818, "1818-03-22"), (1943, "1943-04-25"),
    ])
    func easterSundays(_ year: Int, _ date: String) {
        #expect(HolidayCalendar.easter(year).dateText == date)
    }

    @Test func theTenDanishHolidaysOf2027() {
        let holidays = HolidayCalendar.danish.holidays(in: 2027).map { "\($0.date.dateText) \($0.name)" }
        #expect(
            holidays == [
                "2027-01-01 Nytårsdag", "2027-03-25 Skærtorsdag", "2027-03-26 Langfredag", "2027-03-28 Påskedag",
                "2027-03-29 2. påskedag", "2027-05-06 Kristi himmelfartsdag", "2027-05-16 Pinsedag",
                "2027-05-17 2. pinsedag", "2027-12-25 Juledag", "2027-12-26 2. juledag",
            ])
        // Store bededag (the fourth Friday after Easter, 2027-04-23) is no holiday since 2024.
        #expect(!HolidayCalendar.danish.isHoliday(LocalDateTime(year: 2027, month: 4, day: 23).daysSinceEpoch))
    }

    @Test func addedDatesEveryYearAndOnce() {
        let calendar = HolidayCalendar(
            HolidayCalendar.danishHolidays + [
                .init(name: "Juleaften", rule: .yearly(month: 12, day: 24)),
                .init(name: "Nytårsaften 2026", rule: .once(year: 2026, month: 12, day: 31)),
                .init(name: "Skuddag", rule: .yearly(month: 2, day: 29)),
            ])
        func name(_ text: String) -> String? { calendar.name(onDay: LocalDateTime(parsing: text)!.daysSinceEpoch) }
        #expect(name("2026-12-24") == "Juleaften")
        #expect(name("2031-12-24") == "Juleaften")
        #expect(name("2026-12-31") == "Nytårsaften 2026")
        #expect(name("2027-12-31") == nil)
        #expect(name("2028-02-29") == "Skuddag")
        #expect(calendar.holidays(in: 2027).count == 11)
        #expect(calendar.holidays(in: 2026).count == 12)
        #expect(calendar.holidays(in: 2028).count == 12)
    }

    /// Office hours closed on holidays, evenings and weekends open on them.
    let office = TimeWindow(
        weekly: WeeklyWindow(days: [.monday, .tuesday, .wednesday, .thursday, .friday], from: 480, to: 1020),
        exceptHolidays: true, holidayIntervals: [], dateIntervals: [:], calendar: .danish)
    let evenings = TimeWindow(
        weekly: WeeklyWindow(days: [.monday, .tuesday, .wednesday, .thursday], from: 1020, to: 480)
            .union(WeeklyWindow(days: [.friday], from: 1020, to: 1440))
            .union(WeeklyWindow(days: [.saturday, .sunday], from: nil, to: nil)),
        exceptHolidays: false, holidayIntervals: [TimeWindow.dayInterval(from: nil, to: nil)], dateIntervals: [:],
        calendar: .danish)

    func at(_ text: String) -> LocalDateTime { LocalDateTime(parsing: text, requireTime: true)! }

    @Test func aHolidayWindowContainsKristiHimmelfartsdagAndExceptHolidaysDoesNot() {
        #expect(evenings.contains(at("2027-05-06 11:00")))
        #expect(!office.contains(at("2027-05-06 11:00")))
        // An ordinary Thursday a week later.
        #expect(!evenings.contains(at("2027-05-13 11:00")))
        #expect(office.contains(at("2027-05-13 11:00")))
        // 2. påskedag at noon, and the weekly hours around it.
        #expect(evenings.contains(at("2027-03-29 12:00")))
        #expect(!office.contains(at("2027-03-29 12:00")))
        #expect(office.contains(at("2027-03-30 08:00")))
        #expect(!evenings.contains(at("2027-03-30 08:00")))
    }

    @Test func holidayAndDateHoursCrossingMidnightRunIntoTheNextMorning() {
        let window = TimeWindow(
            weekly: .never, exceptHolidays: false, holidayIntervals: [TimeWindow.dayInterval(from: 1320, to: 360)],
            dateIntervals: [
                LocalDateTime(year: 2026, month: 6, day: 5).daysSinceEpoch: [
                    TimeWindow.dayInterval(from: 720, to: 1440)
                ]
            ],
            calendar: .danish)
        #expect(window.contains(at("2027-05-06 22:00")))  // Kristi himmelfartsdag evening
        #expect(window.contains(at("2027-05-07 05:59")))  // the next morning
        #expect(!window.contains(at("2027-05-07 06:00")))
        #expect(!window.contains(at("2027-05-06 21:59")))
        #expect(!window.contains(at("2027-05-07 22:00")))  // an ordinary Friday
        #expect(window.contains(at("2026-06-05 12:00")))  // the explicit date
        #expect(!window.contains(at("2026-06-05 11:59")))
        #expect(!window.contains(at("2027-06-05 12:00")))  // once, not every year
    }

    @Test func dayIntervalsAgreeWithContainsEveryQuarterHourOfAYear() {
        let dates = TimeWindow(
            weekly: WeeklyWindow(days: [.sunday], from: 1320, to: 120), exceptHolidays: true,
            holidayIntervals: [TimeWindow.dayInterval(from: 1200, to: 300)],
            dateIntervals: [
                LocalDateTime(year: 2027, month: 12, day: 24).daysSinceEpoch: [
                    TimeWindow.dayInterval(from: 1080, to: 60)
                ]
            ],
            calendar: .danish)
        let first = LocalDateTime(year: 2027, month: 1, day: 1).daysSinceEpoch
        for window in [office, evenings, dates] {
            for day in first..<(first + 366) {
                let intervals = window.intervals(onDay: day)
                for minute in stride(from: 0, to: 1440, by: 15) {
                    let inside = window.contains(wallMinute: day * 1440 + minute)
                    #expect(inside == intervals.contains { $0.contains(minute) }, "day \(day) minute \(minute)")
                }
            }
        }
    }

    @Test func aWeeklyWindowAloneTakesTheFastPath() {
        let plain = TimeWindow(weekly: WeeklyWindow(days: [.thursday], from: 480, to: 1020))
        #expect(plain.isWeeklyOnly)
        #expect(plain.contains(at("2027-05-06 11:00")))  // a holiday changes nothing without 'except holidays'
        #expect(!office.isWeeklyOnly && !evenings.isWeeklyOnly)
    }
}
