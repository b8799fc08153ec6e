import BeredskabRoster
import BeredskabRules
import BeredskabTime

/// The on-call schedule as text for a terminal and as JSON for the API and the page: names and
/// roles only, never contact details.
public enum OnCallText {
    /// One block per role: who is on duty now, then each shift in Copenhagen time, overrides marked
    /// `(for Anna)`, gaps as `GAP — nobody on duty`, and the gaps' count and hours at the end.
    public static func render(
        roles: [String], shifts: [[OnCallShift]], engine: Engine, from: Instant, to: Instant
    ) -> String {
        var out = "On call from \(text(from)) to \(text(to)) (Copenhagen time)\n"
        var gaps = 0
        var gapSeconds = 0
        for (role, roleShifts) in zip(roles, shifts) {
            out += "\n\(role) — \(engine.rules.roles[role]?.name ?? role)\n"
            for shift in roleShifts {
                let who =
                    shift.isGap
                    ? "GAP — nobody on duty"
                    : shift.persons.map { person in
                        let name = engine.roster.persons[person]?.name ?? person
                        guard let cover = shift.covers.first(where: { $0.substitute == person }) else { return name }
                        return "\(name) (for \(engine.roster.persons[cover.absent]?.name ?? cover.absent))"
                    }.joined(separator: ", ")
                out += "  \(text(shift.start)) – \(text(shift.end))  \(who)\n"
                if shift.isGap {
                    gaps += 1
                    gapSeconds += shift.end.seconds - shift.start.seconds
                }
            }
        }
        out +=
            "\n" + (gaps == 0 ? "no gaps" : "\(gaps) gaps, \(gapSeconds / 3600) h \(gapSeconds / 60 % 60) min in all")
        return out
    }

    /// `{"from", "to", "roles": [{"role", "name", "shifts": [{"start", "end", "persons": [{"id",
    /// "name"}], "covers": [{"substitute", "absent"}], "gap"}]}]}`, times RFC 3339 with the
    /// Copenhagen offset.
    public static func json(roles: [String], shifts: [[OnCallShift]], engine: Engine) -> JSONValue {
        let from = shifts.compactMap(\.first?.start).min()
        let to = shifts.compactMap(\.last?.end).max()
        return .object([
            ("from", from.map { .string(Copenhagen.format($0)) } ?? .null),
            ("to", to.map { .string(Copenhagen.format($0)) } ?? .null),
            (
                "roles",
                .array(
                    zip(roles, shifts).map { role, roleShifts in
                        .object([
                            ("role", .string(role)), ("name", .string(engine.rules.roles[role]?.name ?? role)),
                            ("shifts", .array(roleShifts.map { json($0, engine: engine) })),
                        ])
                    })
            ),
        ])
    }

    static func json(_ shift: OnCallShift, engine: Engine) -> JSONValue {
        .object([
            ("start", .string(Copenhagen.format(shift.start))), ("end", .string(Copenhagen.format(shift.end))),
            (
                "persons",
                .array(
                    shift.persons.map {
                        .object([("id", .string($0)), ("name", .string(engine.roster.persons[$0]?.name ?? $0))])
                    })
            ),
            (
                "covers",
                .array(
                    shift.covers.map {
                        .object([("substitute", .string($0.substitute)), ("absent", .string($0.absent))])
                    }
                )
            ),
            ("gap", .bool(shift.isGap)),
        ])
    }

    static func text(_ instant: Instant) -> String {
        let local = Copenhagen.local(instant)
        return "\(local.dateText) \(WeeklyWindow.clock(local.minutes))"
    }
}
