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
            // The answer's `problems` are the plan's.
            for text in entry["plan_contains"] as? [String] ?? [] {
                #expect(answer.body.contains(text), "\(file): \(text) not in \(answer.body)")
            }
            for (key, value) in entry["stored_fields"] as? [String: Any] ?? [:] {
                #expect("\(json(stored.body)[key] ?? "nil")" == "\(value)", "\(file): \(key) in \(stored.body)")
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

    /// A real alert of 448 KiB, most of it an embedded photo: taken, the photo's size and SHA-256 kept
    /// in the plan, not its content; over the configured `cap.max_bytes` it is a 413.
    @Test func anAlertWithALargeEmbeddedResourceIsTakenWithoutItsContent() async throws {
        let photo = Data((0..<330_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        let base = try String(contentsOf: Self.folder.appendingPathComponent("01-alert.xml"), encoding: .utf8)
        let resource = """
                <resource>
                  <resourceDesc>Foto fra gården</resourceDesc>
                  <mimeType>image/jpeg</mimeType>
                  <size>\(photo.count)</size>
                  <derefUri>\(photo.base64EncodedString(options: .lineLength76Characters))</derefUri>
                </resource>
                <area>
            """
        let big = base.replacingOccurrences(of: "politi-2026-000101", with: "politi-2026-000201")
            .replacingOccurrences(of: "    <area>", with: resource)
        #expect(big.utf8.count > 440 * 1024)
        let server = try Server()
        let police = try server.token("politi")
        let answer = try await server.request(
            "POST", "/api/v1/incidents", token: police, body: Data(big.utf8), type: "application/cap+xml")
        #expect(answer.status == 201, "\(answer.body.prefix(2000))")
        let file = server.data.appendingPathComponent("photo.jpg")
        try photo.write(to: file)
        let sum = try Run(["sha256sum", file.path], executable: URL(fileURLWithPath: "/usr/bin/env"))
        let digest = try #require(sum.stdout.split(separator: " ").first.map(String.init))
        #expect(
            answer.body.contains("CAP resource 'Foto fra gården' (image/jpeg, 330000 bytes, sha256 \(digest))"),
            "\(answer.body.prefix(3000))")
        // The content is in neither the database nor its write-ahead log.
        let needle = Data(photo.base64EncodedString().prefix(64).utf8)
        for name in ["beredskab.sqlite", "beredskab.sqlite-wal"] {
            let bytes = (try? Data(contentsOf: server.data.appendingPathComponent(name))) ?? Data()
            #expect(bytes.range(of: needle) == nil, "\(name) holds the photo")
        }
        // Over the limit (1 MiB by default) it is a 413 with the JSON error.
        let huge = big.replacingOccurrences(of: "politi-2026-000201", with: "politi-2026-000202")
            .replacingOccurrences(of: "</derefUri>", with: String(repeating: "QUFB", count: 180_000) + "</derefUri>")
        let refused = try await server.request(
            "POST", "/api/v1/incidents", token: police, body: Data(huge.utf8), type: "application/cap+xml")
        #expect(refused.status == 413, "\(refused.body)")
        #expect(refused.body.contains("\"error\""))
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
