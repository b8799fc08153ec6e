import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Testing

/// Coordinators' silences (issue 13): a matching guideline is recorded as silenced and sends
/// nothing while the silence is active, and never counts as fired for the incident.
@Suite struct SilenceTests {
    /// A fight alerts the street team; a stabbing (critical) alerts the police. Both merge duplicates
    /// within 30 minutes; unrest alerts the street team and is suppressed by a riot.
    let e = engine(
        world + """
            guideline slag "Slagsmål" {
              when category violence
              merge duplicates within 30m
              notify gade
              escalate to chef if unacknowledged for 10m
              task "Tal med de unge" for gade within 1h
              message da "Slagsmål i {area}"
            }
            guideline alvorlig "Grov vold" {
              when category violence and severity at least severe
              priority critical
              merge duplicates within 30m
              notify vagt
              message da "Grov vold i {area}"
            }
            guideline uro "Uro" {
              when category unrest
              notify gade
              message da "Uro i {area}"
            }
            guideline optoejer "Optøjer" {
              when category unrest and severity at least severe
              suppresses uro
              notify vagt
              message da "Optøjer i {area}"
            }

            """)

    func silence(
        _ id: Int64 = 1, guideline: String? = nil, category: BeredskabRules.Category? = nil, area: String? = nil,
        from: String = "2026-11-18 22:00", to: String = "2026-11-18 23:00", confirm: Bool = false
    ) -> Silence {
        Silence(
            id: id, guideline: guideline, category: category, area: area, startsAt: local(from), endsAt: local(to),
            reason: "Tilladt arrangement", createdBy: "token:tok_1", createdAt: local("2026-11-18 21:00"),
            confirmCritical: confirm)
    }

    @Test func aSilenceIsActiveFromItsStartUpToButNotIncludingItsEnd() {
        let s = silence(guideline: "slag")
        #expect(s.state(at: local("2026-11-18 21:59")) == .pending)
        #expect(s.state(at: local("2026-11-18 22:00")) == .active)
        #expect(s.state(at: local("2026-11-18 22:59")) == .active)
        #expect(s.state(at: local("2026-11-18 23:00")) == .expired)
        var early = s
        early.expiredAt = local("2026-11-18 22:30")
        #expect(early.state(at: local("2026-11-18 22:29")) == .active)
        #expect(early.state(at: local("2026-11-18 22:30")) == .expired)
        // Expired before it began: never pending again.
        early.expiredAt = local("2026-11-18 21:30")
        #expect(early.state(at: local("2026-11-18 21:45")) == .expired)

        let fight = report("violence", at: "2026-11-18 21:59", engine: e)
        for (at, silenced) in [
            ("2026-11-18 21:59", false), ("2026-11-18 22:00", true), ("2026-11-18 22:59", true),
            ("2026-11-18 23:00", false),
        ] {
            let plan = e.evaluate(fight, at: local(at), silences: [s])
            #expect(plan.fired == (silenced ? [] : ["slag"]), "at \(at)")
            #expect(plan.silenced.map(\.guideline) == (silenced ? ["slag"] : []), "at \(at)")
        }
    }

    @Test func aSilencedGuidelinePlansNothingAndSaysWhichSilenceAndWhy() {
        let fight = report("violence", at: "2026-11-18 22:10", engine: e)
        let plan = e.evaluate(fight, silences: [silence(7, guideline: "slag")])
        #expect(plan.fired.isEmpty)
        #expect(plan.silenced == [SilencedGuideline(guideline: "slag", silence: 7, reason: "Tilladt arrangement")])
        #expect(plan.notifications.isEmpty && plan.tasks.isEmpty && plan.escalations.isEmpty && plan.watches.isEmpty)
        guard case .array(let entries)? = plan.json["silenced"] else {
            Issue.record("no silenced in the plan's JSON")
            return
        }
        #expect(entries.first?["silence"] == .number(7) && entries.first?["guideline"] == .string("slag"))
        #expect(plan.text.contains("silenced: slag (silence 7: Tilladt arrangement)"))
        // A plan without silenced guidelines reads as it always has.
        #expect(e.evaluate(fight).json["silenced"] == nil)
    }

