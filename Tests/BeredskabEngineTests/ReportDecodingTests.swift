import BeredskabCheck
import BeredskabEngine
import Foundation
import Testing

/// The decoder and the JSON Schema agree on the example reports (scripts/validate-examples.py
/// checks the schema side).
@Suite struct ReportDecodingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let demo = Checker.check(
        try! SourceLoader.load([
            root.appendingPathComponent("Rules").path, root.appendingPathComponent("Contacts").path,
        ]))

    static func files(_ folder: String) -> [String] {
        let path = root.appendingPathComponent(folder).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".json") }
            .sorted()
    }

    static func decode(_ path: String) throws -> Result<IncidentReport, InvalidReport> {
        let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
        return IncidentReport.decode(bytes, rules: demo.rules, roster: demo.roster)
    }

    @Test(arguments: files("examples/reports"))
    func validExamplesDecode(_ name: String) throws {
        if case .failure(let invalid) = try Self.decode("examples/reports/\(name)") {
            Issue.record("\(name): \(invalid.problems)")
        }
    }

    @Test(arguments: files("examples/reports/invalid"))
    func invalidExamplesAreRefusedWithAPath(_ name: String) throws {
        guard case .failure(let invalid) = try Self.decode("examples/reports/invalid/\(name)") else {
            Issue.record("\(name) was accepted")
            return
        }
        #expect(!invalid.problems.isEmpty)
        #expect(invalid.problems.allSatisfy { $0.path.hasPrefix("$") })
    }

    @Test func thereAreExamplesOfBothKinds() {
        #expect(Self.files("examples/reports").count >= 8)
        #expect(Self.files("examples/reports/invalid").count >= 8)
    }

    @Test func everyProblemIsListedAtOnce() {
        let json =
            #"{"id": "", "reporter": {}, "occurred_at": 5, "category": "shooting", "severity": "bad", "location": {}, "flags": {"weapons": 1}, "persons": [{"age": 200}]}"#
        guard
            case .failure(let invalid) = IncidentReport.decode(
                Array(json.utf8), rules: Self.demo.rules, roster: Self.demo.roster)
        else {
            Issue.record("accepted")
            return
        }
        #expect(
            invalid.problems.map(\.description) == [
                "$.id: must be 1 to 200 characters long",
                "$.reporter.organisation: is required",
                "$.occurred_at: must be a string",
                "$.severity: must be one of: minor, moderate, severe, extreme",
                "$.location: needs at least one of area, address, or lat and lon",
                "$.flags.weapons: must be true or false",
                "$.persons[0].name: is required",
                "$.persons[0].age: must be a whole number from 0 to 130",
            ])
    }

    @Test func nullIsRefusedLikeTheSchemaDoes() {
        let json =
            #"{"id": "a", "reporter": {"organisation": "fsb"}, "occurred_at": "2026-11-21T22:30:00+01:00", "category": "theft", "severity": "minor", "location": {"area": "prater"}, "description": null}"#
        guard
            case .failure(let invalid) = IncidentReport.decode(
                Array(json.utf8), rules: Self.demo.rules, roster: Self.demo.roster)
        else {
            Issue.record("accepted")
            return
        }
        #expect(invalid.problems.map(\.description) == ["$.description: must be a string"])
    }
}
