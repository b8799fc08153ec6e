import BeredskabCheck
import BeredskabReview
import BeredskabRules
import BeredskabTime
import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let demo = Checker.check(
    try! SourceLoader.load([root.appendingPathComponent("Rules").path, root.appendingPathComponent("Contacts").path]))

/// Copenhagen wall-clock time as an instant.
private func local(_ text: String) -> Instant { Copenhagen.instant(LocalDateTime(parsing: text, requireTime: true)!) }

/// March 2026 in Copenhagen, with a closure across the spring switch, one spanning the period's
/// start, one still open at its end, and a near miss. The figures are worked out by hand.
@Suite struct ReviewTests {
    let march = local("2026-03-01 00:00")..<local("2026-04-01 00:00")
    let now = local("2026-04-02 12:00")
    let records = [
        // 20:00 to 08:00 over the night the clocks go forward: 11 real hours, not 12.
        ClosureRecord(
            id: 1, institution: "skole-blaagaard", from: local("2026-03-28 20:00"), to: local("2026-03-29 08:00"),
            reason: .staffSafety, reasonText: "Personalet følte sig utrygge efter skud", decidedBy: "Skoleleder",
            incidents: ["i1"], vital: true, mitigations: [.policePresence]),
        // Closed from 28 February 18:00 to 1 March 06:00: 6 hours fall in March, 12 in all.
        ClosureRecord(
            id: 2, institution: "klub-blaagaarden", from: local("2026-02-28 18:00"), to: local("2026-03-01 06:00"),
            reason: .policeAdvice, reasonText: "Politiets råd", decidedBy: "Klubleder", vital: false),
        // Still closed: 4 hours in March.
        ClosureRecord(
            id: 3, institution: "klub-prater", from: local("2026-03-31 20:00"), partial: true, reason: .damage,
            reasonText: "Knust rude", decidedBy: "Klubleder", vital: false),
        // Considered, stayed open with extra staff.
        ClosureRecord(
            id: 4, institution: "fritidshjem-blaagaarden", from: local("2026-03-10 15:00"),
            to: local("2026-03-10 18:00"),
            reasonText: "Uro ved indgangen", decidedBy: "Leder", incidents: ["i2"], vital: false,
            mitigations: [.extraStaff], nearMiss: true),
        // Outside the period entirely.
        ClosureRecord(
            id: 5, institution: "skole-blaagaard", from: local("2026-04-10 08:00"), to: local("2026-04-10 12:00"),
            reasonText: "Senere", decidedBy: "Skoleleder", vital: true),
    ]
    let incidents = [
        ReviewIncident(
            id: "i1", category: .shooting, area: "blaagaarden", occurredAt: local("2026-03-28 19:30"), watched: true),
        ReviewIncident(
            id: "i2", category: .violence, area: "prater", occurredAt: local("2026-03-10 14:50"), watched: true),
        ReviewIncident(
            id: "i3", category: .theft, area: "blaagaarden", occurredAt: local("2026-03-12 10:00"), watched: false),
        ReviewIncident(
            id: "i4", category: .unrest, area: "prater", occurredAt: local("2026-03-13 22:00"), watched: false),
        ReviewIncident(
            id: "i5", category: .threat, area: "prater", occurredAt: local("2026-04-03 10:00"), watched: true),
    ]

    func review(_ filter: ReviewFilter) -> Review {
        Review.compute(
            closures: records, incidents: incidents, filter: filter, rules: demo.rules, roster: demo.roster, now: now)
    }

    @Test func theFiguresForMarch() {
        let r = review(ReviewFilter(period: march))
        #expect(r.closures == 3)
        #expect(r.nearMisses == 1)
        #expect(r.closedHours == 21)
        #expect(r.closedHoursByInstitution == ["skole-blaagaard": 11, "klub-blaagaarden": 6, "klub-prater": 4])
        #expect(r.vitalClosures == 1)
        #expect(r.medianHoursToReopen == 11.5)
        #expect(r.stillClosed == 1)
        #expect(r.watchedIncidents == 2)
        #expect(r.watchedIncidentsWithoutClosure == 1)
        #expect(r.shareWatchedWithoutClosure == 0.5)
        #expect(r.closuresByAdministration == ["buf": 3])
        #expect(r.closuresByArea == ["blaagaarden": 2, "prater": 1])
        #expect(r.incidentsBehind == ["i1", "i2"])
        #expect(r.safetyIndexReports == ["prater": ["violence-and-threats": 1], "blaagaarden": ["theft": 1]])
    }

    @Test func filters() {
        let vital = review(ReviewFilter(period: march, vitalOnly: true))
        #expect(vital.closures == 1 && vital.closedHours == 11 && vital.nearMisses == 0)
        let prater = review(ReviewFilter(period: march, area: "prater"))
        #expect(prater.closures == 1 && prater.closedHours == 4)
        let district = review(ReviewFilter(period: march, area: "indre-norrebro"))
        #expect(district.closures == 3)
        let clubs = review(ReviewFilter(period: march, kind: .youthClub))
        #expect(clubs.closures == 2 && clubs.closedHours == 10)
        let other = review(ReviewFilter(period: march, administration: "bif"))
        #expect(other.closures == 0 && other.closedHours == 0 && other.medianHoursToReopen == nil)
    }

    @Test func aClosureStillOpenCountsUpToNowWithinThePeriod() {
        let april = local("2026-04-01 00:00")..<local("2026-05-01 00:00")
        let r = review(ReviewFilter(period: april))
        // klub-prater: 1 April 00:00 to now (2 April 12:00) = 36 hours; skole-blaagaard on 10 April: 4 hours.
        #expect(r.closedHoursByInstitution == ["klub-prater": 36, "skole-blaagaard": 4])
        #expect(r.stillClosed == 1)
    }
}
