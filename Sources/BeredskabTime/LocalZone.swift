import Foundation

/// A time zone read from the system's tz database (Foundation's `TimeZone`, which follows Debian's
/// `tzdata`), with its offset changes from 1970 to 2100 kept as a sorted table so that reading a
/// wall clock is a binary search with no call into the zone database. Pure once made: instants in,
/// local times out, no clock.
public struct LocalZone: Sendable, Equatable {
    /// The zone's tz database name, e.g. `Europe/Copenhagen`.
    public let identifier: String
    let table: Table

    /// The offset changes, read once; a class so that copying a zone (into every engine and planner)
    /// costs one reference.
    final class Table: Sendable {
        let timeZone: TimeZone
        /// The instants (seconds since the epoch, ascending) at which the offset changes, 1970–2100.
        let changes: [Int]
        /// The offset in seconds east of UTC from each change on; `offsets[0]` holds before the first.
        let offsets: [Int]
        /// For each span of 2^20 seconds (about 12 days) from 1970, the number of changes before it:
        /// changes are months apart, so a lookup steps past at most one or two.
        let firstChange: [Int32]

        init(_ timeZone: TimeZone, changes: [Int], offsets: [Int]) {
            self.timeZone = timeZone
            self.changes = changes
            self.offsets = offsets
            var first: [Int32] = []
            var index = 0
            for bucket in 0...(LocalZone.cacheEnd >> LocalZone.bucketShift) {
                while index < changes.count, changes[index] < bucket << LocalZone.bucketShift { index += 1 }
                first.append(Int32(index))
            }
            self.firstChange = first
        }
    }

    /// The cached range: outside it the zone database is asked directly.
    static let cacheStart = 0
    static let cacheEnd = 4_102_444_800  // 2100-01-01T00:00:00Z
    static let bucketShift = 20

    /// Europe/Copenhagen, the default deployment zone.
    public static let copenhagen = try! LocalZone(identifier: "Europe/Copenhagen")

    /// Reads a zone from the tz database by name (`Europe/London`, `America/New_York`).
    ///
    /// - Throws: `UnknownTimeZone` naming the value when the database has no such zone.
    public init(identifier: String) throws(UnknownTimeZone) {
        // Foundation also accepts abbreviations such as `CET` or `EST`; only tz database names are
        // taken, so that a configuration says exactly which rules it means.
        guard identifier.contains("/") || identifier == "UTC", let zone = TimeZone(identifier: identifier)
        else { throw UnknownTimeZone(name: identifier) }
        self.identifier = identifier
        func offset(_ seconds: Int) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))) }
        var changes: [Int] = []
        var offsets = [offset(Self.cacheStart)]
        var cursor = Date(timeIntervalSince1970: Double(Self.cacheStart))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor),
            next.timeIntervalSince1970 < Double(Self.cacheEnd)
        {
            let seconds = Int(next.timeIntervalSince1970.rounded())
            let after = offset(seconds)
            if after != offsets[offsets.count - 1] {
                changes.append(seconds)
                offsets.append(after)
            }
            cursor = next
        }
        self.table = Table(zone, changes: changes, offsets: offsets)
    }

    /// The instants at which the offset changes, 1970–2100, ascending.
    public var changes: [Instant] { table.changes.map(Instant.init(seconds:)) }

    public static func == (lhs: LocalZone, rhs: LocalZone) -> Bool { lhs.identifier == rhs.identifier }

    /// Seconds east of UTC at an instant (3600 for Copenhagen in winter, -14400 for New York in summer).
    public func offset(at instant: Instant) -> Int {
        let seconds = instant.seconds
        let table = table
        guard seconds >= Self.cacheStart, seconds < Self.cacheEnd else {
            return table.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
        }
        // The number of changes at or before `seconds`.
        var index = Int(table.firstChange[seconds >> Self.bucketShift])
        while index < table.changes.count, table.changes[index] <= seconds { index += 1 }
        return table.offsets[index]
    }

    /// The wall-clock date and minute at an instant.
    public func local(_ instant: Instant) -> LocalDateTime {
        let localSeconds = instant.seconds + offset(at: instant)
        let days = LocalTime.floorDiv(localSeconds, 86_400)
        var local = LocalDateTime(daysSinceEpoch: days)
        local.minutes = (localSeconds - days * 86_400) / 60
        return local
    }

    /// The instant a wall-clock time names. A time that does not exist (skipped when the clocks go
    /// forward) is read with the offset in force before the change, so it lands as much later as the
    /// clocks jumped (02:30 on Copenhagen's spring night is 03:30 summer time); a time that happens
    /// twice (when the clocks go back) is the first of the two, the one before the change.
    public func instant(_ local: LocalDateTime) -> Instant {
        let wall = local.minutesSinceEpoch * 60
        // Changes are days apart, so the offsets a day either side are the only ones that can apply.
        let before = offset(at: Instant(seconds: wall - 86_400))
        let after = offset(at: Instant(seconds: wall + 86_400))
        var best: Int?
        for candidate in [before, after] where offset(at: Instant(seconds: wall - candidate)) == candidate {
            best = min(best ?? Int.max, wall - candidate)
        }
        return Instant(seconds: best ?? wall - before)
    }

    /// An instant a duration later, as a person in the zone counts it: a whole number of days (or
    /// weeks) lands on the same clock time that many calendar days on, also across a daylight-saving
    /// switch ("within 7d" of 16:20 is 16:20 a week later); any other duration is elapsed time.
    public func later(_ instant: Instant, by seconds: Int) -> Instant {
        guard seconds != 0, seconds % 86_400 == 0 else { return instant.adding(seconds) }
        let start = local(instant)
        var target = LocalDateTime(daysSinceEpoch: start.daysSinceEpoch + seconds / 86_400)
        target.minutes = start.minutes
        return self.instant(target).adding(((instant.seconds % 60) + 60) % 60)
    }

    /// RFC 3339 with the zone's offset: `2026-11-21T22:30:00+01:00`, `2026-07-01T06:00:00-04:00`.
    public func format(_ instant: Instant) -> String {
        let local = local(instant)
        let offset = offset(at: instant)
        let second = ((instant.seconds % 60) + 60) % 60
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(local.dateText)T\(WeeklyWindow.clock(local.minutes)):\(LocalTime.pad(second))"
            + "\(sign)\(LocalTime.pad(minutes / 60)):\(LocalTime.pad(minutes % 60))"
    }
}

/// A time zone name the tz database does not know.
public struct UnknownTimeZone: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name as given.
    public var name: String

    public var description: String {
        "unknown time zone \"\(name)\": give a tz database name such as Europe/Copenhagen or Europe/London"
    }
}
