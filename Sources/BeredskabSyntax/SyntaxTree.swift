/// One declaration in a file, as written.
public enum Declaration: Sendable {
    case area(AreaSyntax)
    case role(RoleSyntax)
    case window(WindowSyntax)
    case guideline(GuidelineSyntax)
    case organisation(OrganisationSyntax)
    case person(PersonSyntax)
    case rota(RotaSyntax)
    case override(OverrideSyntax)
    case institution(InstitutionSyntax)
    case holidays(HolidaysSyntax)
}

/// The declaration keywords, in the order the reference lists them.
public let declarationKeywords = [
    "area", "role", "window", "guideline", "organisation", "person", "rota", "override", "institution", "holidays",
]

/// A point given as latitude and longitude in degrees.
public struct PointSyntax: Sendable {
    /// Latitude in degrees.
    public var lat: Double
    /// Longitude in degrees.
    public var lon: Double
    /// Where the pair was written.
    public var span: Span
}

/// One street, or the house numbers of one, claimed by an area: `"Nørrebrogade" 1-69 odd`.
public struct StreetSyntax: Sendable {
    /// The street's name as written in quotes.
    public var name: Located<String>
    /// The first house number of the claim, if it is limited to a range.
    public var from: Located<Int>?
    /// The last house number of the claim (the same as `from` for a single number).
    public var to: Located<Int>?
    /// `odd` or `even` as written, if the claim is limited to one side of the street.
    public var side: Name?
    /// The whole claim.
    public var span: Span
}

/// `area id "Name" { within …; polygon […]; streets "…", … }`
public struct AreaSyntax: Sendable {
    public var id: Name
    public var title: Located<String>?
    public var parent: Name?
    public var polygon: Located<[PointSyntax]>?
    /// The streets claimed, from every `streets` statement in order.
    public var streets: [StreetSyntax] = []
    /// Whether a statement in it had a syntax error; checks for missing statements then stay quiet.
    public var incomplete = false
}

/// `role id "Name" { duty "…"; authority only }`
public struct RoleSyntax: Sendable {
    public var id: Name
    public var title: Located<String>?
    public var duty: Located<String>?
    public var authorityOnly: Span?
    /// Whether a statement in it had a syntax error; checks for missing statements then stay quiet.
    public var incomplete = false
}

/// One line of a window: days (or `holidays`, or a date) and optional times.
public struct TimeSpanSyntax: Sendable {
    /// The day or days, such as `mon`, `mon-fri`, `daily`, `weekends`, or `holidays`; for a date line,
    /// the date as written, without quotes.
    public var days: Name
    /// The date of a line that starts with one (`"2026-12-24" 12:00-24:00`), as written.
    public var date: Located<String>? = nil
    /// Minutes after midnight the span starts, if given.
    public var from: Located<Int>?
    /// Minutes after midnight the span ends, if given.
    public var to: Located<Int>?
    /// The whole line.
    public var span: Span
}

/// A reference to a window: either a window id or spans written in place.
public enum WindowReferenceSyntax: Sendable {
    case named(Name)
    case inline([TimeSpanSyntax], Span)

    /// Where the reference was written.
    public var span: Span {
        switch self {
        case .named(let name): name.span
        case .inline(_, let span): span
        }
    }
}

/// `window id "Name" { mon-fri 17:00-08:00 … }`
public struct WindowSyntax: Sendable {
    public var id: Name
    public var title: Located<String>?
    public var spans: [TimeSpanSyntax]
    /// Where `except holidays` was written, if it was: the weekly lines then do not apply on holidays.
    public var exceptHolidays: Span? = nil
    public var span: Span
    /// Whether a line in it had a syntax error.
    public var incomplete = false
}

/// A condition of a guideline's `when`.
public indirect enum ConditionSyntax: Sendable {
    case and([ConditionSyntax], Span)
    case or([ConditionSyntax], Span)
    case not(ConditionSyntax, Span)
    case category([Name], Span)
    case area([Name], Span)
    case severity(atLeast: Bool, Name, Span)
    case flag(Name, Span)
    case reporter([Name], Span)
    case during(WindowReferenceSyntax, Span)
    case correlation(CorrelationSyntax, Span)
    case always(Span)

    /// Where the condition was written.
    public var span: Span {
        switch self {
        case .and(_, let s), .or(_, let s), .not(_, let s), .category(_, let s), .area(_, let s),
            .severity(_, _, let s), .flag(_, let s), .reporter(_, let s), .during(_, let s),
            .correlation(_, let s), .always(let s):
            s
        }
    }
}

/// `at least N incidents [of …] [in same area] within D`
public struct CorrelationSyntax: Sendable {
    public var count: Located<Int>
    public var categories: [Name]?
    public var sameArea: Bool
    public var within: Located<Int>
}

/// `notify roles [after D] [with personal details]` or `notify reporter [after D]`.
public struct NotifySyntax: Sendable {
    /// The roles told; empty for `notify reporter`.
    public var roles: [Name]
    /// Set for `notify reporter`.
    public var reporter: Span?
    public var after: Located<Int>?
    public var personalDetails: Span?
    public var span: Span
}

