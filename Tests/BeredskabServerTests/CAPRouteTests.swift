import BeredskabEngine
import BeredskabServer
import BeredskabStore
import Foundation
import Testing

/// CAP 1.2 through the API: alerts in as reports, updates and cancels of them, incidents out.
@Suite struct CAPRouteTests {
    static let fixtures = Fixture.root.appendingPathComponent("Tests/BeredskabCAPTests/Fixtures")

    static func fixture(_ name: String, replacing: [(String, String)] = []) throws -> String {
        var text = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
        for (old, new) in replacing { text = text.replacingOccurrences(of: old, with: new) }
        return text
    }

    /// The API fixture with a reporter token of the police (`politi`) as "police".
    static func withPolice() throws -> APIFixture {
        var fixture = try APIFixture()
        fixture.tokens["police"] = try fixture.store.createToken(
            organisation: "politi", role: .reporter, person: nil, label: "", actor: "t", at: APIFixture.at
        ).secret
        return fixture
    }

    @Test func anAlertIsAReportAndAnUpdateAndCancelChangeIt() async throws {
        let fixture = try Self.withPolice()
        let alert = try Self.fixture("alert-geocode.xml")
        let created = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: alert, type: "application/cap+xml")
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["incident"] == .string("politi-2026-004711"))
        #expect(created.json["area"] == .string("mjolnerparken"))
        let stored = try await fixture.call(.get, "/api/v1/incidents/politi-2026-004711", as: "police")
        #expect(stored.json["category"] == .string("violence"))
        #expect(!stored.text.contains("Jens Hansen"), "the CAP contact is not carried over")

        let update = alert.replacingOccurrences(of: "<msgType>Alert</msgType>", with: "<msgType>Update</msgType>")
            .replacingOccurrences(
                of: "</restriction>",
                with:
                    "</restriction><references>vagtcentral@politi.example,politi-2026-004711,2026-11-21T22:15:00+01:00</references>"
            ).replacingOccurrences(of: "politi-2026-004711</identifier>", with: "politi-2026-004712</identifier>")
            .replacingOccurrences(of: "<severity>Severe</severity>", with: "<severity>Extreme</severity>")
        let updated = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: update, type: "application/cap+xml")
        #expect(updated.status == 200, "\(updated.text)")
        #expect(updated.json["severity"] == .string("extreme"))

        let cancel = try Self.fixture("cancel.xml")
        let references = "vagtcentral@politi.example,politi-2026-004711,2026-11-21T22:15:00+01:00"
        let pattern = try Regex("<references>[^<]*</references>")
        let cancelled = try await fixture.call(
            .post, "/api/v1/incidents", as: "police",
            body: cancel.replacing(pattern, with: "<references>\(references)</references>"),
            type: "application/cap+xml")
        #expect(cancelled.status == 200, "\(cancelled.text)")
        #expect(cancelled.json["status"] == .string("closed"))

        // Another organisation cannot update or cancel it: its Update is a report of its own, its
        // Cancel is refused, and the police incident is untouched.
        let before = try fixture.store.updates(incident: "politi-2026-004711").count
        let foreign = try await fixture.call(
            .post, "/api/v1/incidents", as: "reporter", body: update, type: "application/cap+xml")
        #expect(foreign.status == 201, "\(foreign.text)")
        #expect(foreign.json["incident"] != .string("politi-2026-004711"))
        let foreignCancel = try await fixture.call(
            .post, "/api/v1/incidents", as: "reporter",
            body: cancel.replacing(pattern, with: "<references>\(references)</references>"), type: "application/cap+xml"
        )
        #expect(foreignCancel.status == 422)
        #expect(foreignCancel.text.contains("names no incident of yours"), "\(foreignCancel.text)")
        #expect(try fixture.store.updates(incident: "politi-2026-004711").count == before)
    }

    /// A Cancel naming several alerts closes each of the sender's incidents and says which
    /// references it did not find; an Update of an alert never seen is a report of its own.
    @Test func aCancelActsOnEveryReferenceAndAnUnknownUpdateIsAReport() async throws {
        let fixture = try Self.withPolice()
        let alert = try Self.fixture("alert-geocode.xml")
        // Two days apart, so the second is an incident of its own, not a duplicate of the first.
        for (id, onset) in [("politi-2026-004711", "2026-11-21"), ("politi-2026-004712", "2026-11-19")] {
            let created = try await fixture.call(
                .post, "/api/v1/incidents", as: "police",
                body: alert.replacingOccurrences(of: "politi-2026-004711</identifier>", with: "\(id)</identifier>")
                    .replacingOccurrences(of: "<onset>2026-11-21", with: "<onset>\(onset)"),
                type: "application/cap+xml")
            #expect(created.status == 201 && created.json["merged_into"] == .null, "\(created.text)")
        }
        let references = [
            "vagtcentral@politi.example,politi-2026-004711,2026-11-21T22:15:00+01:00",
            "vagtcentral@politi.example,politi-2026-009999,2026-11-21T22:15:00+01:00",
            "vagtcentral@politi.example,politi-2026-004712,2026-11-21T22:16:00+01:00",
        ]
        let cancel = try Self.fixture("cancel.xml").replacing(
            try Regex("<references>[^<]*</references>"),
            with: "<references>\(references.joined(separator: " "))</references>")
        let cancelled = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: cancel, type: "application/cap+xml")
        #expect(cancelled.status == 200, "\(cancelled.text)")
        #expect(
            cancelled.json["cap_references"]?["updated"]
                == .array([.string("politi-2026-004711"), .string("politi-2026-004712")]))
        #expect(cancelled.json["cap_references"]?["not_found"] == .array([.string(references[1])]))
        for id in ["politi-2026-004711", "politi-2026-004712"] {
            #expect(try fixture.store.incident(id: id)?.closedAt != nil, "\(id) is still open")
        }

        // A receiver that joined the feed late: the Update of an alert it never saw is a report.
        let update = try Self.fixture("update.xml").replacingOccurrences(
            of: "politi-2026-004711,", with: "politi-2026-007777,")
        let joined = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: update, type: "application/cap+xml")
        #expect(joined.status == 201, "\(joined.text)")
        let id = try #require(joined.json["incident"].flatMap { if case .string(let s) = $0 { s } else { nil } })
        let plan = try #require(try fixture.store.incident(id: id)).planJSON
        #expect(plan.contains("politi-2026-007777") && plan.contains("taken as a report of its own"), "\(plan)")
    }

    /// A Cancel withdraws the sender's own alert: when it was merged into another organisation's
    /// incident, that incident stays open, and the answer says why nothing was closed.
    @Test func aCancelNeverClosesAnotherOrganisationsIncidentThroughAMerge() async throws {
        let fixture = try Self.withPolice()
        let alert = try Self.fixture("alert-geocode.xml")
        let housing = try await fixture.call(
            .post, "/api/v1/incidents", as: "reporter",
            body: alert.replacingOccurrences(of: "politi-2026-004711</identifier>", with: "vold-1</identifier>"),
            type: "application/cap+xml")
        #expect(housing.status == 201, "\(housing.text)")
        let housingID = try #require(
            housing.json["incident"].flatMap { if case .string(let s) = $0 { s } else { nil } })
        let police = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: alert, type: "application/cap+xml")
        #expect(police.json["merged_into"] == .string(housingID), "\(police.text)")
        let cancel = try Self.fixture("cancel.xml").replacing(
            try Regex("<references>[^<]*</references>"),
            with: "<references>vagtcentral@politi.example,politi-2026-004711,2026-11-21T22:15:00+01:00</references>")
        let cancelled = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: cancel, type: "application/cap+xml")
        #expect(cancelled.status == 200, "\(cancelled.text)")
        #expect(cancelled.json["cap_references"]?["updated"] == .array([]))
        #expect(cancelled.text.contains("only they or an admin can call the all clear"), "\(cancelled.text)")
        #expect(try fixture.store.incident(id: housingID)?.closedAt == nil)
        // Cancelling twice changes nothing and says so.
        let mine = try await fixture.call(
            .post, "/api/v1/incidents", as: "police",
            body: alert.replacingOccurrences(
                of: "politi-2026-004711</identifier>", with: "politi-2026-004799</identifier>"
            )
            .replacingOccurrences(of: "<onset>2026-11-21", with: "<onset>2026-11-17"),
            type: "application/cap+xml")
        #expect(mine.status == 201 && mine.json["merged_into"] == .null, "\(mine.text)")
        let own = cancel.replacingOccurrences(of: "politi-2026-004711,", with: "politi-2026-004799,")
        let first = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: own, type: "application/cap+xml")
        #expect(first.json["cap_references"]?["updated"] == .array([.string("politi-2026-004799")]), "\(first.text)")
        let again = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: own, type: "application/cap+xml")
        #expect(again.json["cap_references"]?["updated"] == .array([]), "\(again.text)")
        #expect(again.text.contains("already closed"))
    }

    /// CAP is UTF-8 only, like JSON; and JSON sent as XML is told so, not "the document is empty".
    @Test func aCAPBodyInAnotherCharsetOrJSONSentAsXMLIsA415() async throws {
        let fixture = try Self.withPolice()
        let latin = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: try Self.fixture("alert-geocode.xml"),
            type: "application/cap+xml; charset=latin1")
        #expect(latin.status == 415, "\(latin.text)")
        #expect(latin.text.contains("only UTF-8"))
        for type in ["application/cap+xml", "application/xml", "text/xml"] {
            let json = try await fixture.call(
                .post, "/api/v1/incidents", as: "police", body: #"  {"id": "politi-1"}"#, type: type)
            #expect(json.status == 415, "\(type): \(json.text)")
            #expect(json.text.contains("the body is JSON"), "\(json.text)")
        }
    }

    /// One of our own exports posted back is that incident, not a new one.
    @Test func anExportedAlertPostedBackIsRecognised() async throws {
        let fixture = try Self.withPolice()
        let created = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: try Self.fixture("alert-geocode.xml"),
            type: "application/cap+xml")
        #expect(created.status == 201)
        let exported = try await fixture.call(.get, "/api/v1/incidents/politi-2026-004711/cap", as: "police")
        #expect(exported.text.contains("<identifier>beredskab-politi-2026-004711</identifier>"), "\(exported.text)")
        let again = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: exported.text, type: "application/cap+xml")
        #expect(again.status == 200, "\(again.text)")
        #expect(again.json["id"] == .string("politi-2026-004711"))
        #expect(try fixture.store.incident(id: "politi:beredskab-politi-2026-004711") == nil)
        #expect(try fixture.store.incident(id: "beredskab-politi-2026-004711") == nil)
    }

    @Test func invalidCAPIsA400OrA422WithTheProblems() async throws {
        let fixture = try APIFixture()
        let broken = try await fixture.call(
            .post, "/api/v1/incidents", as: "reporter", body: "<alert><identifier>x</alert>",
            type: "application/cap+xml")
        #expect(broken.status == 400)
        #expect(broken.text.contains("line"))
        let notCAP = try await fixture.call(
            .post, "/api/v1/incidents", as: "reporter",
            body: try Self.fixture(
                "alert-geocode.xml",
                replacing: [("urn:oasis:names:tc:emergency:cap:1.2", "urn:example:other"), ("politi-2026", "fsb-2026")]),
            type: "application/cap+xml")
        #expect(notCAP.status == 422)
        #expect(notCAP.json["error"]?["problems"] != nil)
        let unknownSeverity = try await fixture.call(
            .post, "/api/v1/incidents", as: "reporter",
            body: try Self.fixture("alert-geocode.xml", replacing: [("<severity>Severe", "<severity>Unknown")]),
            type: "application/cap+xml")
        // Unknown is taken as the configured default and noted in the plan.
        #expect(unknownSeverity.status == 201, "\(unknownSeverity.text)")
        let id = try #require(
            unknownSeverity.json["incident"].flatMap { if case .string(let s) = $0 { s } else { nil } })
        let plan = try #require(try fixture.store.incident(id: id)?.planJSON)
        #expect(plan.contains("\"cap\"") && plan.contains("Unknown was taken as moderate"), "\(plan)")
    }

    /// Bodies that used to kill the server inside FoundationXML are a 400 whose JSON names the problem.
    @Test func hostileXMLIsA400NotACrash() async throws {
        let fixture = try APIFixture()
        for (body, problem) in [
            ("<?x?><alert/>", "processing instruction needs data"), ("<a:b:c/>", "one ':'"),
            ("<!-- -->\n<!DOCTYPE a>\n<a/>", "document type"), ("<a><!ENTITY x \"y\"></a>", "<!ENTITY"),
        ] {
            let response = try await fixture.call(
                .post, "/api/v1/incidents", as: "reporter", body: body, type: "application/cap+xml")
            #expect(response.status == 400)
            #expect(response.json["error"]?["problems"] != nil)
            #expect(response.text.contains(problem), "\(response.text)")
        }
        #expect(try await fixture.call(.get, "/healthz", as: nil).status == 200)
    }

    @Test func anIncidentAsCAPValidatesAgainstTheOASISSchemaAndHasNoPersonalDetails() async throws {
        let fixture = try APIFixture()
        let cap = try await fixture.call(.get, "/api/v1/incidents/\(APITests.id)/cap", as: "responder")
        #expect(cap.status == 200)
        #expect(cap.text.contains("<scope>Restricted</scope>"))
        #expect(cap.text.contains("<language>da-DK</language>") && cap.text.contains("<language>en-US</language>"))
        for secret in ["Yusuf Demir", "Birthe Kjeldsen", "+45 01 00 00 55", "bent-iversen"] {
            #expect(!cap.text.contains(secret), "\(secret) in the CAP alert")
        }
        try Self.expectSchemaValid(cap.text)
    }

    /// Checks a CAP document with xmllint against the OASIS schema.
    static func expectSchemaValid(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cap-\(UUID().uuidString).xml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let xmllint = Process()
        xmllint.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        xmllint.arguments = [
            "--noout", "--schema", Fixture.root.appendingPathComponent("schemas/cap/cap12.xsd").path, file.path,
        ]
        let errors = Pipe()
        xmllint.standardError = errors
        try xmllint.run()
        xmllint.waitUntilExit()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(xmllint.terminationStatus == 0, "\(said)", sourceLocation: sourceLocation)
    }

    /// A Test, System or Draft alert never alerts anyone as if it were real (issue: Test/Exercise CAP
    /// alerts went out as real): it is recorded and closed, alerts nobody, keeps its status in the
    /// export, and neither merges with nor changes a real incident. (Exercise is a drill: see below.)
    @Test(arguments: ["Test", "System", "Draft"])
    func aNonActualAlertIsRecordedAndAlertsNobody(_ status: String) async throws {
        let fixture = try Self.withPolice()
        let actual = try Self.fixture("alert-geocode.xml")
        let drill = actual.replacingOccurrences(of: "<status>Actual</status>", with: "<status>\(status)</status>")
            .replacingOccurrences(of: "politi-2026-004711</identifier>", with: "politi-2026-004700</identifier>")
        let recorded = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: drill, type: "application/cap+xml")
        #expect(recorded.status == 201, "\(recorded.text)")
        #expect(recorded.json["dispatched"] == .bool(false))
        #expect(recorded.json["cap_status"] == .string(status.lowercased()))
        #expect(recorded.json["notified"] == .array([]))
        #expect(try fixture.store.notifications(incident: "politi-2026-004700").isEmpty)
        let stored = try #require(try fixture.store.incident(id: "politi-2026-004700"))
        #expect(stored.closedAt != nil && stored.capStatus == status.lowercased())
        let exported = try await fixture.call(.get, "/api/v1/incidents/politi-2026-004700/cap", as: "police")
        #expect(
            exported.text.contains("<status>\(status)</status>") && exported.text.contains("<msgType>Alert</msgType>"))
        try Self.expectSchemaValid(exported.text)

        // The real alert a minute later is an incident of its own that alerts people.
        let real = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: actual, type: "application/cap+xml")
        #expect(real.status == 201 && real.json["merged_into"] == .null && real.json["dispatched"] == .bool(true))
        #expect(!(try fixture.store.notifications(incident: "politi-2026-004711").isEmpty))
        // A Cancel that is not Actual changes nothing.
        let cancel = try Self.fixture("cancel.xml")
        let pattern = try Regex("<references>[^<]*</references>")
        let drillCancel = cancel.replacing(
            pattern,
            with: "<references>vagtcentral@politi.example,politi-2026-004711,2026-11-21T22:15:00+01:00</references>"
        ).replacingOccurrences(of: "<status>Actual</status>", with: "<status>\(status)</status>")
        let refused = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: drillCancel, type: "application/cap+xml")
        #expect(refused.status == 422, "\(refused.text)")
        #expect(try fixture.store.incident(id: "politi-2026-004711")?.closedAt == nil)
    }

    /// A CAP Exercise alert is a drill (issue 12): it goes through the guidelines like a real alert,
    /// every message starts with ØVELSE or EXERCISE, the export says Exercise, and the real alert
    /// on the same spot a minute later neither merges into it nor is suppressed by it.
    @Test func anExerciseAlertGoesThroughThePathMarkedAndApartFromRealIncidents() async throws {
        let fixture = try Self.withPolice()
        let actual = try Self.fixture("alert-geocode.xml")
        let drill = actual.replacingOccurrences(of: "<status>Actual</status>", with: "<status>Exercise</status>")
            .replacingOccurrences(of: "politi-2026-004711</identifier>", with: "politi-2026-004700</identifier>")
        let accepted = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: drill, type: "application/cap+xml")
        #expect(accepted.status == 201, "\(accepted.text)")
        #expect(accepted.json["dispatched"] == .bool(true) && accepted.json["exercise"] == .bool(true))
        let drillMessages = try fixture.store.notifications(incident: "politi-2026-004700")
        #expect(!drillMessages.isEmpty)
        for message in drillMessages {
            #expect(message.exercise)
            #expect(
                message.message.hasPrefix("ØVELSE – ") || message.message.hasPrefix("EXERCISE – "), "\(message.message)"
            )
        }
        let stored = try #require(try fixture.store.incident(id: "politi-2026-004700"))
        #expect(stored.exercise && stored.closedAt == nil)
        let exported = try await fixture.call(.get, "/api/v1/incidents/politi-2026-004700/cap", as: "police")
        #expect(exported.text.contains("<status>Exercise</status>") && exported.text.contains("<headline>ØVELSE – "))
        try Self.expectSchemaValid(exported.text)
        let shown = try await fixture.call(.get, "/api/v1/incidents/politi-2026-004700", as: "police")
        #expect(shown.json["exercise"] == .bool(true))

        let real = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: actual, type: "application/cap+xml")
        #expect(real.status == 201 && real.json["merged_into"] == .null && real.json["exercise"] == .bool(false))
        #expect(real.json["fired"] == accepted.json["fired"] && real.json["suppressed"] == .array([]))
        for message in try fixture.store.notifications(incident: "politi-2026-004711") {
            #expect(!message.exercise && !message.message.hasPrefix("ØVELSE"))
        }

        // An Exercise Cancel never closes the real incident; it does close the exercise.
        let cancel = try Self.fixture("cancel.xml").replacingOccurrences(
            of: "<status>Actual</status>", with: "<status>Exercise</status>")
        let pattern = try Regex("<references>[^<]*</references>")
        func referring(to id: String) -> String {
            cancel.replacing(
                pattern,
                with: "<references>vagtcentral@politi.example,\(id),2026-11-21T22:15:00+01:00</references>")
        }
        let refused = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: referring(to: "politi-2026-004711"),
            type: "application/cap+xml")
        #expect(refused.status == 422, "\(refused.text)")
        #expect(try fixture.store.incident(id: "politi-2026-004711")?.closedAt == nil)
        let closed = try await fixture.call(
            .post, "/api/v1/incidents", as: "police", body: referring(to: "politi-2026-004700"),
            type: "application/cap+xml")
        #expect(closed.status == 200, "\(closed.text)")
        #expect(try fixture.store.incident(id: "politi-2026-004700")?.closedAt != nil)
    }
}
