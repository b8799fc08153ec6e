/// The public holidays a deployment observes: Denmark's ten (most counted from Easter) and any dates
/// it adds, such as juleaften every year or one New Year's Eve. Pure: a date in, a name or nil out.
///
/// Store bededag (the fourth Friday after Easter) was abolished as a public holiday from 2024 and is
/// not among the Danish ones.
public struct HolidayCalendar: Sendable, Equatable {
    /// When a holiday falls.
    public enum Rule: Sendable, Equatable, Hashable {
        /// This many days after Easter Sunday (negative before it).
        case easter(Int)
        /// This month and day every year.
        case yearly(month: Int, day: Int)
        /// Once, on this date.
        case once(year: Int, month: Int, day: Int)
    }

    /// A named holiday and when it falls.
    public struct Holiday: Sendable, Equatable {
        /// Its name as people say it: `Kristi himmelfartsdag`.
        public var name: String
        /// When it falls.
        public var rule: Rule

        /// Creates a holiday.
        public init(name: String, rule: Rule) {
            self.name = name
            self.rule = rule
        }
    }

    /// The holidays, in the order they were declared.
    public private(set) var holidays: [Holiday]
    /// Days after Easter Sunday of the Easter-based holidays, with their index in `holidays`.
    private var easterOffsets: [(offset: Int, index: Int)] = []
    /// `month * 100 + day` of the yearly holidays, with their index.
    private var yearly: [Int: Int] = [:]
    /// Days since 1970-01-01 of the one-off holidays, with their index.
    private var once: [Int: Int] = [:]

    /// A calendar of these holidays; the first of two on one date names it.
    public init(_ holidays: [Holiday]) {
        self.holidays = holidays
        for (index, holiday) in holidays.enumerated() {
            switch holiday.rule {
            case .easter(let offset): easterOffsets.append((offset, index))
            case .yearly(let month, let day): yearly[month * 100 + day] = yearly[month * 100 + day] ?? index
            case .once(let year, let month, let day):
                let days = LocalDateTime(year: year, month: month, day: day).daysSinceEpoch
                once[days] = once[days] ?? index
            }
        }
    }

    /// Denmark's ten public holidays (helligdage): nytårsdag, skærtorsdag, langfredag, påskedag,
    /// 2. påskedag, Kristi himmelfartsdag, pinsedag, 2. pinsedag, juledag and 2. juledag.
    public static let danishHolidays: [Holiday] = [
        Holiday(name: "Nytårsdag", rule: .yearly(month: 1, day: 1)),
        Holiday(name: "Skærtorsdag", rule: .easter(-3)),
        Holiday(name: "Langfredag", rule: .easter(-2)),
        Holiday(name: "Påskedag", rule: .easter(0)),
        Holiday(name: "2. påskedag", rule: .easter(1)),
        Holiday(name: "Kristi himmelfartsdag", rule: .easter(39)),
        Holiday(name: "Pinsedag", rule: .easter(49)),
        Holiday(name: "2. pinsedag", rule: .easter(50)),
        Holiday(name: "Juledag", rule: .yearly(month: 12, day: 25)),
        Holiday(name: "2. juledag", rule: .yearly(month: 12, day: 26)),
    ]

    /// The calendar of Denmark's ten public holidays only: what `holidays` means without a
    /// `holidays` block.
    public static let danish = HolidayCalendar(danishHolidays)

    /// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, also called Meeus/Jones/Butcher).
    public static func easter(_ year: Int) -> LocalDateTime {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDateTime(year: year, month: month, day: day)
    }

    /// The name of the holiday on a day (days since 1970-01-01), or nil on an ordinary day.
    public func name(onDay days: Int) -> String? {
        index(onDay: days).map { holidays[$0].name }
    }

    /// Whether a day (days since 1970-01-01) is a holiday.
    public func isHoliday(_ days: Int) -> Bool { index(onDay: days) != nil }

    private func index(onDay days: Int) -> Int? {
        if let index = once[days] { return index }
        if yearly.isEmpty && easterOffsets.isEmpty { return nil }
        let date = LocalDateTime(daysSinceEpoch: days)
        if let index = yearly[date.month * 100 + date.day] { return index }
        guard !easterOffsets.isEmpty else { return nil }
        let offset = days - Self.easter(date.year).daysSinceEpoch
        return easterOffsets.first { $0.offset == offset }?.index
    }

    /// The holidays of a year, by date (each date once, with the name of the first holiday on it).
    public func holidays(in year: Int) -> [(date: LocalDateTime, name: String)] {
        let easter = Self.easter(year).daysSinceEpoch
        var days: Set<Int> = []
        for holiday in holidays {
            switch holiday.rule {
            case .easter(let offset): days.insert(easter + offset)
            case .yearly(let month, let day):
                if day <= LocalDateTime.daysIn(month: month, year: year) {
                    days.insert(LocalDateTime(year: year, month: month, day: day).daysSinceEpoch)
                }
            case .once(let y, let month, let day) where y == year:
                days.insert(LocalDateTime(year: y, month: month, day: day).daysSinceEpoch)
            case .once: break
            }
        }
        return days.sorted().compactMap { day in
            name(onDay: day).map { (LocalDateTime(daysSinceEpoch: day), $0) }
        }
    }

    public static func == (lhs: HolidayCalendar, rhs: HolidayCalendar) -> Bool { lhs.holidays == rhs.holidays }
}
