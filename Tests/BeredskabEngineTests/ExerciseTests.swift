import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Testing

/// Exercises go through the same guidelines as real incidents, marked, and never meet a real
/// incident in history (issue 12).
@Suite struct ExerciseTests {
    /// Shots merge within 15 minutes and suppress the unrest guideline for an hour; three incidents
    /// in an hour correlate.
    let e = engine(
        world + """
            guideline skud "Skud" {
              when category shooting
              merge duplicates within 15m
              active for 1h
              suppresses uro
              notify vagt, gade
              notify reporter
              escalate to chef if unacknowledged for 10m
              task "Afspær området" for vagt within 30m
              task "Tal med beboerne" for gade within 2h
              message da "Skud i {area}"
              message en "Shots in {area}"
            }
            guideline uro "Uro" {
              when category unrest
              notify gade
              message da "Uro i {area}"
            }
            guideline flere "Flere skud" {
              when category shooting and at least 2 incidents of [shooting] in same area within 1h
              notify chef
              message da "Flere skud i {area}"
            }

            """)

    func exercise(_ report: IncidentReport, onlyRoles: [String]? = nil, onlyOrgs: [String]? = nil) -> IncidentReport {
        var drill = report
        drill.exercise = true
        drill.onlyRoles = onlyRoles
        drill.onlyOrganisations = onlyOrgs
        return drill
    }

    func earlier(exercise: Bool) -> HistoryIncident {
        var incident = HistoryIncident(
            id: "fsb-1", category: .shooting, area: "blaa", occurredAt: local("2026-11-18 22:25"), fired: ["skud"],
            severity: .severe)
        incident.exercise = exercise
        return incident
    }

    @Test func aRealShootingMinutesAfterAnExerciseShootingIsAnIncidentOfItsOwnAndNothingIsSuppressed() {
        let shots = report("shooting", at: "2026-11-18 22:30", severity: "severe", id: "fsb-2", engine: e)
        let real = e.evaluate(shots, history: [earlier(exercise: true)])
        #expect(real.mergedInto == nil && real.fired == ["skud"] && !real.exercise)
        let unrest = report("unrest", at: "2026-11-18 22:35", id: "fsb-3", engine: e)
        #expect(e.evaluate(unrest, history: [earlier(exercise: true)]).fired == ["uro"])
        // Against a real shooting the same report merges, correlates and suppresses, as always.
        #expect(e.evaluate(shots, history: [earlier(exercise: false)]).mergedInto == "fsb-1")
        #expect(e.evaluate(unrest, history: [earlier(exercise: false)]).suppressed.map(\.by) == ["skud"])
    }

    @Test func anExerciseNeverMergesWithCorrelatesWithOrIsSuppressedByARealIncident() {
        let drill = exercise(report("shooting", at: "2026-11-18 22:30", severity: "severe", id: "fsb-2", engine: e))
        let plan = e.evaluate(drill, history: [earlier(exercise: false)])
        #expect(plan.exercise && plan.mergedInto == nil && plan.fired == ["skud"])
        let unrest = exercise(report("unrest", at: "2026-11-18 22:35", id: "fsb-3", engine: e))
        #expect(e.evaluate(unrest, history: [earlier(exercise: false)]).fired == ["uro"])
        // Exercises do meet each other: a second drill report merges into the first.
        #expect(e.evaluate(drill, history: [earlier(exercise: true)]).mergedInto == "fsb-1")
    }