/// `escalate to roles if unacknowledged for D [repeat N times] [with personal details]`
public struct EscalateSyntax: Sendable {
    public var roles: [Name]
    public var after: Located<Int>
    public var repeats: Located<Int>?
    public var personalDetails: Span?
    public var span: Span
}

/// `task "text" for role within D [escalate to roles if overdue]`
public struct TaskSyntax: Sendable {
    public var text: Located<String>
    public var role: Name
    public var within: Located<Int>
    public var escalateTo: [Name]
    public var span: Span
}

/// `watch kinds in (incident area | area) for D [confirm within D]`
public struct WatchSyntax: Sendable {
    public var kinds: [Name]
    /// The area id, or nil for `incident area`.
    public var area: Name?
    public var duration: Located<Int>
    public var confirmWithin: Located<Int>?
    public var span: Span
}

/// `message lang "text"`; `raw` is the string token's span, for pointing into the text.
public struct MessageSyntax: Sendable {
    public var language: Name
    public var text: Located<String>
    public var span: Span
}

/// `guideline id "Title" { … }`
public struct GuidelineSyntax: Sendable {
    public var id: Name
    public var title: Located<String>?
    public var priority: Name?
    public var when: ConditionSyntax?
    public var mergeWithin: Located<Int>?
    public var activeFor: Located<Int>?
    public var suppresses: [Name] = []
    public var notifications: [NotifySyntax] = []
    public var escalations: [EscalateSyntax] = []
    public var tasks: [TaskSyntax] = []
    public var watches: [WatchSyntax] = []
    public var messages: [MessageSyntax] = []
    /// Whether a statement in it had a syntax error; checks for missing statements then stay quiet.
    public var incomplete = false
}

/// `organisation id "Name" { kind … }`
public struct OrganisationSyntax: Sendable {
    public var id: Name
    public var title: Located<String>?
    public var kind: Name?
    /// Whether a statement in it had a syntax error; checks for missing statements then stay quiet.
    public var incomplete = false
}

/// A contact channel as written: `email`, `sms` or `webhook` and its address.
public struct ChannelSyntax: Sendable {
    public var kind: Name
    public var address: Located<String>
}

/// `person id "Name" { … }`
public struct PersonSyntax: Sendable {
    public var id: Name
    public var title: Located<String>?
    public var organisation: Name?
    public var channels: [ChannelSyntax] = []
    public var language: Name?
    public var roles: [Name] = []
    public var keyPerson: Span?
    /// Whether a statement in it had a syntax error; checks for missing statements then stay quiet.
    public var incomplete = false
}

/// How a rota hands over: weekly on a day at a time, or daily at a time.
public struct HandoverSyntax: Sendable {
    /// The day for weekly handovers; nil for daily.
    public var day: Name?
    public var time: Located<Int>
    public var span: Span
}

/// `rota id "Name" { … }`
public struct RotaSyntax: Sendable {
    public var id: Name
    public var title: Located<String>?
    public var role: Name?
    public var members: [Name] = []
    public var membersSpan: Span?
    public var handover: HandoverSyntax?
    public var covers: WindowReferenceSyntax?
    public var starting: Located<String>?
    /// Whether a statement in it had a syntax error; checks for missing statements then stay quiet.
    public var incomplete = false
}

/// `override a covers b from "…" to "…" [because "…"]`
public struct OverrideSyntax: Sendable {
    public var substitute: Name
    public var absent: Name
    public var from: Located<String>
    public var to: Located<String>
    public var reason: Located<String>?
    public var span: Span
}

/// `institution id "Name" { … }`
public struct InstitutionSyntax: Sendable {
    public var id: Name
    public var title: Located<String>?
    public var kind: Name?
    public var administration: Name?
    public var area: Name?
    public var vital: Span?
    public var leader: Name?
    /// Whether a statement in it had a syntax error; checks for missing statements then stay quiet.
    public var incomplete = false
}

/// One date a deployment adds to its holidays: `date "12-24" "Juleaften"` (every year) or
/// `date "2026-12-31" "Nytårsaften 2026"` (once).
public struct HolidayDateSyntax: Sendable {
    /// `MM-DD` or `YYYY-MM-DD`, as written inside the quotes.
    public var date: Located<String>
    /// The holiday's name.
    public var name: Located<String>?
    /// The whole statement.
    public var span: Span
}

/// `holidays { danish  date "12-24" "Juleaften" … }`: the holidays that windows' `holidays` lines mean.
public struct HolidaysSyntax: Sendable {
    /// Where `danish` (Denmark's ten public holidays) was written, if it was.
    public var danish: Span?
    /// The dates added.
    public var dates: [HolidayDateSyntax] = []
    /// The `holidays` keyword.
    public var keyword: Span
    /// Whether a statement in it had a syntax error.
    public var incomplete = false
}
