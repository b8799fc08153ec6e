import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import Testing

/// The reported position reaches the responders: in the API's incident, the alert's messages, the
/// page behind the alert's link and the CAP export.
@Suite struct LocationTests {
    static let osm = "https://www.openstreetmap.org/?mlat=55.68671&mlon=12.55788#map=18/55.68671/12.55788"
    static let geo = "geo:55.68671,12.55788"
    /// Hash dealing reported from a phone with only its position, as in
    /// examples/reports/placeret-efter-koordinater.json.
    static let report = """
        {"id": "fsb:pos-1", "reporter": {"organisation": "fsb"}, "occurred_at": "2026-03-13T21:40:00+01:00",
         "category": "drugs", "severity": "minor", "location": {"lat": 55.68671, "lon": 12.55788}}
        """

    static func reported() async throws -> APIFixture {
        let fixture = try APIFixture()
        let created = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: Self.report)
        #expect(created.status == 201, "\(created.text)")
        return fixture
    }

    @Test func theIncidentJSONCarriesTheCoordinatesAndMapLinks() async throws {
        let fixture = try await Self.reported()
        let answer = try await fixture.call(.get, "/api/v1/incidents/fsb:pos-1", as: "reporter")
        #expect(answer.status == 200)
        let location = answer.json["location"]
        #expect(location?["area"] == .string("blaagaarden"))
        #expect(location?["area_name"] == .string("Blågården"))
        #expect(location?["address"] == .null)
        #expect(location?["lat"] == .number(55.68671))
        #expect(location?["lon"] == .number(12.55788))
        #expect(location?["map_url"] == .string(Self.osm))
        #expect(location?["geo_uri"] == .string(Self.geo))
        // The fields from before stay.
        #expect(answer.json["area"] == .string("blaagaarden"))
        #expect(answer.json["address"] == .null)

        // A report without coordinates: nulls, not missing fields.
        let other = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: APITests.newReport)
        #expect(other.status == 201)
        let plain = try await fixture.call(.get, "/api/v1/incidents/fsb:new-1", as: "reporter")
        #expect(plain.json["location"]?["lat"] == .null)
        #expect(plain.json["location"]?["geo_uri"] == .null)
        #expect(plain.json["location"]?["area"] == .string("blaagaarden"))
    }

    @Test func theAlertsAndThePageBehindTheirLinkShowThePosition() async throws {
        let fixture = try await Self.reported()
        let notified = try fixture.store.notifications(incident: "fsb:pos-1").filter { $0.kind == "notification" }
        #expect(!notified.isEmpty)
        for n in notified {
            #expect(n.message.contains(Self.geo), "\(n.message)")
            #expect(n.message.contains(Self.osm), "\(n.message)")
            #expect(!n.message.contains(", ,") && !n.message.contains("()"), "\(n.message)")
        }
        let token = fixture.store.ackToken(for: try #require(notified.first))
        let page = try await fixture.web(.get, "/ack/\(token)")
        #expect(page.status == 200)
        #expect(page.text.contains("href=\"\(Self.osm.replacingOccurrences(of: "&", with: "&amp;"))\""))
        #expect(page.text.contains("href=\"\(Self.geo)\""))
        #expect(page.text.contains("55.68671, 12.55788"))
    }

    @Test func theCAPExportHasTheCircle() async throws {
        let fixture = try await Self.reported()
        let answer = try await fixture.call(.get, "/api/v1/incidents/fsb:pos-1/cap", as: "reporter")
        #expect(answer.status == 200)
        #expect(answer.text.contains("<circle>55.68671,12.55788 0</circle>"), "\(answer.text)")
    }
}
