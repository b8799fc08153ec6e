import BeredskabRules
import BeredskabTime

/// Earlier incidents, indexed for the three questions the rules ask of them, so that a report is
/// evaluated in about the same time whether ten or a hundred thousand incidents lie in the rules'
/// window (issue 16):
/// - correlation: how many incidents of some categories, in related areas or anywhere, occurred in
///   a time range (`at least 3 incidents of [burglary, theft] in same area within 14d`);
/// - duplicates: the open incident of a category in related areas nearest in time;
/// - suppression: whether an open incident in related areas fired a guideline in a time range.
///
/// Incidents are kept by category and area (nil for an unplaced one) and by the guidelines they
/// fired and area, each list in order of occurrence (ties in the order they were inserted), so an
/// answer costs a binary search per list rather than a pass over the window. Areas and guidelines
/// are kept by id, so the index stays right when the rules are reloaded. Pure: a value, no I/O; the
/// server keeps one up to date beside its store (`SQLiteStore`), tests build one from a list.
public struct IncidentHistory: Sendable {
    /// One incident in a time-ordered list: when it occurred (seconds since 1970, UTC), the order
    /// it was inserted in (breaks ties), and its slot.
    struct Stamp: Sendable {
        var time: Int
        var order: Int
        var slot: Int

        func precedes(_ other: Stamp) -> Bool { (time, order) < (other.time, other.order) }
    }

    private var slots: [HistoryIncident?] = []
    private var stamps: [Stamp] = []
    private var freeSlots: [Int] = []
    private var slotByID: [String: Int] = [:]
    private var nextOrder = 0
    /// Stamps by category and area id (nil: unplaced), each list ordered by time.
    private var byPlace: [Category: [String?: [Stamp]]] = [:]
    /// Stamps of incidents that fired a guideline, by guideline id and area id.
    private var byGuideline: [String: [String?: [Stamp]]] = [:]

    /// Ids every answer leaves out: the incident being evaluated again is not its own history.
    public var excluded: Set<String> = []
    /// The coordinators' silences the store hands over with the history (read in the same
    /// transaction): evaluation applies those active at its `at` (see ``Silence``).
    public var silences: [Silence] = []

    /// An index of these incidents, inserted in this order (which breaks ties in time).
    public init(_ incidents: some Sequence<HistoryIncident> = [HistoryIncident]()) {
        for incident in incidents { insert(incident) }
    }

    /// How many incidents the index holds, excluded ones included.
    public var count: Int { slotByID.count }

    /// The incident with this id, unless it is excluded.
    public func incident(id: String) -> HistoryIncident? {
        guard !excluded.contains(id), let slot = slotByID[id] else { return nil }
        return slots[slot]
    }

    /// Every incident not excluded, in order of occurrence (ties in insertion order): for the
    /// baseline that scans, and for tests.
    public var incidents: [HistoryIncident] {
        held.filter { !excluded.contains($0.id) }
    }

    /// Every incident held, excluded ones too, in order of occurrence.
    private var held: [HistoryIncident] {
        stamps.indices.compactMap { slots[$0] == nil ? nil : stamps[$0] }
            .sorted { $0.precedes($1) }
            .compactMap { slots[$0.slot] }
    }

    /// How many of the incidents held are exercises.
    public private(set) var exerciseCount = 0

    /// The incidents of one kind only: exercises for an exercise, real incidents otherwise. Costs
    /// nothing when all are of that kind already, as the store keeps them (apart); a mixed list
    /// (`simulate --history`, tests) is sorted out here.
    public func only(exercise: Bool) -> IncidentHistory {
        guard (exercise ? count - exerciseCount : exerciseCount) > 0 else { return self }
        var kept = IncidentHistory(held.filter { $0.exercise == exercise })
        kept.excluded = excluded
        return kept
    }

    /// Adds an incident, or replaces the one with its id. A replacement that changes neither time,
    /// category, area nor fired guidelines (it was closed, its severity or flags changed) keeps its
    /// place and costs a dictionary lookup.
    public mutating func insert(_ incident: HistoryIncident) {
        insert(incident, order: nil)
    }

