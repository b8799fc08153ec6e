/// A moment in time: whole seconds since 1970-01-01T00:00:00Z.
public struct Instant: Sendable, Hashable, Comparable, Codable {
    /// Seconds since the Unix epoch, UTC.
    public var seconds: Int

    /// Creates an instant.
    public init(seconds: Int) {
        self.seconds = seconds
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.seconds < rhs.seconds }

    /// This instant moved by a number of seconds.
    public func adding(_ seconds: Int) -> Instant { Instant(seconds: self.seconds + seconds) }

    /// Parses an RFC 3339 date-time with `T`, and an offset or `Z`; seconds and fractions are optional.
    public init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? { decimal(b, range) }
        guard b.count >= 17, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58,
            let date = LocalDateTime(parsing: String(decoding: b[0..<10], as: UTF8.self)),
            let hour = digits(11..<13), let minute = digits(14..<16), hour < 24, minute < 60
        else { return nil }
        var index = 16
        var second = 0
        if index < b.count, b[index] == 58 {
            guard let s = digits((index + 1)..<(index + 3)), s < 60 else { return nil }
            second = s
            index += 3
            if index < b.count, b[index] == 46 {
                index += 1
                let start = index
                while index < b.count, b[index] >= 48, b[index] <= 57 { index += 1 }
                guard index > start else { return nil }
            }
        }
        guard index < b.count else { return nil }
        var offset = 0
        if b[index] == 90 {
            index += 1
        } else if b[index] == 43 || b[index] == 45, let h = digits((index + 1)..<(index + 3)), index + 3 < b.count,
            b[index + 3] == 58, let m = digits((index + 4)..<(index + 6)), h < 24, m < 60
        {
            offset = (h * 3600 + m * 60) * (b[index] == 45 ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        self.seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
    }
}

/// Wall-clock time in Copenhagen (Europe/Copenhagen): CET, and CEST from the last Sunday of March
/// 01:00 UTC to the last Sunday of October 01:00 UTC, as the EU has ruled since 1996.
public enum Copenhagen {
    /// Seconds east of UTC at an instant: 3600 in winter, 7200 in summer.
    public static func offset(at instant: Instant) -> Int {
        let year = LocalDateTime(daysSinceEpoch: floorDiv(instant.seconds, 86_400)).year
        let start = lastSunday(month: 3, year: year) * 86_400 + 3600
        let end = lastSunday(month: 10, year: year) * 86_400 + 3600
        return instant.seconds >= start && instant.seconds < end ? 7200 : 3600
    }

    /// The wall-clock date and minute at an instant.
    public static func local(_ instant: Instant) -> LocalDateTime {
        let localSeconds = instant.seconds + offset(at: instant)
        let days = floorDiv(localSeconds, 86_400)
        var local = LocalDateTime(daysSinceEpoch: days)
        local.minutes = (localSeconds - days * 86_400) / 60
        return local
    }

    /// The instant a wall-clock time names. In the spring gap the time is read as winter time (so
    /// 02:30 on the switch night is 03:30 summer time); in the autumn overlap the first, summer, one.
    public static func instant(_ local: LocalDateTime) -> Instant {
        let wall = local.minutesSinceEpoch * 60
        let summer = Instant(seconds: wall - 7200)
        if offset(at: summer) == 7200 { return summer }
        return Instant(seconds: wall - 3600)
    }

    /// An instant a duration later, as a person in Copenhagen counts it: a whole number of days (or
    /// weeks) lands on the same clock time that many calendar days on, also across a daylight-saving
    /// switch ("within 7d" of 16:20 is 16:20 a week later); any other duration is elapsed time.
    public static func later(_ instant: Instant, by seconds: Int) -> Instant {
        guard seconds != 0, seconds % 86_400 == 0 else { return instant.adding(seconds) }
        let start = local(instant)
        var target = LocalDateTime(daysSinceEpoch: start.daysSinceEpoch + seconds / 86_400)
        target.minutes = start.minutes
        return self.instant(target).adding(((instant.seconds % 60) + 60) % 60)
    }

    /// RFC 3339 with the Copenhagen offset: `2026-11-21T22:30:00+01:00`.
    public static func format(_ instant: Instant) -> String {
        let local = local(instant)
        let offset = offset(at: instant) / 3600
        let second = ((instant.seconds % 60) + 60) % 60
        return "\(local.dateText)T\(WeeklyWindow.clock(local.minutes)):\(pad(second))+0\(offset):00"
    }

    /// The days since the epoch of the last Sunday of a month.
    static func lastSunday(month: Int, year: Int) -> Int {
        let last = LocalDateTime(year: year, month: month, day: LocalDateTime.daysIn(month: month, year: year))
        return last.daysSinceEpoch - (last.weekday.rawValue + 1) % 7
    }

    /// Integer division rounding towards minus infinity.
    public static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension LocalDateTime {
    /// The date at a number of days since 1970-01-01, at midnight.
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// `YYYY-MM-DD`.
    public var dateText: String {
        "\(year)-\(Copenhagen.pad(month))-\(Copenhagen.pad(day))"
    }

    /// `DD-MM-YYYY HH:MM`, as Danish readers write it: `21-11-2026 22:30`.
    public var danishText: String {
        "\(Copenhagen.pad(day))-\(Copenhagen.pad(month))-\(year) \(WeeklyWindow.clock(minutes))"
    }
}
