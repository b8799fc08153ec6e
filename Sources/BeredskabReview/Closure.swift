import BeredskabRules
import BeredskabTime

/// Why an institution closed, as OKF groups it.
public enum ClosureReason: String, CaseIterable, Sendable, Codable {
    case staffSafety = "staff-safety"
    case policeAdvice = "police-advice"
    case damage
    case other
}

/// What was done to keep an institution open or to reopen it.
public enum Mitigation: String, CaseIterable, Sendable, Codable {
    case extraStaff = "extra-staff"
    case policePresence = "police-presence"
    case activityMoved = "activity-moved"
    case hoursChanged = "hours-changed"
}

/// A closure of an institution, or a near miss (closure considered, institution stayed open).
public struct ClosureRecord: Sendable, Equatable {
    public var id: Int64
    public var institution: String
    public var from: Instant
    /// Nil while still closed.
    public var to: Instant?
    public var partial: Bool
    public var reason: ClosureReason
    public var reasonText: String
    public var decidedBy: String
    public var incidents: [String]
    /// Whether the institution is vital (samfundsvigtig), as recorded when the closure was.
    public var vital: Bool
    public var mitigations: [Mitigation]
    /// Closure considered, institution stayed open.
    public var nearMiss: Bool

    /// Creates a record.
    public init(
        id: Int64 = 0, institution: String, from: Instant, to: Instant? = nil, partial: Bool = false,
        reason: ClosureReason = .other, reasonText: String, decidedBy: String, incidents: [String] = [],
        vital: Bool, mitigations: [Mitigation] = [], nearMiss: Bool = false
    ) {
        self.id = id
        self.institution = institution
        self.from = from
        self.to = to
        self.partial = partial
        self.reason = reason
        self.reasonText = reasonText
        self.decidedBy = decidedBy
        self.incidents = incidents
        self.vital = vital
        self.mitigations = mitigations
        self.nearMiss = nearMiss
    }

    /// Seconds closed within a period: clipped to it, and up to `now` (or the period's end) while still closed.
    public func closedSeconds(in period: Range<Instant>, now: Instant) -> Int {
        guard !nearMiss else { return 0 }
        let end = min(to ?? now, period.upperBound)
        let start = max(from, period.lowerBound)
        return max(0, end.seconds - start.seconds)
    }
}

/// An incident as the review counts it.
public struct ReviewIncident: Sendable, Equatable {
    public var id: String
    public var category: Category
    public var area: String?
    public var occurredAt: Instant
    /// Whether any guideline watched institutions for it.
    public var watched: Bool

    /// Creates one.
    public init(id: String, category: Category, area: String?, occurredAt: Instant, watched: Bool) {
        self.id = id
        self.category = category
        self.area = area
        self.occurredAt = occurredAt
        self.watched = watched
    }
}
