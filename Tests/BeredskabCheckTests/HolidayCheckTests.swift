import BeredskabCheck
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import Testing

/// The `holidays` block, windows with `holidays`, dates and `except holidays`, and rota gaps on
/// holidays (issue 13, "Holidays").
@Suite struct HolidayCheckTests {
    static let rules = """
        area byen "Byen" { }
        role vagt "Vagt" { duty "Tager imod alarmer" authority only }
        window kontor "Kontortid" {
          mon-fri 08:00-17:00
          except holidays
        }
        window uden-for "Uden for kontortid" { mon-thu 17:00-08:00 fri 17:00-24:00 weekends mon 00:00-08:00 }
        organisation kommune "Kommunen" { kind authority }
        person a "A" { organisation kommune email "a@example.org" }
        person b "B" { organisation kommune email "b@example.org" }
        guideline g "G" {
          priority critical
          when category unrest
          notify vagt
          message da "Uro i {area}"
        }

        """
    static let rotas = """
        rota dag { role vagt members a covers kontor }
        rota nat { role vagt members b covers uden-for }

        """

    func place(_ position: Diagnostic.Position) -> String { "\(position.path):\(position.line):\(position.column)" }

    func check(_ files: [(String, String)], year: Int?) -> (CheckResult, SourceSet) {
        var sources = SourceSet()
        for (path, text) in files { sources.add(SourceFile(path: path, text: text)) }
        return (Checker.check(sources, year: year), sources)
    }

    @Test func officeHoursClosedOnHolidaysLeaveAGapOnEachWeekdayHoliday() throws {
        let (result, sources) = check([("r.rules", Self.rules), ("c.contacts", Self.rotas)], year: 2027)
        #expect(result.errorCount == 0)
        let messages = result.diagnostics.map(\.message)
        #expect(
            messages == [
                "no one on duty in role vagt on 2027-01-01 (Nytårsdag) 08:00–17:00",
                "no one on duty in role vagt on 2027-03-25 (Skærtorsdag) 08:00–17:00",
                "no one on duty in role vagt on 2027-03-26 (Langfredag) 08:00–17:00",
                "no one on duty in role vagt on 2027-03-29 (2. påskedag) 08:00–17:00",
                "no one on duty in role vagt on 2027-05-06 (Kristi himmelfartsdag) 08:00–17:00",
                "no one on duty in role vagt on 2027-05-17 (2. pinsedag) 08:00–17:00",
            ])
        let first = try #require(result.diagnostics.first)
        #expect(first.severity == .warning)
        #expect(place(first.position(in: sources)) == "c.contacts:1:6")
    }

    @Test func aRotaThatTakesHolidaysClosesTheGapAndNoYearChecksNone() {
        let rules = Self.rules.replacingOccurrences(of: "mon 00:00-08:00 }", with: "mon 00:00-08:00\n  holidays\n}")
        let (covered, _) = check([("r.rules", rules), ("c.contacts", Self.rotas)], year: 2027)
        #expect(covered.diagnostics.isEmpty, "\(covered.diagnostics.map(\.message))")
        let (unchecked, _) = check([("r.rules", Self.rules), ("c.contacts", Self.rotas)], year: nil)
        #expect(unchecked.diagnostics.isEmpty)
    }

    @Test func aHolidaysBlockReplacesTheDanishOnesUnlessItSaysDanish() {
        let only = Self.rules + "holidays { date \"06-05\" \"Grundlovsdag\" }\n"
        let (result, _) = check([("r.rules", only), ("c.contacts", Self.rotas)], year: 2027)
        // Grundlovsdag 2027 is a Saturday: office hours are closed then anyway, so no gap at all.
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.message))")
        let withDanish = Self.rules + "holidays {\n  danish\n  date \"12-24\" \"Juleaften\"\n}\n"
        let (both, _) = check([("r.rules", withDanish), ("c.contacts", Self.rotas)], year: 2027)
        #expect(both.diagnostics.count == 7)
        #expect(both.diagnostics.contains { $0.message.contains("2027-12-24 (Juleaften) 08:00–17:00") })
    }

    @Test(arguments: [
        ("holidays {\n  date \"02-30\" \"Ingen dag\"\n}\n", 2, 8, "'02-30' is not a date"),
        ("holidays {\n  date \"2026-13-01\" \"Ingen dag\"\n}\n", 2, 8, "'2026-13-01' is not a date"),
        (
            "holidays {\n  date \"12-24\" \"Juleaften\"\n  date \"12-24\" \"Igen\"\n}\n", 3, 8,
            "'12-24' is a holiday twice"
        ),
        ("holidays {\n  danish\n  date \"12-25\" \"Jul\"\n}\n", 3, 8, "'12-25' is already a holiday: Juledag"),
        (
            "holidays {\n  danish\n  date \"2027-05-06\" \"Fridag\"\n}\n", 3, 8,
            "'2027-05-06' is already a holiday: Kristi himmelfartsdag"
        ),
        ("holidays { danish }\nholidays { danish }\n", 2, 1, "holidays are declared twice"),
        ("holidays {\n  date \"12-24\"\n}\n", 2, 15, "expected the holiday's name"),
        ("window w {\n  \"2026-02-30\" 10:00-12:00\n}\n", 2, 3, "'2026-02-30' is not a date"),
        ("window w {\n  mon 10:00-12:00\n  except holiday\n}\n", 3, 10, "expected 'holidays'"),
    ])
    func mistakesAreReportedWhereTheyAre(_ text: String, _ line: Int, _ column: Int, _ message: String) throws {
        let (result, sources) = check([("h.rules", text)], year: 2027)
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(error.message.hasPrefix(message), "\(error.message)")
        #expect(place(error.position(in: sources)) == "h.rules:\(line):\(column)")
    }

    @Test func holidaysDatesAndExceptPrintBackAsTheyParse() {
        let text = """
            holidays {
              danish
              date "12-24" "Juleaften"
              date "2026-12-31" "Nytårsaften 2026"
            }
            window w "W" {
              weekdays 08:00-17:00
              holidays 10:00-14:00
              "2026-06-05" 12:00-02:00
              except holidays
            }
            guideline g { when during [holidays, "2026-12-23" 18:00-24:00] }

            """
        let first = Parser.parse(SourceFile(path: "p.rules", text: text), file: 0)
        #expect(first.diagnostics.all.isEmpty)
        let printed = SyntaxPrinter.print(first.declarations)
        let second = Parser.parse(SourceFile(path: "p.rules", text: printed), file: 0)
        #expect(second.diagnostics.all.isEmpty)
        #expect(SyntaxPrinter.print(second.declarations) == printed)
        #expect(printed.contains("holidays {\n  danish\n  date \"12-24\" \"Juleaften\"\n"))
        #expect(printed.contains("  \"2026-06-05\" 12:00-02:00\n  except holidays\n"))
        #expect(printed.contains("during [holidays, \"2026-12-23\" 18:00-24:00]"))
    }

    @Test func withoutABlockHolidaysMeansTheTenDanishOnes() throws {
        let (result, _) = check([("r.rules", Self.rules)], year: nil)
        let window = try #require(result.rules.windows["kontor"]).times
        #expect(window.calendar == .danish)
        #expect(!window.contains(LocalDateTime(parsing: "2027-05-06 11:00", requireTime: true)!))
        #expect(window.contains(LocalDateTime(parsing: "2027-05-13 11:00", requireTime: true)!))
    }
}