    @Test func anAreaSilenceCoversItsSubAreasAndNothingOutsideOrUnplaced() {
        let inBlaa = report("violence", area: "blaa", at: "2026-11-18 22:10", engine: e)
        let inFjern = report("violence", area: "fjern", at: "2026-11-18 22:10", engine: e)
        let unplaced = report("violence", area: nil, at: "2026-11-18 22:10", engine: e)
        let district = silence(guideline: "slag", area: "distrikt")
        #expect(e.evaluate(inBlaa, silences: [district]).silenced.map(\.guideline) == ["slag"])
        #expect(e.evaluate(inFjern, silences: [district]).fired == ["slag"])
        #expect(e.evaluate(unplaced, silences: [district]).fired == ["slag"])
        #expect(e.evaluate(inBlaa, silences: [silence(guideline: "slag", area: "prater")]).fired == ["slag"])
        // Without an area it covers every area, an unplaced incident too.
        #expect(e.evaluate(unplaced, silences: [silence(guideline: "slag")]).silenced.map(\.guideline) == ["slag"])
    }

    @Test func aCategorySilenceCoversEveryGuidelineThatCategoryFiresThereAndNoOther() {
        let stabbing = report("violence", area: "blaa", at: "2026-11-18 22:10", severity: "severe", engine: e)
        let fireworks = silence(category: .violence, area: "distrikt", confirm: true)
        let plan = e.evaluate(stabbing, silences: [fireworks])
        #expect(plan.silenced.map(\.guideline) == ["slag", "alvorlig"])
        #expect(plan.fired.isEmpty && plan.notifications.isEmpty)
        let unrest = report("unrest", area: "blaa", at: "2026-11-18 22:10", engine: e)
        #expect(e.evaluate(unrest, silences: [fireworks]).fired == ["uro"])
        #expect(e.guidelinesCovered(by: fireworks) == ["slag", "alvorlig"])
    }

    @Test func aSilencedGuidelineSuppressesNothing() {
        // Silencing the riot guideline must not silence the unrest guideline it suppresses.
        let riot = report("unrest", area: "blaa", at: "2026-11-18 22:10", severity: "severe", engine: e)
        #expect(e.evaluate(riot).fired == ["optoejer"])
        let plan = e.evaluate(riot, silences: [silence(guideline: "optoejer")])
        #expect(plan.fired == ["uro"] && plan.silenced.map(\.guideline) == ["optoejer"])
    }

    @Test func anExerciseIsNeverSilenced() {
        var drill = report("violence", at: "2026-11-18 22:10", engine: e)
        drill.exercise = true
        #expect(e.evaluate(drill, silences: [silence(guideline: "slag")]).fired == ["slag"])
    }

