import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Testing

/// A report merged into an earlier incident adds to it and is never swallowed (docs/plan.md,
/// "Merging").
@Suite struct MergeTests {
    /// A fight alerts the street team; a serious one (weapons) alerts the police with personal
    /// details and escalates to the chief. Both merge duplicates within 30 minutes.
    let e = engine(
        world + """
            guideline slag "Slagsmål" {
              when category violence
              merge duplicates within 30m
              notify gade
              message da "Slagsmål i {area}"
            }
            guideline alvorlig "Grov vold" {
              when category violence and severity at least severe and flag weapons
              merge duplicates within 30m
              notify vagt with personal details
              escalate to chef if unacknowledged for 10m
              task "Sikr stedet" for vagt within 1h
              watch school in incident area for 2h confirm within 30m
              message da "Grov vold i {area}"
            }
            guideline korrelation "Tre voldshændelser" {
              when category violence and at least 2 incidents of [violence] in same area within 1h
              notify chef
              message da "Flere voldshændelser i {area}"
            }

            """)

    func fight(fired: [String] = ["slag"], closed: Bool = false) -> HistoryIncident {
        HistoryIncident(
            id: "akb-1", category: .violence, area: "blaa", occurredAt: local("2026-11-18 22:20"), fired: fired,
            closed: closed, severity: .moderate)
    }

    @Test func aSeriousReportMergedIntoAMinorOneStillFiresItsOwnGuidelineForTheIncident() {
        let stabbing = report(
            "violence", at: "2026-11-18 22:30", severity: "severe", flags: ["injured", "weapons"], id: "fsb-2",
            persons: true, engine: e)
        let plan = e.evaluate(stabbing, history: [fight()], at: local("2026-11-18 22:31"))
        #expect(plan.mergedInto == "akb-1")
        #expect(plan.fired == ["alvorlig"])
        #expect(plan.alreadyFired == ["slag"])
        // The police are told, with the report's persons, as the guideline says; the street team,
        // told about the fight already, is not told again.
        let police = plan.notifications.filter { $0.roles.contains("vagt") }
        #expect(!police.isEmpty)
        #expect(police.allSatisfy { $0.tier == .personal && $0.details?.contains("Anonym Person") == true })
        #expect(!plan.notifications.contains { $0.roles.contains("gade") })
        #expect(plan.escalations.map(\.to) == [["chef"]])
        #expect(plan.tasks.map(\.text) == ["Sikr stedet"])
        #expect(plan.watches.first?.institutions == ["skole"])
        #expect(
            plan.merge
                == Plan.Merge(
                    severityBefore: .moderate, severityAfter: .severe, flagsAdded: ["injured", "weapons"],
                    personsAdded: 1))
    }

    @Test func aMergedReportThatAddsNothingPlansNothing() {
        let again = report("violence", at: "2026-11-18 22:25", id: "fsb-2", engine: e)
        let plan = e.evaluate(again, history: [fight()])
        #expect(plan.mergedInto == "akb-1")
        #expect(plan.fired.isEmpty && plan.notifications.isEmpty && plan.escalations.isEmpty)
        #expect(plan.merge?.severityAfter == .moderate && plan.merge?.flagsAdded == [])
    }

    @Test func theMergedIncidentIsNotCountedTwiceInACorrelationWindow() {
        // Two reports of one fight are one incident: "at least 2 incidents" does not hold.
        let again = report("violence", at: "2026-11-18 22:25", id: "fsb-2", engine: e)
        #expect(!e.evaluate(again, history: [fight()]).fired.contains("korrelation"))
        // A second, separate fight elsewhere in the window still counts.
        let other = HistoryIncident(
            id: "x", category: .violence, area: "blaa", occurredAt: local("2026-11-18 21:50"), fired: ["slag"])
        let plan = e.evaluate(again, history: [fight(), other])
        #expect(plan.mergedInto == "akb-1" && plan.fired == ["korrelation"])
    }

    @Test func aClosedIncidentTakesNoDuplicatesAndAnUpdateIsNeverMerged() {
        let stabbing = report(
            "violence", at: "2026-11-18 22:30", severity: "severe", flags: ["weapons"], id: "fsb-2", engine: e)
        let plan = e.evaluate(stabbing, history: [fight(closed: true)])
        #expect(plan.mergedInto == nil && plan.fired.starts(with: ["slag", "alvorlig"]))
        let replanned = e.evaluate(stabbing, history: [fight()], mergeDuplicates: false)
        #expect(replanned.mergedInto == nil && replanned.merge == nil)
        #expect(replanned.fired.starts(with: ["slag", "alvorlig"]))
    }

    @Test func thePlanSaysWhatTheMergedReportAdded() {
        let stabbing = report(
            "violence", at: "2026-11-18 22:30", severity: "severe", flags: ["weapons"], id: "fsb-2", engine: e)
        let plan = e.evaluate(stabbing, history: [fight()])
        #expect(plan.json["merged_into"] == .string("akb-1"))
        #expect(plan.json["already_fired"] == .array([.string("slag")]))
        #expect(plan.json["merge"]?["severity_after"] == .string("severe"))
        #expect(plan.text.contains("raises its severity from moderate to severe"))
        #expect(plan.text.contains("fires now for it: alvorlig"))
    }

    @Test func onlyResponsibleRolesStopAnEscalation() {
        #expect(e.responsibleRoles("alvorlig") == ["vagt", "chef"])
        #expect(e.acknowledgementStops(roles: ["vagt"], guidelines: ["alvorlig"]))
        #expect(e.acknowledgementStops(roles: ["chef"], guidelines: ["alvorlig"]))
        #expect(!e.acknowledgementStops(roles: ["reporter"], guidelines: ["alvorlig"]))
        #expect(!e.acknowledgementStops(roles: ["leder:skole"], guidelines: ["alvorlig"]))
        #expect(!e.acknowledgementStops(roles: ["gade"], guidelines: ["alvorlig"]))
    }

    @Test func historyDecodesSeverityAndFlags() throws {
        let json = try JSONValue.parse(
            Array(
                #"[{"id": "a", "category": "violence", "occurred_at": "2026-11-18T22:20:00+01:00", "severity": "severe", "flags": {"weapons": true}}]"#
                    .utf8))
        guard case .success(let list) = HistoryIncident.decodeList(json) else {
            Issue.record("history did not decode")
            return
        }
        #expect(list.first?.severity == .severe && list.first?.flags == [.weapons])
    }
}
