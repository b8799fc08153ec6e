import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import Testing

/// `/silences`, its forms, the board's tag, the status page and the banner through the server
/// (issue 13), on a real store, signed in as a browser is.
@Suite struct SilencePageRouteTests {
    /// A coordinator (reviewer) of the demo roster, signed in.
    static func coordinator(_ fixture: APIFixture) throws -> (id: String, cookie: String, csrf: String) {
        let id = try #require(
            Fixture.engine.roster.persons.values.filter { $0.roles.contains { $0.value == "okf-sikker-by" } }
                .map(\.id.value).sorted().first)
        let session = try fixture.signIn(id)
        return (id, session.cookie, session.csrf)
    }

    static let allStates = Set(Silence.State.allCases)

    @Test func onlyCoordinatorsAndAdminsOpenTheSilencesPage() async throws {
        let fixture = try APIFixture()
        let coordinator = try Self.coordinator(fixture)
        let page = try await fixture.web(.get, "/silences", cookie: coordinator.cookie)
        #expect(page.status == 200)
        #expect(page.text.contains("<h1>Tavsheder</h1>") && page.text.contains("action=\"/silences\""))
        #expect(page.text.contains(">Skud affyret i Indre Nørrebro (kritisk)</option>"))
        #expect(try await fixture.web(.get, "/silences", bearer: "admin").status == 200)
        // A housing association's reporter (signed in), and reporter and responder tokens: 403.
        let reporter = try fixture.signIn("bent-iversen")
        #expect(try await fixture.web(.get, "/silences", cookie: reporter.cookie).status == 403)
        for caller in ["reporter", "responder"] {
            #expect(try await fixture.web(.get, "/silences", bearer: caller).status == 403, "\(caller)")
            let post = try await fixture.web(
                .post, "/silences", form: [("guideline", "haervaerk-belysning")], bearer: caller)
            #expect(post.status == 403, "\(caller)")
        }
        #expect(try await fixture.web(.get, "/silences").location == "/login")
        // The board links to it for the coordinator, not for the reporter.
        #expect(try await fixture.web(.get, "/board", cookie: coordinator.cookie).text.contains("href=\"/silences\""))
        #expect(!(try await fixture.web(.get, "/board", cookie: reporter.cookie).text.contains("href=\"/silences\"")))
    }

    @Test func theCreateFormNeedsItsCSRFTokenAndConfirmationForACriticalGuideline() async throws {
        let fixture = try APIFixture()
        let coordinator = try Self.coordinator(fixture)
        let fields = [
            ("guideline", "skud-distrikt-8"), ("area", "blaagaarden"), ("starts_at", ""), ("ends_at", ""),
            ("duration", "4"), ("reason", "Filmoptagelse med løst krudt"),
        ]
        // Without the form token: refused, nothing stored.
        let forged = try await fixture.web(.post, "/silences", cookie: coordinator.cookie, form: fields)
        #expect(forged.status == 403)
        #expect(try fixture.store.silences(states: Self.allStates, at: APIFixture.at).isEmpty)

        // A critical guideline without the confirmation: the form again, the problem at the checkbox.
        let refused = try await fixture.web(
            .post, "/silences", cookie: coordinator.cookie, form: [("csrf", coordinator.csrf)] + fields)
        #expect(refused.status == 422)
        #expect(refused.text.contains("id=\"confirm_critical-error\""))
        #expect(refused.text.contains("Tavsheden dækker kritiske retningslinjer (Skud affyret i Indre Nørrebro)"))
        #expect(refused.text.contains("<option value=\"skud-distrikt-8\" selected>"))
        #expect(refused.text.contains("Filmoptagelse med løst krudt"))
        #expect(try fixture.store.silences(states: Self.allStates, at: APIFixture.at).isEmpty)

        // Confirmed: created for four hours from now, audited with the person, back to the list.
        let created = try await fixture.web(
            .post, "/silences", cookie: coordinator.cookie,
            form: [("csrf", coordinator.csrf)] + fields + [("confirm_critical", "yes")])
        #expect(created.status == 303 && created.location == "/silences", "\(created.text)")
        let stored = try #require(try fixture.store.activeSilences(at: APIFixture.at).first)
        #expect(stored.guideline == "skud-distrikt-8" && stored.area == "blaagaarden" && stored.confirmCritical)
        #expect(stored.startsAt == APIFixture.at && stored.endsAt == APIFixture.at.adding(4 * 3600))
        #expect(stored.createdBy == "person:\(coordinator.id)")
        let audit = try fixture.store.silenceAudit()
        #expect(audit.map(\.action) == ["silence-created"] && audit[0].actor == "person:\(coordinator.id)")
        #expect(audit[0].detail.contains("critical"))
        let list = try await fixture.web(.get, "/silences", cookie: coordinator.cookie)
        #expect(list.text.contains("id=\"silence-\(stored.id)\"") && list.text.contains("Dækker kritiske"))
    }

    @Test func thePageRefusesWhatTheAPIRefusesFieldByField() async throws {
        let fixture = try APIFixture()
        let coordinator = try Self.coordinator(fixture)
        func send(_ fields: [(String, String)]) async throws -> WebAnswer {
            try await fixture.web(
                .post, "/silences", cookie: coordinator.cookie, form: [("csrf", coordinator.csrf)] + fields)
        }
        // Neither a guideline nor a category, no reason, no end.
        let empty = try await send([("guideline", ""), ("category", ""), ("reason", ""), ("ends_at", "")])
        #expect(empty.status == 422)
        for field in ["guideline", "reason", "ends_at"] {
            #expect(empty.text.contains("id=\"\(field)-error\""), "\(field)")
        }
        // Both a guideline and a category; both an end and a duration; an end past the 7 days.
        let both = try await send([
            ("guideline", "haervaerk-belysning"), ("category", "vandalism"), ("reason", "x"),
            ("ends_at", "2026-03-14T06:00"), ("duration", "4"),
        ])
        #expect(both.status == 422)
        #expect(both.text.contains("id=\"duration-error\"") && both.text.contains("ikke begge"))
        let both2 = try await send([
            ("guideline", "haervaerk-belysning"), ("category", "vandalism"), ("reason", "x"),
            ("ends_at", "2026-03-14T06:00"),
        ])
        #expect(both2.status == 422 && both2.text.contains("id=\"category-error\""))
        let long = try await send([
            ("guideline", "haervaerk-belysning"), ("reason", "x"), ("ends_at", "2026-03-21T22:00"),
        ])
        #expect(long.status == 422 && long.text.contains("id=\"ends_at-error\"") && long.text.contains("7 days"))
        let unknown = try await send([
            ("guideline", "meteor"), ("area", "maanen"), ("reason", "x"), ("duration", "5"),
        ])
        #expect(unknown.status == 422)
        for field in ["guideline", "area", "duration"] {
            #expect(unknown.text.contains("id=\"\(field)-error\""), "\(field)")
        }
        #expect(try fixture.store.silences(states: Self.allStates, at: APIFixture.at).isEmpty)
    }

    @Test func expiringFromThePageNeedsTheTokenEndsItAndIsAudited() async throws {
        let fixture = try APIFixture()
        let coordinator = try Self.coordinator(fixture)
        let at = APIFixture.at
        let stored = try fixture.store.createSilence(
            Silence(
                guideline: "skud-distrikt-8", area: "blaagaarden", startsAt: at, endsAt: at.adding(3600),
                reason: "Filmoptagelse med løst krudt", createdBy: "token:tok_1", createdAt: at,
                confirmCritical: true),
            critical: ["skud-distrikt-8"])

        // While it lasts, every signed-in page carries the banner; the sign-in page does not.
        let reporter = try fixture.signIn("bent-iversen")
        for (path, cookie) in [
            ("/report", reporter.cookie), ("/board", coordinator.cookie), (WebRouteTests.demoPath, reporter.cookie),
        ] {
            let page = try await fixture.web(.get, path, cookie: cookie)
            #expect(page.text.contains("id=\"silence-banner\""), "\(path)")
            #expect(
                page.text.contains(
                    "Skud affyret i Indre Nørrebro i Blågården til 13-03-2026 22:48 — Filmoptagelse med løst krudt"),
                "\(path)")
        }
        #expect(!(try await fixture.web(.get, "/login").text.contains("silence-banner")))

        let path = "/silences/\(stored.id)/expire"
        #expect(try await fixture.web(.post, path, cookie: coordinator.cookie, form: []).status == 403)
        #expect(try fixture.store.activeSilences(at: at).count == 1)
        let expired = try await fixture.web(
            .post, path, cookie: coordinator.cookie, form: [("csrf", coordinator.csrf)])
        #expect(expired.status == 303 && expired.location == "/silences")
        #expect(try fixture.store.activeSilences(at: at).isEmpty)
        let audit = try fixture.store.silenceAudit()
        #expect(audit.map(\.action) == ["silence-created", "silence-expired"])
        #expect(audit.last?.actor == "person:\(coordinator.id)")
        #expect(try fixture.store.verifyAudit().problem == nil)
        // Pressed twice: nothing more happens. An unknown id is a 404.
        let again = try await fixture.web(.post, path, cookie: coordinator.cookie, form: [("csrf", coordinator.csrf)])
        #expect(again.status == 303)
        #expect(try fixture.store.silenceAudit().count == 2)
        let unknown = try await fixture.web(
            .post, "/silences/999/expire", cookie: coordinator.cookie, form: [("csrf", coordinator.csrf)])
        #expect(unknown.status == 404)
        // The banner is gone.
        #expect(!(try await fixture.web(.get, "/board", cookie: coordinator.cookie).text.contains("silence-banner")))
    }

    @Test func aSilencedIncidentIsTaggedOnTheBoardAndItsStatusPageSaysBywhichSilence() async throws {
        let fixture = try APIFixture()
        let coordinator = try Self.coordinator(fixture)
        let created = try await fixture.call(
            .post, "/api/v1/silences", as: "reviewer", body: SilenceAPITests.lighting)
        #expect(created.status == 201, "\(created.text)")
        let report = try await fixture.call(
            .post, "/api/v1/incidents", as: "reporter", body: SilenceAPITests.vandalism)
        #expect(report.status == 201, "\(report.text)")
        let id = try #require(try fixture.store.activeSilences(at: APIFixture.at).first?.id)

        let board = try await fixture.web(.get, "/board", cookie: coordinator.cookie)
        #expect(board.status == 200)
        #expect(
            board.text.contains(
                "<strong class=\"silenced-tag\" title=\"Nytårsaften: kendt fyrværkeri\">TAVS</strong> <a href=\"/incidents/fsb%3Alygte-1\">"
            ), "\(board.text)")
        // The shooting, not silenced, has no tag: one tag on the board.
        #expect(board.text.components(separatedBy: "class=\"silenced-tag\"").count == 2)
        // A normal guideline silenced: no banner.
        #expect(!board.text.contains("silence-banner"))

        let reporter = try fixture.signIn("bent-iversen")
        let status = try await fixture.web(.get, "/incidents/fsb%3Alygte-1", cookie: reporter.cookie)
        #expect(status.status == 200)
        #expect(
            status.text.contains(
                "<li>Hærværk på gadebelysning og byinventar – tavshed \(id): Nytårsaften: kendt fyrværkeri</li>"),
            "\(status.text)")
        let shooting = try await fixture.web(.get, WebRouteTests.demoPath, cookie: reporter.cookie)
        #expect(!shooting.text.contains("silenced-heading"))
    }

    @Test func theBoardsSilencedIncidentsAreOneReadOfTheOpenOnes() async throws {
        let fixture = try APIFixture()
        _ = try await fixture.call(.post, "/api/v1/silences", as: "reviewer", body: SilenceAPITests.lighting)
        _ = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: SilenceAPITests.vandalism)
        let silenced = try fixture.store.silencedOpenIncidents(among: ["fsb:lygte-1", "fsb:none"])
        #expect(Array(silenced.keys) == ["fsb:lygte-1"])
        // Only the incidents asked about.
        #expect(try fixture.store.silencedOpenIncidents(among: ["fsb:none"]).isEmpty)
        #expect(silenced["fsb:lygte-1"]?.map(\.guideline) == ["haervaerk-belysning"])
        // Closed with an all clear: off the board, and out of the answer.
        let closed = try await fixture.call(
            .post, "/api/v1/incidents/fsb%3Alygte-1/updates", as: "reporter",
            body: #"{"kind": "all_clear", "text": "Lamperne er skiftet"}"#)
        #expect(closed.status == 201, "\(closed.text)")
        #expect(try fixture.store.silencedOpenIncidents(among: ["fsb:lygte-1"]).isEmpty)
    }
}
