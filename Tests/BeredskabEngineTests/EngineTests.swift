import BeredskabCheck
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import Testing

@testable import BeredskabEngine

private func rules(_ guidelines: String) -> Engine { engine(world + guidelines) }

private func guideline(_ when: String, _ body: String = "notify vagt", id: String = "g") -> String {
    "guideline \(id) \"\(id)\" {\n  when \(when)\n  \(body)\n  message da \"{title} i {area} kl. {time}\"\n}\n"
}

@Suite struct ConditionTests {
    @Test(arguments: [
        ("category unrest", true), ("category [gang, shooting]", false), ("area distrikt", true),
        ("area prater", false),
        ("area [prater, blaa]", true), ("severity at least moderate", true), ("severity at least severe", false),
        ("severity moderate", true), ("severity minor", false), ("flag weapons", true), ("flag injured", false),
        ("reporter housing-association", true), ("reporter authority", false), ("during aften", true),
        ("during [mon-fri 08:00-17:00]", false), ("always", true), ("not flag weapons", false),
        ("category unrest and area prater", false), ("category gang or area blaa", true),
        ("not (category gang or severity extreme)", true),
    ])
    func eachConditionKind(_ when: String, _ fires: Bool) {
        let e = rules(guideline(when))
        // A Wednesday evening, unrest in Blågården, moderate, weapons flagged, reported by fsb.
        let plan = e.evaluate(report(flags: ["weapons"], engine: e))
        #expect(plan.fired == (fires ? ["g"] : []), "\(when)")
        // The baseline gives the same answer.
        #expect(e.evaluate(report(flags: ["weapons"], engine: e), strategy: .naive).fired == plan.fired)
    }

    @Test func correlationCountsThisIncidentAndTheWindowBoundaryInclusively() {
        let e = rules(guideline("at least 3 incidents of unrest in same area within 24h"))
        let now = report(at: "2026-11-18 22:30", engine: e)
        func earlier(
            _ id: String, _ time: String, area: String = "blaa", category: Category = .unrest
        ) -> HistoryIncident {
            HistoryIncident(id: id, category: category, area: area, occurredAt: local(time))
        }
        let one = earlier("h1", "2026-11-18 10:00")
        let atBoundary = earlier("h2", "2026-11-17 22:30")
        let pastBoundary = HistoryIncident(
            id: "h3", category: .unrest, area: "blaa", occurredAt: local("2026-11-17 22:30").adding(-1))
        #expect(e.evaluate(now, history: [one]).fired == [])
        #expect(e.evaluate(now, history: [one, atBoundary]).fired == ["g"])
        #expect(e.evaluate(now, history: [one, pastBoundary]).fired == [])
        // The district counts as the same area as the estate in it; the other estate does not.
        #expect(e.evaluate(now, history: [one, earlier("h4", "2026-11-18 12:00", area: "distrikt")]).fired == ["g"])
        #expect(e.evaluate(now, history: [one, earlier("h5", "2026-11-18 12:00", area: "prater")]).fired == [])
        // Other categories and later incidents do not count.
        #expect(e.evaluate(now, history: [one, earlier("h6", "2026-11-18 12:00", category: .theft)]).fired == [])
        #expect(e.evaluate(now, history: [one, earlier("h7", "2026-11-18 23:00")]).fired == [])
    }

    @Test func duringUsesCopenhagenWallClockAcrossDaylightSaving() {
        let e = rules(guideline("during [sun 02:00-04:00]"))
        // 29 March 2026, summer time starts: 03:30 CEST is inside; 04:30 CEST is not.
        #expect(e.evaluate(report(at: "2026-03-29 03:30", engine: e)).fired == ["g"])
        #expect(e.evaluate(report(at: "2026-03-29 04:30", engine: e)).fired == [])
        // 25 October 2026: both 02:30s (CEST then CET) are inside.
        let second = IncidentReport(
            id: "x", reporter: .init(organisation: "fsb"), occurredAt: Instant(rfc3339: "2026-10-25T02:30:00+01:00")!,
            category: .unrest, severity: .moderate, location: .init(area: "blaa"))
        #expect(e.evaluate(second).fired == ["g"])
    }
}

@Suite struct PlacementTests {
    @Test func coordinatesPlaceInTheDeepestArea() {
        let e = rules(guideline("area blaa"))
        #expect(e.evaluate(report(area: nil, lat: 3, lon: 3, engine: e)).area == "blaa")
        #expect(e.evaluate(report(area: nil, lat: 3, lon: 3, engine: e)).fired == ["g"])
        #expect(e.evaluate(report(area: nil, lat: 8, lon: 8, engine: e)).area == "distrikt")
        #expect(e.evaluate(report(area: nil, lat: 9.5, lon: 9.5, engine: e)).area == "by")
        // A point on the estate's edge belongs to the estate.
        #expect(e.evaluate(report(area: nil, lat: 2, lon: 3, engine: e)).area == "blaa")
        #expect(e.evaluate(report(area: nil, lat: 4, lon: 4, engine: e)).area == "blaa")
    }

