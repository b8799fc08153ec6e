import BeredskabEngine
import BeredskabTime
import Testing

/// Who is on call over a period, as shifts (issue 13, "Who is on call").
@Suite struct OnCallScheduleTests {
    /// Vagt: Anna and Bo by the week from Monday 08:00. Gade: Dina on evenings and weekends only,
    /// so weekday daytime is a gap. Carl stands in for Anna over Christmas.
    let e = engine(
        world + """
            rota gadeteam { role gade members dina covers aften }
            override carl covers anna from "2026-12-23 08:00" to "2027-01-02 08:00" because "Juleferie"

            """)

    func describe(_ shifts: [OnCallShift]) -> [String] {
        shifts.map { shift in
            let start = Copenhagen.local(shift.start)
            let end = Copenhagen.local(shift.end)
            let who = shift.isGap ? "GAP" : shift.persons.joined(separator: ",")
            let covers = shift.covers.map { " (\($0.substitute) for \($0.absent))" }.joined()
            return "\(start.dateText) \(WeeklyWindow.clock(start.minutes))–\(end.dateText) "
                + "\(WeeklyWindow.clock(end.minutes)) \(who)\(covers)"
        }
    }

    @Test func aWeeklyHandoverStaysAt0800AcrossTheSpringSwitch() {
        // Summer time began on Sunday 29 March 2026.
        let shifts = e.duty.schedule("vagt", from: local("2026-03-23 00:00"), to: local("2026-04-06 00:00"))
        #expect(
            describe(shifts) == [
                "2026-03-23 00:00–2026-03-23 08:00 anna",
                "2026-03-23 08:00–2026-03-30 08:00 bo",
                "2026-03-30 08:00–2026-04-06 00:00 anna",
            ])
        // 08:00 is 07:00 UTC in winter and 06:00 UTC in summer: the week in between is an hour short.
        #expect(shifts[1].end.seconds - shifts[1].start.seconds == 7 * 86_400 - 3600)
    }

    @Test func coverageLeavesGapsAndAnOverrideIsMarked() {
        let gade = e.duty.schedule("gade", from: local("2026-11-20 12:00"), to: local("2026-11-23 18:00"))
        #expect(
            describe(gade) == [
                "2026-11-20 12:00–2026-11-20 17:00 GAP",
                // Friday evening through the weekend is one stretch: the window's pieces touch.
                "2026-11-20 17:00–2026-11-23 00:00 dina",
                "2026-11-23 00:00–2026-11-23 17:00 GAP",
                "2026-11-23 17:00–2026-11-23 18:00 dina",
            ])
        let vagt = e.duty.schedule("vagt", from: local("2026-12-21 08:00"), to: local("2027-01-04 08:00"))
        #expect(
            describe(vagt) == [
                "2026-12-21 08:00–2026-12-23 08:00 anna",
                "2026-12-23 08:00–2026-12-28 08:00 carl (carl for anna)",
                "2026-12-28 08:00–2027-01-04 08:00 bo",
            ])
        // A role without rotas: every holder, all the time.
        #expect(
            describe(e.duty.schedule("chef", from: local("2026-11-20 12:00"), to: local("2026-11-21 12:00"))) == [
                "2026-11-20 12:00–2026-11-21 12:00 carl"
            ])
    }

    /// Holidays: Dina takes evenings, weekends and holidays (and the night after juleaften); Erik
    /// office hours except holidays; juleaften 2026 is added as a one-off holiday.
    let h = engine(
        world + """
            holidays {
              danish
              date "2026-12-24" "Juleaften"
            }
            window helligdage { mon-fri 17:00-24:00 weekends holidays "2026-12-24" 18:00-02:00 }
            window kontor { mon-fri 08:00-17:00 except holidays }
            role hg "Helligdagsvagt" { duty "På gaden" }
            rota aftenvagt { role hg members dina covers helligdage }
            rota dagvagt { role hg members erik covers kontor }

            """)

    @Test func aRotaCoveringEveningsAndHolidaysIsOnDutyOnTheSecondEasterDayAtNoon() {
        // 2. påskedag 2027 is Monday 29 March.
        #expect(h.duty.onDuty("hg", at: local("2027-03-29 12:00")) == ["dina"])
        #expect(h.duty.onDuty("hg", at: local("2027-03-30 12:00")) == ["erik"])
        #expect(
            describe(h.duty.schedule("hg", from: local("2027-03-29 00:00"), to: local("2027-03-31 00:00"))) == [
                "2027-03-29 00:00–2027-03-30 00:00 dina",
                "2027-03-30 00:00–2027-03-30 08:00 GAP",
                "2027-03-30 08:00–2027-03-30 17:00 erik",
                "2027-03-30 17:00–2027-03-31 00:00 dina",
            ])
    }

    @Test(arguments: [
        // Two weeks across the autumn switch (25 October 2026), every role.
        ("2026-10-19 00:00", "2026-11-02 00:00", false),
        // Christmas and New Year 2026, and Easter 2027 with its summer-time switch, with holidays.
        ("2026-12-21 00:00", "2027-01-04 00:00", true),
        ("2027-03-22 00:00", "2027-04-05 00:00", true),
    ])
    func theScheduleAgreesWithOnDutyAtEveryQuarterHourAndEveryChange(_ start: String, _ end: String, _ holidays: Bool) {
        let e = holidays ? h : e
        let from = local(start)
        let to = local(end)
        for role in ["vagt", "gade", "chef", "tmf", "nobody"] + (holidays ? ["hg"] : []) {
            let shifts = e.duty.schedule(role, from: from, to: to)
            #expect(shifts.first?.start == from && shifts.last?.end == to, "\(role)")
            for (a, b) in zip(shifts, shifts.dropFirst()) {
                #expect(a.end == b.start, "\(role): shifts must follow each other")
                #expect(a.persons != b.persons || a.covers != b.covers, "\(role): equal neighbours must be one shift")
            }
            var at = from
            while at < to {
                let shift = shifts.first { $0.start <= at && at < $0.end }
                #expect(shift?.persons == e.duty.onDuty(role, at: at), "\(role) at \(Copenhagen.format(at))")
                at = at.adding(900)
            }
            for shift in shifts {
                #expect(shift.persons == e.duty.onDuty(role, at: shift.start), "\(role) at a change")
                #expect(
                    shift.persons == e.duty.onDuty(role, at: shift.end.adding(-60)), "\(role) just before a change")
            }
        }
    }

    /// A feed fetched twice a little apart has the same events: the shift under way is shown whole,
    /// not cut at the moment of the fetch.
    @Test func theShiftUnderWayIsWholeSoAFeedIsTheSameAtEachFetch() {
        let first = e.duty.shifts("vagt", overlapping: local("2026-11-18 10:00"), to: local("2026-11-25 10:00"))
        let second = e.duty.shifts("vagt", overlapping: local("2026-11-18 10:02"), to: local("2026-11-25 10:00"))
        #expect(first.first?.start == local("2026-11-16 08:00"))
        #expect(first.map(\.start) == second.map(\.start))
        // A role held all the time has one long shift, from a midnight that stays put all day.
        let chef = e.duty.shifts("chef", overlapping: local("2026-11-18 10:00"), to: local("2026-11-19 10:00"))
        let later = e.duty.shifts("chef", overlapping: local("2026-11-18 23:59"), to: local("2026-11-19 10:00"))
        #expect(chef.count == 1 && chef.first?.start == later.first?.start)
    }
}