    @Test func everyMessageOfAnExerciseStartsWithTheMarkerInTheRecipientsLanguage() {
        let drill = exercise(report("shooting", at: "2026-11-18 22:30", id: "fsb-2", engine: e))
        let plan = e.evaluate(drill)
        #expect(!plan.notifications.isEmpty)
        for n in plan.notifications {
            #expect(n.message.hasPrefix(n.language == .da ? "ØVELSE – " : "EXERCISE – "), "\(n.message)")
        }
        #expect(plan.notifications.contains { $0.person == "erik" && $0.message.hasPrefix("EXERCISE – Shots") })
        #expect(plan.json["exercise"] == .bool(true))
        #expect(plan.text.hasPrefix("ØVELSE / EXERCISE"))
        // A real plan's JSON has no exercise fields at all.
        let real = e.evaluate(report("shooting", at: "2026-11-18 22:30", id: "fsb-2", engine: e))
        #expect(real.json["exercise"] == nil && real.json["left_out"] == nil)
        #expect(Exercise.mark(Exercise.mark("Skud", .da), .da) == "ØVELSE – Skud")
    }

    @Test func onlyRolesAndOnlyOrgsLimitWhoIsAlertedAndThePlanSaysWhoWasLeftOut() {
        let shots = report("shooting", at: "2026-11-18 22:30", id: "fsb-2", engine: e)
        let all = e.evaluate(exercise(shots)).notifications.map(\.person)
        // Bo has the vagt rota that week.
        #expect(all == ["bo", "dina", "erik"])
        let vagt = e.evaluate(exercise(shots, onlyRoles: ["vagt"]))
        #expect(vagt.notifications.map(\.person) == ["bo"])
        #expect(vagt.leftOut.map(\.person) == ["dina", "erik"])
        #expect(vagt.leftOut.first?.roles == ["gade", "reporter"])
        let fsb = e.evaluate(exercise(shots, onlyOrgs: ["fsb"]))
        #expect(fsb.notifications.map(\.person) == ["dina", "erik"] && fsb.leftOut.map(\.person) == ["bo"])
        #expect(fsb.text.contains("left out of the exercise") && fsb.text.contains("Bo (bo, kommune) as vagt"))
    }

    @Test func aLimitedDrillGivesTasksOnlyToThoseItAlerts() {
        let shots = report("shooting", at: "2026-11-18 22:30", id: "fsb-2", engine: e)
        let tasks = { (plan: Plan) in plan.tasks.map { "\($0.role): \($0.assignees.joined(separator: ","))" } }
        #expect(tasks(e.evaluate(exercise(shots))) == ["vagt: bo", "gade: dina"])
        // Bo (kommune) holds vagt: a drill for fsb alone gives his task to nobody, so it is not set.
        #expect(tasks(e.evaluate(exercise(shots, onlyOrgs: ["fsb"]))) == ["gade: dina"])
        #expect(tasks(e.evaluate(exercise(shots, onlyRoles: ["vagt"]))) == ["vagt: bo"])
        // A real incident is never limited.
        #expect(tasks(e.evaluate(shots)) == ["vagt: bo", "gade: dina"])
    }

    @Test func limitsAreForExercisesOnlyAndNameKnownRolesAndOrganisations() throws {
        func problems(_ extra: [(String, JSONValue)]) -> [String] {
            let json: JSONValue = .object(
                [
                    ("id", .string("fsb-9")), ("reporter", .object([("organisation", .string("fsb"))])),
                    ("occurred_at", .string("2026-11-18T22:30:00+01:00")), ("category", .string("shooting")),
                    ("severity", .string("severe")), ("location", .object([("area", .string("blaa"))])),
                ] + extra)
            switch IncidentReport.decode(json, rules: e.rules, roster: e.roster) {
            case .success: return []
            case .failure(let invalid): return invalid.problems.map(\.description)
            }
        }
        #expect(problems([("exercise", .bool(true)), ("only_roles", .array([.string("vagt")]))]).isEmpty)
        #expect(
            problems([("only_roles", .array([.string("vagt")]))]) == [
                "$.only_roles: limits who is alerted only in an exercise; add \"exercise\": true"
            ])
        #expect(
            problems([("exercise", .bool(true)), ("only_orgs", .array([.string("fbs")]))]) == [
                "$.only_orgs[0]: unknown organisation 'fbs'"
            ])
        #expect(problems([("exercise", .string("yes"))]) == ["$.exercise: must be true or false"])
    }
}
