import BeredskabCheck
import BeredskabEngine
import BeredskabHandbook
import BeredskabRoster
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import BeredskabWeb
import Foundation
import Testing

/// The handbook (issue 13) on the demo rules: the right guidelines, nobody else's contact details, and
/// a changed rule shows.
@Suite struct HandbookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let sources = try! SourceLoader.load([
        root.appendingPathComponent("Rules").path, root.appendingPathComponent("Contacts").path,
    ])
    static let demo = Checker.check(sources)
    static let date = LocalDateTime(year: 2026, month: 12, day: 1)
    static let intake = Handbook.Intake(formURL: "https://beredskab.example.org/report")

    static func handbook(
        _ org: String, _ language: Language = .da, checked: CheckResult = demo, sources: SourceSet = sources
    ) -> Handbook {
        Handbook(
            organisation: org, rules: checked.rules, roster: checked.roster, language: language, date: date,
            rulesHash: Handbook.rulesHash(sources), intake: intake)!
    }

    /// Every guideline the engine fires for some synthetic fsb report: every category × severity × flag
    /// combination, in an estate and a district inside district 8 and an estate and the city outside it,
    /// at office hours, club hours, an evening and a weekend night, with no history and with three
    /// recent earlier incidents of every category in the same area (for the count conditions).
    static func firedByEngine(for org: String) -> Set<String> {
        let engine = Engine(rules: demo.rules, roster: demo.roster)
        let areas = ["blaagaarden", "indre-norrebro", "haraldsgadekvarteret", "kobenhavn"]
        let times = ["2026-11-30 10:00", "2026-12-01 15:00", "2026-12-02 20:00", "2026-12-05 02:00"].map {
            Copenhagen.instant(LocalDateTime(parsing: $0, requireTime: true)!)
        }
        var flagSets: [Set<IncidentFlag>] = []
        for mask in 0..<8 {
            flagSets.append(
                Set(IncidentFlag.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)))
        }
        var fired = Set<String>()
        for area in areas {
            for time in times {
                var busy: [HistoryIncident] = []
                for category in Category.allCases {
                    for hour in 1...3 {
                        busy.append(
                            HistoryIncident(
                                id: "h-\(category.rawValue)-\(hour)", category: category, area: area,
                                occurredAt: time.adding(-hour * 3600)))
                    }
                }
                for history in [[], busy] {
                    for category in Category.allCases {
                        for severity in IncidentSeverity.allCases {
                            for flags in flagSets {
                                let report = IncidentReport(
                                    id: "r", reporter: .init(organisation: org), occurredAt: time, category: category,
                                    severity: severity, location: .init(area: area), flags: flags)
                                let plan = engine.evaluate(report, history: history)
                                fired.formUnion(plan.fired)
                                fired.formUnion(plan.alreadyFired)
                            }
                        }
                    }
                }
            }
        }
        return fired
    }

    @Test func theFsbHandbookCoversEveryGuidelineAnFsbReportCanFireAndNothingElse() {
        let listed = Set(Self.handbook("fsb").guidelines.map(\.id))
        let fired = Self.firedByEngine(for: "fsb")
        #expect(
            listed == fired,
            "only in the handbook: \(listed.subtracting(fired)); only fired: \(fired.subtracting(listed))")
        // The ones only authorities' or schools' reports fire are left out.
        #expect(!listed.contains("politianmeldelse-mindreaarig") && !listed.contains("trusler-personale"))
        #expect(listed.contains("skud-distrikt-8") && listed.contains("ssp-enkeltsag-boligsocial"))
    }

    @Test func aPoliceHandbookAgreesWithTheEngineToo() {
        let listed = Set(Self.handbook("politi").guidelines.map(\.id))
        #expect(listed == Self.firedByEngine(for: "politi"))
        #expect(listed.contains("politianmeldelse-mindreaarig") && !listed.contains("ssp-enkeltsag-boligsocial"))
    }

    /// Conditions no report can meet are recognised: two categories at once, two windows that do not
    /// overlap, an area and not its parent, a reporter kind that is not the organisation's.
    @Test func impossibleConditionsAreLeftOut() {
        let rules = Self.demo.rules
        func can(_ condition: Condition) -> Bool {
            HandbookConditions.canFire(
                HandbookConditions.specialise(condition, reporter: .housingAssociation), rules: rules)
        }
        let office = rules.windows["kontortid"]!.times
        let evening = rules.windows["aften-nat-weekend"]!.times
        #expect(!can(.and([.category([.shooting]), .category([.fire])])))
        #expect(!can(.and([.during(office), .during(evening)])))
        #expect(can(.and([.during(office), .during(rules.windows["klub-aabningstid"]!.times)])))
        #expect(!can(.and([.area(["blaagaarden"]), .not(.area(["indre-norrebro"]))])))
        #expect(!can(.and([.category([.unrest]), .reporter([.authority])])))
        #expect(can(.or([.category([.unrest]), .reporter([.authority])])))
        #expect(!can(.and([.severity(atLeast: true, .severe), .severity(atLeast: false, .moderate)])))
        // Windows of holidays or dates only: an ordinary week never meets them, a holiday or the date does.
        let holidaysOnly = TimeWindow(
            weekly: .never, exceptHolidays: false, holidayIntervals: [10 * 60..<14 * 60], dateIntervals: [:],
            calendar: .danish)
        #expect(can(.during(holidaysOnly)))
        #expect(!can(.and([.during(holidaysOnly), .during(office)])))
        let newYearsEve = LocalDateTime(year: 2026, month: 12, day: 31).daysSinceEpoch
        let dateOnly = TimeWindow(
            weekly: .never, exceptHolidays: false, holidayIntervals: [],
            dateIntervals: [newYearsEve: [18 * 60..<24 * 60]],
            calendar: .danish)
        #expect(can(.during(dateOnly)))
        #expect(!can(.and([.during(dateOnly), .during(holidaysOnly)])))
    }

    @Test func noOtherOrganisationsEmailOrPhoneAppears() {
        let roster = Self.demo.roster
        for language in Language.allCases {
            let handbook = Self.handbook("fsb", language)
            let context = PageContext(lang: language, path: "/handbook")
            for text in [handbook.document(), handbook.markdown(), handbook.page(context)] {
                for person in roster.persons.values {
                    let own = person.organisation.value == "fsb"
                    for channel in person.channels where channel.kind != .webhook {
                        let digits = channel.address.filter { !$0.isWhitespace }
                        let shown = text.contains(channel.address) || text.contains(digits)
                        #expect(shown == own, "\(person.id.value) \(channel.address) shown: \(shown)")
                    }
                    if !own { #expect(!text.contains(person.name), "\(person.name) is named") }
                }
            }
        }
    }

    @Test func theHandbookSaysWhatToDoFirstWhoIsToldAndShowsDateHashAndContents() {
        let handbook = Self.handbook("fsb")
        let html = handbook.document()
        #expect(html.contains("ring 112 først"))
        #expect(html.contains("https://beredskab.example.org/report"))
        #expect(html.contains("2026-12-01") && html.contains(handbook.rulesHash) && handbook.rulesHash.count == 12)
        #expect(html.contains("@page{size:A4"))
        // The table of contents links every guideline, and every link has its target.
        for entry in handbook.guidelines {
            #expect(html.contains("<a href=\"#g-\(entry.id)\">") && html.contains("id=\"g-\(entry.id)\""))
        }
        // Roles with their duty text; the shooting guideline tells the reporter's own key persons.
        let shooting = handbook.guidelines.first { $0.id == "skud-distrikt-8" }!
        #expect(shooting.notified.contains { $0.role == nil })
        #expect(shooting.when == "hændelsen er skyderi og i Indre Nørrebro (politiets distrikt 8)")
        #expect(html.contains("Modtager akutte hændelser døgnet rundt"))
        let concern = handbook.guidelines.first { $0.id == "ssp-enkeltsag-boligsocial" }!
        #expect(
            concern.when
                == "mindreårige er involveret og alvorlighed under alvorlig og hændelsen er ikke bandehændelse eller løsladelse"
        )
        #expect(shooting.ownDuties.contains { $0.hasPrefix("Jeres nøglepersoner får besked straks") })
        // Named institutions of a watch over a named area.
        #expect(shooting.watches.first?.institutions.contains("Blågårdsskolen (samfundsvigtig)") == true)
        // fsb's key persons with their contact details.
        #expect(html.contains("bent.iversen@example.org") && html.contains("+45 01 00 00 56"))
        let english = Self.handbook("fsb", .en).document()
        #expect(english.contains("call 112 first") && english.contains("the incident is shooting"))
    }

    @Test func markdownEscapesTextFromTheRules() {
        var sources = SourceSet()
        for file in Self.sources.files {
            let text = String(decoding: file.bytes, as: UTF8.self)
            sources.add(
                SourceFile(
                    path: file.path,
                    text: text.replacingOccurrences(
                        of: "\"Mindreårig i bandemiljø\"", with: "\"Mindreårig *i* <b>bandemiljø</b>\"")))
        }
        let checked = Checker.check(sources)
        #expect(checked.errorCount == 0)
        let markdown = Self.handbook("fsb", checked: checked, sources: sources).markdown()
        #expect(markdown.contains("Mindreårig \\*i\\* \\<b\\>bandemiljø\\</b\\>"))
        #expect(markdown.hasPrefix("# Kriseberedskab: fsb\n"))
        let html = Self.handbook("fsb", checked: checked, sources: sources).document()
        #expect(html.contains("Mindreårig *i* &lt;b&gt;bandemiljø&lt;/b&gt;"))
    }

    /// A rule changed in the files gives another hash and a handbook that shows the change.
    @Test func aChangedRuleChangesTheHandbook() {
        var sources = SourceSet()
        for file in Self.sources.files {
            let text = String(decoding: file.bytes, as: UTF8.self)
            sources.add(
                SourceFile(
                    path: file.path,
                    text: text.replacingOccurrences(
                        of:
                            "when category threat and severity at least moderate and reporter [authority, private-school]",
                        with:
                            "when category threat and severity at least moderate and reporter [authority, private-school, housing-association]"
                    ).replacingOccurrences(of: "for politi-vagt within 2h\n", with: "for politi-vagt within 3h\n")))
        }
        let checked = Checker.check(sources)
        #expect(checked.errorCount == 0)
        let before = Self.handbook("fsb")
        let after = Self.handbook("fsb", checked: checked, sources: sources)
        #expect(before.rulesHash != after.rulesHash)
        #expect(!before.guidelines.contains { $0.id == "trusler-personale" })
        #expect(after.guidelines.contains { $0.id == "trusler-personale" })
        #expect(before.document().contains("inden for 2 timer") && after.document() != before.document())
        let task = after.guidelines.first { $0.id == "skud-distrikt-8" }!.tasks.first!
        #expect(task.within == 3 * 3600)
        // The hash follows the bytes, not where the files lie.
        var moved = SourceSet()
        for file in Self.sources.files {
            moved.add(SourceFile(path: "/elsewhere/x/" + file.path.split(separator: "/").last!, bytes: file.bytes))
        }
        #expect(Handbook.rulesHash(moved) == before.rulesHash)
    }

    @Test func anUnknownOrganisationHasNoHandbook() {
        #expect(
            Handbook(
                organisation: "nobody", rules: Self.demo.rules, roster: Self.demo.roster, language: .da,
                date: Self.date, rulesHash: "x", intake: Self.intake) == nil)
    }
}
