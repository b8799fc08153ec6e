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

    /// Every length limit counts code points, as the schema's maxLength does (docs/report.md): the
    /// boundary examples sit exactly at a limit, these are one code point over it, and the decoder
    /// refuses them at the path scripts/validate-examples.py reports.
    @Test(arguments: [
        ("description-flags-one-too-long.json", "$.description"),
        ("description-accents-one-too-long.json", "$.description"),
        ("description-crlf-one-too-long.json", "$.description"),
        ("address-accents-one-too-long.json", "$.location.address"),
        ("occurred-at-too-long.json", "$.occurred_at"),
    ])
    func oneCodePointOverALimitIsRefusedThere(_ name: String, _ path: String) throws {
        guard case .failure(let invalid) = try Self.decode("examples/reports/invalid/\(name)") else {
            Issue.record("\(name) was accepted")
            return
        }
        #expect(invalid.problems.map(\.path) == [path])
        #expect(invalid.problems.allSatisfy { $0.message.hasSuffix("characters long") }, "\(invalid.problems)")
    }

    @Test func theBoundaryExamplesAreExactlyAtTheirLimits() throws {
        for name in [
            "graense-beskrivelse-flag.json", "graense-beskrivelse-accenter.json", "graense-beskrivelse-crlf.json",
        ] {
            let report = try Self.decode("examples/reports/\(name)").get()
            #expect(report.description?.codePointCount == 4000, "\(name)")
            #expect((report.description?.count ?? 0) < 4000, "\(name) does not need counting in code points")
        }
        let address = try Self.decode("examples/reports/graense-adresse-accenter.json").get().location.address
        #expect(address?.codePointCount == 300)
    }

    @Test func lengthsAreCodePoints() {
        #expect("🇩🇰".codePointCount == 2)
        #expect("e\u{301}".codePointCount == 2)
        #expect("\r\n".codePointCount == 2)
        #expect("æøåÆØÅ".codePointCount == 6)
        #expect("😀".codePointCount == 1)
        func decodes(_ description: String) -> Bool {
            let json: JSONValue = .object([
                ("id", .string("a")), ("reporter", .object([("organisation", .string("fsb"))])),
                ("occurred_at", .string("2026-11-21T22:30:00+01:00")), ("category", .string("theft")),
                ("severity", .string("minor")), ("location", .object([("area", .string("prater"))])),
                ("description", .string(description)),
            ])
            if case .success = IncidentReport.decode(json, rules: Self.demo.rules, roster: Self.demo.roster) {
                return true
            }
            return false
        }
        #expect(decodes(String(repeating: "\r\n", count: 2000)))
        #expect(!decodes(String(repeating: "\r\n", count: 2000) + "."))
        #expect(decodes(String(repeating: "🇩🇰", count: 2000)))
        #expect(!decodes(String(repeating: "🇩🇰", count: 2000) + "."))
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
