import BeredskabRoster
import BeredskabRules
import BeredskabTime

/// Evaluates incident reports against a checked rule set and roster. Pure: no I/O and no clock;
/// the time and the history are inputs, and the same inputs always give the same plan.
public struct Engine: Sendable {
    public let rules: RuleSet
    public let roster: Roster
    public let areas: AreaMap
    public let duty: DutyTable
    /// The zone the rules' local times are read in: windows, rotas, calendar-day deadlines.
    public let zone: LocalZone
    let conditions: [CompiledCondition]
    /// Candidate guidelines by (category or any) × (area or any): `bucket(category, area)`.
    let buckets: [[Int]]
    /// For each guideline, the guidelines that suppress it.
    let suppressors: [[Int]]
    let keyPersons: [String: [String]]
    /// How far back, in seconds, any rule can look: the longest correlation window, active period of a
    /// suppressing guideline, or duplicate window. History older than this cannot change a plan.
    public let lookback: Int
    /// How far after an incident a duplicate of it can have occurred.
    public let lookahead: Int
    /// For each area, the institutions in it or in areas nested in it, sorted by id.
    let institutionsWithin: [[Institution]]

    /// How conditions are matched: through the index (the engine), or by scanning every guideline
    /// with the plain rule model (the baseline the benchmark compares against).
    public enum Strategy: Sendable {
        case indexed
        case naive
    }

    /// Compiles the rule set once: conditions, the category × area index, rota lookups. Local times
    /// are read in `zone`, by default the deployment's (`LocalTime.zone`).
    public init(rules: RuleSet, roster: Roster, zone: LocalZone = LocalTime.zone) {
        self.rules = rules
        self.roster = roster
        self.zone = zone
        let areas = AreaMap(rules)
        self.areas = areas
        duty = DutyTable(roster, zone: zone)
        conditions = rules.guidelines.map { CompiledCondition($0.condition, areas: areas) }
        let categories = Category.allCases.count
        var buckets = [[Int]](repeating: [], count: (categories + 1) * (areas.ids.count + 1))
        for (index, condition) in conditions.enumerated() {
            let categorySlots: [Int] =
                condition.requiredCategories.map { mask in
                    (0..<categories).filter { mask & (1 << UInt32($0)) != 0 }
                } ?? [categories]
            let areaSlots = condition.requiredAreas ?? [areas.ids.count]
            for c in categorySlots {
                for a in areaSlots { buckets[c * (areas.ids.count + 1) + a].append(index) }
            }
        }
        self.buckets = buckets
        var suppressors = [[Int]](repeating: [], count: rules.guidelines.count)
        for (index, guideline) in rules.guidelines.enumerated() {
            for target in guideline.suppresses {
                if let t = rules.guidelineIndex[target.value], t != index { suppressors[t].append(index) }
            }
        }
        self.suppressors = suppressors
        var keyPersons: [String: [String]] = [:]
        for id in roster.personOrder {
            let person = roster.persons[id]!
            if person.keyPerson { keyPersons[person.organisation.value, default: []].append(id) }
        }
        self.keyPersons = keyPersons
        var within = [[Institution]](repeating: [], count: areas.ids.count)
        for institution in roster.institutions.values.sorted(by: { $0.id.value < $1.id.value }) {
            guard let area = areas.index[institution.area.value] else { continue }
            for outer in areas.lineage[area] { within[outer].append(institution) }
        }
        institutionsWithin = within
        func windows(_ condition: Condition) -> [Int] {
            switch condition {
            case .and(let parts), .or(let parts): return parts.flatMap(windows)
            case .not(let inner): return windows(inner)
            case .correlation(let c): return [c.within]
            default: return []
            }
        }
        let merges = rules.guidelines.compactMap(\.mergeWithin)
        // An active period matters only to a guideline that suppresses others.
        lookback = rules.guidelines.flatMap { windows($0.condition) + ($0.suppresses.isEmpty ? [] : [$0.activeFor]) }
            .reduce(merges.max() ?? 0, max)
        lookahead = merges.max() ?? 0
    }

    /// Where a report is placed: its area id if given, else the smallest area containing its
    /// coordinates, else (with neither) the deepest area listing the street and number of its address.
    public func place(_ report: IncidentReport) -> Int? {
        if let area = report.location.area { return areas.index[area] }
        if let coordinate = report.location.coordinate { return areas.place(coordinate) }
        return report.location.address.flatMap { areas.place(address: $0) }
    }

