/// A date and time on the wall clock of the deployment's zone (`LocalTime`), to the minute, with no time zone attached.
public struct LocalDateTime: Sendable, Hashable, Comparable {
    /// The year.
    public var year: Int
    /// The month, 1–12.
    public var month: Int
    /// The day of the month, 1–31.
    public var day: Int
    /// Minutes after midnight, 0–1439.
    public var minutes: Int

    /// Creates a local date and time, checking nothing.
    public init(year: Int, month: Int, day: Int, minutes: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.minutes = minutes
    }

    /// Parses `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`; `requireTime` refuses a bare date.
    public init?(parsing text: String, requireTime: Bool = false) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? { decimal(bytes, range) }
        guard bytes.count == 10 || bytes.count == 16, bytes[4] == 45, bytes[7] == 45,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year)
        else { return nil }
        var minutes = 0
        if bytes.count == 16 {
            guard bytes[10] == 32 || bytes[10] == 84, bytes[13] == 58, let hour = number(11..<13),
                let minute = number(14..<16), hour < 24, minute < 60
            else { return nil }
            minutes = hour * 60 + minute
        } else if requireTime {
            return nil
        }
        self.init(year: year, month: month, day: day, minutes: minutes)
    }

    /// The number of days in a month.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (the civil-from-days algorithm, proleptic Gregorian).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Minutes since 1970-01-01 00:00 on the same wall clock.
    public var minutesSinceEpoch: Int { daysSinceEpoch * 1440 + minutes }

    /// The day of the week.
    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        Weekday(rawValue: ((daysSinceEpoch % 7 + 7) % 7 + 3) % 7)!
    }

    /// Minutes after Monday 00:00 of its week.
    public var minuteOfWeek: Int { weekday.rawValue * 1440 + minutes }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.minutesSinceEpoch < rhs.minutesSinceEpoch
    }
}

/// The whole number written in decimal digits at `range` of `bytes`, or nil if any is not a digit.
func decimal(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
    guard range.upperBound <= bytes.count else { return nil }
    var value = 0
    for byte in bytes[range] {
        guard byte >= 48, byte <= 57 else { return nil }
        value = value * 10 + Int(byte - 48)
    }
    return value
}