    private mutating func insert(_ incident: HistoryIncident, order given: Int?) {
        if let slot = slotByID[incident.id], let old = slots[slot] {
            if old.occurredAt == incident.occurredAt && old.category == incident.category && old.area == incident.area
                && old.fired == incident.fired && old.exercise == incident.exercise
            {
                slots[slot] = incident
                return
            }
            remove(id: incident.id)
        }
        let slot = freeSlots.popLast() ?? slots.count
        let stamp = Stamp(time: incident.occurredAt.seconds, order: given ?? nextOrder, slot: slot)
        if slot == slots.count {
            slots.append(incident)
            stamps.append(stamp)
        } else {
            slots[slot] = incident
            stamps[slot] = stamp
        }
        if given == nil { nextOrder += 1 }
        slotByID[incident.id] = slot
        if incident.exercise { exerciseCount += 1 }
        Self.add(stamp, to: &byPlace[incident.category, default: [:]][incident.area, default: []])
        for guideline in Set(incident.fired) {
            Self.add(stamp, to: &byGuideline[guideline, default: [:]][incident.area, default: []])
        }
    }

    /// Removes the incident with this id, if there is one.
    public mutating func remove(id: String) {
        guard let slot = slotByID.removeValue(forKey: id), let incident = slots[slot] else { return }
        let stamp = stamps[slot]
        Self.take(stamp, from: &byPlace[incident.category, default: [:]][incident.area, default: []])
        if byPlace[incident.category]?[incident.area]?.isEmpty == true {
            byPlace[incident.category]?[incident.area] = nil
        }
        for guideline in Set(incident.fired) {
            Self.take(stamp, from: &byGuideline[guideline, default: [:]][incident.area, default: []])
            if byGuideline[guideline]?[incident.area]?.isEmpty == true { byGuideline[guideline]?[incident.area] = nil }
            if byGuideline[guideline]?.isEmpty == true { byGuideline[guideline] = nil }
        }
        slots[slot] = nil
        freeSlots.append(slot)
        if incident.exercise { exerciseCount -= 1 }
    }

    /// Removes every incident that occurred before `time` (seconds since 1970, UTC); returns how
    /// many. The index is built anew from those kept, in time order, so this costs one sort.
    @discardableResult
    public mutating func removeAll(occurredBefore time: Int) -> Int {
        let kept = stamps.indices.filter { slots[$0] != nil && stamps[$0].time >= time }.map { stamps[$0] }
            .sorted { $0.precedes($1) }
        let removed = count - kept.count
        guard removed > 0 else { return 0 }
        var fresh = IncidentHistory()
        fresh.excluded = excluded
        for stamp in kept { fresh.insert(slots[stamp.slot]!, order: stamp.order) }
        fresh.nextOrder = nextOrder
        self = fresh
        return removed
    }

    // MARK: Questions

    /// How many incidents of `categories` (nil: any), in the areas `areas` (nil: anywhere, placed
    /// or not), occurred from `from` through `through` (seconds since 1970, UTC), leaving out
    /// `skipping` and the excluded ones.
    func count(categories: UInt32, areas: [String]?, from: Int, through: Int, skipping: String?) -> Int {
        guard from <= through else { return 0 }
        var total = 0
        for (category, places) in byPlace where categories & CompiledCondition.bit(category) != 0 {
            if let areas {
                for area in areas {
                    if let list = places[area] { total += Self.range(list, from: from, through: through).count }
                }
            } else {
                for list in places.values { total += Self.range(list, from: from, through: through).count }
            }
        }
        // Excluded incidents are few: take each back out if it was counted.
        for id in excluded.union(skipping.map { [$0] } ?? []) {
            guard let slot = slotByID[id], let incident = slots[slot] else { continue }
            let time = incident.occurredAt.seconds
            guard categories & CompiledCondition.bit(incident.category) != 0, time >= from, time <= through else {
                continue
            }
            if let areas, !areas.contains(where: { $0 == incident.area }) { continue }
            total -= 1
        }
        return total
    }

