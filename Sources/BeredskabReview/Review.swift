import BeredskabRoster
import BeredskabRules
import BeredskabTime

/// What a review looks at: a period and optional filters.
public struct ReviewFilter: Sendable {
    public var period: Range<Instant>
    public var administration: String?
    /// Institutions in this area or areas nested in it.
    public var area: String?
    public var kind: InstitutionKind?
    public var vitalOnly = false

    /// Creates a filter for a period.
    public init(
        period: Range<Instant>, administration: String? = nil, area: String? = nil, kind: InstitutionKind? = nil,
        vitalOnly: Bool = false
    ) {
        self.period = period
        self.administration = administration
        self.area = area
        self.kind = kind
        self.vitalOnly = vitalOnly
    }
}

/// OKF's figures for a period: closures, near misses, closed hours, vital closures, time to reopen,
/// watched incidents with nothing closed, and the reports side of the safety index.
public struct Review: Sendable, Equatable {
    /// Closures overlapping the period (not near misses).
    public var closures: Int
    public var nearMisses: Int
    /// Hours closed within the period, all institutions.
    public var closedHours: Double
    /// Hours closed by institution id.
    public var closedHoursByInstitution: [String: Double]
    /// Closures of vital institutions: the goal is zero.
    public var vitalClosures: Int
    /// Median hours from closing to reopening, over closures that reopened; nil if none did.
    public var medianHoursToReopen: Double?
    /// Closures still open at the end of the period.
    public var stillClosed: Int
    /// Watched incidents in the period, and how many of them saw no closure.
    public var watchedIncidents: Int
    public var watchedIncidentsWithoutClosure: Int
    public var closuresByAdministration: [String: Int]
    public var closuresByArea: [String: Int]
    /// Closures by the month they began, `YYYY-MM` in Copenhagen.
    public var closuresByMonth: [String: Int]
    /// The incidents linked to the closures and near misses counted.
    public var incidentsBehind: [String]
    /// Reports per area per safety-index crime type.
    public var safetyIndexReports: [String: [String: Int]]

    /// The share of watched incidents in which nothing closed (1 when none were watched).
    public var shareWatchedWithoutClosure: Double {
        watchedIncidents == 0 ? 1 : Double(watchedIncidentsWithoutClosure) / Double(watchedIncidents)
    }

    /// The six crime types of the safety index and the incident categories counted for each.
    public static let safetyIndexTypes: [(String, Set<Category>)] = [
        ("violence-and-threats", [.violence, .threat]), ("burglary", [.burglary]), ("theft", [.theft]),
        ("narcotics", [.drugs]), ("vandalism", [.vandalism]), ("harassment", [.harassment]),
    ]

    /// Computes the review from closure records, incidents and the register of institutions.
    public static func compute(
        closures records: [ClosureRecord], incidents: [ReviewIncident], filter: ReviewFilter, rules: RuleSet,
        roster: Roster, now: Instant
    ) -> Review {
        func included(_ record: ClosureRecord) -> Bool {
            let institution = roster.institutions[record.institution]
            if let administration = filter.administration, institution?.administration.value != administration {
                return false
            }
            if let area = filter.area, !(institution.map { rules.area($0.area.value, isWithin: area) } ?? false) {
                return false
            }
            if let kind = filter.kind, institution?.kind != kind { return false }
            if filter.vitalOnly && !record.vital { return false }
            // Overlapping the period: started before its end, and not ended before its start.
            return record.from < filter.period.upperBound && (record.to ?? now) >= filter.period.lowerBound
        }
        let selected = records.filter(included)
        let closed = selected.filter { !$0.nearMiss }
        var byInstitution: [String: Double] = [:]
        var byAdministration: [String: Int] = [:]
        var byArea: [String: Int] = [:]
        var byMonth: [String: Int] = [:]
        for record in closed {
            byMonth[String(Copenhagen.local(record.from).dateText.prefix(7)), default: 0] += 1
            byInstitution[record.institution, default: 0] +=
                Double(record.closedSeconds(in: filter.period, now: now)) / 3600
            let institution = roster.institutions[record.institution]
            byAdministration[institution?.administration.value ?? "unknown", default: 0] += 1
            byArea[institution?.area.value ?? "unknown", default: 0] += 1
        }
        let reopenHours = closed.compactMap { record in
            record.to.map { Double($0.seconds - record.from.seconds) / 3600 }
        }
        .sorted()
        var median: Double?
        if !reopenHours.isEmpty {
            let mid = reopenHours.count / 2
            median = reopenHours.count % 2 == 1 ? reopenHours[mid] : (reopenHours[mid - 1] + reopenHours[mid]) / 2
        }
        let inPeriod = incidents.filter { filter.period.contains($0.occurredAt) }
        let watched = inPeriod.filter(\.watched)
        let closedIncidents = Set(closed.flatMap(\.incidents))
        var safety: [String: [String: Int]] = [:]
        for incident in inPeriod {
            guard let (type, _) = safetyIndexTypes.first(where: { $0.1.contains(incident.category) }) else { continue }
            safety[incident.area ?? "unknown", default: [:]][type, default: 0] += 1
        }
        return Review(
            closures: closed.count, nearMisses: selected.count - closed.count,
            closedHours: byInstitution.values.reduce(0, +), closedHoursByInstitution: byInstitution,
            vitalClosures: closed.filter(\.vital).count, medianHoursToReopen: median,
            stillClosed: closed.filter { $0.to == nil || $0.to! > filter.period.upperBound }.count,
            watchedIncidents: watched.count,
            watchedIncidentsWithoutClosure: watched.filter { !closedIncidents.contains($0.id) }.count,
            closuresByAdministration: byAdministration, closuresByArea: byArea, closuresByMonth: byMonth,
            incidentsBehind: Array(Set(selected.flatMap(\.incidents))).sorted(), safetyIndexReports: safety)
    }
}
