import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Testing

/// `/oncall` and the iCalendar feeds: who may read them, and that a calendar token, which travels
/// in calendar programs' subscription URLs, opens nothing else.
extension WebRouteTests {
    /// A calendar token for `person` (of their organisation), or an organisation-wide one of OKF.
    func calendarToken(_ fixture: APIFixture, person: String? = nil) throws -> (id: String, secret: String) {
        let organisation = person.map { Fixture.engine.roster.persons[$0]!.organisation.value } ?? "okf"
        let (record, secret) = try fixture.store.createToken(
            organisation: organisation, role: .calendar, person: person, label: "calendar", actor: "test",
            at: APIFixture.at)
        return (record.id, secret)
    }

    /// The `VEVENT`s of a feed as (DTSTART, SUMMARY), unfolded.
    func feedEvents(_ text: String) -> [(start: String, summary: String)] {
        let lines = text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n")
        var events: [(String, String)] = []
        var start = ""
        for line in lines {
            if line.hasPrefix("DTSTART:") { start = String(line.dropFirst(8)) }
            if line.hasPrefix("SUMMARY:") { events.append((start, String(line.dropFirst(8)))) }
        }
        return events
    }

    @Test func theOnCallPageIsForCoordinatorsAndNamesWhoIsOnDutyWithoutContactDetails() async throws {
        let fixture = try APIFixture()
        let reporter = try fixture.signIn("bent-iversen")
        let refused = try await fixture.web(.get, "/oncall", cookie: reporter.cookie)
        #expect(refused.status == 403)
        #expect(try await fixture.web(.get, "/oncall").location == "/login")
        // No link to it on a reporter's pages.
        #expect(!(try await fixture.web(.get, "/report", cookie: reporter.cookie)).text.contains("href=\"/oncall\""))

        let reviewer = try fixture.signIn("mette-holm")
        let page = try await fixture.web(.get, "/oncall", cookie: reviewer.cookie)
        #expect(page.status == 200)
        #expect(page.text.contains("<h1>Hvem har vagt</h1>"))
        #expect(page.text.contains("href=\"/oncall\" aria-current=\"page\""), "the navigation links to it")
        // Friday 13 March 2026, 21:48: the police duty officer since 07:00 on the daily rota.
        let politi = try #require(page.text.range(of: "id=\"role-politi-vagt\"").map { page.text[$0.lowerBound...] })
        let now = try #require(
            politi.range(of: "<p class=\"now\">").map { String(politi[$0.lowerBound...].prefix(200)) })
        let onDuty = Fixture.engine.duty.schedule("politi-vagt", from: APIFixture.at, to: APIFixture.at.adding(60))
        let name = try #require(onDuty.first?.persons.first.flatMap { Fixture.engine.roster.persons[$0]?.name })
        #expect(now.contains("<strong>\(name)</strong>"), "\(now)")
        #expect(
            now.contains("fre 13.03") == false && now.contains("lør 14.03 07:00"), "until the next handover: \(now)")
        // Names, never contact details.
        #expect(!page.text.contains("@example.org") && !page.text.contains("+45"))
        #expect(!page.text.contains("hooks.example.org"))

        // One role by `?role=`; an unknown one is a 404.
        let one = try await fixture.web(.get, "/oncall?role=ssp-vagt", cookie: reviewer.cookie)
        #expect(one.status == 200)
        #expect(one.text.contains("id=\"role-ssp-vagt\"") && !one.text.contains("id=\"role-politi-vagt\""))
        #expect(try await fixture.web(.get, "/oncall?role=nope", cookie: reviewer.cookie).status == 404)

        // Admins by token too; reporters' tokens not.
        #expect(try await fixture.web(.get, "/oncall", accept: nil, bearer: "admin").status == 200)
        #expect(try await fixture.web(.get, "/oncall", accept: nil, bearer: "reporter").status == 403)
    }

    @Test func aRoleFeedIsSixtyDaysOfShiftsForACalendarToken() async throws {
        let fixture = try APIFixture()
        let token = try calendarToken(fixture)
        let feed = try await fixture.web(.get, "/oncall/politi-vagt.ics?token=\(token.secret)", accept: "text/calendar")
        #expect(feed.status == 200, "\(feed.text)")
        #expect(feed.headers[.contentType] == "text/calendar; charset=utf-8")
        #expect(feed.text.hasPrefix("BEGIN:VCALENDAR\r\n") && feed.text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(feed.text.contains("X-WR-CALNAME:Beredskab: Vagthavende\\, Københavns Politi"))
        let events = feedEvents(feed.text)
        // From now (Friday 21:48) for 60 days of daily 07:00 handovers: the shift under way, whole
        // (from its 07:00 handover, so the feed is the same at the next fetch), and 60 more.
        #expect(events.count == 61, "\(events.count)")
        #expect(events.first?.start == "20260313T060000Z")
        #expect(events.dropFirst().first?.start == "20260314T060000Z", "07:00 winter time")
        #expect(events.contains { $0.start == "20260330T050000Z" }, "07:00 summer time")
        // The same with the header, and in English when asked.
        let header = try await fixture.web(.get, "/oncall/politi-vagt.ics?lang=en", accept: nil, bearer: token.secret)
        #expect(header.status == 200)
        #expect(feedEvents(header.text).count == 61)
        // Unknown roles and persons, or a name without .ics: 404 as JSON.
        for path in ["/oncall/nope.ics", "/oncall/politi-vagt", "/oncall/persons/nobody.ics"] {
            let missing = try await fixture.web(.get, path + "?token=\(token.secret)")
            #expect(missing.status == 404, "\(path)")
            #expect(missing.headers[.contentType]?.hasPrefix("application/json") == true, "\(path)")
        }
    }

    @Test func aPersonsCalendarTokenReadsTheirFeedAndTheirRolesOnly() async throws {
        let fixture = try APIFixture()
        let token = try calendarToken(fixture, person: "jens-kragh")
        func get(_ path: String) async throws -> WebAnswer {
            try await fixture.web(.get, path + "?token=\(token.secret)", accept: "text/calendar")
        }
        let own = try await get("/oncall/persons/jens-kragh.ics")
        #expect(own.status == 200)
        let events = feedEvents(own.text)
        // One day in four on the police rota, over 60 days.
        #expect((14...16).contains(events.count), "\(events.count)")
        #expect(events.allSatisfy { $0.summary == "Vagthavende\\, Københavns Politi" }, "\(events)")
        #expect(try await get("/oncall/politi-vagt.ics").status == 200, "a role he is a rota member of")
        #expect(try await get("/oncall/ssp-vagt.ics").status == 403, "a role he has nothing to do with")
        #expect(try await get("/oncall/persons/lone-vestergaard.ics").status == 403, "a colleague's feed")
        // An organisation-wide token reads every role's and every person's feed.
        let everyone = try calendarToken(fixture)
        for path in ["/oncall/ssp-vagt.ics", "/oncall/persons/lone-vestergaard.ics"] {
            #expect(try await fixture.web(.get, path + "?token=\(everyone.secret)").status == 200, "\(path)")
        }
    }

    @Test func feedsRefuseMissingRevokedAndOtherTokensAsJSON() async throws {
        let fixture = try APIFixture()
        let token = try calendarToken(fixture)
        let path = "/oncall/politi-vagt.ics"
        // A browser opening the address without a token gets the reason, not the sign-in page.
        let missing = try await fixture.web(.get, path)
        #expect(missing.status == 401)
        #expect(missing.headers[.contentType]?.hasPrefix("application/json") == true)
        #expect(missing.json["error"]?["status"] == .number(401))
        #expect(try await fixture.web(.get, path + "?token=bsk_nonsense").status == 401)
        // Tokens of other roles, even an admin's, do not open feeds.
        for caller in ["admin", "reviewer", "reporter"] {
            #expect(try await fixture.web(.get, path, accept: nil, bearer: caller).status == 403, "\(caller)")
            #expect(try await fixture.web(.get, path + "?token=\(fixture.tokens[caller]!)").status == 403, "\(caller)")
        }
        #expect(try await fixture.web(.get, path + "?token=\(token.secret)").status == 200)
        #expect(try fixture.store.revokeToken(id: token.id, at: APIFixture.at))
        let revoked = try await fixture.web(.get, path + "?token=\(token.secret)")
        #expect(revoked.status == 401)
        #expect(revoked.json["error"] != nil)
        #expect(try await fixture.web(.get, path, accept: nil, bearer: token.secret).status == 401)
    }

    @Test func aCalendarTokenOpensNothingButTheFeeds() async throws {
        let fixture = try APIFixture()
        let token = try calendarToken(fixture, person: "mette-holm")
        for path in [
            "/", "/board", "/oncall", "/report", "/review", "/closures/new", "/api/v1/incidents",
            WebRouteTests.demoPath, "/api/v1/admin/tokens", "/api/v1/review",
        ] {
            let answer = try await fixture.web(.get, path, accept: nil, bearer: token.secret)
            #expect(answer.status == 403, "\(path): \(answer.status)")
        }
        let report = try await fixture.web(
            .post, "/api/v1/incidents", accept: nil, json: APITests.newReport, bearer: token.secret)
        #expect(report.status == 403)
        // The query parameter means nothing anywhere else.
        #expect(try await fixture.web(.get, "/board?token=\(token.secret)").location == "/login")
        #expect(try await fixture.web(.get, "/oncall/persons/mette-holm.ics?token=\(token.secret)").status == 200)
    }
}