    /// The duty officer's worry: a report merged into an incident whose guideline was silenced must
    /// fire that guideline once the silence is over, and a serious report the silence does not cover
    /// must fire its own guideline even while it lasts. Silenced is never "already fired".
    @Test func aReportMergedIntoASilencedIncidentFiresWhatTheSilenceNoLongerCovers() {
        let s = silence(guideline: "slag", to: "2026-11-18 22:45")
        let first = report("violence", at: "2026-11-18 22:30", id: "akb-1", engine: e)
        let firstPlan = e.evaluate(first, silences: [s])
        #expect(firstPlan.fired.isEmpty && firstPlan.silenced.map(\.guideline) == ["slag"])
        // The incident as the store keeps it: it fired what the plan fired, nothing.
        let incident = HistoryIncident(
            id: "akb-1", category: .violence, area: "blaa", occurredAt: local("2026-11-18 22:30"),
            fired: firstPlan.fired, severity: .moderate)

        // While the silence lasts, a duplicate is silenced too.
        let during = report("violence", at: "2026-11-18 22:40", id: "fsb-2", engine: e)
        let duringPlan = e.evaluate(during, history: [incident], silences: [s])
        #expect(duringPlan.mergedInto == "akb-1" && duringPlan.fired.isEmpty)
        #expect(duringPlan.alreadyFired.isEmpty && duringPlan.silenced.map(\.guideline) == ["slag"])

        // A serious report merged while it lasts fires the critical guideline it does not cover.
        let stabbing = report("violence", at: "2026-11-18 22:41", severity: "severe", id: "fsb-3", engine: e)
        let stabbingPlan = e.evaluate(stabbing, history: [incident], silences: [s])
        #expect(stabbingPlan.mergedInto == "akb-1" && stabbingPlan.fired == ["alvorlig"])
        #expect(stabbingPlan.notifications.contains { $0.roles.contains("vagt") })

        // After it ends, the next duplicate fires the silenced guideline for the incident.
        let after = report("violence", at: "2026-11-18 22:50", id: "fsb-4", engine: e)
        let afterPlan = e.evaluate(after, history: [incident], silences: [s])
        #expect(afterPlan.mergedInto == "akb-1")
        #expect(afterPlan.fired == ["slag"] && afterPlan.alreadyFired.isEmpty && afterPlan.silenced.isEmpty)
        #expect(afterPlan.notifications.contains { $0.roles.contains("gade") })
        #expect(afterPlan.escalations.map(\.to) == [["chef"]])

        // A guideline the incident already fired stays "already fired", not silenced.
        var fired = incident
        fired.fired = ["slag"]
        let again = e.evaluate(during, history: [fired], silences: [s])
        #expect(again.alreadyFired == ["slag"] && again.silenced.isEmpty)
    }

    @Test func aSilenceCoveringACriticalGuidelineNeedsAnExplicitConfirmation() {
        let now = local("2026-11-18 21:00")
        let critical = e.check(silence(guideline: "alvorlig"), now: now)
        #expect(critical.critical == ["alvorlig"])
        #expect(critical.problems.map(\.path) == ["$.confirm_critical"])
        #expect(critical.problems.first?.message.contains("alvorlig") == true)
        #expect(e.check(silence(guideline: "alvorlig", confirm: true), now: now).problems.isEmpty)
        // A category covers the critical guidelines it fires, wherever they are declared.
        #expect(e.check(silence(category: .violence, area: "blaa"), now: now).critical == ["alvorlig"])
        let plain = e.check(silence(guideline: "slag"), now: now)
        #expect(plain.problems.isEmpty && plain.critical.isEmpty)
    }

    @Test func anInvalidSilenceIsRefusedWithThePathOfEachProblem() {
        let now = local("2026-11-18 21:00")
        func paths(_ s: Silence) -> [String] { e.check(s, now: now).problems.map(\.path) }
        #expect(paths(silence(guideline: "meteor")) == ["$.guideline"])
        #expect(paths(silence(guideline: "slag", area: "maanen")) == ["$.area"])
        #expect(paths(silence()) == ["$.guideline"])
        #expect(paths(silence(guideline: "slag", category: .violence)) == ["$.category"])
        #expect(paths(silence(guideline: "slag", to: "2026-11-18 22:00")) == ["$.ends_at"])
        #expect(paths(silence(guideline: "slag", to: "2026-11-25 22:01")) == ["$.ends_at"])
        #expect(paths(silence(guideline: "slag", to: "2026-11-25 22:00")) == [])
        #expect(paths(silence(guideline: "slag", from: "2026-11-18 19:00", to: "2026-11-18 20:00")) == ["$.ends_at"])
        var blank = silence(guideline: "slag")
        blank.reason = "  "
        #expect(paths(blank) == ["$.reason"])
    }
}