    @Test func anUnplacedIncidentMatchesNoAreaAndIsFlagged() {
        let e = rules(guideline("area by"))
        let plan = e.evaluate(report(area: nil, lat: 20, lon: 20, engine: e))
        #expect(plan.area == nil)
        #expect(plan.fired == [])
        // The incident, and the guideline that did not fire because its area is unknown.
        #expect(plan.problems.map(\.kind) == ["unplaced", "unplaced"])
        #expect(plan.problems[1].message.hasPrefix("guideline 'g' was not fired"))
    }
}

@Suite struct DutyTests {
    let e = rules(guideline("always"))

    @Test func weeklyHandoverHappensAtTheMinute() {
        // The rota starts on Monday 5 January 2026 08:00 with anna; weeks alternate anna, bo.
        #expect(e.duty.onDuty("vagt", at: local("2026-01-05 08:00")) == ["anna"])
        #expect(e.duty.onDuty("vagt", at: local("2026-01-12 07:59")) == ["anna"])
        #expect(e.duty.onDuty("vagt", at: local("2026-01-12 08:00")) == ["bo"])
        #expect(e.duty.onDuty("vagt", at: local("2026-01-05 07:59")) == ["bo"])
        // 46 weeks after the start: anna again (even), across both daylight-saving switches.
        #expect(e.duty.onDuty("vagt", at: local("2026-11-23 08:00")) == ["anna"])
        #expect(e.duty.onDuty("vagt", at: local("2026-11-23 07:59")) == ["bo"])
    }

    @Test func holdersWithoutRotaAreAlwaysOnDuty() {
        #expect(e.duty.onDuty("chef", at: local("2026-06-01 03:00")) == ["carl"])
        #expect(e.duty.onDuty("nobody", at: local("2026-06-01 03:00")) == [])
    }

    @Test func overridesAndTheirChainsApplyOnlyInTheirPeriod() {
        let e = engine(
            world + guideline("always")
                + """
                person fie "Fie" { organisation kommune email "fie@example.org" }
                override carl covers anna from "2026-12-23 08:00" to "2027-01-02 08:00"
                override fie covers carl from "2026-12-24 00:00" to "2026-12-25 00:00"
                """)
        // 21 Dec 2026 is 50 weeks after the start: anna's week.
        #expect(e.duty.onDuty("vagt", at: local("2026-12-23 07:59")) == ["anna"])
        #expect(e.duty.onDuty("vagt", at: local("2026-12-23 08:00")) == ["carl"])
        #expect(e.duty.onDuty("vagt", at: local("2026-12-24 12:00")) == ["fie"])
        #expect(e.duty.onDuty("chef", at: local("2026-12-24 12:00")) == ["fie"])
    }

    @Test func aLongChainOfOverridesIsFollowedToItsEnd() {
        var text = world + guideline("always")
        var absent = "anna"
        for n in 1...10 {
            text += "person p\(n) \"P\(n)\" { organisation kommune email \"p\(n)@example.org\" }\n"
            text += "override p\(n) covers \(absent) from \"2026-12-23 08:00\" to \"2027-01-02 08:00\"\n"
            absent = "p\(n)"
        }
        let e = engine(text)
        #expect(e.duty.onDuty("vagt", at: local("2026-12-24 12:00")) == ["p10"])
    }

    /// `beredskab check` refuses overrides that cover each other in a circle; an engine built anyway
    /// still never loops and never hands the duty back to the person who is away.
    @Test func overridesInACircleNeverHandTheDutyBackToTheAbsentPerson() {
        var sources = SourceSet()
        sources.add(
            SourceFile(
                path: "t.rules",
                text: world + guideline("always")
                    + """
                    override bo covers anna from "2026-12-23 08:00" to "2027-01-02 08:00"
                    override anna covers bo from "2026-12-24 00:00" to "2026-12-25 00:00"
                    override carl covers bo from "2027-02-08 08:00" to "2027-02-15 00:00"
                    override anna covers carl from "2027-02-08 08:00" to "2027-02-15 00:00"
                    override bo covers anna from "2027-02-08 08:00" to "2027-02-15 00:00"
                    """))
        let result = Checker.check(sources)
        #expect(result.errorCount == 2)
        let e = Engine(rules: result.rules, roster: result.roster)
        // 21 Dec 2026 is anna's week: bo covers her, and bo being covered by anna does not undo that.
        #expect(e.duty.onDuty("vagt", at: local("2026-12-23 12:00")) == ["bo"])
        #expect(e.duty.onDuty("vagt", at: local("2026-12-24 12:00")) == ["bo"])
        // 8 Feb 2027 starts bo's week; bo → carl → anna, who would go back to bo: anna stands in.
        #expect(e.duty.onDuty("vagt", at: local("2027-02-09 12:00")) == ["anna"])
        #expect(e.duty.onDuty("chef", at: local("2027-02-09 12:00")) == ["bo"])
    }

