import BeredskabCheck
import BeredskabRoster
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import Foundation
import Testing

private let base = """
    area byen "Byen" { }
    area distrikt "Distrikt" { within byen }
    role vagt "Vagt" { duty "Tager imod alarmer" authority only }
    role chef "Chef" { duty "Leder indsatsen" authority only }
    window kontor "Kontortid" { mon-fri 08:00-17:00 }
    window uden-for "Uden for kontortid" { mon-thu 17:00-08:00 fri 17:00-24:00 weekends mon 00:00-08:00 }
    organisation kommune "Kommunen" { kind authority }
    person a "A" { organisation kommune email "a@example.org" }
    person b "B" { organisation kommune sms "+45 01 00 00 02" }
    person c "C" { organisation kommune webhook "https://hooks.example.org/c" roles chef }

    """

private func guideline(_ body: String) -> String {
    "guideline g \"G\" {\n  priority critical\n  when category unrest\n\(body)\n  message da \"Uro i {area}\"\n}\n"
}

@Suite struct CheckerTests {
    @Test func rotaMembersHoldTheRoleAndTwoRotasCoverTheWeekTogether() {
        let result = check([
            ("r.rules", base + guideline("  notify vagt")),
            (
                "c.contacts",
                """
                rota dag { role vagt members a, b handover weekly mon 08:00 covers kontor }
                rota nat { role vagt members b covers uden-for }
                """
            ),
        ])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.message))")
        #expect(result.roster.holders["vagt"] == ["a", "b"])
        #expect(result.roster.weeklyCoverage(of: "vagt") == .always)
        #expect(result.roster.rotas[0].handover == .weekly(.monday, 480))
    }

    @Test func rotaGapIsOneWarningNamingEveryGap() throws {
        let result = check([
            ("r.rules", base + guideline("  notify vagt, chef")),
            ("c.contacts", "rota dag { role vagt members a covers [mon-fri 08:00-17:00, sat 10:00-14:00] }"),
        ])
        let warning = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(warning.severity == .warning)
        #expect(
            warning.message
                == "vagt: nobody on call Mon 17:00–Tue 08:00, Tue 17:00–Wed 08:00, Wed 17:00–Thu 08:00, Thu 17:00–Fri 08:00, Fri 17:00–Sat 10:00, Sat 14:00–Mon 08:00"
        )
        // chef has a holder and no rota, so is always on call and has no gap.
        #expect(result.roster.weeklyCoverage(of: "chef") == .always)
    }

    @Test func gapsAreOnlyCheckedForCriticalGuidelines() {
        let rules = base + guideline("  notify vagt").replacingOccurrences(of: "critical", with: "high")
        let result = check([("r.rules", rules), ("c.contacts", "rota dag { role vagt members a covers kontor }")])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func conditionsAreResolved() throws {
        let result = check([
            (
                "r.rules",
                base
                    + """
                    guideline g "G" {
                      when category [unrest, gang] and area distrikt and severity at least severe and not flag minors
                        and reporter housing-association and during kontor
                        or at least 3 incidents of unrest in same area within 24h
                      notify chef
                      message da "x"
                    }
                    """
            )
        ])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.message))")
        let g = try #require(result.rules.guideline("g"))
        guard case .or(let terms) = g.condition, case .and(let tests) = terms[0],
            case .category(let categories) = tests[0], case .severity(true, .severe) = tests[2],
            case .not(.flag(.minors)) = tests[3], case .reporter(let kinds) = tests[4],
            case .during(let window) = tests[5],
            case .correlation(let correlation) = terms[1]
        else {
            Issue.record("wrong condition \(g.condition)")
            return
        }
        #expect(categories == [.unrest, .gang])
        #expect(kinds == [.housingAssociation])
        #expect(window.contains(LocalDateTime(parsing: "2026-11-23 09:00")!))
        #expect(!window.contains(LocalDateTime(parsing: "2026-11-21 09:00")!))
        #expect(correlation.count == 3 && correlation.sameArea && correlation.within == 86_400)
        #expect(g.priority == .normal && g.activeFor == 86_400)
    }

    @Test func overrideSubstituteMustBeAnAuthorityForAuthorityRoles() {
        let result = check([
            ("r.rules", base + guideline("  notify chef")),
            (
                "c.contacts",
                """
                organisation fsb "fsb" { kind housing-association }
                person v "Vicevært" { organisation fsb email "v@example.org" key person }
                override v covers c from "2026-12-23 08:00" to "2027-01-02 08:00"
                """
            ),
        ])
        #expect(
            result.diagnostics.map(\.message) == [
                "'v' of 'fsb' (housing-association) would cover 'chef', which only authorities may hold"
            ])
    }

    @Test func jsonOutputCarriesPositions() throws {
        let result = check([("r.rules", "role x \"X\" { }\n  role x \"Y\" { duty \"d\" }")])
        let json = try JSONSerialization.jsonObject(with: Data(result.renderedJSON().utf8)) as! [String: Any]
        #expect(json["ok"] as? Bool == false)
        #expect(json["errors"] as? Int == 2)
        let diagnostics = json["diagnostics"] as! [[String: Any]]
        #expect(diagnostics.map { $0["line"] as! Int } == [1, 2])
        #expect(diagnostics.map { $0["column"] as! Int } == [6, 8])
        #expect(diagnostics[1]["message"] as? String == "role 'x' is declared more than once")
        let note = (diagnostics[1]["notes"] as! [[String: Any]])[0]
        #expect((note["location"] as! [String: Any])["line"] as? Int == 1)
        #expect((json["counts"] as! [String: Int])["roles"] == 1)
    }

    @Test func summaryLineCountsWhatWasRead() {
        let result = check([("r.rules", base + guideline("  notify chef"))])
        #expect(
            result.renderedText()
                == "checked 1 file, 2 areas, 2 roles, 2 windows, 1 guideline, 1 organisation, 3 persons, 0 rotas, 0 overrides, 0 institutions: 0 errors, 0 warnings\n"
        )
    }

    /// (overrides, how many circles check reports). Overrides are half-open periods: one ending at
    /// 08:00 and one starting at 08:00 do not overlap.
    @Test(arguments: [
        ("a covers b 23-08 26-08; b covers a 24-00 25-00", 1),
        ("a covers b 23-08 26-08; b covers c 24-00 27-00; c covers a 25-12 26-00", 1),
        ("a covers b 23-08 24-08; b covers a 24-08 25-08", 0),
        ("a covers b 23-08 24-08; b covers a 26-08 27-08", 0),
        ("a covers b 23-08 26-08; b covers c 24-00 27-00", 0),
        // Each two overlap, but the three are never in force at once.
        ("a covers b 21-00 24-00; b covers c 23-00 27-00; c covers a 25-00 28-00", 0),
        ("a covers b 23-08 26-08; b covers a 24-00 25-00; b covers a 25-12 26-00", 2),
        // Two overrides for the same person at once make two circles.
        ("a covers b 23-08 26-08; b covers a 24-00 25-00; b covers a 24-00 25-00", 2),
        ("a covers b 23-08 26-08; b covers c 24-00 27-00; c covers a 25-12 26-00; c covers b 25-00 26-00", 2),
    ])
    func overridesCoveringEachOtherInACircleAreAnErrorWhenTheyOverlap(_ overrides: String, _ circles: Int) {
        // "a covers b 23-08 26-08" is a covering b from 23 December 08:00 to 26 December 08:00.
        let text = overrides.split(separator: ";").map { part -> String in
            let words = part.split(separator: " ")
            func time(_ word: Substring) -> String {
                let parts = word.split(separator: "-")
                return "\"2026-12-\(parts[0]) \(parts[1]):00\""
            }
            return "override \(words[0]) covers \(words[2]) from \(time(words[3])) to \(time(words[4]))"
        }.joined(separator: "\n")
        let result = check([("r.rules", base), ("c.contacts", text)])
        let found = result.diagnostics.filter { $0.message.hasPrefix("overrides cover each other in a circle") }
        #expect(found.count == circles, "\(result.diagnostics.map(\.message))")
        #expect(result.errorCount == circles)
        for diagnostic in found {
            #expect(diagnostic.notes.allSatisfy { $0.span != nil })
        }
    }
}
