import BeredskabSyntax
import BeredskabTime

extension Diagnostics {
    /// Resolves a word of a fixed vocabulary, reporting an unknown one with the choices.
    public mutating func word<E: RawRepresentable & CaseIterable>(
        _ type: E.Type, _ name: Name, what: String
    ) -> E? where E.RawValue == String {
        if let value = E(rawValue: name.value) { return value }
        let choices = E.allCases.map(\.rawValue)
        var notes: [Diagnostic.Note] = []
        if let guess = closest(to: name.value, in: choices) { notes.append(.init("did you mean '\(guess)'?")) }
        notes.append(.init("\(what) is one of: \(choices.joined(separator: ", "))"))
        error("unknown \(what) '\(name.value)'", at: name.span, notes: notes)
        return nil
    }

    /// Builds a window from its lines as written (days, `holidays`, dates), reporting bad days, bad
    /// dates and empty spans; `holidays` and `exceptHolidays` are read on `calendar`.
    public mutating func window(
        _ spans: [TimeSpanSyntax], exceptHolidays: Bool, calendar: HolidayCalendar
    ) -> TimeWindow {
        var weekly = WeeklyWindow.never
        var onHolidays: [Range<Int>] = []
        var onDates: [Int: [Range<Int>]] = [:]
        for span in spans {
            guard hasValidHours(span) else { continue }
            let hours = TimeWindow.dayInterval(from: span.from?.value, to: span.to?.value)
            if let date = span.date {
                guard date.value.utf8.count == 10, let day = LocalDateTime(parsing: date.value) else {
                    error("'\(date.value)' is not a date; write it as \"2026-12-24\"", at: date.span)
                    continue
                }
                onDates[day.daysSinceEpoch, default: []].append(hours)
                continue
            }
            if span.days.value == "holidays" {
                onHolidays.append(hours)
                continue
            }
            weekly = weekly.union(self.weekly([span]))
        }
        return TimeWindow(
            weekly: weekly, exceptHolidays: exceptHolidays, holidayIntervals: onHolidays, dateIntervals: onDates,
            calendar: calendar)
    }

    /// The holidays a `holidays` block declares: Denmark's ten with `danish`, and its dates, reporting
    /// dates that are no dates and holidays given twice.
    public mutating func holidays(_ syntax: HolidaysSyntax) -> HolidayCalendar {
        var holidays = syntax.danish != nil ? HolidayCalendar.danishHolidays : []
        var declared: [HolidayCalendar.Rule: Span] = [:]
        let danish = syntax.danish != nil ? HolidayCalendar.danish : HolidayCalendar([])
        var yearly: [Int: String] = [:]
        for date in syntax.dates {
            let text = date.date.value
            let bytes = Array(text.utf8)
            var rule: HolidayCalendar.Rule?
            if bytes.count == 5, let day = LocalDateTime(parsing: "2000-" + text) {
                // 2000 was a leap year, so 02-29 is accepted: it is a holiday in leap years only.
                rule = .yearly(month: day.month, day: day.day)
            } else if bytes.count == 10, let day = LocalDateTime(parsing: text) {
                rule = .once(year: day.year, month: day.month, day: day.day)
            }
            guard let rule else {
                error(
                    "'\(text)' is not a date; write \"12-24\" for every year or \"2026-12-31\" for one year",
                    at: date.date.span)
                continue
            }
            let name = date.name?.value ?? text
            if let first = declared[rule] {
                error("'\(text)' is a holiday twice", at: date.date.span, notes: [.init("first given here", at: first)])
                continue
            }
            // A date that is already one of Denmark's holidays, or already a yearly date of the block.
            var clash: (name: String, danish: Bool)?
            switch rule {
            case .once(let year, let month, let day):
                if let name = danish.name(onDay: LocalDateTime(year: year, month: month, day: day).daysSinceEpoch) {
                    clash = (name, true)
                } else if let name = yearly[month * 100 + day] {
                    clash = (name, false)
                }
            case .yearly:
                // Only Denmark's fixed dates; one that meets an Easter holiday in some years is fine.
                if syntax.danish != nil,
                    let name = HolidayCalendar.danishHolidays.first(where: { $0.rule == rule })?.name
                {
                    clash = (name, true)
                }
            case .easter: break
            }
            if let clash {
                let note =
                    clash.danish
                    ? syntax.danish.map { [Diagnostic.Note("Denmark's holidays are added here", at: $0)] } : nil
                error("'\(text)' is already a holiday: \(clash.name)", at: date.date.span, notes: note ?? [])
                continue
            }
            if case .yearly(let month, let day) = rule { yearly[month * 100 + day] = name }
            declared[rule] = date.date.span
            holidays.append(HolidayCalendar.Holiday(name: name, rule: rule))
        }
        return HolidayCalendar(holidays)
    }

    /// Builds a weekly window from spans as written, reporting bad days and empty spans.
    public mutating func weekly(_ spans: [TimeSpanSyntax]) -> WeeklyWindow {
        var window = WeeklyWindow.never
        for span in spans {
            guard let days = Weekday.days(span.days.value) else {
                var notes: [Diagnostic.Note] = []
                if let guess = Self.guessDays(span.days.value) {
                    notes.append(.init("did you mean '\(guess)'?"))
                }
                notes.append(.init("days are mon … sun, a range such as mon-fri, daily, weekdays or weekends"))
                error("unknown days '\(span.days.value)'", at: span.days.span, notes: notes)
                continue
            }
            guard hasValidHours(span) else { continue }
            window = window.union(WeeklyWindow(days: days, from: span.from?.value, to: span.to?.value))
        }
        return window
    }

    /// Whether a span's hours can be a span, reporting one that starts at 24:00 or ends where it starts.
    mutating func hasValidHours(_ span: TimeSpanSyntax) -> Bool {
        guard let from = span.from, let to = span.to else { return true }
        if from.value == 24 * 60 {
            error("a time span cannot start at 24:00; start it at 00:00 of the next day", at: from.span)
            return false
        }
        if from.value == to.value {
            error("this time span starts and ends at the same time", at: span.span)
            return false
        }
        return true
    }

    /// A likely intended day spec for a misspelt one, part by part for ranges (`mon-fre` → `mon-fri`).
    static func guessDays(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2 {
            let days = Weekday.allCases.map(\.id)
            let guessed = parts.map { days.contains($0) ? $0 : closest(to: $0, in: days) }
            if let first = guessed[0], let last = guessed[1] { return "\(first)-\(last)" }
            return nil
        }
        return closest(to: text, in: Weekday.specExamples)
    }

    /// Checks that a duration is positive.
    mutating func positive(_ duration: Located<Int>, _ what: String) {
        if duration.value <= 0 { error("\(what) must be longer than zero", at: duration.span) }
    }
}
