/// A day of the week, Monday first as in Denmark.
public enum Weekday: Int, CaseIterable, Sendable, Comparable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The id used in rule files: `mon` … `sun`.
    public var id: String { ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue] }

    /// The short English name used in messages: `Mon` … `Sun`.
    public var shortName: String { ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][rawValue] }

    /// The day for an id such as `mon`.
    public init?(id: String) {
        guard let day = Weekday.allCases.first(where: { $0.id == id }) else { return nil }
        self = day
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The days named by a day spec: `mon`, `mon-fri`, `fri-mon` (wrapping), `daily`, `weekdays`, `weekends`.
    public static func days(_ spec: String) -> [Weekday]? {
        switch spec {
        case "daily": return allCases
        case "weekdays": return [.monday, .tuesday, .wednesday, .thursday, .friday]
        case "weekends": return [.saturday, .sunday]
        default: break
        }
        let parts = spec.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1 { return Weekday(id: spec).map { [$0] } }
        guard parts.count == 2, let first = Weekday(id: String(parts[0])), let last = Weekday(id: String(parts[1]))
        else {
            return nil
        }
        var days = [first]
        var day = first
        while day != last {
            day = Weekday(rawValue: (day.rawValue + 1) % 7)!
            days.append(day)
        }
        return days
    }

    /// All accepted day specs, for suggestions.
    public static let specExamples = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "daily", "weekdays", "weekends"]
}
