import BeredskabRules
import BeredskabTime

/// Times as the pages write them, always on Copenhagen's wall clock, and the `datetime-local`
/// values forms send.
public enum WebTime {
    /// `2026-11-21T22:30`: the value of a `datetime-local` input for an instant.
    public static func dateTimeLocal(_ instant: Instant) -> String {
        let local = Copenhagen.local(instant)
        return "\(local.dateText)T\(WeeklyWindow.clock(local.minutes))"
    }

    /// The instant a `datetime-local` value names (`2026-11-21T22:30`, seconds allowed), read on
    /// Copenhagen's wall clock; nil if it is not one.
    public static func parseDateTimeLocal(_ text: String) -> Instant? {
        var bytes = Array(text.utf8)
        func digit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if bytes.count == 19 {
            guard bytes[16] == UInt8(ascii: ":"), digit(bytes[17]), digit(bytes[18]) else { return nil }
            bytes.removeLast(3)
        }
        guard bytes.count == 16,
            let local = LocalDateTime(parsing: String(decoding: bytes, as: UTF8.self), requireTime: true)
        else { return nil }
        return Copenhagen.instant(local)
    }

    /// A time for people: `21-11-2026 22:30` in Danish, `21 Nov 2026 22:30` in English.
    public static func text(_ instant: Instant, _ lang: Language) -> String {
        let local = Copenhagen.local(instant)
        switch lang {
        case .da: return local.danishText
        case .en:
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            return "\(local.day) \(months[local.month - 1]) \(local.year) \(WeeklyWindow.clock(local.minutes))"
        }
    }

    /// An age in minutes as the board shows it: `lige nu` (`just now`) under a minute, `12 min`,
    /// `3 t 5 min` (`3 h 5 min`), `2 t`, and past a day `2 d 3 t`.
    public static func age(minutes: Int, _ lang: Language) -> String {
        let minutes = max(0, minutes)
        if minutes == 0 { return WebText.justNow.text(lang) }
        let (days, hours, rest) = (minutes / 1440, minutes / 60 % 24, minutes % 60)
        let h = WebText.hoursShort.text(lang)
        // Past a day the minutes no longer matter: `2 d 3 t`.
        if days > 0 { return hours == 0 ? "\(days) d" : "\(days) d \(hours) \(h)" }
        if hours == 0 { return "\(rest) min" }
        return rest == 0 ? "\(hours) \(h)" : "\(hours) \(h) \(rest) min"
    }

    /// A `<time>` element's view for an instant, in the page's language (`Templates/time.mustache`).
    static func view(_ instant: Instant, _ lang: Language) -> [String: Any] {
        ["datetime": Copenhagen.format(instant), "text": text(instant, lang)]
    }

    /// A `<time>` element for an instant, in the page's language, rendered alone.
    static func element(_ instant: Instant, _ lang: Language) -> String {
        Templates.render("time", view(instant, lang))
    }
}