    /// Why a report could not be placed, and which guidelines did not fire because their condition
    /// depends on the area: problems for the duty officer.
    func unplacedProblems(_ report: IncidentReport, _ facts: Facts, strategy: Strategy) -> [PlanProblem] {
        let location = report.location
        var why = "the incident could not be placed in an area"
        if let coordinate = location.coordinate {
            why += ": its coordinates (\(coordinate.lat), \(coordinate.lon)) lie in no area"
        } else if let address = location.address {
            why +=
                areas.hasStreets
                ? ": no area lists the street and house number of its address '\(address)'"
                : ": it has no area or coordinates, and no area lists streets to place its address '\(address)' by"
        }
        why += "; conditions on its area are unknown, so 'area …' and 'not area …' are neither true nor false"
        var problems = [PlanProblem(kind: "unplaced", message: why)]
        for (index, guideline) in rules.guidelines.enumerated() {
            let truth =
                strategy == .naive
                ? NaiveConditions.truth(guideline.condition, facts, rules) : conditions[index].truth(facts, areas)
            guard truth == nil else { continue }
            let named = Self.areaIDs(in: guideline.condition)
            let which = named.isEmpty ? "" : " (\(named.joined(separator: ", ")))"
            problems.append(
                PlanProblem(
                    kind: "unplaced",
                    message:
                        "guideline '\(guideline.id.value)' was not fired because its condition depends on the incident's area\(which), which is unknown"
                ))
        }
        return problems
    }

    /// The area ids a condition tests, in order, each once.
    static func areaIDs(in condition: Condition) -> [String] {
        var ids: [String] = []
        func walk(_ condition: Condition) {
            switch condition {
            case .and(let parts), .or(let parts): parts.forEach(walk)
            case .not(let inner): walk(inner)
            case .area(let named): ids += named.filter { !ids.contains($0) }
            default: break
            }
        }
        walk(condition)
        return ids
    }

    func facts(_ report: IncidentReport, history: IncidentHistory) -> Facts {
        // An exercise never meets a real incident, nor a real one an exercise: no merging,
        // correlation or suppression across (issue 12).
        let history = history.only(exercise: report.exercise)
        let area = place(report)
        let local = zone.local(report.occurredAt)
        return Facts(
            category: report.category, categoryBit: CompiledCondition.bit(report.category), severity: report.severity,
            flags: report.flags, reporterKind: roster.organisations[report.reporter.organisation]?.kind,
            occurredAt: report.occurredAt, minuteOfWeek: local.minuteOfWeek, wall: local.minutesSinceEpoch, area: area,
            areaID: area.map { areas.ids[$0] },
            lineage: area.map { areas.lineage[$0] } ?? [],
            history: history)
    }

    /// The guidelines whose condition holds, in declaration order.
    func matched(_ facts: Facts, strategy: Strategy) -> [Int] {
        switch strategy {
        case .naive:
            return rules.guidelines.indices.filter {
                NaiveConditions.holds(rules.guidelines[$0].condition, facts, rules)
            }
        case .indexed:
            let width = areas.ids.count + 1
            let categorySlot = Category.allCases.firstIndex(of: facts.category)!
            var candidates: [Int] = []
            for c in [categorySlot, Category.allCases.count] {
                candidates += buckets[c * width + areas.ids.count]
                for a in facts.lineage { candidates += buckets[c * width + a] }
            }
            candidates.sort()
            var result: [Int] = []
            var last = -1
            for index in candidates where index != last {
                last = index
                if conditions[index].holds(facts, areas) { result.append(index) }
            }
            return result
        }
    }

