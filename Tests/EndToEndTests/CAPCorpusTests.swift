import Foundation
import Testing

/// CAP 1.2 as alerting systems send it (issue 11): each document in `Tests/Fixtures/cap-corpus` is
/// posted, in order, to a running `beredskab serve` with a police reporter token, and its answer
/// compared with `expected.json`; every incident it leaves is exported as CAP and validated with
/// `xmllint` against the OASIS schema.
@Suite struct CAPCorpusTests {
    static let folder = Run.root.appendingPathComponent("Tests/Fixtures/cap-corpus")

    @Test func everyDocumentGetsItsExpectedAnswerAndEveryExportIsValid() async throws {
        let server = try Server()
        let police = try server.token("politi")
        let manifest = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: Self.folder.appendingPathComponent("expected.json")))
                as? [[String: Any]])
        #expect(manifest.count >= 14)
        var incidents: Set<String> = []
        for entry in manifest {
            let file = try #require(entry["file"] as? String)
            let body = try Data(contentsOf: Self.folder.appendingPathComponent(file))
            let answer = try await server.request(
                "POST", "/api/v1/incidents", token: police, body: body, type: "application/cap+xml")
            let expected = try #require(entry["status"] as? Int)
            #expect(answer.status == expected, "\(file): \(answer.body)")
            let object = json(answer.body)
            for (key, value) in entry["fields"] as? [String: Any] ?? [:] {
                #expect("\(object[key] ?? "nil")" == "\(value)", "\(file): \(key) in \(answer.body)")
            }
            if let text = entry["error_contains"] as? String {
                #expect(answer.body.contains(text), "\(file): \(answer.body)")
            }
            let references = object["cap_references"] as? [String: Any]
            if let updated = entry["cap_updated"] as? [String] {
                #expect(references?["updated"] as? [String] == updated, "\(file): \(answer.body)")
            }
            if let notFound = entry["cap_not_found"] as? [String] {
                #expect(references?["not_found"] as? [String] == notFound, "\(file): \(answer.body)")
            }
            guard let id = (object["incident"] ?? object["id"]) as? String else { continue }
            incidents.insert(id)
            let stored = try await server.request("GET", "/api/v1/incidents/\(id)", token: police)
            if let description = entry["stored_description"] as? String {
                #expect(json(stored.body)["description"] as? String == description, "\(file): \(stored.body)")
            }
            for text in entry["plan_contains"] as? [String] ?? [] {
                #expect(stored.body.contains(text), "\(file): \(text) not in \(stored.body)")
            }
            for closed in entry["closed"] as? [String] ?? [] {
                let incident = try await server.request("GET", "/api/v1/incidents/\(closed)", token: police)
                #expect(json(incident.body)["status"] as? String == "closed", "\(file): \(closed) \(incident.body)")
            }
        }
        #expect(incidents.count >= 8)
        for id in incidents.sorted() {
            let exported = try await server.request("GET", "/api/v1/incidents/\(id)/cap", token: police)
            #expect(exported.status == 200, "\(id): \(exported.body)")
            let verdict = try Self.xmllint(exported.body)
            #expect(verdict.valid, "\(id): \(verdict.output)\n\(exported.body)")
        }
    }

    static func xmllint(_ xml: String) throws -> (valid: Bool, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        let schema = Run.root.appendingPathComponent("schemas/cap/cap12.xsd").path
        process.arguments = ["--noout", "--nonet", "--schema", schema, "-"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(xml.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus == 0, text)
    }
}
