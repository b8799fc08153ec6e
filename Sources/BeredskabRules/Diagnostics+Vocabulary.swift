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
            if let from = span.from, let to = span.to {
                if from.value == 24 * 60 {
                    error("a time span cannot start at 24:00; start it at 00:00 of the next day", at: from.span)
                    continue
                }
                if from.value == to.value {
                    error("this time span starts and ends at the same time", at: span.span)
                    continue
                }
            }
            window = window.union(WeeklyWindow(days: days, from: span.from?.value, to: span.to?.value))
        }
        return window
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
