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

/// Wall-clock time in the deployment's zone: Europe/Copenhagen unless the server's configuration
/// (`time_zone`) or the command line names another, read from the system's tz database (`LocalZone`).
///
/// Every local time Beredskab shows or reads — weekly windows, rotas and handovers, deadlines,
/// rendered plans and pages — is on this clock. `zone` is set once when a program starts, before
/// anything reads it; code that must not depend on it (tests of another zone) uses a `LocalZone`.
public enum LocalTime {
    /// The deployment's zone. Set only at start-up, before any other thread reads local time.
    nonisolated(unsafe) public static var zone = LocalZone.copenhagen

    /// Seconds east of UTC at an instant in the deployment's zone.
    public static func offset(at instant: Instant) -> Int { zone.offset(at: instant) }

    /// The wall-clock date and minute at an instant.
    public static func local(_ instant: Instant) -> LocalDateTime { zone.local(instant) }

    /// The instant a wall-clock time names (see `LocalZone.instant` for skipped and repeated times).
    public static func instant(_ local: LocalDateTime) -> Instant { zone.instant(local) }

    /// An instant a duration later as a person counts it (see `LocalZone.later`).
    public static func later(_ instant: Instant, by seconds: Int) -> Instant { zone.later(instant, by: seconds) }

    /// RFC 3339 with the zone's offset: `2026-11-21T22:30:00+01:00`.
    public static func format(_ instant: Instant) -> String { zone.format(instant) }

    /// Integer division rounding towards minus infinity.
    public static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

/// The name local time had while Europe/Copenhagen was the only zone; it is the deployment's zone.
public typealias Copenhagen = LocalTime

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
        "\(year)-\(LocalTime.pad(month))-\(LocalTime.pad(day))"
    }

    /// `DD-MM-YYYY HH:MM`, as Danish readers write it: `21-11-2026 22:30`.
    public var danishText: String {
        "\(LocalTime.pad(day))-\(LocalTime.pad(month))-\(year) \(WeeklyWindow.clock(minutes))"
    }
}
