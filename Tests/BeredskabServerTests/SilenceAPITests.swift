import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import GRDB
import Testing

/// Coordinators' silences through the store and the API (issue 13), on a real SQLite file.
@Suite struct SilenceAPITests {
    /// The street lighting guideline (normal priority) silenced for the night, from the fixture's now.
    static let lighting = """
        {"guideline": "haervaerk-belysning", "area": "indre-norrebro", "ends_at": "2026-03-14T06:00:00+01:00",
         "reason": "Nytårsaften: kendt fyrværkeri"}
        """
    static let vandalism = """
        {"id": "fsb:lygte-1", "reporter": {"organisation": "fsb"}, "occurred_at": "2026-03-13T21:40:00+01:00",
         "category": "vandalism", "severity": "minor", "location": {"area": "blaagaarden"}}
        """

    @Test func theMigrationMakesTheSilenceTableAndAnEmptyStoreHasNone() throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path)
        #expect(try store.silences(states: Set(Silence.State.allCases), at: APIFixture.at).isEmpty)
        let columns = try DatabaseQueue(path: fixture.path).read { db in try db.columns(in: "silence").map(\.name) }
        #expect(columns.contains("ends_at") && columns.contains("confirm_critical") && columns.contains("expired_by"))
    }

    /// The audit entries of silences and the audit chain's check, of either store (neither call is
    /// part of `IncidentStore`).
    static func silenceAudit(_ store: any IncidentStore) throws -> (entries: [AuditEntry], problem: AuditChainProblem?)
    {
        switch store {
        case let store as SQLiteStore: return (try store.silenceAudit(), try store.verifyAudit().problem)
        case let store as PostgresStore: return (try store.silenceAudit(), try store.verifyAudit().problem)
        default:
            Issue.record("an unknown kind of store")
            return ([], nil)
        }
    }

    @Test(arguments: StoreKind.all)
    func creatingAndExpiringAreInTheAuditChainWithTheActor(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        let at = APIFixture.at
        let silence = Silence(
            guideline: "skud-distrikt-8", area: "blaagaarden", startsAt: at, endsAt: at.adding(3600),
            reason: "Filmoptagelse med løst krudt", createdBy: "token:tok_12345678", createdAt: at,
            confirmCritical: true)
        let stored = try store.createSilence(silence, critical: ["skud-distrikt-8"])
        #expect(stored.id > 0)
        #expect(try store.activeSilences(at: at.adding(60)).map(\.id) == [stored.id])
        #expect(try store.expireSilence(id: stored.id, actor: "person:hanne", at: at.adding(600)) != .unknown)
        #expect(try store.activeSilences(at: at.adding(601)).isEmpty)
        guard case .alreadyExpired = try store.expireSilence(id: stored.id, actor: "person:hanne", at: at.adding(700))
        else {
            Issue.record("a second expiry changed something")
            return
        }
        #expect(try store.expireSilence(id: 999, actor: "x", at: at) == .unknown)
        let (entries, problem) = try Self.silenceAudit(store)
        #expect(entries.map(\.action) == ["silence-created", "silence-expired"])
        #expect(entries.map(\.actor) == ["token:tok_12345678", "person:hanne"])
        #expect(entries[0].detail.contains("critical") && entries[0].detail.contains("Filmoptagelse"))
        #expect(problem == nil)
        let expired = try store.silences(states: [.expired], at: at.adding(700))
        #expect(expired.first?.expiredBy == "person:hanne" && expired.first?.expiredAt == at.adding(600))
    }

    @Test func onlyCoordinatorsAndAdminsManageSilences() async throws {
        let fixture = try APIFixture()
        for caller in ["reporter", "responder"] {
            #expect(try await fixture.call(.get, "/api/v1/silences", as: caller).status == 403)
            #expect(try await fixture.call(.post, "/api/v1/silences", as: caller, body: Self.lighting).status == 403)
        }
        #expect(try await fixture.call(.get, "/api/v1/silences", as: nil).status == 401)
        #expect(try await fixture.call(.post, "/api/v1/silences", as: "admin", body: Self.lighting).status == 201)
    }

    @Test func aCriticalGuidelineNeedsConfirmCriticalAndTheRefusalNamesIt() async throws {
        let fixture = try APIFixture()
        let body = """
            {"category": "shooting", "area": "blaagaarden", "ends_at": "2026-03-14T06:00:00+01:00", "reason": "Øvelse"}
            """
        let refused = try await fixture.call(.post, "/api/v1/silences", as: "reviewer", body: body)
        #expect(refused.status == 422, "\(refused.text)")
        #expect(refused.text.contains("skud-distrikt-8") && refused.text.contains("$.confirm_critical"))
        #expect(try fixture.store.silences(states: Set(Silence.State.allCases), at: APIFixture.at).isEmpty)
        let confirmed = try await fixture.call(
            .post, "/api/v1/silences", as: "reviewer",
            body: String(body.dropLast()) + #", "confirm_critical": true}"#)
        #expect(confirmed.status == 201, "\(confirmed.text)")
        guard case .array(let critical)? = confirmed.json["critical"] else {
            Issue.record("no critical list: \(confirmed.text)")
            return
        }
        #expect(critical.contains(.string("skud-distrikt-8")))
        #expect(confirmed.json["state"] == .string("active"))
    }

    @Test func unknownIdsAndBadTimesAreRefusedWithTheirPaths() async throws {
        let fixture = try APIFixture()
        let unknown = try await fixture.call(
            .post, "/api/v1/silences", as: "reviewer",
            body: #"{"guideline": "meteor", "area": "maanen", "ends_at": "2026-03-14T06:00:00+01:00", "reason": "x"}"#)
        #expect(unknown.status == 422)
        #expect(unknown.text.contains("\"$.guideline\"") && unknown.text.contains("\"$.area\""))
        let shape = try await fixture.call(
            .post, "/api/v1/silences", as: "reviewer",
            body: #"{"category": "meteor", "ends_at": "soon", "colour": "red"}"#)
        #expect(shape.status == 422)
        for path in ["$.category", "$.ends_at", "$.reason", "$.colour"] {
            #expect(shape.text.contains("\"\(path)\""), "\(path): \(shape.text)")
        }
        let tooLong = try await fixture.call(
            .post, "/api/v1/silences", as: "reviewer",
            body: #"{"guideline": "haervaerk-belysning", "ends_at": "2026-03-21T21:49:00+01:00", "reason": "x"}"#)
        #expect(tooLong.status == 422 && tooLong.text.contains("7 days"))
        let backwards = try await fixture.call(
            .post, "/api/v1/silences", as: "reviewer",
            body:
                #"{"guideline": "haervaerk-belysning", "starts_at": "2026-03-14 06:00", "ends_at": "2026-03-14 05:00", "reason": "x"}"#
        )
        #expect(backwards.status == 422 && backwards.text.contains("after starts_at"))
    }

    @Test func aSilencedReportIsRecordedAndShownButNothingIsPlannedForIt() async throws {
        let fixture = try APIFixture()
        let created = try await fixture.call(.post, "/api/v1/silences", as: "reviewer", body: Self.lighting)
        #expect(created.status == 201, "\(created.text)")
        guard case .number(let id)? = created.json["id"] else { return }
        let listed = try await fixture.call(.get, "/api/v1/silences", as: "reviewer")
        guard case .array(let silences)? = listed.json["silences"] else {
            Issue.record("no list: \(listed.text)")
            return
        }
        #expect(silences.map { $0["state"] } == [.string("active")] && listed.text.contains("Nytårsaften"))

        let report = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: Self.vandalism)
        #expect(report.status == 201, "\(report.text)")
        #expect(try fixture.store.notifications(incident: "fsb:lygte-1").isEmpty)
        #expect(try fixture.store.tasks(incident: "fsb:lygte-1").isEmpty)
        let incident = try await fixture.call(.get, "/api/v1/incidents/fsb%3Alygte-1", as: "reporter")
        guard case .array(let silenced)? = incident.json["silenced"], let first = silenced.first else {
            Issue.record("not shown as silenced: \(incident.text)")
            return
        }
        #expect(first["guideline"] == .string("haervaerk-belysning") && first["silence"] == .number(id))
        #expect(try fixture.store.audit(incident: "fsb:lygte-1").contains { $0.action == "guideline-silenced" })
        let metrics = try await fixture.call(.get, "/metrics", as: nil)
        #expect(metrics.text.contains("beredskab_reports_silenced_total"))

        // A raised severity evaluates the report again, with the silences active then: still nothing.
        let raised = try await fixture.call(
            .post, "/api/v1/incidents/fsb%3Alygte-1/updates", as: "reporter",
            body: #"{"kind": "severity", "severity": "moderate", "text": "Flere lamper knust"}"#)
        #expect(raised.status == 201, "\(raised.text)")
        #expect(try fixture.store.notifications(incident: "fsb:lygte-1").filter { $0.kind != "update" }.isEmpty)

        // Expired early: listed as expired, gone from the default list, and in the audit log.
        let expired = try await fixture.call(.delete, "/api/v1/silences/\(Int(id))", as: "admin")
        #expect(expired.status == 200 && expired.json["state"] == .string("expired"), "\(expired.text)")
        #expect(try await fixture.call(.delete, "/api/v1/silences/\(Int(id))", as: "admin").status == 409)
        #expect(try await fixture.call(.delete, "/api/v1/silences/424242", as: "admin").status == 404)
        #expect(!(try await fixture.call(.get, "/api/v1/silences", as: "reviewer").text.contains("Nytårsaften")))
        let history = try await fixture.call(.get, "/api/v1/silences?state=expired", as: "reviewer")
        #expect(history.text.contains("Nytårsaften"))
        #expect(try await fixture.call(.get, "/api/v1/silences?state=soon", as: "reviewer").status == 400)
        #expect(try fixture.store.silenceAudit().map(\.action) == ["silence-created", "silence-expired"])
    }
}