    /// Evaluates a report into a plan.
    ///
    /// - Parameters:
    ///   - history: earlier incidents, for correlation, duplicates and suppression.
    ///   - at: when the plan is made (default: when the incident occurred); delays, deadlines and
    ///     escalations count from here, and duty is resolved at each notification's send time.
    ///   - mergeDuplicates: whether the report may merge into an earlier incident; false when an
    ///     incident is evaluated again after an update (it is already an incident of its own).
    ///   - silences: the coordinators' silences; those active at `at` that cover a matched guideline
    ///     move it from `fired` to `silenced` (see ``Silence``). The engine never reads them itself;
    ///     an exercise is never silenced.
    ///
    /// A report that duplicates an open earlier incident (`merged_into`) is not a new incident, but
    /// it is never swallowed: the guidelines it fires on its own that the incident has not fired yet
    /// fire now for that incident (`fired`), with their notifications, tasks, watches and
    /// escalations; those the incident already fired are listed in `already_fired` and not planned
    /// again. The merged incident itself does not count twice in correlation windows.
    public func evaluate(
        _ report: IncidentReport, history: [HistoryIncident] = [], at: Instant? = nil, strategy: Strategy = .indexed,
        mergeDuplicates: Bool = true, silences: [Silence] = []
    ) -> Plan {
        evaluate(
            report, history: IncidentHistory(history), at: at, strategy: strategy, mergeDuplicates: mergeDuplicates,
            silences: silences)
    }

    /// Evaluates a report into a plan against an index of earlier incidents (the server keeps one
    /// beside its store), in about the same time however many it holds, with the silences it carries
    /// unless `silences` are given: see
    /// ``evaluate(_:history:at:strategy:mergeDuplicates:silences:)-([HistoryIncident],_,_,_,_)``.
    public func evaluate(
        _ report: IncidentReport, history: IncidentHistory, at: Instant? = nil, strategy: Strategy = .indexed,
        mergeDuplicates: Bool = true, silences: [Silence]? = nil
    ) -> Plan {
        let at = at ?? report.occurredAt
        let silences = report.exercise ? [] : silences ?? history.silences
        var facts = facts(report, history: history)
        var plan = Plan(
            incidentID: report.id, category: report.category, severity: report.severity,
            occurredAt: report.occurredAt, at: at, area: facts.area.map { areas.ids[$0] })
        if facts.area == nil { plan.problems += unplacedProblems(report, facts, strategy: strategy) }
        var matched = matched(facts, strategy: strategy)
        var earlierFired: [String] = []
        if mergeDuplicates, let incident = duplicate(of: facts, matched: matched, strategy: strategy) {
            let duplicate = incident.id
            plan.mergedInto = duplicate
            earlierFired = incident.fired
            plan.merge = Plan.Merge(
                severityBefore: incident.severity,
                severityAfter: incident.severity.map { max($0, report.severity) } ?? report.severity,
                flagsAdded: report.flags.subtracting(incident.flags).map(\.rawValue).sorted(),
                personsAdded: report.persons.count)
            // The report stands for the incident it duplicates: that incident is not counted again
            // in correlation windows (it still suppresses as before).
            facts.merged = duplicate
            matched = self.matched(facts, strategy: strategy)
        }
        // A silenced guideline neither fires nor suppresses others: silencing one guideline never
        // silences another by the way. One the incident already fired stays in `already_fired`.
        let silencedBy = silencing(matched, facts, silences: silences, at: at)
        let (allFired, suppressed) = resolveSuppression(
            matched.filter { silencedBy[$0] == nil }, facts, strategy: strategy)
        let fired = allFired.filter { !earlierFired.contains(rules.guidelines[$0].id.value) }
        plan.fired = fired.map { rules.guidelines[$0].id.value }
        plan.alreadyFired = (allFired + silencedBy.keys).sorted().map { rules.guidelines[$0].id.value }
            .filter(earlierFired.contains)
        plan.silenced = silencedBy.keys.sorted().filter { !earlierFired.contains(rules.guidelines[$0].id.value) }.map {
            SilencedGuideline(
                guideline: rules.guidelines[$0].id.value, silence: silencedBy[$0]!.id, reason: silencedBy[$0]!.reason)
        }
        plan.suppressed = suppressed.map {
            Plan.Suppression(guideline: rules.guidelines[$0.0].id.value, by: rules.guidelines[$0.1].id.value)
        }
        var planner = Planner(engine: self, report: report, facts: facts, at: at)
        for index in fired { planner.add(rules.guidelines[index]) }
        planner.finish(into: &plan)
        if report.exercise {
            Exercise.limit(&plan, report) { roster.persons[$0]?.organisation.value }
        }
        return plan
    }