    @Test func dailyHandoverOnTheSpringSwitchNight() {
        let e = engine(
            world + guideline("always")
                + """
                rota nat { role gade members dina, erik handover daily 02:30 starting "2026-03-01" }
                """)
        // 28 days after 1 March: dina (even). The switch night has no 02:30; the handover comes with 03:00.
        #expect(e.duty.onDuty("gade", at: local("2026-03-29 01:59")) == ["erik"])
        #expect(e.duty.onDuty("gade", at: Instant(rfc3339: "2026-03-29T03:00:00+02:00")!) == ["dina"])
    }
}

@Suite struct ActionTests {
    @Test func notificationsResolveDutyTierDelayAndReporterKeyPersons() throws {
        let e = rules(
            guideline(
                "always",
                "notify vagt with personal details\n  notify gade\n  notify chef after 10m with personal details\n  notify reporter"
            ))
        let plan = e.evaluate(report(persons: true, engine: e))
        let byPerson = Dictionary(uniqueKeysWithValues: plan.notifications.map { ($0.person, $0) })
        #expect(Set(byPerson.keys) == ["bo", "dina", "carl", "erik"])
        // 18 Nov 2026: 45 weeks after the start, so bo's week.
        #expect(byPerson["bo"]?.tier == .personal)
        #expect(byPerson["carl"]?.tier == .personal)
        #expect(byPerson["carl"]?.sendAt == local("2026-11-18 22:40"))
        // dina is both gade and a key person of the reporter: one notification, situation only.
        #expect(byPerson["dina"]?.roles == ["gade", "reporter"])
        #expect(byPerson["dina"]?.tier == .situation)
        #expect(byPerson["erik"]?.roles == ["reporter"])
        #expect(byPerson["erik"]?.message == "g i Blågården kl. 22:30")
        #expect(plan.problems.isEmpty)
    }

    @Test func personalDetailsNeverReachANonAuthorityWhateverTheRuleSays() {
        // Rules the checker refuses (a housing-association person on an authority-only role, and
        // personal details to a role that is not authority-only) still never leak personal details.
        var sources = SourceSet()
        let text =
            world.replacingOccurrences(of: "roles gade key person", with: "roles gade, vagt key person")
            + guideline("always", "notify vagt, gade with personal details")
        sources.add(SourceFile(path: "t.rules", text: text))
        let result = Checker.check(sources)
        #expect(result.errorCount == 2)
        let e = Engine(rules: result.rules, roster: result.roster)
        let plan = e.evaluate(report(persons: true, engine: e))
        let tiers = Dictionary(uniqueKeysWithValues: plan.notifications.map { ($0.person, $0.tier) })
        #expect(tiers["bo"] == .personal)
        #expect(tiers["dina"] == .situation)
    }

    @Test func escalationsRepeatAndTasksHaveDeadlinesAndAssignees() {
        let e = rules(
            guideline(
                "always",
                """
                notify vagt
                  escalate to chef if unacknowledged for 15m repeat 2 times
                  task "Reparer lyset" for tmf within 2d escalate to chef if overdue
                """))
        let plan = e.evaluate(report(engine: e))
        #expect(
            plan.escalations.map(\.after) == [
                local("2026-11-18 22:45"), local("2026-11-18 23:00"), local("2026-11-18 23:15"),
            ])
        #expect(plan.escalations.map(\.round) == [0, 1, 2])
        #expect(plan.tasks.count == 1)
        #expect(plan.tasks[0].due == local("2026-11-20 22:30"))
        #expect(plan.tasks[0].assignees == ["carl"])
        #expect(plan.tasks[0].escalateTo == ["chef"])
    }

    @Test func watchesListInstitutionsOfTheKindsInTheAreaAndNestedAreas() {
        let e = rules(
            guideline(
                "always",
                """
                notify vagt
                  watch school, youth-club in distrikt for 48h confirm within 2h
                  watch school in incident area for 24h
                """))
        let plan = e.evaluate(report(engine: e))
        #expect(plan.watches.map(\.institutions) == [["klub", "skole"], ["skole"]])
        #expect(plan.watches[0].leaders == ["carl", "carl"])
        #expect(plan.watches[0].confirmBy == local("2026-11-19 00:30"))
        #expect(plan.watches[1].until == local("2026-11-19 22:30"))
    }

    @Test func nobodyOnDutyIsAProblemForTheDutyOfficer() {
        let e = engine(
            world.replacingOccurrences(
                of: "rota vagtplan { role vagt members anna, bo handover weekly mon 08:00 starting \"2026-01-05\" }",
                with: "rota vagtplan { role vagt members anna covers aften }")
                + guideline("always"))
        let plan = e.evaluate(report(at: "2026-11-18 10:00", engine: e))
        #expect(plan.notifications.isEmpty)
        #expect(plan.problems.map(\.kind) == ["nobody-on-duty"])
        #expect(plan.problems[0].message == "nobody is on duty for role 'vagt' at 18-11-2026 10:00 (guideline 'g')")
    }
}

