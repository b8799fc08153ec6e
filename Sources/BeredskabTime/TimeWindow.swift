/// A window of local time: weekly hours, hours on every holiday of a calendar, and hours on
/// particular dates, on the deployment zone's wall clock.
///
/// A local time is inside when it lies in the weekly part (unless `exceptHolidays` and its date is a
/// holiday), or in the holiday part on a holiday, or in the date part on one of the dates. Holiday and
/// date spans are minutes after that day's midnight, from 0 up to 2880: a span crossing midnight runs
/// into the next morning, as weekly lines do. A window with only a weekly part answers by the weekly
/// part alone, as fast as before holidays existed.
public struct TimeWindow: Sendable, Equatable {
    /// The weekly hours.
    public let weekly: WeeklyWindow
    /// Whether the weekly hours do not apply on a holiday's date (office hours closed on Kristi himmelfartsdag).
    public let exceptHolidays: Bool
    /// Minutes after each holiday's midnight, sorted and merged, within `0..<2880`.
    public let holidayIntervals: [Range<Int>]
    /// For each explicit date (days since 1970-01-01), minutes after its midnight, within `0..<2880`.
    public let dateIntervals: [Int: [Range<Int>]]
    /// The holidays that `holidays` and `except holidays` mean.
    public let calendar: HolidayCalendar

    /// A window of weekly hours only.
    public init(weekly: WeeklyWindow) {
        self.init(weekly: weekly, exceptHolidays: false, holidayIntervals: [], dateIntervals: [:], calendar: .danish)
    }

    /// A window of weekly hours, hours on holidays and hours on dates.
    public init(
        weekly: WeeklyWindow, exceptHolidays: Bool, holidayIntervals: [Range<Int>], dateIntervals: [Int: [Range<Int>]],
        calendar: HolidayCalendar
    ) {
        self.weekly = weekly
        self.exceptHolidays = exceptHolidays
        self.holidayIntervals = Self.merged(holidayIntervals)
        self.dateIntervals = dateIntervals.mapValues(Self.merged).filter { !$0.value.isEmpty }
        self.calendar = calendar
        isWeeklyOnly = !exceptHolidays && self.holidayIntervals.isEmpty && self.dateIntervals.isEmpty
    }

    /// The empty window.
    public static let never = TimeWindow(weekly: .never)
    /// All the time.
    public static let always = TimeWindow(weekly: .always)

    /// Whether only the weekly part counts (no holidays, no dates).
    public let isWeeklyOnly: Bool

    /// Minutes on one day's wall clock from `from` to `to` (whole day without times; across midnight
    /// into the next morning when `to` is not after `from`), as used by holiday and date lines.
    public static func dayInterval(from: Int?, to: Int?) -> Range<Int> {
        let start = from ?? 0
        var end = to ?? 24 * 60
        if end <= start { end += 24 * 60 }
        return start..<end
    }

    /// Whether a wall-clock time lies in the window.
    public func contains(_ local: LocalDateTime) -> Bool {
        contains(wallMinute: local.minutesSinceEpoch)
    }

    /// Whether a wall-clock minute (minutes since 1970-01-01 00:00 on the zone's clock) lies in the window.
    public func contains(wallMinute wall: Int) -> Bool {
        contains(wallMinute: wall, minuteOfWeek: ((wall + 3 * 1440) % minutesPerWeek + minutesPerWeek) % minutesPerWeek)
    }

    /// Whether a wall-clock minute lies in the window, given also its minute of the week (minutes
    /// after Monday 00:00), which the caller has computed once for many windows.
    @inlinable
    public func contains(wallMinute wall: Int, minuteOfWeek: Int) -> Bool {
        if isWeeklyOnly { return weekly.contains(minuteOfWeek) }
        return containsOnDate(wall, minuteOfWeek)
    }

    @usableFromInline
    func containsOnDate(_ wall: Int, _ minuteOfWeek: Int) -> Bool {
        let day = LocalTime.floorDiv(wall, 1440)
        let minute = wall - day * 1440
        if weekly.contains(minuteOfWeek) && !(exceptHolidays && calendar.isHoliday(day)) { return true }
        if !holidayIntervals.isEmpty {
            if calendar.isHoliday(day), holidayIntervals.contains(where: { $0.contains(minute) }) { return true }
            if holidayIntervals.last!.upperBound > 1440, calendar.isHoliday(day - 1),
                holidayIntervals.contains(where: { $0.contains(minute + 1440) })
            {
                return true
            }
        }
        if !dateIntervals.isEmpty {
            if let spans = dateIntervals[day], spans.contains(where: { $0.contains(minute) }) { return true }
            if let spans = dateIntervals[day - 1], spans.contains(where: { $0.contains(minute + 1440) }) { return true }
        }
        return false
    }

    /// The minutes of one day (days since 1970-01-01) inside the window, sorted and merged, within `0..<1440`.
    public func intervals(onDay day: Int) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        if !(exceptHolidays && calendar.isHoliday(day)) {
            let dayStart = ((day + 3) % 7 + 7) % 7 * 1440
            // Only the intervals reaching into this day: the first by binary search, then in order.
            let intervals = weekly.intervals
            var first = 0
            var last = intervals.count
            while first < last {
                let mid = (first + last) / 2
                if intervals[mid].upperBound <= dayStart { first = mid + 1 } else { last = mid }
            }
            for interval in intervals[first...] {
                if interval.lowerBound >= dayStart + 1440 { break }
                let low = max(interval.lowerBound, dayStart)
                let high = min(interval.upperBound, dayStart + 1440)
                if low < high { pieces.append((low - dayStart)..<(high - dayStart)) }
            }
        }
        func add(_ spans: [Range<Int>], shift: Int) {
            for span in spans {
                let low = max(span.lowerBound - shift, 0)
                let high = min(span.upperBound - shift, 1440)
                if low < high { pieces.append(low..<high) }
            }
        }
        if !holidayIntervals.isEmpty {
            if calendar.isHoliday(day) { add(holidayIntervals, shift: 0) }
            if calendar.isHoliday(day - 1) { add(holidayIntervals, shift: 1440) }
        }
        if let spans = dateIntervals[day] { add(spans, shift: 0) }
        if let spans = dateIntervals[day - 1] { add(spans, shift: 1440) }
        return Self.merged(pieces)
    }

    /// Sorted, merged, non-empty intervals: overlapping or touching ones become one.
    public static func merged(_ intervals: [Range<Int>]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        for piece in intervals.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, piece.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, piece.upperBound)
            } else {
                merged.append(piece)
            }
        }
        return merged
    }

    public static func == (lhs: TimeWindow, rhs: TimeWindow) -> Bool {
        lhs.weekly == rhs.weekly && lhs.exceptHolidays == rhs.exceptHolidays
            && lhs.holidayIntervals == rhs.holidayIntervals && lhs.dateIntervals == rhs.dateIntervals
            && lhs.calendar == rhs.calendar
    }
}
