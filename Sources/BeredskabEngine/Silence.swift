import BeredskabRules
import BeredskabTime

/// A coordinator's decision that, for a period, matching guidelines send nothing (a permitted event,
/// known fireworks on New Year's Eve). Reports are still recorded and evaluated; a guideline a silence
/// covers is listed in the plan's `silenced` instead of `fired`, so it sets no notifications, tasks,
/// watches or escalations, and it does not count as fired for the incident: a later report that
/// merges into the incident after the silence ended (or that the silence does not cover) fires it then.
///
/// Modelled on Prometheus Alertmanager's silences (`startsAt`, `endsAt`, `createdBy`, `comment`,
/// expiring early, editing as expire and create); the matcher is either a guideline id or a category,
/// each optionally limited to an area (which covers its sub-areas, as rules' `area` does).
public struct Silence: Sendable, Equatable {
    /// The store's id (0 before it is stored).
    public var id: Int64
    /// What it matches: a guideline id, or (when nil) every guideline a report of ``category`` fires.
    public var guideline: String?
    /// The category whose reports it covers, when it matches by category rather than guideline.
    public var category: Category?
    /// The area (with its sub-areas) it is limited to; nil for everywhere. An incident that could not
    /// be placed is never inside an area-limited silence.
    public var area: String?
    /// Active for `startsAt <= at < endsAt`, `at` being when a report is evaluated (UTC instants).
    public var startsAt: Instant
    public var endsAt: Instant
    /// Why (required): shown wherever the silence is.
    public var reason: String
    /// Who created it: the API principal's actor (`token:…`, `person:…`) or `cli:<user>`.
    public var createdBy: String
    public var createdAt: Instant
    /// Whether the creator confirmed that it covers `critical` guidelines.
    public var confirmCritical: Bool
    /// When it was expired early, and by whom; nil while it runs its course.
    public var expiredAt: Instant?
    public var expiredBy: String?

    /// Creates a silence.
    public init(
        id: Int64 = 0, guideline: String? = nil, category: Category? = nil, area: String? = nil, startsAt: Instant,
        endsAt: Instant, reason: String, createdBy: String, createdAt: Instant, confirmCritical: Bool = false,
        expiredAt: Instant? = nil, expiredBy: String? = nil
    ) {
        self.id = id
        self.guideline = guideline
        self.category = category
        self.area = area
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.confirmCritical = confirmCritical
        self.expiredAt = expiredAt
        self.expiredBy = expiredBy
    }

    /// As Alertmanager: `pending` before it starts, `active` while it runs, `expired` after it ends.
    public enum State: String, Sendable, CaseIterable {
        case pending, active, expired
    }

    /// When it stops covering anything: its end, or the moment it was expired early if sooner.
    public var effectiveEnd: Instant {
        guard let expiredAt else { return endsAt }
        return min(expiredAt, endsAt)
    }

    /// Its state at a moment: active for `startsAt <= at < effectiveEnd`. A silence expired before it
    /// started is expired, never pending.
    public func state(at time: Instant) -> State {
        if time >= effectiveEnd { return .expired }
        if let expiredAt, expiredAt <= startsAt { return .expired }
        return time < startsAt ? .pending : .active
    }

    /// The longest a silence may last: 7 days.
    public static let maximumDuration = 7 * 86_400
}

/// A guideline a silence kept from firing, in the plan's `silenced`.
public struct SilencedGuideline: Sendable, Equatable {
    public var guideline: String
    /// The silence's id.
    public var silence: Int64
    public var reason: String

    /// Creates an entry.
    public init(guideline: String, silence: Int64, reason: String) {
        self.guideline = guideline
        self.silence = silence
        self.reason = reason
    }
}

/// What is wrong with a silence about to be created, and which `critical` guidelines it would cover.
public struct SilenceCheck: Sendable, Equatable {
    /// Problems by JSON path (`$.guideline`, `$.ends_at`, …); empty when it may be created.
    public var problems: [ReportProblem]
    /// The `critical` guidelines it may cover, in declaration order: it needs `confirm_critical`.
    public var critical: [String]
}

