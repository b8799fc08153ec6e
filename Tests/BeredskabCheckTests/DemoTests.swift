import BeredskabCheck
import BeredskabRoster
import BeredskabRules
import BeredskabSyntax
import Testing

@Suite struct DemoTests {
    @Test func demoChecksCleanWithNoWarnings() throws {
        let result = try checkDemo()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map { $0.rendered(in: result.sources) })")
    }

    @Test func demoUsesTheAgreedIDs() throws {
        let result = try checkDemo()
        let rules = result.rules
        let roster = result.roster
        #expect(rules.areas["indre-norrebro"]?.polygon.count ?? 0 >= 3)
        for estate in ["blaagaarden", "prater", "aagaarden"] {
            #expect(rules.areas[estate]?.parent?.value == "indre-norrebro", "\(estate)")
        }
        #expect(roster.organisations["fsb"]?.kind == .housingAssociation)
        #expect(roster.organisations["politi"]?.kind == .authority)
        #expect(roster.organisations["hotspot"]?.kind == .authority)
        #expect(roster.organisations["okf"]?.kind == .authority)
        let school = try #require(roster.institutions["skole-blaagaard"])
        #expect(school.kind == .school && school.vital && school.area.value == "blaagaarden")
        let club = try #require(roster.institutions["klub-blaagaarden"])
        #expect(club.kind == .youthClub && !club.vital && club.area.value == "blaagaarden")
    }

    @Test func demoCoversTheTenExampleSituations() throws {
        let rules = try checkDemo().rules
        #expect(rules.guidelines.count >= 10)
        // Every guideline speaks Danish and English, and critical ones exist for shootings.
        for guideline in rules.guidelines {
            #expect(guideline.messages[.da] != nil && guideline.messages[.en] != nil, "\(guideline.id.value)")
        }
        #expect(rules.guidelines.contains { $0.priority == .critical })
        #expect(rules.guidelines.contains { !$0.suppresses.isEmpty })
        #expect(rules.guidelines.contains { $0.mergeWithin != nil })
        #expect(rules.guidelines.contains { !$0.watches.isEmpty })
        #expect(rules.guidelines.contains { !$0.escalations.isEmpty })
        #expect(rules.guidelines.contains { $0.tasks.contains { !$0.escalateTo.isEmpty } })
    }

    @Test func noNonAuthorityPersonHoldsAnAuthorityOnlyRole() throws {
        let result = try checkDemo()
        for (role, holders) in result.roster.holders where result.rules.roles[role]?.authorityOnly == true {
            for person in holders {
                let organisation = result.roster.persons[person]!.organisation.value
                #expect(result.roster.organisations[organisation]?.isAuthority == true, "\(person) holds \(role)")
            }
        }
    }

    @Test func everyDemoFileRoundTripsThroughThePrinter() throws {
        let demo = try checkDemo()
        for (index, file) in demo.sources.files.enumerated() {
            let first = Parser.parse(file, file: UInt32(index))
            #expect(first.diagnostics.all.isEmpty)
            let printed = SyntaxPrinter.print(first.declarations)
            let second = Parser.parse(SourceFile(path: file.path, text: printed), file: 0)
            #expect(second.diagnostics.all.isEmpty, "\(file.path)")
            #expect(second.declarations.count == first.declarations.count)
            #expect(SyntaxPrinter.print(second.declarations) == printed, "\(file.path)")
        }
        // The printed demo as a whole checks just as clean and builds the same model.
        var printedSources = SourceSet()
        for (index, file) in demo.sources.files.enumerated() {
            let declarations = Parser.parse(file, file: UInt32(index)).declarations
            printedSources.add(SourceFile(path: file.path, text: SyntaxPrinter.print(declarations)))
        }
        let reprinted = Checker.check(printedSources)
        #expect(reprinted.diagnostics.isEmpty)
        #expect(reprinted.counts.map(\.1) == demo.counts.map(\.1))
        #expect(reprinted.rules.guidelines.map(\.id.value) == demo.rules.guidelines.map(\.id.value))
    }
}
