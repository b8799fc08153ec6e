/// Minutes in a week.
public let minutesPerWeek = 7 * 24 * 60

/// A set of times in the week, in local time, as merged half-open intervals of minutes after Monday 00:00.
public struct WeeklyWindow: Sendable, Equatable {
    /// Sorted, non-overlapping, non-touching intervals within `0..<minutesPerWeek`.
    public private(set) var intervals: [Range<Int>]

    /// The empty window.
    public static let never = WeeklyWindow(intervals: [])
    /// The whole week.
    public static let always = WeeklyWindow(intervals: [0..<minutesPerWeek])

    /// Creates a window from any intervals; those reaching past Sunday midnight wrap to Monday.
    public init(intervals: [Range<Int>]) {
        var pieces: [Range<Int>] = []
        for interval in intervals where !interval.isEmpty {
            if interval.count >= minutesPerWeek {
                pieces = [0..<minutesPerWeek]
                break
            }
            let start = ((interval.lowerBound % minutesPerWeek) + minutesPerWeek) % minutesPerWeek
            let end = start + interval.count
            if end <= minutesPerWeek {
                pieces.append(start..<end)
            } else {
                pieces.append(start..<minutesPerWeek)
                pieces.append(0..<(end - minutesPerWeek))
            }
        }
        self.intervals = TimeWindow.merged(pieces)
    }

    /// One line of a window: these days from `from` to `to` minutes after midnight.
    ///
    /// Without times the whole day is meant; when `to` is not after `from` the span runs into the next day.
    public init(days: [Weekday], from: Int?, to: Int?) {
        let start = from ?? 0
        var end = to ?? 24 * 60
        if end <= start { end += 24 * 60 }
        self.init(
            intervals: days.map { day in
                let base = day.rawValue * 24 * 60
                return (base + start)..<(base + end)
            })
    }

    /// Whether the minute of the week lies in the window.
    public func contains(_ minuteOfWeek: Int) -> Bool {
        var low = 0
        var high = intervals.count
        while low < high {
            let mid = (low + high) / 2
            if intervals[mid].upperBound <= minuteOfWeek { low = mid + 1 } else { high = mid }
        }
        return low < intervals.count && intervals[low].contains(minuteOfWeek)
    }

    /// Everything in either window.
    public func union(_ other: WeeklyWindow) -> WeeklyWindow {
        WeeklyWindow(intervals: intervals + other.intervals)
    }

    /// The times of the week not in this window.
    public var complement: WeeklyWindow {
        var gaps: [Range<Int>] = []
        var cursor = 0
        for interval in intervals {
            if interval.lowerBound > cursor { gaps.append(cursor..<interval.lowerBound) }
            cursor = interval.upperBound
        }
        if cursor < minutesPerWeek { gaps.append(cursor..<minutesPerWeek) }
        return WeeklyWindow(intervals: gaps)
    }

    /// Whether the window is empty.
    public var isEmpty: Bool { intervals.isEmpty }

    /// The intervals with one that runs over Sunday midnight joined into a single wrapping interval.
    ///
    /// A wrapping interval has an upper bound past `minutesPerWeek`.
    public var wrappedIntervals: [Range<Int>] {
        guard intervals.count > 1, let first = intervals.first, let last = intervals.last,
            first.lowerBound == 0, last.upperBound == minutesPerWeek
        else { return intervals }
        return Array(intervals.dropFirst().dropLast()) + [last.lowerBound..<(minutesPerWeek + first.upperBound)]
    }

    /// Names an interval as a person would: `Sat 02:00–08:00`, `Fri 17:00–Mon 08:00`.
    public static func describe(_ interval: Range<Int>) -> String {
        if interval.count >= minutesPerWeek { return "all week" }
        let startDay = interval.lowerBound / (24 * 60) % 7
        let endMinute = interval.upperBound
        let start = "\(Weekday(rawValue: startDay)!.shortName) \(clock(interval.lowerBound % (24 * 60)))"
        // An end at midnight belongs to the day before: Sat 18:00–24:00.
        let endDayIndex = (endMinute - 1) / (24 * 60)
        let endClock = endMinute - endDayIndex * 24 * 60
        let sameDay = endDayIndex == interval.lowerBound / (24 * 60)
        let end = sameDay ? clock(endClock) : "\(Weekday(rawValue: endDayIndex % 7)!.shortName) \(clock(endClock))"
        return "\(start)–\(end)"
    }

    /// `HH:MM` for minutes after midnight (24:00 for a full day).
    public static func clock(_ minutes: Int) -> String {
        let hours = minutes / 60
        let rest = minutes % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
    }
}