    /// The earlier incident this report duplicates: same category, related area, within the largest
    /// merge window of the matching guidelines, not closed; the nearest in time (the earlier, then
    /// the one stored first, of two as near).
    func duplicate(of facts: Facts, matched: [Int], strategy: Strategy) -> HistoryIncident? {
        let window = matched.compactMap { rules.guidelines[$0].mergeWithin }.max()
        guard let window, let here = facts.area else { return nil }
        guard strategy == .naive else {
            return facts.history.nearestOpen(
                category: facts.category, areas: areas.relatedIDs[here], around: facts.occurredAt.seconds,
                within: window)
        }
        var best: (HistoryIncident, Int)?
        for incident in facts.list where !incident.closed && incident.category == facts.category {
            guard let there = incident.area.flatMap({ areas.index[$0] }), areas.related(here, there) else { continue }
            let gap = abs(facts.occurredAt.seconds - incident.occurredAt.seconds)
            if gap <= window, gap < (best?.1 ?? Int.max) { best = (incident, gap) }
        }
        return best?.0
    }

    /// Splits matched guidelines into those that fire and those silenced by an active suppressor:
    /// one that fires now, or that fired for a related area within its active period and is not closed.
    func resolveSuppression(
        _ matched: [Int], _ facts: Facts, strategy: Strategy
    ) -> (fired: [Int], suppressed: [(Int, Int)]) {
        let matchedSet = Set(matched)
        var firing: [Int: Bool] = [:]
        // Whether a guideline fires: matched and not silenced by a suppressor that fires or was active.
        // Worked out with an explicit stack, so a chain of thousands of suppressions cannot exhaust the stack.
        func fires(_ root: Int) -> Bool {
            if let known = firing[root] { return known }
            firing[root] = true  // suppression has no cycles (the checker refuses them)
            var stack = [(index: root, next: 0)]
            while let top = stack.last {
                let list = suppressors[top.index]
                guard matchedSet.contains(top.index), top.next < list.count else {
                    firing[top.index] = matchedSet.contains(top.index)
                    stack.removeLast()
                    continue
                }
                let suppressor = list[top.next]
                guard let known = firing[suppressor] else {
                    firing[suppressor] = true
                    stack.append((suppressor, 0))
                    continue
                }
                if known || activeEarlier(suppressor) {
                    firing[top.index] = false
                    stack.removeLast()
                } else {
                    stack[stack.count - 1].next += 1
                }
            }
            return firing[root]!
        }
        func activeEarlier(_ index: Int) -> Bool {
            let guideline = rules.guidelines[index]
            guard let here = facts.area else { return false }
            let now = facts.occurredAt.seconds
            guard strategy == .naive else {
                return facts.history.anyOpen(
                    fired: guideline.id.value, areas: areas.relatedIDs[here],
                    from: IncidentHistory.before(now, guideline.activeFor), through: now)
            }
            // The merged incident still suppresses: the scan is of the whole history.
            for incident in facts.history.incidents
            where !incident.closed && incident.fired.contains(guideline.id.value) {
                let age = now - incident.occurredAt.seconds
                guard age >= 0, age <= guideline.activeFor else { continue }
                guard let there = incident.area.flatMap({ areas.index[$0] }), areas.related(here, there) else {
                    continue
                }
                return true
            }
            return false
        }
        func suppressedBy(_ index: Int) -> Int? {
            suppressors[index].first { fires($0) || activeEarlier($0) }
        }
        var fired: [Int] = []
        var suppressed: [(Int, Int)] = []
        for index in matched {
            if let by = suppressedBy(index) { suppressed.append((index, by)) } else { fired.append(index) }
        }
        return (fired, suppressed)
    }
}

/// The baseline: conditions interpreted straight from the rule model, areas walked by id.
enum NaiveConditions {
    static func holds(_ condition: Condition, _ facts: Facts, _ rules: RuleSet) -> Bool {
        truth(condition, facts, rules) == true
    }

