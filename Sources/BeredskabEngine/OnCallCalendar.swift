import BeredskabRoster
import BeredskabRules
import BeredskabTime

/// On-call shifts as an iCalendar feed (RFC 5545) that calendar programs subscribe to: one event
/// per shift, times in UTC (`DTSTART:20261201T070000Z`, RFC 5545 §3.3.5 form 2) so no program has
/// to know Copenhagen's daylight-saving rule; each shows at the local time it was planned for.
///
/// No Swift iCalendar library is in the package mirror, so this writes the few properties a feed
/// needs, with the format's escaping (§3.3.11) and line folding (§3.1), and is tested by reading
/// it back with Python's `icalendar`.
public enum OnCallCalendar {
    /// One event of the feed.
    public struct Event: Sendable, Equatable {
        /// Stable across fetches, so a program updates an event instead of adding a copy.
        public var uid: String
        public var start: Instant
        public var end: Instant
        public var summary: String
        public var description: String

        public init(uid: String, start: Instant, end: Instant, summary: String, description: String) {
            self.uid = uid
            self.start = start
            self.end = end
            self.summary = summary
            self.description = description
        }
    }

    /// The feed for one role: each shift with who is on duty, gaps as events of their own.
    public static func events(role: String, shifts: [OnCallShift], engine: Engine, language: Language) -> [Event] {
        let roleName = engine.rules.roles[role]?.name ?? role
        return shifts.map { shift in
            let names = shift.persons.map { engine.roster.persons[$0]?.name ?? $0 }
            let summary =
                shift.isGap
                ? (language == .da ? "INGEN PÅ VAGT: \(roleName)" : "NOBODY ON CALL: \(roleName)")
                : "\(roleName): \(names.joined(separator: ", "))"
            return Event(
                uid: "\(role)-\(shift.start.seconds)@beredskab", start: shift.start, end: shift.end, summary: summary,
                description: describe(shift, engine: engine, language: language))
        }
    }

    /// The feed for one person: the shifts in which they are on duty, in any role.
    public static func events(
        person: String, shifts: [OnCallShift], engine: Engine, language: Language
    ) -> [Event] {
        shifts.filter { $0.persons.contains(person) }.map { shift in
            let roleName = engine.rules.roles[shift.role]?.name ?? shift.role
            let covering = shift.covers.first { $0.substitute == person }
            let absent = covering.map { engine.roster.persons[$0.absent]?.name ?? $0.absent }
            let summary =
                absent.map { language == .da ? "\(roleName) (for \($0))" : "\(roleName) (covering \($0))" } ?? roleName
            return Event(
                uid: "\(person)-\(shift.role)-\(shift.start.seconds)@beredskab", start: shift.start, end: shift.end,
                summary: summary, description: describe(shift, engine: engine, language: language))
        }
    }

    static func describe(_ shift: OnCallShift, engine: Engine, language: Language) -> String {
        var lines: [String] = []
        if let duty = engine.rules.roles[shift.role]?.duty { lines.append(duty) }
        for cover in shift.covers {
            let substitute = engine.roster.persons[cover.substitute]?.name ?? cover.substitute
            let absent = engine.roster.persons[cover.absent]?.name ?? cover.absent
            lines.append(
                language == .da ? "\(substitute) dækker for \(absent)." : "\(substitute) covers for \(absent).")
        }
        if shift.isGap {
            lines.append(
                language == .da
                    ? "Ingen har vagt i rollen: en melding, der skal nå den, når ingen."
                    : "Nobody holds the role on call: a report that needs it reaches no one.")
        }
        return lines.joined(separator: "\n")
    }

    /// The whole feed: `BEGIN:VCALENDAR` … `END:VCALENDAR` with CRLF line ends. `generatedAt` is
    /// every event's `DTSTAMP`.
    public static func render(name: String, events: [Event], generatedAt: Instant) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Beredskab//On call//DA", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:" + escape(name),
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT", "UID:" + escape(event.uid), "DTSTAMP:" + utc(generatedAt),
                "DTSTART:" + utc(event.start),
                "DTEND:" + utc(event.end), "SUMMARY:" + escape(event.summary),
                "DESCRIPTION:" + escape(event.description), "TRANSP:TRANSPARENT", "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261201T070000Z`.
    static func utc(_ instant: Instant) -> String {
        let days = Copenhagen.floorDiv(instant.seconds, 86_400)
        let date = LocalDateTime(daysSinceEpoch: days)
        let second = instant.seconds - days * 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return String(date.dateText.filter { $0 != "-" }) + "T" + two(second / 3600) + two(second / 60 % 60)
            + two(second % 60) + "Z"
    }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n", "\r": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Lines longer than 75 octets folded (RFC 5545 §3.1): CRLF and a space, never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var out = ""
        var count = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.unicodeScalars.append(scalar)
            count += size
        }
        return out
    }
}
