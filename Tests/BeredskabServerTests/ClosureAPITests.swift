import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import GRDB
import HTTPTypes
import Testing

@Suite struct ClosureAPITests {
    /// A closure as the API takes it.
    static func closure(
        _ institution: String, from: String, to: String?, nearMiss: Bool = false,
        mitigations: [String] = ["extra-staff", "police-presence"], extra: String = ""
    ) -> String {
        """
        {"institution": "\(institution)", "from": "\(from)", \(to.map { "\"to\": \"\($0)\", " } ?? "")
         "reason": "staff-safety", "reason_text": "Uro og kasteskyts foran indgangen",
         "decided_by": "Institutionens leder efter råd fra politiet",
         "mitigations": [\(mitigations.map { "\"\($0)\"" }.joined(separator: ", "))],
         "near_miss": \(nearMiss)\(extra)}
        """
    }

    /// The first institution in the register, by id, that is (or is not) vital.
    static func institution(vital: Bool) throws -> String {
        try #require(
            Fixture.engine.roster.institutions.values.filter { $0.vital == vital }.map(\.id.value).sorted().first)
    }

    @Test func aReviewerRecordsAClosureAndVitalComesFromTheRegister() async throws {
        let fixture = try APIFixture()
        for vital in [true, false] {
            let id = try Self.institution(vital: vital)
            let created = try await fixture.call(
                .post, "/api/v1/closures", as: "reviewer",
                body: Self.closure(id, from: "2026-03-10T08:00:00+01:00", to: "2026-03-10T14:00:00+01:00"))
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["institution"] == .string(id))
            #expect(created.json["vital"] == .bool(vital))
            #expect(created.json["mitigations"] == .array([.string("extra-staff"), .string("police-presence")]))
            #expect(created.json["near_miss"] == .bool(false))
            #expect(created.json["from"] == .string("2026-03-10T08:00:00+01:00"))
            guard case .number? = created.json["id"] else {
                Issue.record("no id: \(created.text)")
                continue
            }
        }
        let stored = try fixture.store.closures()
        #expect(stored.count == 2)
        #expect(
            stored.allSatisfy { $0.vital == Fixture.engine.roster.institutions[$0.institution]?.vital })

        let listed = try await fixture.call(.get, "/api/v1/closures", as: "reviewer")
        #expect(listed.status == 200)
        guard case .array(let items)? = listed.json["closures"] else {
            Issue.record("no closures listed: \(listed.text)")
            return
        }
        #expect(
            Set(items.compactMap { if case .string(let s)? = $0["institution"] { s } else { nil } })
                == Set(stored.map(\.institution)))
        #expect(try await fixture.call(.get, "/api/v1/closures", as: "admin").status == 200)
    }

    @Test func invalidClosuresAreA422NamingEachProblem() async throws {
        let fixture = try APIFixture()
        let id = try Self.institution(vital: true)
        let from = "2026-03-10T08:00:00+01:00"
        let to = "2026-03-10T14:00:00+01:00"
        let cases: [(String, String, [String])] = [
            ("unknown field", Self.closure(id, from: from, to: to, extra: #", "colour": "red""#), ["$.colour"]),
            // `vital` comes from the register; a caller cannot set it.
            ("vital sent", Self.closure(id, from: from, to: to, extra: #", "vital": false"#), ["$.vital"]),
            ("unknown institution", Self.closure("atlantis-skole", from: from, to: to), ["$.institution"]),
            ("to before from", Self.closure(id, from: to, to: from), ["$.to"]),
            ("not a time", Self.closure(id, from: "i går morges", to: to), ["$.from"]),
            ("bad mitigation", Self.closure(id, from: from, to: to, mitigations: ["prayer"]), ["$.mitigations"]),
            (
                "wrong types",
                #"""
                {"institution": 5, "from": true, "reason": "staff-safety", "reason_text": "x", "decided_by": "y",
                 "partial": 1, "near_miss": "yes", "incidents": "fsb:2026-000412", "mitigations": "extra-staff"}
                """#,
                ["$.institution", "$.from", "$.partial", "$.near_miss", "$.incidents", "$.mitigations"]
            ),
            (
                "missing fields", #"{"institution": "\#(id)", "from": "\#(from)"}"#,
                ["$.reason", "$.reason_text", "$.decided_by"]
            ),
            ("not an object", "[]", ["$"]),
        ]
        for (name, body, paths) in cases {
            let answer = try await fixture.call(.post, "/api/v1/closures", as: "reviewer", body: body)
            #expect(answer.status == 422, "\(name): \(answer.text)")
            guard case .array(let problems)? = answer.json["error"]?["problems"] else {
                Issue.record("\(name): no problems: \(answer.text)")
                continue
            }
            let sent = Set(problems.compactMap { if case .string(let p)? = $0["path"] { p } else { nil } })
            #expect(sent.isSuperset(of: paths), "\(name): \(answer.text)")
        }
        #expect(try fixture.store.closures().isEmpty)
    }

    @Test func onlyReviewersAndAdminsUseClosures() async throws {
        let fixture = try APIFixture()
        let body = Self.closure(
            try Self.institution(vital: true), from: "2026-03-10T08:00:00+01:00", to: "2026-03-10T14:00:00+01:00")
        for caller in ["reporter", "responder", "situation-responder"] {
            #expect(try await fixture.call(.post, "/api/v1/closures", as: caller, body: body).status == 403)
            #expect(try await fixture.call(.get, "/api/v1/closures", as: caller).status == 403)
        }
        #expect(try await fixture.call(.post, "/api/v1/closures", as: nil, body: body).status == 401)
        #expect(try fixture.store.closures().isEmpty)

        // A reviewer signed in on the web must send the session's CSRF token with JSON.
        let reviewer = try fixture.signIn("katrine-elm")
        let bare = try await fixture.web(
            .post, "/api/v1/closures", cookie: reviewer.cookie, accept: "application/json", json: body)
        #expect(bare.status == 403)
        let withToken = try await fixture.web(
            .post, "/api/v1/closures", cookie: reviewer.cookie, accept: "application/json", json: body,
            csrfHeader: reviewer.csrf)
        #expect(withToken.status == 201, "\(withToken.text)")
        #expect(try fixture.store.closures().count == 1)
    }

    @Test func theReviewCountsWhatWasRecorded() async throws {
        let fixture = try APIFixture()
        let roster = Fixture.engine.roster
        // Preconditions from Contacts/institutioner.contacts.
        #expect(roster.institutions["skole-blaagaard"]?.vital == true)
        #expect(roster.institutions["klub-blaagaarden"]?.vital == false)
        #expect(roster.institutions["klub-prater"]?.vital == false)
        #expect(roster.institutions["fritidshjem-blaagaarden"]?.vital == true)
        let records = [
            // Vital, closed 08:00–14:00: 6 h.
            Self.closure("skole-blaagaard", from: "2026-03-10T08:00:00+01:00", to: "2026-03-10T14:00:00+01:00"),
            // A near miss: counted as one, no closed hours.
            Self.closure(
                "klub-blaagaarden", from: "2026-03-11T16:00:00+01:00", to: "2026-03-11T18:00:00+01:00", nearMiss: true
            ),
            // Not vital, closed 18:00 to 00:30 the next day: 6.5 h.
            Self.closure("klub-prater", from: "2026-03-12T18:00:00+01:00", to: "2026-03-13T00:30:00+01:00"),
            // Vital, but in February: outside the period asked for.
            Self.closure(
                "fritidshjem-blaagaarden", from: "2026-02-10T08:00:00+01:00", to: "2026-02-10T12:00:00+01:00"),
        ]
        for record in records {
            #expect(try await fixture.call(.post, "/api/v1/closures", as: "reviewer", body: record).status == 201)
        }
        // March: closures 2 (skole-blaagaard, klub-prater), near misses 1, closed hours 6 + 6.5 = 12.5,
        // vital closures 1 (skole-blaagaard; the February one is outside the period).
        let review = try await fixture.call(.get, "/api/v1/review?from=2026-03-01&to=2026-03-31", as: "reviewer")
        #expect(review.status == 200, "\(review.text)")
        #expect(review.json["closures"] == .number(2))
        #expect(review.json["near_misses"] == .number(1))
        #expect(review.json["closed_hours"] == .number(12.5))
        #expect(review.json["vital_closures"] == .number(1))
        #expect(
            review.json["closed_hours_by_institution"]
                == .object([("klub-prater", .number(6.5)), ("skole-blaagaard", .number(6))]))
        // February alone: the one vital closure, 4 h.
        let february = try await fixture.call(.get, "/api/v1/review?from=2026-02-01&to=2026-02-28", as: "reviewer")
        #expect(february.json["closures"] == .number(1))
        #expect(february.json["closed_hours"] == .number(4))
        #expect(february.json["near_misses"] == .number(0))

        let csv = try await fixture.web(
            .get, "/api/v1/review?from=2026-03-01&to=2026-03-31&format=csv", accept: nil, bearer: "reviewer")
        #expect(csv.status == 200)
        #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
        #expect(Array(csv.bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(csv.text.contains("vital_closures,,1\r\n"))
        let excel = try await fixture.web(
            .get, "/api/v1/review?from=2026-03-01&to=2026-03-31&format=csv&danish_excel=true", accept: nil,
            bearer: "reviewer")
        #expect(excel.text.contains("closed_hours;;12,5"))

        for query in ["from=yesterday&to=2026-03-31", "from=2026-03-31&to=2026-03-01", "from=2026-02-30&to=2026-03-31"]
        {
            let bad = try await fixture.call(.get, "/api/v1/review?\(query)", as: "reviewer")
            #expect(bad.status == 400, "\(query): \(bad.text)")
            #expect(bad.json["error"]?["problems"] != nil)
        }
        #expect(try await fixture.call(.get, "/api/v1/review?from=2026-03-01", as: "reporter").status == 403)
    }

    // MARK: The web closure form and review page

    static func closureForm(csrf: String, incidents: String) -> [(String, String)] {
        [
            ("csrf", csrf), ("institution", "skole-blaagaard"), ("from", "2026-03-13T22:00"),
            ("to", "2026-03-14T10:00"), ("reason", "police-advice"), ("reason_text", "Politiet frarådede at åbne"),
            ("decided_by", "Skolelederen"), ("incidents", incidents), ("mitigations", "extra-staff"),
            ("mitigations", "activity-moved"),
        ]
    }

    @Test func theClosureFormRecordsAClosure() async throws {
        let fixture = try APIFixture()
        let reviewer = try fixture.signIn("katrine-elm")
        let blank = try await fixture.web(.get, "/closures/new", cookie: reviewer.cookie)
        #expect(blank.status == 200)
        #expect(blank.text.contains("name=\"csrf\" value=\"\(reviewer.csrf)\""))
        #expect(blank.text.contains("value=\"skole-blaagaard\""))

        let missing = try await fixture.web(
            .post, "/closures", cookie: reviewer.cookie,
            form: Array(Self.closureForm(csrf: reviewer.csrf, incidents: APIFixture.incident).dropFirst()))
        #expect(missing.status == 403)
        #expect(try fixture.store.closures().isEmpty)

        let unknown = try await fixture.web(
            .post, "/closures", cookie: reviewer.cookie,
            form: Self.closureForm(csrf: reviewer.csrf, incidents: "\(APIFixture.incident), fsb:2026-999999"))
        #expect(unknown.status == 422)
        #expect(unknown.headers[.contentType]?.hasPrefix("text/html") == true)
        #expect(unknown.text.contains("fsb:2026-999999"))
        #expect(try fixture.store.closures().isEmpty)

        let sent = try await fixture.web(
            .post, "/closures", cookie: reviewer.cookie,
            form: Self.closureForm(csrf: reviewer.csrf, incidents: APIFixture.incident))
        #expect(sent.status == 303, "\(sent.text)")
        #expect(sent.location == "/review")
        let stored = try fixture.store.closures()
        #expect(stored.count == 1)
        let closure = try #require(stored.first)
        #expect(closure.institution == "skole-blaagaard")
        #expect(closure.from == Instant(rfc3339: "2026-03-13T22:00:00+01:00"))
        #expect(closure.to == Instant(rfc3339: "2026-03-14T10:00:00+01:00"))
        #expect(closure.incidents == [APIFixture.incident])
        #expect(closure.mitigations.map(\.rawValue) == ["extra-staff", "activity-moved"])
        #expect(closure.vital == Fixture.engine.roster.institutions["skole-blaagaard"]?.vital)
        #expect(!closure.nearMiss)

        let reporter = try fixture.signIn("bent-iversen")
        #expect(try await fixture.web(.get, "/closures/new", cookie: reporter.cookie).status == 403)
        let refused = try await fixture.web(
            .post, "/closures", cookie: reporter.cookie,
            form: Self.closureForm(csrf: reporter.csrf, incidents: APIFixture.incident))
        #expect(refused.status == 403)
        #expect(try fixture.store.closures().count == 1)
    }

    @Test func theReviewPageIsForReviewers() async throws {
        let fixture = try APIFixture()
        _ = try await fixture.call(
            .post, "/api/v1/closures", as: "reviewer",
            body: Self.closure("skole-blaagaard", from: "2026-03-10T08:00:00+01:00", to: "2026-03-10T14:00:00+01:00"))
        let reviewer = try fixture.signIn("katrine-elm")
        let page = try await fixture.web(.get, "/review?from=2026-03-01&to=2026-03-31", cookie: reviewer.cookie)
        #expect(page.status == 200)
        #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
        #expect(page.text.contains("<svg"))
        #expect(page.headers[.contentSecurityPolicy] != nil)

        let reporter = try fixture.signIn("bent-iversen")
        let refused = try await fixture.web(.get, "/review", cookie: reporter.cookie)
        #expect(refused.status == 403)
        #expect(refused.headers[.contentType]?.hasPrefix("text/html") == true)
        #expect(!refused.text.contains("<svg"))
        #expect(try await fixture.web(.get, "/review", accept: nil, bearer: "reporter").status == 403)
    }

    @Test func aCorrectionReplacesTheRecordAndTheAuditLogKeepsBothVersions() async throws {
        let fixture = try APIFixture()
        let id = try Self.institution(vital: true)
        let created = try await fixture.call(
            .post, "/api/v1/closures", as: "reviewer",
            body: Self.closure(id, from: "2026-03-10T08:00:00+01:00", to: "2026-03-10T14:00:00+01:00"))
        guard case .number(let number)? = created.json["id"] else {
            Issue.record("no id: \(created.text)")
            return
        }
        let path = "/api/v1/closures/\(Int(number))"
        let corrected = try await fixture.call(
            .put, path, as: "reviewer",
            body: Self.closure(id, from: "2026-03-10T08:00:00+01:00", to: "2026-03-10T10:30:00+01:00"))
        #expect(corrected.status == 200, "\(corrected.text)")
        #expect(corrected.json["to"] == .string("2026-03-10T10:30:00+01:00"))
        // 08:00–10:30 is 2.5 hours, no longer 6.
        let review = try await fixture.call(.get, "/api/v1/review?from=2026-03-01&to=2026-03-31", as: "reviewer")
        #expect(review.json["closed_hours"] == .number(2.5))
        #expect(review.json["closures"] == .number(1))
        let audit = try await DatabaseQueue(path: fixture.path).read { db in
            try String.fetchAll(db, sql: "SELECT action || ' ' || detail FROM audit ORDER BY id")
        }
        #expect(audit.contains { $0.contains("closure-corrected") && $0.contains("14:00") && $0.contains("10:30") })
        let valid = Self.closure(id, from: "2026-03-10T08:00:00+01:00", to: nil)
        #expect(try await fixture.call(.put, "/api/v1/closures/999999", as: "reviewer", body: valid).status == 404)
        #expect(try await fixture.call(.put, path, as: "reporter", body: valid).status == 403)
        #expect(try await fixture.call(.put, path, as: "reviewer", body: #"{"institution": 5}"#).status == 422)
    }
}
