import Testing

@testable import BeredskabSyntax

func parse(_ text: String) -> ([Declaration], [Diagnostic]) {
    let result = Parser.parse(SourceFile(path: "t.rules", text: text), file: 0)
    return (result.declarations, result.diagnostics.all)
}

@Suite struct ParserTests {
    @Test func parsesAGuidelineWithEveryStatement() throws {
        let (declarations, problems) = parse(
            """
            guideline skud "Skud affyret" {
              priority critical
              when category [shooting, weapons] and area indre-norrebro and severity at least severe
              merge duplicates within 15m
              active for 12h
              suppresses uro-aften, uro-dag
              notify politi-vagt, hotspotchef with personal details
              notify reporter after 5m
              escalate to styregruppe if unacknowledged for 15m repeat 2 times
              task "Vurder visitationszone" for politi-vagt within 2h escalate to hotspotchef if overdue
              watch school, youth-club in incident area for 48h confirm within 2h
              message da "Skud i {area}"
              message en "Shots in {area}"
            }
            """)
        #expect(problems.isEmpty)
        guard case .guideline(let g) = try #require(declarations.first) else {
            Issue.record("not a guideline")
            return
        }
        #expect(g.id.value == "skud")
        #expect(g.title?.value == "Skud affyret")
        #expect(g.priority?.value == "critical")
        #expect(g.mergeWithin?.value == 900)
        #expect(g.activeFor?.value == 43_200)
        #expect(g.suppresses.map(\.value) == ["uro-aften", "uro-dag"])
        #expect(g.notifications.count == 2)
        #expect(g.notifications[0].roles.map(\.value) == ["politi-vagt", "hotspotchef"])
        #expect(g.notifications[0].personalDetails != nil)
        #expect(g.notifications[1].reporter != nil)
        #expect(g.notifications[1].after?.value == 300)
        #expect(g.escalations.first?.repeats?.value == 2)
        #expect(g.tasks.first?.escalateTo.map(\.value) == ["hotspotchef"])
        #expect(g.watches.first?.area == nil)
        #expect(g.watches.first?.kinds.map(\.value) == ["school", "youth-club"])
        #expect(g.watches.first?.confirmWithin?.value == 7200)
        #expect(g.messages.map(\.language.value) == ["da", "en"])
    }

    @Test func andBindsTighterThanOrAndNotTightest() throws {
        let (declarations, problems) = parse(
            "guideline g { when not flag minors and category unrest or always notify x message da \"m\" }")
        #expect(problems.isEmpty)
        guard case .guideline(let g) = try #require(declarations.first), let when = g.when else {
            Issue.record("no condition")
            return
        }
        guard case .or(let terms, _) = when, terms.count == 2, case .and(let factors, _) = terms[0],
            case .not = factors[0], case .always = terms[1]
        else {
            Issue.record("wrong shape: \(SyntaxPrinter.condition(when))")
            return
        }
        #expect(SyntaxPrinter.condition(when) == "not flag minors and category unrest or always")
    }

    @Test func correlationWithAllParts() throws {
        let (declarations, problems) = parse(
            "guideline g { when at least 3 incidents of unrest in same area within 24h notify x message da \"m\" }")
        #expect(problems.isEmpty)
        guard case .guideline(let g) = try #require(declarations.first),
            case .correlation(let c, _) = try #require(g.when)
        else {
            Issue.record("not a correlation")
            return
        }
        #expect(c.count.value == 3)
        #expect(c.categories?.map(\.value) == ["unrest"])
        #expect(c.sameArea)
        #expect(c.within.value == 86_400)
    }

    @Test func recoversAndReportsEveryStatementError() throws {
        let (declarations, problems) = parse(
            """
            guideline g "G" {
              when category
              notify after 5m
              prioritty high
              message da "ok"
            }
            role r "R" { duty "d" }
            """)
        try #require(
            problems.map(\.message) == [
                "expected an id after 'category', found 'notify'",
                "expected an id after 'notify', found 'after'",
                "unknown statement 'prioritty' in guideline 'g'",
            ])
        // A word missing at the end of a line is reported there, not at the next line's first word.
        #expect(problems[0].span.start == 33)
        #expect(problems[2].notes.first?.message == "did you mean 'priority'?")
        #expect(declarations.count == 2)
    }

    @Test func missingCloseBraceIsReportedBeforeTheNextDeclaration() {
        let (declarations, problems) = parse(
            """
            area a "A" {
              within b
            area b "B" { }
            """)
        #expect(problems.map(\.message) == ["expected '}' to close area 'a' before this area"])
        #expect(problems[0].notes.first?.message == "the block opened here")
        #expect(declarations.count == 2)
    }

    @Test func repeatedSingleStatementPointsAtTheFirst() {
        let (_, problems) = parse("guideline g { when always when always notify x message da \"m\" }")
        #expect(problems.map(\.message) == ["'when' is given twice in guideline 'g'"])
        #expect(problems[0].notes.map(\.message) == ["first given here"])
        #expect(problems[0].notes[0].span?.start == 14)
    }

    @Test func windowsAndRotasAndOverrides() throws {
        let (declarations, problems) = parse(
            """
            window aften "Aften" { mon-fri 17:00-08:00 weekends }
            rota r { role x members a, b handover weekly mon 08:00 covers [sat 00:00-12:00] starting "2026-01-05" }
            override a covers b from "2026-12-23 08:00" to "2027-01-02 08:00" because "Jul"
            """)
        #expect(problems.isEmpty)
        #expect(declarations.count == 3)
        guard case .window(let window) = declarations[0], case .rota(let rota) = declarations[1],
            case .override(let override) = declarations[2]
        else {
            Issue.record("wrong declarations")
            return
        }
        #expect(window.spans.map(\.days.value) == ["mon-fri", "weekends"])
        #expect(window.spans[0].from?.value == 17 * 60)
        #expect(rota.handover?.day?.value == "mon")
        #expect(rota.members.map(\.value) == ["a", "b"])
        #expect(override.reason?.value == "Jul")
    }

    @Test func negativeCoordinatesParse() throws {
        let (declarations, problems) = parse("area a { polygon [-1.5 2, 3 -4.25, 0 0] }")
        #expect(problems.isEmpty)
        guard case .area(let area) = try #require(declarations.first) else { return }
        #expect(area.polygon?.value.map(\.lat) == [-1.5, 3, 0])
        #expect(area.polygon?.value.map(\.lon) == [2, -4.25, 0])
    }

    @Test func printedSourceParsesToTheSameText() {
        let source = """
            guideline g "Tæt på \\"skolen\\"" {
              when (category unrest or category gang) and not during [fri-sun 18:00-06:00] and at least 2 incidents within 1h30m
              notify a, b after 90s
              message da "{{ikke}} {area}"
            }
            """
        let (first, problems) = parse(source)
        #expect(problems.isEmpty)
        let printed = SyntaxPrinter.print(first)
        let (second, reparsed) = parse(printed)
        #expect(reparsed.isEmpty)
        #expect(SyntaxPrinter.print(second) == printed)
        #expect(printed.contains("when (category unrest or category gang) and not during [fri-sun 18:00-06:00]"))
        #expect(printed.contains("at least 2 incidents within 90m"))
        #expect(printed.contains("notify a, b after 90s"))
    }
}
