import BeredskabRules
import BeredskabTime

/// Which guidelines a report of one organisation can fire, decided from the conditions alone.
///
/// A condition is first specialised to the reporting organisation's kind (its `reporter` tests become
/// true or false), then tried in every case that can tell its tests apart: each category, each severity
/// it names, each combination of the flags it names, each area (and none, when the report cannot be
/// placed), each stretch of the week between the edges of its windows, and each combination of its count
/// tests (`at least N incidents …`) being met or not; a count the report itself meets (N of 1 in its
/// own category) is always met. Count tests are taken as independent of one another, so a guideline
/// whose condition needs two count tests that contradict each other would be listed although no report
/// fires it; the demo has none, and `HandbookTests` checks the result against the engine itself.
public enum HandbookConditions {
    /// A condition with the reporter's kind decided: a constant, or what is left to test.
    public enum Specialised: Sendable {
        case constant(Bool)
        case open(Condition)
    }

    /// The condition with every `reporter` test replaced by its value for this kind, simplified.
    public static func specialise(_ condition: Condition, reporter: OrganisationKind) -> Specialised {
        switch condition {
        case .reporter(let kinds): return .constant(kinds.contains(reporter))
        case .always: return .constant(true)
        case .not(let inner):
            switch specialise(inner, reporter: reporter) {
            case .constant(let value): return .constant(!value)
            case .open(let rest): return .open(.not(rest))
            }
        case .and(let parts), .or(let parts):
            let isAnd: Bool
            if case .and = condition { isAnd = true } else { isAnd = false }
            var open: [Condition] = []
            for part in parts {
                switch specialise(part, reporter: reporter) {
                case .constant(let value):
                    // false in an `and`, true in an `or`, decides it; the other constant drops out.
                    if value != isAnd { return .constant(value) }
                case .open(let rest): open.append(rest)
                }
            }
            if open.isEmpty { return .constant(isAnd) }
            if open.count == 1 { return .open(open[0]) }
            return .open(isAnd ? .and(open) : .or(open))
        default: return .open(condition)
        }
    }

    /// The year whose holidays are tried for windows that name holidays.
    static let referenceYear = 2026

    /// Whether some report (of the kind the condition was specialised to) makes the condition true.
    public static func canFire(_ condition: Specialised, rules: RuleSet) -> Bool {
        switch condition {
        case .constant(let value): return value
        case .open(let rest): return satisfiable(rest, rules: rules)
        }
    }

    /// What a condition's tests look at, collected once.
    struct Atoms {
        var severities = false
        var flags = Set<IncidentFlag>()
        var areas = false
        var edges = Set<Int>()
        /// Wall-clock minutes on holidays and listed dates (and the mornings after) at which a
        /// window with such lines may change: these days are tried besides an ordinary week.
        var specialMinutes = Set<Int>()
        var counts: [Correlation] = []

        init(_ condition: Condition) { walk(condition) }

        mutating func walk(_ condition: Condition) {
            switch condition {
            case .and(let parts), .or(let parts):
                for part in parts { walk(part) }
            case .not(let inner): walk(inner)
            case .severity: severities = true
            case .flag(let flag): flags.insert(flag)
            case .area: areas = true
            case .during(let window):
                for interval in window.weekly.intervals {
                    edges.insert(interval.lowerBound % minutesPerWeek)
                    edges.insert(interval.upperBound % minutesPerWeek)
                }
                guard !window.isWeeklyOnly else { break }
                // Every minute of the day at which the window's own lines or its weekly part can change.
                var dayEdges: Set<Int> = [0]
                for interval in window.holidayIntervals + window.dateIntervals.values.flatMap({ $0 }) {
                    dayEdges.insert(((interval.lowerBound % 1440) + 1440) % 1440)
                    dayEdges.insert(((interval.upperBound % 1440) + 1440) % 1440)
                }
                for interval in window.weekly.intervals {
                    dayEdges.insert(interval.lowerBound % 1440)
                    dayEdges.insert(interval.upperBound % 1440)
                }
                // The holidays of one reference year, and the listed dates, with the days after them
                // (a span crossing midnight runs into the next morning).
                let days =
                    window.calendar.holidays(in: HandbookConditions.referenceYear).map(\.date.daysSinceEpoch)
                    + window.dateIntervals.keys
                for day in days {
                    for edge in dayEdges {
                        specialMinutes.insert(day * 1440 + edge)
                        specialMinutes.insert((day + 1) * 1440 + edge)
                    }
                }
            case .correlation(let c):
                counts.append(c)
                if c.sameArea { areas = true }
            case .category, .reporter, .always: break
            }
        }
    }

