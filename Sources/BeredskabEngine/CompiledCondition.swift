import BeredskabRules
import BeredskabTime

/// The facts about one incident that conditions are tested against, computed once per evaluation.
struct Facts {
    var category: Category
    var categoryBit: UInt32
    var severity: IncidentSeverity
    var flags: Set<IncidentFlag>
    var reporterKind: OrganisationKind?
    var occurredAt: Instant
    /// Minutes after Monday 00:00, on the zone's wall clock.
    var minuteOfWeek: Int
    /// Minutes since 1970-01-01 00:00 on the zone's wall clock: the date, for holidays.
    var wall: Int
    var area: Int?
    /// The placed area's id, for the baseline that works on ids.
    var areaID: String?
    /// The area and its ancestors; empty when unplaced.
    var lineage: [Int]
    /// Earlier incidents.
    var history: IncidentHistory
    /// The incident this report merged into: it stands for that incident, which correlation
    /// windows then do not count a second time.
    var merged: String?

    /// The earlier incidents in order of occurrence, the merged one left out: for the baseline.
    var list: [HistoryIncident] { history.incidents.filter { $0.id != merged } }
}

/// A condition with ids resolved to indices and category sets to bit masks.
indirect enum CompiledCondition: Sendable {
    case and([CompiledCondition])
    case or([CompiledCondition])
    case not(CompiledCondition)
    case categories(UInt32)
    case areas([Int])
    case severity(atLeast: Bool, IncidentSeverity)
    case flag(IncidentFlag)
    case reporter(Set<OrganisationKind>)
    case during(TimeWindow)
    case correlation(count: Int, categories: UInt32, sameArea: Bool, within: Int)
    case always

    static func bits(_ categories: Set<Category>) -> UInt32 {
        categories.reduce(0) { $0 | bit($1) }
    }

    static func bit(_ category: Category) -> UInt32 {
        1 << UInt32(Category.allCases.firstIndex(of: category)!)
    }

    init(_ condition: Condition, areas: AreaMap) {
        switch condition {
        case .and(let parts): self = .and(parts.map { CompiledCondition($0, areas: areas) })
        case .or(let parts): self = .or(parts.map { CompiledCondition($0, areas: areas) })
        case .not(let inner): self = .not(CompiledCondition(inner, areas: areas))
        case .category(let set): self = .categories(Self.bits(set))
        case .area(let ids): self = .areas(ids.compactMap { areas.index[$0] })
        case .severity(let atLeast, let level): self = .severity(atLeast: atLeast, level)
        case .flag(let flag): self = .flag(flag)
        case .reporter(let kinds): self = .reporter(kinds)
        case .during(let window): self = .during(window)
        case .correlation(let c):
            self = .correlation(
                count: c.count, categories: c.categories.map(Self.bits) ?? UInt32.max, sameArea: c.sameArea,
                within: c.within)
        case .always: self = .always
        }
    }

    /// Whether the condition holds. An incident that could not be placed lies neither inside nor
    /// outside any area, so a condition that depends on its area is unknown: `area X` and
    /// `not area X` alike.
    func holds(_ facts: Facts, _ map: AreaMap) -> Bool { truth(facts, map) == true }

    /// The condition's value in three-valued logic: nil when it depends on the area of an unplaced
    /// incident. `and` is false when any part is false, `or` true when any part is true.
    func truth(_ facts: Facts, _ map: AreaMap) -> Bool? {
        switch self {
        case .and(let parts): return Truth.all(parts) { $0.truth(facts, map) }
        case .or(let parts): return Truth.any(parts) { $0.truth(facts, map) }
        case .not(let inner): return inner.truth(facts, map).map(!)
        case .categories(let mask): return mask & facts.categoryBit != 0
        case .areas(let wanted):
            guard facts.area != nil else { return nil }
            return wanted.contains { facts.lineage.contains($0) }
        case .severity(let atLeast, let level): return atLeast ? facts.severity >= level : facts.severity == level
        case .flag(let flag): return facts.flags.contains(flag)
        case .reporter(let kinds): return facts.reporterKind.map(kinds.contains) ?? false
        case .during(let window): return window.contains(wallMinute: facts.wall, minuteOfWeek: facts.minuteOfWeek)
        case .correlation(let count, let mask, let sameArea, let within):
            let seen = mask & facts.categoryBit != 0 ? 1 : 0
            if seen >= count { return true }
            // Which earlier incidents were in the same area is unknown for an unplaced one.
            if sameArea && facts.area == nil { return nil }
            let earlier = facts.history.count(
                categories: mask, areas: sameArea ? facts.area.map { map.relatedIDs[$0] } : nil,
                from: IncidentHistory.before(facts.occurredAt.seconds, within), through: facts.occurredAt.seconds,
                skipping: facts.merged)
            return seen + earlier >= count
        case .always: return true
        }
    }

    /// Categories every match must have, if the condition requires some: for the index.
    var requiredCategories: UInt32? {
        switch self {
        case .categories(let mask): return mask
        case .and(let parts): return parts.compactMap(\.requiredCategories).reduce(nil) { ($0 ?? UInt32.max) & $1 }
        default: return nil
        }
    }

    /// Areas one of which every match must lie in, if the condition requires some: for the index.
    var requiredAreas: [Int]? {
        switch self {
        case .areas(let areas): return areas
        case .and(let parts): return parts.lazy.compactMap(\.requiredAreas).first
        default: return nil
        }
    }
}

/// Three-valued `and` and `or` (nil for unknown), as conditions on an unplaced incident need.
enum Truth {
    /// False if any part is false, else unknown if any is unknown, else true; parts after the first
    /// false one are not evaluated. (A plain loop: lazily mapped sequences of recursive calls here
    /// crashed the debug build's test process.)
    static func all<Part>(_ parts: [Part], _ value: (Part) -> Bool?) -> Bool? {
        var unknown = false
        for part in parts {
            switch value(part) {
            case false?: return false
            case nil: unknown = true
            case true?: continue
            }
        }
        return unknown ? nil : true
    }

    /// True if any part is true, else unknown if any is unknown, else false: `not all not` (De
    /// Morgan), stopping at the first true part.
    static func any<Part>(_ parts: [Part], _ value: (Part) -> Bool?) -> Bool? {
        all(parts) { value($0).map(!) }.map(!)
    }
}
