import BeredskabCAP
import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Testing

/// CAP 1.2 alerts in: checked like OASIS's schema, mapped to our report format.
@Suite struct CAPParsingTests {
    @Test func alertWithAreaGeocodeBecomesAReport() throws {
        let alert = try accepted("alert-geocode.xml")
        #expect(alert.identifier == "politi-2026-004711")
        #expect(alert.sender == "vagtcentral@politi.example")
        #expect(alert.sent == Instant(rfc3339: "2026-11-21T22:15:00+01:00"))
        #expect(alert.messageType == .alert)
        #expect(alert.status == .actual)
        #expect(alert.references.isEmpty)
        #expect(alert.language == "da-DK")
        let report = try decodedReport(alert)
        #expect(report.id == "politi-2026-004711")
        #expect(report.reporter == IncidentReport.Reporter(organisation: "politi"))
        #expect(report.occurredAt == Instant(rfc3339: "2026-11-21T22:05:00+01:00"), "onset before effective")
        #expect(report.category == .violence, "the eventCode wins over the event text")
        #expect(report.severity == .severe)
        #expect(report.location.area == "mjolnerparken")
        #expect(report.location.address == "Mjølnerparken, gården ved Hothersgade")
        #expect(report.location.coordinate == nil)
        #expect(report.flags == [.injured])
        #expect(
            report.description
                == "Slagsmål mellem flere unge i gården; én er slået ned & behandles af ambulance.\n\n"
                + "Hold beboerhuset lukket i aften.")
    }

    @Test func neverCarriesPersonsOrContactDetails() throws {
        let alert = try accepted("alert-geocode.xml")
        let report = try decodedReport(alert)
        #expect(report.persons.isEmpty)
        #expect(report.reporter.person == nil && report.reporter.phone == nil)
        let text = try #require(alert.report).text
        for secret in ["Jens Hansen", "+45 01 00 00 99", "0100-12345", "persons", "phone", "person"] {
            #expect(!text.contains(secret), "\(secret) leaked into \(text)")
        }
    }

    @Test func reportJSONHasTheDocumentedShape() throws {
        let alert = try accepted("alert-geocode.xml")
        #expect(
            alert.report?.text
                == #"{"id":"politi-2026-004711","reporter":{"organisation":"politi"},"#
                + #""occurred_at":"2026-11-21T22:05:00+01:00","category":"violence","severity":"severe","#
                + #""location":{"area":"mjolnerparken","address":"Mjølnerparken, gården ved Hothersgade"},"#
                + #""flags":{"injured":true,"minors":false},"description":"Slagsmål mellem flere unge i gården; "#
                + #"én er slået ned & behandles af ambulance.\n\nHold beboerhuset lukket i aften."}"#)
    }

    @Test func polygonGivesTheCentroidAndPrefixedNamesAreFine() throws {
        let alert = try accepted("alert-polygon.xml")
        #expect(alert.sent == Instant(rfc3339: "2026-03-13T20:50:00Z"), "-00:00 is UTC")
        #expect(alert.language == "en-US", "CAP's default language")
        let report = try decodedReport(alert)
        #expect(report.id == "fsb:2026-000412")
        #expect(report.category == .shooting, "the Danish word in event")
        #expect(report.severity == .extreme)
        #expect(report.occurredAt == Instant(rfc3339: "2026-03-13T21:47:00+01:00"), "effective without onset")
        #expect(report.location.area == nil)
        #expect(report.location.coordinate == Coordinate(lat: 55.6867, lon: 12.558))
        #expect(report.location.address == "Blågårds Plads")
        #expect(report.flags == [.weapons])
        #expect(report.description == "Flere skud affyret på Blågårds Plads <ved 21.45-tiden>.", "CDATA is text")
        // The engine places the centroid in Blågården, as it would a phone's position.
        let areas = AreaMap(demo.rules)
        #expect(areas.place(try #require(report.location.coordinate)).map { areas.ids[$0] } == "blaagaarden")
    }

    @Test func updateCarriesItsReferencesAndACircleCentre() throws {
        let alert = try accepted("update.xml")
        #expect(alert.messageType == .update)
        #expect(
            alert.references == [
                CAPAlert.Reference(
                    sender: "vagtcentral@politi.example", identifier: "politi-2026-004711",
                    sent: Instant(rfc3339: "2026-11-21T22:15:00+01:00")!)
            ])
        let report = try decodedReport(alert)
        #expect(report.id == "politi-2026-004711-2")
        #expect(report.category == .violence, "'vold' in event")
        #expect(report.severity == .moderate)
        #expect(report.occurredAt == alert.sent, "no onset or effective: sent")
        #expect(report.location.coordinate == Coordinate(lat: 55.701, lon: 12.5422))
    }

    @Test func cancelCarriesReferencesAndNoReport() throws {
        let alert = try accepted("cancel.xml")
        #expect(alert.messageType == .cancel)
        #expect(alert.references.map(\.identifier) == ["politi-2026-004711", "politi-2026-004711-2"])
        #expect(alert.references[1].sent == Instant(rfc3339: "2026-11-21T23:00:00+01:00"))
        #expect(alert.report == nil)
        #expect(alert.language == nil)
    }

    @Test func danishInfoIsChosenOverAnEarlierEnglishOne() throws {
        let alert = try accepted("bilingual.xml")
        #expect(alert.status == .exercise)
        #expect(alert.language == "da")
        let report = try decodedReport(alert)
        #expect(report.description == "En container brænder i gården.")
        #expect(report.location.address == "Prater, gården")
        #expect(report.category == .fire, "CAP category Fire, as 'Containerbrand' is no category word")
        #expect(report.location.area == "prater")
    }

    @Test func notWellFormedXMLSaysLineAndColumn() throws {
        let error = try refused("invalid/malformed.xml")
        #expect(error.kind == .malformed)
        #expect(error.line == 16)
        #expect(error.column != nil)
        #expect(error.message.hasPrefix("not well-formed XML: line 16, column "))
        #expect(error.message.hasSuffix("an end tag does not match its start tag"))
        #expect(error.problems.count == 1 && error.problems[0].path == "/")
    }

    @Test(arguments: [
        ("invalid/wrong-namespace.xml", "/alert", "namespace urn:oasis:names:tc:emergency:cap:1.2"),
        ("invalid/missing-identifier.xml", "/alert/identifier", "is required"),
        ("invalid/bad-severity.xml", "/alert/info[1]/severity", "did you mean 'Severe'?"),
        ("invalid/unknown-area.xml", "/alert/info[1]/area[1]/geocode[1]/value", "did you mean 'mjolnerparken'?"),
        ("invalid/bad-references.xml", "/alert/references", "sender,identifier,sent"),
        ("invalid/no-info.xml", "/alert/info", "is required for an Alert or Update"),
        ("invalid/bad-identifier.xml", "/alert/identifier", "usable as a report id"),
    ])
    func validXMLThatIsNotUsableCAPIsInvalid(_ name: String, _ path: String, _ message: String) throws {
        let error = try refused(name)
        #expect(error.kind == .invalid)
        #expect(error.problems.count == 1, "\(error.problems)")
        let problem = try #require(error.problems.first)
        #expect(problem.path == path)
        #expect(problem.message.contains(message), "\(problem.message)")
    }

    @Test func theFixturesAgreeWithOASISsSchema() throws {
        let schemaValid = [
            "alert-geocode.xml", "alert-polygon.xml", "update.xml", "cancel.xml", "bilingual.xml",
            "unknown-severity.xml", "invalid/unknown-area.xml", "invalid/bad-references.xml",
            "invalid/no-info.xml", "invalid/bad-identifier.xml",
        ]
        let schemaInvalid = [
            "invalid/wrong-namespace.xml", "invalid/missing-identifier.xml", "invalid/bad-severity.xml",
            "invalid/malformed.xml",
        ]
        for name in schemaValid + schemaInvalid {
            let verdict = try xmllint(String(decoding: try fixture(name), as: UTF8.self))
            #expect(verdict.valid == schemaValid.contains(name), "\(name): \(verdict.output)")
        }
    }

    /// Builds an alert with one info block from parts, so each check can be poked at alone.
    static func alert(
        header: String = "", msgType: String = "Alert", references: String = "", info: String = "",
        area: String = "<area><areaDesc>Gården</areaDesc></area>", severity: String = "Minor"
    ) -> [UInt8] {
        let text = """
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x-1</identifier>\
            <sender>a@b.example</sender><sent>2026-11-21T22:15:00+01:00</sent><status>Actual</status>\
            <msgType>\(msgType)</msgType><scope>Public</scope>\(header)\(references)<info><category>Other</category>\
            <event>Andet</event><urgency>Past</urgency><severity>\(severity)</severity><certainty>Likely</certainty>\
            \(info)\(area)</info></alert>
            """
        return Array(text.utf8)
    }

    static func problems(_ bytes: [UInt8]) -> [String] {
        switch parse(bytes) {
        case .success: return []
        case .failure(let error): return error.problems.map(\.description)
        }
    }

    /// `Unknown` is the commonest severity of real alerts: it becomes the deployment's default
    /// (moderate unless configured) and the plan says so, instead of refusing the alert.
    @Test func anUnknownSeverityTakesTheConfiguredDefaultAndIsNoted() throws {
        let alert = try accepted("unknown-severity.xml")
        #expect(alert.report?["severity"] == .string("moderate"))
        #expect(alert.notes.count == 1 && alert.notes[0].contains("Unknown was taken as moderate"), "\(alert.notes)")
        let configured = try CAPAlert.parse(
            try fixture("unknown-severity.xml"), organisation: "politi", rules: demo.rules, unknownSeverity: .severe
        ).get()
        #expect(configured.report?["severity"] == .string("severe"))
        #expect(try parse(Self.alert(severity: "Minor")).get().notes.isEmpty)
    }

    /// A resource is kept as its size and SHA-256, never its content; one whose embedded content is
    /// not base64 is said to be so.
    @Test func aResourceIsKeptAsItsSizeAndDigest() throws {
        func notes(_ resource: String) throws -> [String] {
            try parse(
                Self.alert(
                    info:
                        "<resource><resourceDesc>Foto</resourceDesc><mimeType>image/jpeg</mimeType>\(resource)</resource>"
                )
            ).get().notes
        }
        // "hej", base64: the digest is sha256sum's for those three bytes.
        #expect(
            try notes("<derefUri>aGVq</derefUri>") == [
                "CAP resource 'Foto' (image/jpeg, 3 bytes, sha256 "
                    + "9c478bf63e9500cb5db1e85ece82f18c8eb9e52e2f9135acd7f10972c8d563ba): only its size and digest are kept"
            ])
        #expect(try notes("<derefUri>%%%</derefUri>").first?.contains("derefUri is not base64") == true)
        #expect(
            try notes("<size>1234</size><uri>https://example.org/foto.jpg</uri>").first?.contains(
                "1234 bytes declared, https://example.org/foto.jpg") == true)
    }

    /// A headline is the text when there is no description; the instruction follows either.
    @Test func theHeadlineStandsInForAMissingDescription() throws {
        func description(_ info: String) throws -> JSONValue? {
            try parse(Self.alert(info: info)).get().report?["description"]
        }
        #expect(try description("<headline>Skud ved skolen</headline>") == .string("Skud ved skolen"))
        #expect(
            try description("<headline>Skud</headline><instruction>Hold jer inde</instruction>")
                == .string("Skud\n\nHold jer inde"))
        #expect(
            try description("<headline>Skud</headline><description>To skud affyret</description>")
                == .string("To skud affyret"))
        #expect(try description("<instruction>Hold jer inde</instruction>") == .string("Hold jer inde"))
    }

    /// An empty `<references/>` is as good as none: fine on an Alert, still missing on a Cancel.
    @Test func anEmptyReferencesElementIsTreatedAsAbsent() throws {
        #expect(try parse(Self.alert(references: "<references/>")).get().references.isEmpty)
        #expect(try parse(Self.alert(references: "<references>  </references>")).get().references.isEmpty)
        let cancel = Self.problems(Self.alert(msgType: "Cancel", references: "<references/>"))
        #expect(cancel == ["/alert/references: is required for a Cancel: it names the alert it changes"], "\(cancel)")
    }

    @Test func theSmallestAlertIsAccepted() throws {
        let alert = try parse(Self.alert()).get()
        #expect(
            alert.report?.text
                == #"{"id":"x-1","reporter":{"organisation":"politi"},"occurred_at":"2026-11-21T22:15:00+01:00","#
                + #""category":"other","severity":"minor","location":{"address":"Gården"}}"#)
    }

    @Test func categoriesComeFromEventCodeThenEventThenCAPCategory() throws {
        func category(_ info: String, event: String = "Noget") throws -> String? {
            let text = String(decoding: Self.alert(info: info), as: UTF8.self).replacingOccurrences(
                of: "<event>Andet</event>", with: "<event>\(event)</event>")
            return try parse(Array(text.utf8)).get().report?["category"].flatMap {
                if case .string(let value) = $0 { value } else { nil }
            }
        }
        #expect(try category("", event: "hærværk") == "vandalism")
        #expect(try category("", event: " Narko ") == "drugs")
        #expect(try category("", event: "Gang incident") == "gang")
        #expect(try category("", event: "burglary") == "burglary")
        #expect(try category("") == "other")
        let code = "<eventCode><valueName>beredskab:category</valueName><value>threat</value></eventCode>"
        #expect(try category(code, event: "brand") == "threat")
        let foreign = "<eventCode><valueName>SAME</valueName><value>CEM</value></eventCode>"
        #expect(try category(foreign, event: "uro") == "unrest")
    }

    @Test func beredskabNamesAreCheckedForTypos() {
        let typo = "<eventCode><valueName>beredskab:categroy</valueName><value>fire</value></eventCode>"
        #expect(
            Self.problems(Self.alert(info: typo)) == [
                "/alert/info[1]/eventCode[1]/valueName: unknown Beredskab event code 'beredskab:categroy'; "
                    + "did you mean 'beredskab:category'?"
            ])
        let badCategory = "<eventCode><valueName>beredskab:category</valueName><value>arson</value></eventCode>"
        #expect(
            Self.problems(Self.alert(info: badCategory)).first?.hasPrefix("/alert/info[1]/eventCode[1]/value:") == true)
        let flag = "<parameter><valueName>beredskab:wepons</valueName><value>true</value></parameter>"
        #expect(
            Self.problems(Self.alert(info: flag)).first?.contains("did you mean 'beredskab:weapons'?") == true)
        let yes = "<parameter><valueName>beredskab:weapons</valueName><value>ja</value></parameter>"
        #expect(Self.problems(Self.alert(info: yes)) == ["/alert/info[1]/parameter[1]/value: must be true or false"])
        let geocode =
            "<area><areaDesc>x</areaDesc><geocode><valueName>beredskab:omraade</valueName>"
            + "<value>prater</value></geocode></area>"
        #expect(
            Self.problems(Self.alert(area: geocode)).first?.hasPrefix(
                "/alert/info[1]/area[1]/geocode[1]/valueName: unknown Beredskab geocode") == true)
    }

    @Test func schemaOrderRepetitionAndUnknownElementsAreProblems() {
        #expect(
            Self.problems(Self.alert(header: "<sender>again@b.example</sender>")).contains(
                "/alert/sender[2]: is out of order: CAP 1.2 puts it before 'scope'"))
        #expect(
            Self.problems(Self.alert(header: "<restriction>a</restriction><restriction>b</restriction>")).contains(
                "/alert/restriction[2]: may appear only once"))
        #expect(
            Self.problems(Self.alert(header: "<note>a</note><restrction>b</restrction>")) == [
                "/alert/restrction: unknown element 'restrction'; did you mean 'restriction'?"
            ])
        #expect(
            Self.problems(Self.alert(info: "<onset>2026-11-21 22:00</onset>")) == [
                "/alert/info[1]/onset: must be a CAP date and time with seconds and an offset, such as "
                    + "2026-11-21T22:15:00+01:00"
            ])
        #expect(!Self.problems(Self.alert(info: "<onset>2026-11-21T22:00:00Z</onset>")).isEmpty, "CAP has no Z")
        #expect(!Self.problems(Self.alert(info: "<onset>2026-02-30T22:00:00+01:00</onset>")).isEmpty)
        #expect(
            Self.problems(Self.alert(header: "<x:extra xmlns:x=\"urn:other\"/>")).first?.contains(
                "is not in the CAP 1.2 namespace") == true)
        let signature = "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"/>"
        let signed = String(decoding: Self.alert(), as: UTF8.self).replacingOccurrences(
            of: "</alert>", with: signature + "</alert>")
        #expect(Self.problems(Array(signed.utf8)).isEmpty, "an XML signature at the end is allowed")
    }

    @Test func referencesAreRequiredForUpdateAndCancel() {
        #expect(
            Self.problems(Self.alert(msgType: "Cancel")) == [
                "/alert/references: is required for a Cancel: it names the alert it changes"
            ])
        let triple = "<references>a@b.example,x-0,2026-11-21T22:00:00+01:00</references>"
        #expect(Self.problems(Self.alert(msgType: "Update", references: triple)).isEmpty)
        let commas = "<references>a@b.example,x-0</references>"
        #expect(!Self.problems(Self.alert(msgType: "Update", references: commas)).isEmpty)
    }

    @Test func geometryIsChecked() {
        func area(_ inner: String) -> String { "<area><areaDesc>x</areaDesc>\(inner)</area>" }
        #expect(
            Self.problems(Self.alert(area: area("<polygon>55.7,12.5 55.8,12.5 55.8,12.6</polygon>"))).first?
                .hasPrefix("/alert/info[1]/area[1]/polygon[1]: must be at least four") == true)
        #expect(!Self.problems(Self.alert(area: area("<polygon>95,12 96,12 96,13 95,12</polygon>"))).isEmpty)
        #expect(!Self.problems(Self.alert(area: area("<circle>55.7,12.5</circle>"))).isEmpty)
        #expect(!Self.problems(Self.alert(area: area("<circle>55.7,12.5 -1</circle>"))).isEmpty)
        #expect(Self.problems(Self.alert(area: area("<circle>55.7,12.5 0</circle>"))).isEmpty)
        #expect(
            Self.problems(Self.alert(area: "")) == [
                "/alert/info[1]/area: is required: Beredskab needs a geocode beredskab:area, a polygon or circle, "
                    + "or at least an areaDesc"
            ])
    }

    @Test func limitsOfOurReportFormatAreProblemsNotTruncations() {
        let long = String(repeating: "å", count: 301)
        #expect(
            Self.problems(Self.alert(area: "<area><areaDesc>\(long)</areaDesc></area>")).first?.hasPrefix(
                "/alert/info[1]/area[1]/areaDesc: must be at most 300 characters") == true)
        let text = String(repeating: "x", count: 3000)
        #expect(
            Self.problems(Self.alert(info: "<description>\(text)</description><instruction>\(text)</instruction>"))
                .first?.hasPrefix("/alert/info[1]/description: description (or headline) and instruction together")
                == true)
    }

    @Test func doctypesAreRefusedBeforeParsing() throws {
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&x;</alert>
            """
        guard case .failure(let error) = parse(Array(text.utf8)) else {
            Issue.record("accepted a DOCTYPE")
            return
        }
        #expect(error.kind == .malformed)
        #expect(error.line == 2)
        #expect(error.message.contains("document type declaration"))
    }

    @Test func allProblemsAreListedNotJustTheFirst() throws {
        let text = String(decoding: Self.alert(severity: "Critical"), as: UTF8.self)
            .replacingOccurrences(of: "<status>Actual</status>", with: "<status>Real</status>")
            .replacingOccurrences(of: "<category>Other</category>", with: "<category>Crime</category>")
        let paths = Self.problems(Array(text.utf8)).map { String($0.prefix { $0 != ":" }) }
        #expect(paths == ["/alert/status", "/alert/info[1]/category[1]", "/alert/info[1]/severity"])
    }

    @Test func notCAPAtAll() throws {
        guard case .failure(let error) = parse(Array("<html><body/></html>".utf8)) else {
            Issue.record("accepted HTML")
            return
        }
        #expect(error.kind == .invalid)
        #expect(error.problems.map(\.path) == ["/html"])
        guard case .failure(let empty) = parse([]) else {
            Issue.record("accepted nothing")
            return
        }
        #expect(empty.kind == .malformed)
    }

    @Test(arguments: [
        ("<alert>\n  <identifier>a & b</identifier></alert>", 2, "&amp;"),
        ("<cap:alert><x/></cap:alert>", 1, "undeclared namespace prefix"),
        ("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n<identifier>", 2, "ends before"),
        ("<alert>&nbsp;</alert>", 1, "undeclared entity"),
    ])
    func malformedXMLIsExplained(_ text: String, _ line: Int, _ reason: String) {
        guard case .failure(let error) = parse(Array(text.utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(error.kind == .malformed)
        #expect(error.line == line)
        #expect(error.message.contains(reason), "\(error.message)")
    }
}
