import BeredskabServer
import Testing

/// `/handbook` (issue 13): a signed-in person sees their own organisation's handbook; coordinators
/// (reviewers) and admins any organisation's; others are refused.
@Suite struct HandbookRouteTests {
    @Test func aCaretakerSeesTheirOwnOrganisationsHandbookInTheLayout() async throws {
        let fixture = try APIFixture()
        let (cookie, _) = try fixture.signIn("bent-iversen")
        let page = try await fixture.web(.get, "/handbook", cookie: cookie)
        #expect(page.status == 200)
        #expect(page.text.contains("<h1>Kriseberedskab: fsb</h1>"))
        #expect(page.text.contains("class=\"site-header\""))
        #expect(page.text.contains("Skud affyret i Indre Nørrebro"))
        #expect(page.text.contains("bent.iversen@example.org"))
        // The running rules' hash, and the date from the server's clock (13 March 2026).
        #expect(page.text.contains("<code id=\"rules-hash\">") && page.text.contains("2026-03-13"))
        #expect(!page.text.contains("<code id=\"rules-hash\">unknown</code>"))
        let english = try await fixture.web(.get, "/handbook?lang=en", cookie: cookie)
        #expect(english.text.contains("call 112 first"))
    }

    @Test func anotherOrganisationsHandbookIsForCoordinatorsAndAdminsOnly() async throws {
        let fixture = try APIFixture()
        let (caretaker, _) = try fixture.signIn("bent-iversen")
        let refused = try await fixture.web(.get, "/handbook?org=akb", cookie: caretaker)
        #expect(refused.status == 403)
        let (chief, _) = try fixture.signIn("mette-holm")
        let seen = try await fixture.web(.get, "/handbook?org=akb", cookie: chief)
        #expect(seen.status == 200 && seen.text.contains("AKB, København"))
        let unknown = try await fixture.web(.get, "/handbook?org=nobody", cookie: chief)
        #expect(unknown.status == 404)
        let admin = try await fixture.web(.get, "/handbook?org=fsb", accept: "application/json", bearer: "admin")
        #expect(admin.status == 200)
        let stranger = try await fixture.web(.get, "/handbook")
        #expect(stranger.status == 303 && stranger.location == "/login")
    }
}
