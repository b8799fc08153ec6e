import BeredskabCAP
import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Testing

/// A report's coordinates leave as a CAP `circle` (radius 0) in the alert's `area`.
@Suite struct CAPPositionTests {
    static func placedByCoordinates() throws -> IncidentReport {
        let bytes = try fixture("../../../examples/reports/placeret-efter-koordinater.json")
        return try IncidentReport.decode(bytes, rules: demo.rules, roster: demo.roster).get()
    }

    @Test func theCircleComesAfterThePolygonAndBeforeTheGeocodeAndValidates() throws {
        let report = try Self.placedByCoordinates()
        let incident = CAPIncident(
            report: report, area: "blaagaarden", rules: demo.rules, sender: "beredskab@kk.example",
            sent: report.occurredAt)
        let xml = CAPIncident.render(incident)
        let verdict = try xmllint(xml)
        #expect(verdict.valid, "\(verdict.output)\n\(xml)")
        #expect(xml.components(separatedBy: "<circle>55.68671,12.55788 0</circle>").count == 3, "one in each info")
        let polygon = try #require(xml.range(of: "<polygon>"))
        let circle = try #require(xml.range(of: "<circle>"))
        let geocode = try #require(xml.range(of: "<geocode>"))
        #expect(polygon.upperBound < circle.lowerBound && circle.upperBound < geocode.lowerBound)
        // Read back, the alert gives the same area.
        let alert = try parse(Array(xml.utf8)).get()
        #expect(try decodedReport(alert).location.area == "blaagaarden")
    }

    @Test func anUnplacedPointIsDescribedByItsCoordinates() throws {
        var report = try Self.placedByCoordinates()
        report.location.coordinate = Coordinate(lat: 56.15, lon: -10.2)
        let xml = CAPIncident.render(
            CAPIncident(report: report, rules: demo.rules, sender: "beredskab@kk.example", sent: report.occurredAt))
        let verdict = try xmllint(xml)
        #expect(verdict.valid, "\(verdict.output)\n\(xml)")
        #expect(xml.contains("<areaDesc>56.15000, -10.20000</areaDesc>"))
        #expect(xml.contains("<circle>56.15,-10.2 0</circle>"))
        #expect(!xml.contains("<polygon>") && !xml.contains("<geocode>"))
    }

    @Test func noCircleWithoutCoordinates() throws {
        var report = try Self.placedByCoordinates()
        report.location = IncidentReport.Location(area: "prater")
        let xml = CAPIncident.render(
            CAPIncident(report: report, rules: demo.rules, sender: "beredskab@kk.example", sent: report.occurredAt))
        #expect(try xmllint(xml).valid)
        #expect(!xml.contains("<circle>"))
    }
}