extension Engine {
    /// The guidelines a silence may cover, in declaration order: its guideline, or every guideline a
    /// report of its category could fire in its area, in an area within it, or anywhere (guidelines
    /// on any category or any area included). A superset where conditions test more than category
    /// and area, which is the safe side for the `critical` confirmation.
    public func guidelinesCovered(by silence: Silence) -> [String] {
        if let id = silence.guideline { return rules.guideline(id) == nil ? [] : [id] }
        guard let category = silence.category, let slot = Category.allCases.firstIndex(of: category) else { return [] }
        let width = areas.ids.count + 1
        var areaSlots = [areas.ids.count]
        if let area = silence.area.flatMap({ areas.index[$0] }) {
            // The area, its ancestors (a guideline on the city fires in it) and its descendants.
            areaSlots += areas.ids.indices.filter {
                areas.lineage[$0].contains(area) || areas.lineage[area].contains($0)
            }
        } else {
            areaSlots += areas.ids.indices
        }
        var found = Set<Int>()
        for c in [slot, Category.allCases.count] {
            for a in areaSlots { found.formUnion(buckets[c * width + a]) }
        }
        return found.sorted().map { rules.guidelines[$0].id.value }
    }

    /// Checks a silence before it is created: a guideline or a category (not both, not neither), ids
    /// the rules know, a reason, `endsAt` after `startsAt` and at most ``Silence/maximumDuration``
    /// later, not already over at `now`, and `confirmCritical` if it covers a `critical` guideline.
    public func check(_ silence: Silence, now: Instant) -> SilenceCheck {
        var problems: [ReportProblem] = []
        switch (silence.guideline, silence.category) {
        case (nil, nil):
            problems.append(ReportProblem("$.guideline", "give a guideline, or a category (with an area)"))
        case (.some, .some):
            problems.append(ReportProblem("$.category", "give a guideline or a category, not both"))
        case (let id?, nil) where rules.guideline(id) == nil:
            problems.append(ReportProblem("$.guideline", "unknown guideline '\(id)'"))
        default: break
        }
        if let area = silence.area, areas.index[area] == nil {
            problems.append(ReportProblem("$.area", "unknown area '\(area)'"))
        }
        if silence.reason.allSatisfy(\.isWhitespace) {
            problems.append(ReportProblem("$.reason", "required: why nothing is to be sent"))
        }
        if silence.endsAt <= silence.startsAt {
            problems.append(ReportProblem("$.ends_at", "must be after starts_at"))
        } else if silence.endsAt.seconds - silence.startsAt.seconds > Silence.maximumDuration {
            problems.append(ReportProblem("$.ends_at", "a silence lasts at most 7 days; create a new one after it"))
        } else if silence.endsAt <= now {
            problems.append(ReportProblem("$.ends_at", "is already past"))
        }
        let critical =
            problems.isEmpty
            ? guidelinesCovered(by: silence).filter { rules.guideline($0)?.priority == .critical } : []
        if !critical.isEmpty && !silence.confirmCritical {
            problems.append(
                ReportProblem(
                    "$.confirm_critical",
                    "the silence covers critical guidelines (\(critical.joined(separator: ", "))); "
                        + "set confirm_critical to true to silence them"))
        }
        return SilenceCheck(problems: problems, critical: critical)
    }

    /// For each matched guideline, the first silence (by id) active at `at` that covers it here.
    func silencing(_ matched: [Int], _ facts: Facts, silences: [Silence], at: Instant) -> [Int: Silence] {
        let active = silences.filter { $0.state(at: at) == .active }.sorted { $0.id < $1.id }
        guard !active.isEmpty else { return [:] }
        var result: [Int: Silence] = [:]
        for index in matched {
            let id = rules.guidelines[index].id.value
            for silence in active {
                if let guideline = silence.guideline {
                    guard guideline == id else { continue }
                } else {
                    guard silence.category == facts.category else { continue }
                }
                if let area = silence.area {
                    // An unplaced incident is inside no area: the silence does not cover it.
                    guard let wanted = areas.index[area], facts.lineage.contains(wanted) else { continue }
                }
                result[index] = silence
                break
            }
        }
        return result
    }
}
