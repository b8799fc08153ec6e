import BeredskabSyntax
import BeredskabTime

/// A point on the globe in degrees.
public struct Coordinate: Sendable, Equatable {
    /// Latitude in degrees.
    public var lat: Double
    /// Longitude in degrees.
    public var lon: Double

    /// Creates a coordinate.
    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }
}

/// A named area; areas nest (estate ⊂ district ⊂ city).
public struct Area: Sendable {
    public var id: Name
    public var name: String
    public var parent: Name?
    public var polygon: [Coordinate]
    /// The streets, or house numbers of streets, that lie in it (nested areas' streets included
    /// implicitly); a report with only an address is placed by them.
    public var streets: [StreetClaim] = []
}

/// A role someone fills in a crisis, with its duty.
public struct Role: Sendable {
    public var id: Name
    public var name: String
    public var duty: String
    /// Whether only persons of authority organisations may hold it (§115).
    public var authorityOnly: Bool
}

/// A named window of local time: weekly hours, holidays and dates, on the deployment zone's clock.
public struct Window: Sendable {
    public var id: Name
    public var name: String
    /// When the window is open.
    public var times: TimeWindow
}

/// A guideline's condition, resolved and checked.
public indirect enum Condition: Sendable {
    case and([Condition])
    case or([Condition])
    case not(Condition)
    case category(Set<Category>)
    /// Areas by id; nested areas are included when evaluating.
    case area([String])
    case severity(atLeast: Bool, IncidentSeverity)
    case flag(IncidentFlag)
    case reporter(Set<OrganisationKind>)
    case during(TimeWindow)
    case correlation(Correlation)
    case always
}

/// "At least N incidents (of these categories) (in the same area) within a period."
public struct Correlation: Sendable {
    public var count: Int
    /// Nil means any category.
    public var categories: Set<Category>?
    public var sameArea: Bool
    /// Seconds.
    public var within: Int
}

/// Who a notification goes to.
public enum Recipients: Sendable {
    /// Whoever is on duty in these roles.
    case roles([Name])
    /// The reporting organisation's key persons.
    case reporter
}

/// `notify …`
public struct NotifyAction: Sendable {
    public var recipients: Recipients
    /// Seconds after the incident.
    public var delay: Int
    public var tier: ContentTier
    public var span: Span
}

/// `escalate to … if unacknowledged for …`
public struct EscalateAction: Sendable {
    public var roles: [Name]
    /// Seconds without acknowledgement before escalating, and between repeats.
    public var after: Int
    public var repeats: Int
    public var tier: ContentTier
    public var span: Span
}

/// `task "…" for role within …`
public struct TaskAction: Sendable {
    public var text: String
    public var role: Name
    /// Seconds from the incident to the deadline.
    public var within: Int
    public var escalateTo: [Name]
    public var span: Span
}

/// `watch kinds in area for …`
public struct WatchAction: Sendable {
    public var kinds: Set<InstitutionKind>
    /// Area id, or nil for the incident's own area.
    public var area: Name?
    /// Seconds the watch lasts.
    public var duration: Int
    /// Seconds the leaders have to confirm.
    public var confirmWithin: Int
    public var span: Span
}

/// A guideline: when it applies and what must happen.
public struct Guideline: Sendable {
    public var id: Name
    public var title: String
    public var priority: Priority
    public var condition: Condition
    /// Seconds within which same-category reports in the same area merge.
    public var mergeWithin: Int?
    /// Seconds the guideline stays active for its area after firing.
    public var activeFor: Int
    public var suppresses: [Name]
    public var notifications: [NotifyAction]
    public var escalations: [EscalateAction]
    public var tasks: [TaskAction]
    public var watches: [WatchAction]
    public var messages: [Language: String]

    /// Every role this guideline notifies, escalates to or gives a task, with where it was named.
    public var rolesUsed: [Name] {
        var names: [Name] = []
        for notification in notifications {
            if case .roles(let roles) = notification.recipients { names += roles }
        }
        for escalation in escalations { names += escalation.roles }
        for task in tasks { names += [task.role] + task.escalateTo }
        return names
    }
}

/// The checked rules: areas, roles, windows and guidelines, by id.
public struct RuleSet: Sendable {
    public var areas: [String: Area] = [:]
    public var roles: [String: Role] = [:]
    public var windows: [String: Window] = [:]
    /// The holidays of the `holidays` block; without one, Denmark's ten public holidays.
    public var holidays = HolidayCalendar.danish
    /// Where the `holidays` block was declared, if there is one.
    public var holidaysSpan: Span?
    /// Guidelines in the order they were declared.
    public var guidelines: [Guideline] = []
    /// Index into `guidelines` by id.
    public var guidelineIndex: [String: Int] = [:]

    /// Creates an empty rule set.
    public init() {}

    /// Whether area `inner` is `outer` or lies within it, following parents by id.
    public func area(_ inner: String, isWithin outer: String) -> Bool {
        var current: String? = inner
        var steps = 0
        while let id = current, steps <= areas.count {
            if id == outer { return true }
            current = areas[id]?.parent?.value
            steps += 1
        }
        return false
    }

    /// The guideline with this id.
    public func guideline(_ id: String) -> Guideline? {
        guidelineIndex[id].map { guidelines[$0] }
    }
}
