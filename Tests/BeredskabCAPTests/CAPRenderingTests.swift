import BeredskabCAP
import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Testing

/// Incidents out as CAP 1.2 alerts that OASIS's schema accepts, and back in again.
@Suite struct CAPRenderingTests {
    static let received = Instant(rfc3339: "2026-03-13T21:49:12+01:00")!

    /// The demo's shots on Blågårds Plads as fsb reported them, persons, reporter and phone included.
    static func shotsReport() throws -> IncidentReport {
        let bytes = try fixture("../../../examples/reports/skud-blaagaarden.json")
        return try IncidentReport.decode(bytes, rules: demo.rules, roster: demo.roster).get()
    }

    static func shots(status: CAPIncident.Status = .open) throws -> CAPIncident {
        CAPIncident(
            report: try shotsReport(), rules: demo.rules, sender: "beredskab@kk.example",
            senderName: "Københavns Kommune, Beredskab", sent: received, status: status,
            updates: [CAPIncident.Update(at: received.adding(1800), text: "Politiet har afspærret pladsen.")])
    }

    @Test func alertValidatesAgainstTheSchema() throws {
        let xml = CAPIncident.render(try Self.shots())
        let verdict = try xmllint(xml)
        #expect(verdict.valid, "\(verdict.output)\n\(xml)")
        #expect(xml.contains("<identifier>beredskab-fsb:2026-000412</identifier>"))
        #expect(xml.contains("<sent>2026-03-13T21:49:12+01:00</sent>"))
        #expect(xml.contains("<msgType>Alert</msgType>"))
        #expect(xml.contains("<scope>Restricted</scope>"))
        #expect(xml.contains("<restriction>"))
        #expect(!xml.contains("<references>"))
        #expect(xml.contains("<language>da-DK</language>") && xml.contains("<language>en-US</language>"))
        #expect(xml.contains("<category>Security</category>"))
        #expect(xml.contains("<event>Skyderi</event>") && xml.contains("<event>Shooting</event>"))
        #expect(xml.contains("<urgency>Immediate</urgency>"))
        #expect(xml.contains("<severity>Severe</severity>"))
        #expect(xml.contains("<certainty>Observed</certainty>"))
        #expect(xml.contains("<onset>2026-03-13T21:47:00+01:00</onset>"))
        #expect(xml.contains("<headline>Skyderi – Blågården</headline>"))
        #expect(xml.contains("<value>blaagaarden</value>"))
        #expect(
            xml.contains(
                "<polygon>55.688,12.5555 55.6882,12.5595 55.6856,12.5603 55.6852,12.556 55.688,12.5555</polygon>"))
        #expect(xml.contains("13-03-2026 22:19: Politiet har afspærret pladsen."))
    }

    @Test func cancelReferencesTheAlertAndValidates() throws {
        let closedAt = Self.received.adding(3 * 3600)
        let xml = CAPIncident.render(try Self.shots(status: .closed(at: closedAt)))
        let verdict = try xmllint(xml)
        #expect(verdict.valid, "\(verdict.output)\n\(xml)")
        #expect(xml.contains("<identifier>beredskab-fsb:2026-000412-cancel</identifier>"))
        #expect(xml.contains("<msgType>Cancel</msgType>"))
        #expect(xml.contains("<sent>2026-03-14T00:49:12+01:00</sent>"))
        #expect(
            xml.contains(
                "<references>beredskab@kk.example,beredskab-fsb:2026-000412,2026-03-13T21:49:12+01:00</references>"))
        #expect(xml.contains("<responseType>AllClear</responseType>"))
        #expect(xml.contains("<urgency>Past</urgency>"))
        #expect(xml.contains("<headline>Afblæst: Skyderi – Blågården</headline>"))
        // Our own parser takes the Cancel and finds the Alert it cancels.
        let alert = try parse(Array(xml.utf8)).get()
        #expect(alert.messageType == .cancel)
        #expect(
            alert.references == [
                CAPAlert.Reference(
                    sender: "beredskab@kk.example", identifier: "beredskab-fsb:2026-000412", sent: Self.received)
            ])
    }

    @Test func noPersonalDetailsEverLeave() throws {
        let report = try Self.shotsReport()
        #expect(!report.persons.isEmpty && report.reporter.phone != nil, "the fixture must have them to prove anything")
        let xml =
            CAPIncident.render(try Self.shots())
            + CAPIncident.render(try Self.shots(status: .closed(at: Self.received)))
        var secrets = report.persons.flatMap { [$0.name, $0.reference].compactMap { $0 } }
        secrets += [report.reporter.phone!, report.reporter.person!, "Yusuf", "Demir", "Kjeldsen", "witness", "victim"]
        for secret in secrets { #expect(!xml.contains(secret), "\(secret) leaked") }
    }

    @Test(arguments: Category.allCases, IncidentSeverity.allCases)
    func roundTripKeepsCategorySeverityAndArea(_ category: Category, _ severity: IncidentSeverity) throws {
        let area = try #require(demo.rules.areas["prater"])
        let incident = CAPIncident(
            id: "rt-\(category.rawValue)-\(severity.rawValue)", sender: "beredskab@kk.example", sent: Self.received,
            category: category, severity: severity, occurredAt: Self.received.adding(-600),
            area: CAPIncident.Area(id: "prater", name: area.name, polygon: area.polygon), address: "Gården",
            flags: [.minors], description: "Noget skete.")
        let xml = CAPIncident.render(incident)
        let verdict = try xmllint(xml)
        #expect(verdict.valid, "\(verdict.output)")
        let alert = try parse(Array(xml.utf8), organisation: "fsb").get()
        #expect(alert.identifier == "beredskab-rt-\(category.rawValue)-\(severity.rawValue)")
        #expect(alert.language == "da-DK")
        let report = try decodedReport(alert)
        #expect(report.category == category)
        #expect(report.severity == severity)
        #expect(report.location.area == "prater")
        #expect(report.occurredAt == incident.occurredAt)
        #expect(report.flags == [.minors])
        #expect(report.description == "Noget skete.")
        #expect(report.reporter.organisation == "fsb")
    }

    @Test func everythingIsEscapedAndIdentifiersSanitised() throws {
        let incident = CAPIncident(
            id: "a b,c<d&e", sender: "kk beredskab, <x>", senderName: "\"Q\" & <A>", sent: Self.received,
            category: .fire, severity: .minor, occurredAt: Self.received, address: "Gade 1 <bag> & \"foran\"",
            description: "<script>alert('x')</script> ]]> &amp; \u{1}bell")
        let xml = CAPIncident.render(incident)
        let verdict = try xmllint(xml)
        #expect(verdict.valid, "\(verdict.output)\n\(xml)")
        #expect(xml.contains("<identifier>beredskab-a_b_c_d_e</identifier>"))
        #expect(xml.contains("<sender>kk_beredskab__&lt;x&gt;</sender>") == false)
        #expect(xml.contains("<sender>kk_beredskab___x&gt;</sender>"))
        #expect(xml.contains("<category>Fire</category>"))
        #expect(xml.contains("<urgency>Expected</urgency>"))
        #expect(xml.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; ]]&gt; &amp;amp; bell"))
        #expect(!xml.contains("<polygon>") && !xml.contains("<geocode>"), "no area, so no polygon or geocode")
        let alert = try parse(Array(xml.utf8)).get()
        let report = try decodedReport(alert)
        #expect(report.description == "<script>alert('x')</script> ]]> &amp; bell")
        #expect(report.location.address == "Gade 1 <bag> & \"foran\"")
        #expect(report.location.area == nil)
    }

    @Test func capCategoriesForOurs() throws {
        func capCategory(_ category: Category) -> String? {
            let xml = CAPIncident.render(
                CAPIncident(
                    id: "c", sender: "s", sent: Self.received, category: category, severity: .moderate,
                    occurredAt: Self.received))
            return xml.split(separator: "\n").first { $0.contains("<category>") }.map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        }
        #expect(capCategory(.fire) == "<category>Fire</category>")
        #expect(capCategory(.other) == "<category>Other</category>")
        #expect(capCategory(.release) == "<category>Security</category>")
        #expect(capCategory(.shooting) == "<category>Security</category>")
    }
}