    /// The open incident of `category` in one of `areas` nearest in time to `time`, at most
    /// `window` seconds before or after it; among equally near ones the earlier, then the one
    /// inserted first. Excluded ones are left out.
    func nearestOpen(category: Category, areas: [String], around time: Int, within window: Int) -> HistoryIncident? {
        guard let places = byPlace[category] else { return nil }
        var best: (gap: Int, stamp: Stamp)?
        func consider(_ stamp: Stamp) {
            let gap = abs(stamp.time - time)
            guard let current = best else {
                best = (gap, stamp)
                return
            }
            if gap < current.gap || (gap == current.gap && stamp.precedes(current.stamp)) { best = (gap, stamp) }
        }
        for area in areas {
            guard let list = places[area] else { continue }
            let (after, overflow) = time.addingReportingOverflow(window)
            let range = Self.range(list, from: Self.before(time, window), through: overflow ? Int.max : after)
            let split = Self.lowerBound(list, time: time, in: range)
            // Before the time: walking back, the first open one is the nearest; among those at that
            // very second, the one inserted first.
            var index = split - 1
            while index >= range.lowerBound {
                if isOpen(list[index]) {
                    var first = list[index]
                    var earlier = index - 1
                    while earlier >= range.lowerBound && list[earlier].time == first.time {
                        if isOpen(list[earlier]) { first = list[earlier] }
                        earlier -= 1
                    }
                    consider(first)
                    break
                }
                index -= 1
            }
            // At or after the time: walking on, the first open one is the nearest and inserted first.
            index = split
            while index < range.upperBound {
                if isOpen(list[index]) {
                    consider(list[index])
                    break
                }
                index += 1
            }
        }
        return best.flatMap { slots[$0.stamp.slot] }
    }

    /// Whether an open incident in one of `areas` that fired `guideline` occurred from `from`
    /// through `through` (seconds since 1970, UTC), excluded ones left out.
    func anyOpen(fired guideline: String, areas: [String], from: Int, through: Int) -> Bool {
        guard from <= through, let places = byGuideline[guideline] else { return false }
        for area in areas {
            guard let list = places[area] else { continue }
            for stamp in list[Self.range(list, from: from, through: through)] where isOpen(stamp) { return true }
        }
        return false
    }

    /// `time - seconds`, or the earliest time there is when that would overflow.
    public static func before(_ time: Int, _ seconds: Int) -> Int {
        let (difference, overflow) = time.subtractingReportingOverflow(seconds)
        return overflow ? Int.min : difference
    }

    private func isOpen(_ stamp: Stamp) -> Bool {
        guard let incident = slots[stamp.slot] else { return false }
        return !incident.closed && !excluded.contains(incident.id)
    }

    // MARK: Sorted lists

    /// Inserts in time order; the common case, a stamp later than all, appends.
    private static func add(_ stamp: Stamp, to list: inout [Stamp]) {
        if let last = list.last, stamp.precedes(last) {
            var low = 0
            var high = list.count
            while low < high {
                let middle = (low + high) / 2
                if list[middle].precedes(stamp) { low = middle + 1 } else { high = middle }
            }
            list.insert(stamp, at: low)
        } else {
            list.append(stamp)
        }
    }

    private static func take(_ stamp: Stamp, from list: inout [Stamp]) {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].precedes(stamp) { low = middle + 1 } else { high = middle }
        }
        if low < list.count && list[low].slot == stamp.slot && list[low].order == stamp.order { list.remove(at: low) }
    }

    /// The first index in `range` whose time is at least `time`.
    private static func lowerBound(_ list: [Stamp], time: Int, in range: Range<Int>) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if list[middle].time < time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The indices of the stamps with `from <= time <= through`.
    private static func range(_ list: [Stamp], from: Int, through: Int) -> Range<Int> {
        guard from <= through else { return 0..<0 }
        let low = lowerBound(list, time: from, in: 0..<list.count)
        let high = through == Int.max ? list.count : lowerBound(list, time: through + 1, in: low..<list.count)
        return low..<high
    }
}