@Suite struct SuppressionAndMergeTests {
    let e = rules(
        guideline("category gang", "notify chef\n  suppresses uro\n  active for 12h", id: "bande")
            + guideline("category [unrest, gang]", "notify gade\n  merge duplicates within 15m", id: "uro"))

    @Test func aFiringGuidelineSilencesTheLesserOne() {
        let plan = e.evaluate(report("gang", engine: e))
        #expect(plan.fired == ["bande"])
        #expect(plan.suppressed == [.init(guideline: "uro", by: "bande")])
        #expect(!plan.notifications.contains { $0.person == "dina" })
    }

    @Test func anEarlierActiveGuidelineSilencesForItsActivePeriodInRelatedAreasUnlessClosed() {
        let now = report("unrest", engine: e)
        func gang(_ time: String, area: String = "distrikt", closed: Bool = false) -> HistoryIncident {
            HistoryIncident(
                id: "b1", category: .gang, area: area, occurredAt: local(time), fired: ["bande"], closed: closed)
        }
        #expect(e.evaluate(now, history: [gang("2026-11-18 11:00")]).suppressed.map(\.by) == ["bande"])
        #expect(e.evaluate(now, history: [gang("2026-11-18 10:29")]).fired == ["uro"])
        #expect(e.evaluate(now, history: [gang("2026-11-18 11:00", area: "prater")]).fired == ["uro"])
        #expect(e.evaluate(now, history: [gang("2026-11-18 11:00", closed: true)]).fired == ["uro"])
    }

    @Test func duplicatesWithinTheWindowMergeAndOthersDoNot() {
        let first = HistoryIncident(
            id: "fsb-1", category: .unrest, area: "blaa", occurredAt: local("2026-11-18 22:20"), fired: ["uro"])
        let plan = e.evaluate(report(at: "2026-11-18 22:34", engine: e), history: [first])
        #expect(plan.mergedInto == "fsb-1")
        // The incident already fired what the duplicate fires: nothing is planned again.
        #expect(plan.notifications.isEmpty && plan.fired.isEmpty && plan.alreadyFired == ["uro"])
        #expect(e.evaluate(report(at: "2026-11-18 22:36", engine: e), history: [first]).mergedInto == nil)
        let elsewhere = HistoryIncident(
            id: "p-1", category: .unrest, area: "prater", occurredAt: local("2026-11-18 22:29"))
        #expect(e.evaluate(report(engine: e), history: [elsewhere]).mergedInto == nil)
    }
}

@Suite struct PersonalTierTests {
    @Test func personalDetailsAreKeptApartAndOnlyForPersonalTierRecipients() {
        let e = engine(
            world
                + "guideline g \"G\" {\n  when always\n  notify vagt with personal details\n  notify gade\n  notify reporter\n  message da \"Uro i {area}\"\n  message en \"Unrest in {area}\"\n}\n"
        )
        let plan = e.evaluate(report(persons: true, engine: e))
        for notification in plan.notifications {
            #expect(!notification.message.contains("Anonym"), "\(notification.person)")
            #expect((notification.details != nil) == (notification.tier == .personal), "\(notification.person)")
        }
        let bo = plan.notifications.first { $0.person == "bo" }
        #expect(bo?.message == "Uro i Blågården")
        #expect(
            bo?.details == "\n\nPersonoplysninger (retsplejelovens § 115, kun til myndigheder):\n- Anonym Person, 16 år"
        )
        #expect(plan.notifications.contains { $0.person == "dina" && $0.tier == .situation && $0.details == nil })
        // Without persons in the report there are no details.
        #expect(e.evaluate(report(engine: e)).notifications.allSatisfy { $0.details == nil })
    }
}
