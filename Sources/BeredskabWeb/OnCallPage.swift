import BeredskabRules
import BeredskabTime

/// The page `/oncall` for coordinators, reviewers and admins (`Templates/oncall.mustache`): for
/// each role who is on duty now, then its shifts over the coming days in Copenhagen time, a
/// substitute shown as "Emil Hansen for Bo Lund" and a stretch with nobody on duty marked as a gap
/// (class `gap`, red). Names only: never a phone number or an address.
public struct OnCallPage: Sendable, Equatable {
    /// Someone on duty in a shift, and whom they stand in for by an override, if anyone.
    public struct Duty: Sendable, Equatable {
        /// The person's name.
        public var name: String
        /// The name of the person the rota names, when `name` covers for them.
        public var covering: String?

        /// Creates a duty.
        public init(name: String, covering: String? = nil) {
            self.name = name
            self.covering = covering
        }
    }

    /// One stretch in which the same persons are on duty; with nobody, a gap.
    public struct Shift: Sendable, Equatable {
        /// From (inclusive) and to (exclusive).
        public var start: Instant
        public var end: Instant
        /// Who is on duty, in rota order; empty in a gap.
        public var persons: [Duty]

        /// Nobody is on duty.
        public var isGap: Bool { persons.isEmpty }

        /// Creates a shift.
        public init(start: Instant, end: Instant, persons: [Duty]) {
            self.start = start
            self.end = end
            self.persons = persons
        }
    }

    /// A role and its shifts over the page's period, the first starting at `from`.
    public struct Role: Sendable, Equatable {
        /// The role's id from `Rules/` and its name.
        public var id: String
        public var name: String
        public var shifts: [Shift]

        /// Creates a role.
        public init(id: String, name: String, shifts: [Shift]) {
            self.id = id
            self.name = name
            self.shifts = shifts
        }
    }

    /// A role one may filter on: its id and name.
    public struct Choice: Sendable, Equatable {
        public var id: String
        public var name: String

        /// Creates a choice.
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// The roles shown, in order.
    public var roles: [Role]
    /// Every role, for the filter links.
    public var choices: [Choice]
    /// The role filtered on (`?role=`), nil for all.
    public var selected: String?
    /// The period shown: now, and the end of the last day.
    public var from: Instant
    public var to: Instant

    /// Creates the page.
    public init(roles: [Role], choices: [Choice], selected: String? = nil, from: Instant, to: Instant) {
        self.roles = roles
        self.choices = choices
        self.selected = selected
        self.from = from
        self.to = to
    }

    /// The page as HTML.
    public func render(_ context: PageContext) -> String {
        Templates.render("oncall", view(context))
    }

    /// What the template reads: plain text, escaped by the template.
    func view(_ context: PageContext) -> [String: Any] {
        let lang = context.lang
        func t(_ key: WebText, _ values: [String: String] = [:]) -> String { key.text(lang, values) }
        func who(_ duty: Duty) -> String {
            duty.covering.map { t(.onCallCover, ["substitute": duty.name, "absent": $0]) } ?? duty.name
        }
        func time(_ instant: Instant) -> [String: Any] {
            [
                "datetime": Copenhagen.format(instant),
                "text": instant == from ? t(.onCallStartNow) : Self.short(instant, lang),
            ]
        }
        let days = max(1, (to.seconds - from.seconds + 43_200) / 86_400)
        let gapRoles = roles.filter { $0.shifts.contains(where: \.isGap) }
        let keys: [String: Any] = [
            "period": t(.onCallPeriod, ["from": WebTime.text(from, lang), "to": WebTime.text(to, lang)]),
            "gapSummary": gapRoles.isEmpty
                ? false : t(.onCallGapSummary, ["roles": gapRoles.map(\.name).joined(separator: ", ")]),
            "gapLinks": gapRoles.map { ["href": "#role-\($0.id)", "name": $0.name] },
            "choices": [["href": "/oncall", "name": t(.onCallAllRoles), "current": selected == nil] as [String: Any]]
                + choices.map {
                    [
                        "href": "/oncall?role=\(HTML.pathSegment($0.id))", "name": $0.name,
                        "current": selected == $0.id,
                    ] as [String: Any]
                },
            "hasRoles": !roles.isEmpty,
            "roles": roles.map { role in
                let current = role.shifts.first { $0.start <= from && from < $0.end }
                return [
                    "anchor": "role-\(role.id)", "name": role.name,
                    "caption": t(.onCallCaption, ["role": role.name, "n": "\(days)"]),
                    "nowGap": current?.isGap ?? true,
                    "now": current.map { $0.persons.map(who).joined(separator: ", ") } ?? "",
                    "until": current.map { Self.short($0.end, lang) } ?? "",
                    "untilDatetime": current.map { Copenhagen.format($0.end) } ?? "",
                    "shifts": role.shifts.map { shift in
                        [
                            "rowClass": shift.isGap
                                ? "gap" : (shift.persons.contains { $0.covering != nil } ? "cover" : "duty"),
                            "gap": shift.isGap, "start": time(shift.start), "end": time(shift.end),
                            "persons": shift.persons.enumerated().map { index, duty in
                                [
                                    "who": who(duty), "covering": duty.covering != nil,
                                    "separator": index > 0 ? ", " : false,
                                ] as [String: Any]
                            },
                        ] as [String: Any]
                    },
                ] as [String: Any]
            },
        ]
        return Layout.view(context, title: t(.onCallTitle), keys)
    }

    /// A time short enough for a phone's table: `tir 24.03 07:00`, `Tue 24 Mar 07:00`.
    static func short(_ instant: Instant, _ lang: Language) -> String {
        let local = Copenhagen.local(instant)
        let clock = WeeklyWindow.clock(local.minutes)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        switch lang {
        case .da:
            let day = ["man", "tir", "ons", "tor", "fre", "lør", "søn"][local.weekday.rawValue]
            return "\(day) \(two(local.day)).\(two(local.month)) \(clock)"
        case .en:
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            return "\(local.weekday.shortName) \(local.day) \(months[local.month - 1]) \(clock)"
        }
    }
}

extension OnCallPage: WebPage {}
