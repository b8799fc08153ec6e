import Foundation
import Testing

/// `beredskab handbook` as a user runs it (issue 13); the PDF is checked in Tests/browser/test_handbook.py.
@Suite struct HandbookCommandTests {
    @Test func writesMarkdownWithTheDateAndTheRulesHash() throws {
        let run = try Run(["handbook", "--org", "fsb", "--format", "md", "--lang", "en", "--date", "2026-12-01"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("# Crisis preparedness: fsb\n"))
        #expect(run.stdout.range(of: "Made 2026-12-01. Rules `[0-9a-f]{12}`", options: .regularExpression) != nil)
        #expect(run.stdout.contains("dorthe.nyborg@example.org"))
    }

    @Test func refusesAnUnknownOrganisationLanguageOrDate() throws {
        let unknown = try Run(["handbook", "--org", "nobody"])
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown organisation 'nobody'"))
        #expect(try Run(["handbook", "--org", "fsb", "--lang", "de"]).status == 64)
        #expect(try Run(["handbook", "--org", "fsb", "--date", "2026-13-01"]).status == 64)
    }
}