    /// One imagined report: what each test sees.
    struct World {
        var category: Category
        var severity: IncidentSeverity
        var flags: Set<IncidentFlag>
        /// The placed area's id, or nil when unplaced.
        var area: String?
        /// The wall-clock minute (minutes since 1970-01-01 00:00 local) the report happened at.
        var wall: Int
        /// Whether the history meets each count test, in the order the tests are walked.
        var counts: [Bool]
    }

    static func satisfiable(_ condition: Condition, rules: RuleSet) -> Bool {
        let atoms = Atoms(condition)
        let severities = atoms.severities ? IncidentSeverity.allCases : [.moderate]
        let flagList = IncidentFlag.allCases.filter(atoms.flags.contains)
        let flagSets = (0..<(1 << flagList.count)).map { mask in
            Set(flagList.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
        }
        let areas: [String?] = atoms.areas ? rules.areas.keys.sorted().map { Optional($0) } + [nil] : [nil]
        // An ordinary week (7 September 2026 onwards has no holiday), then the special days.
        let ordinary = LocalDateTime(year: 2026, month: 9, day: 7, minutes: 0).minutesSinceEpoch
        let minutes =
            (atoms.edges.isEmpty ? [0] : atoms.edges.sorted()).map { ordinary + $0 } + atoms.specialMinutes.sorted()
        let countCases = 1 << atoms.counts.count
        for category in Category.allCases {
            for severity in severities {
                for flags in flagSets {
                    for area in areas {
                        for minute in minutes {
                            for mask in 0..<countCases {
                                let world = World(
                                    category: category, severity: severity, flags: flags, area: area,
                                    wall: minute,
                                    counts: atoms.counts.indices.map { mask & (1 << $0) != 0 })
                                var next = 0
                                if truth(condition, world, rules, &next) == true { return true }
                            }
                        }
                    }
                }
            }
        }
        return false
    }

    /// The condition's value in the world, in the engine's three-valued logic (nil: it depends on the
    /// area of an unplaced report). Every part is evaluated, so `next` walks the count tests in order.
    static func truth(_ condition: Condition, _ world: World, _ rules: RuleSet, _ next: inout Int) -> Bool? {
        switch condition {
        case .and(let parts):
            let values = parts.map { truth($0, world, rules, &next) }
            if values.contains(false) { return false }
            return values.contains(where: { $0 == nil }) ? nil : true
        case .or(let parts):
            let values = parts.map { truth($0, world, rules, &next) }
            if values.contains(true) { return true }
            return values.contains(where: { $0 == nil }) ? nil : false
        case .not(let inner): return truth(inner, world, rules, &next).map(!)
        case .category(let set): return set.contains(world.category)
        case .area(let ids):
            guard let area = world.area else { return nil }
            return ids.contains { rules.area(area, isWithin: $0) }
        case .severity(let atLeast, let level): return atLeast ? world.severity >= level : world.severity == level
        case .flag(let flag): return world.flags.contains(flag)
        case .reporter: return false
        case .during(let window): return window.contains(wallMinute: world.wall)
        case .correlation(let c):
            let index = next
            next += 1
            let seen = c.categories.map { $0.contains(world.category) } ?? true
            if seen && c.count <= 1 { return true }
            if c.sameArea && world.area == nil { return nil }
            return world.counts[index]
        case .always: return true
        }
    }
}