    /// The condition's value; nil when it depends on the area of an unplaced incident.
    static func truth(_ condition: Condition, _ facts: Facts, _ rules: RuleSet) -> Bool? {
        switch condition {
        case .and(let parts): return Truth.all(parts) { truth($0, facts, rules) }
        case .or(let parts): return Truth.any(parts) { truth($0, facts, rules) }
        case .not(let inner): return truth(inner, facts, rules).map(!)
        case .category(let set): return set.contains(facts.category)
        case .area(let ids):
            guard let placed = facts.areaID else { return nil }
            return ids.contains { rules.area(placed, isWithin: $0) }
        case .severity(let atLeast, let level): return atLeast ? facts.severity >= level : facts.severity == level
        case .flag(let flag): return facts.flags.contains(flag)
        case .reporter(let kinds): return facts.reporterKind.map(kinds.contains) ?? false
        case .during(let window): return window.contains(wallMinute: facts.wall, minuteOfWeek: facts.minuteOfWeek)
        case .correlation(let c):
            let seen = count(c, facts, rules)
            if seen < c.count && c.sameArea && facts.areaID == nil { return nil }
            return seen >= c.count
        case .always: return true
        }
    }

    /// How many incidents a correlation counts: this one and the earlier ones it covers.
    static func count(_ c: Correlation, _ facts: Facts, _ rules: RuleSet) -> Int {
        var seen = c.categories?.contains(facts.category) ?? true ? 1 : 0
        for incident in facts.list {
            let age = facts.occurredAt.seconds - incident.occurredAt.seconds
            guard age >= 0, age <= c.within, c.categories?.contains(incident.category) ?? true else { continue }
            if c.sameArea {
                guard let here = facts.areaID, let there = incident.area,
                    rules.area(here, isWithin: there) || rules.area(there, isWithin: here)
                else { continue }
            }
            seen += 1
        }
        return seen
    }
}

extension Engine {
    /// A planner for messages that belong to no new report (escalations, watch requests, delivery
    /// problems): the same duty, one-per-person and §115 rules as a plan.
    func detachedPlanner(at time: Instant) -> Planner {
        let report = IncidentReport(
            id: "", reporter: .init(organisation: ""), occurredAt: time, category: .other, severity: .minor,
            location: .init())
        return Planner(engine: self, report: report, facts: facts(report, history: IncidentHistory()), at: time)
    }

    /// Notifications to whoever is on duty in these roles at a moment, for an escalation or a later
    /// message: the same duty resolution, one-per-person and §115 rules as a plan.
    public func notifications(
        roles: [String], tier: ContentTier, at time: Instant, guideline id: String, message: String
    ) -> (notifications: [PlannedNotification], problems: [PlanProblem]) {
        guard let guideline = rules.guideline(id) else { return ([], []) }
        var planner = detachedPlanner(at: time)
        for role in roles {
            for person in planner.onDuty(role, at: time, for: guideline) {
                planner.notify(person, as: role, at: time, tier: tier, guideline, message: message)
            }
        }
        return (planner.notifications, planner.problems)
    }
}

extension Engine {
    /// A situation-tier notification to one named person (an institution's leader asked about a
    /// watch), through the same channel and language rules as a plan; nil if the person is unknown.
    public func notification(
        to person: String, as role: String, at time: Instant, guideline id: String, message: String
    ) -> PlannedNotification? {
        guard let guideline = rules.guideline(id), roster.persons[person] != nil else { return nil }
        var planner = detachedPlanner(at: time)
        planner.notify(person, as: role, at: time, tier: .situation, guideline, message: message)
        return planner.notifications.first
    }
}

extension Engine {
    /// The roles whose acknowledgement stops a guideline's escalations: the roles it notifies and
    /// the roles it escalates to. A receipt by anyone else (the reporting organisation's key
    /// persons, an institution's leader asked about a watch) is recorded as seen and stops nothing.
    /// Empty for an unknown guideline. See docs/plan.md, "Who stops an escalation".
    public func responsibleRoles(_ guideline: String) -> Set<String> {
        guard let guideline = rules.guideline(guideline) else { return [] }
        var roles = Set<String>()
        for action in guideline.notifications {
            if case .roles(let names) = action.recipients { roles.formUnion(names.map(\.value)) }
        }
        for escalation in guideline.escalations { roles.formUnion(escalation.roles.map(\.value)) }
        return roles
    }

    /// Whether a receipt of a notification sent in `roles` about `guidelines` stops escalations:
    /// true when one of its roles is responsible for one of the guidelines.
    public func acknowledgementStops(roles: [String], guidelines: [String]) -> Bool {
        guidelines.contains { !responsibleRoles($0).isDisjoint(with: roles) }
    }
}
