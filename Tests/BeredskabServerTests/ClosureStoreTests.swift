import BeredskabReview
import BeredskabTime
import Foundation
import Testing

@testable import BeredskabStore

/// Closures, the review's incidents and after-action records in the store, on SQLite and PostgreSQL.
/// Incidents and their messages are written as rows (SQL both stores speak), so that what is read
/// back is known exactly.
@Suite struct ClosureStoreTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    func closure(
        _ institution: String, from: Int, to: Int?, incidents: [String] = [], nearMiss: Bool = false
    ) -> ClosureRecord {
        ClosureRecord(
            institution: institution, from: at.adding(from), to: to.map { at.adding($0) }, partial: false,
            reason: .staffSafety, reasonText: "Uro foran indgangen", decidedBy: "Lederen", incidents: incidents,
            vital: true, mitigations: [.extraStaff, .policePresence], nearMiss: nearMiss)
    }

    /// `beredskab closures reopen`: a call of the concrete stores, outside the protocol.
    func reopen(_ store: any IncidentStore, _ institution: String, at time: Instant) throws -> ClosureRecord? {
        switch store {
        case let store as SQLiteStore:
            try store.reopen(institution: institution, at: time, actor: "cli", recordedAt: time)
        case let store as PostgresStore:
            try store.reopen(institution: institution, at: time, actor: "cli", recordedAt: time)
        case let store: throw StoreFileError("no reopen for \(type(of: store))")
        }
    }

    /// Runs statements one by one (PostgreSQL takes one at a time).
    func execute(_ fixture: Fixture, _ kind: StoreKind, _ statements: [String]) throws {
        for sql in statements { try fixture.execute(kind, sql) }
    }

    @Test(arguments: StoreKind.all)
    func closuresAreRecordedReopenedAndCorrectedWithEveryVersionAudited(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        var later = closure("skole-blaagaard", from: 3600, to: nil, incidents: ["fsb:1", "fsb:2"])
        var earlier = closure("skole-blaagaard", from: 0, to: nil)
        var nearMiss = closure("skole-blaagaard", from: 7200, to: nil, nearMiss: true)
        later.id = try store.recordClosure(later, actor: "reviewer", at: at)
        earlier.id = try store.recordClosure(earlier, actor: "reviewer", at: at)
        nearMiss.id = try store.recordClosure(nearMiss, actor: "reviewer", at: at)
        #expect(Set([later.id, earlier.id, nearMiss.id]).count == 3)
        // Oldest first, each as recorded.
        #expect(try store.closures() == [earlier, later, nearMiss])
        // One entry per incident named, one without an incident when none is.
        #expect(try fixture.count(kind, "SELECT count(*) FROM audit WHERE action = 'closure-recorded'") == 3)
        #expect(
            try fixture.count(
                kind, "SELECT count(*) FROM audit WHERE action = 'closure-recorded' AND incident_id = 'fsb:2'") == 1)
        #expect(try fixture.count(kind, "SELECT count(*) FROM audit WHERE action = 'near-miss-recorded'") == 1)

        // Reopening ends the latest open closure, never a near miss, then the one before.
        let first = try reopen(store, "skole-blaagaard", at: at.adding(9000))
        #expect(first?.id == later.id && first?.to == at.adding(9000))
        #expect(try reopen(store, "skole-blaagaard", at: at.adding(9100))?.id == earlier.id)
        #expect(try reopen(store, "skole-blaagaard", at: at.adding(9200)) == nil)
        #expect(try reopen(store, "klub-prater", at: at) == nil)
        #expect(
            try fixture.count(
                kind, "SELECT count(*) FROM audit WHERE action = 'closure-reopened' AND incident_id = 'fsb:1'") == 1)

        var corrected = try #require(try store.closures().first { $0.id == later.id })
        #expect(corrected.to == at.adding(9000))
        corrected.to = at.adding(5400)
        corrected.mitigations = [.hoursChanged]
        corrected.incidents = ["fsb:3"]
        #expect(try store.correctClosure(corrected, actor: "reviewer", at: at))
        earlier.to = at.adding(9100)
        #expect(try store.closures() == [earlier, corrected, nearMiss])
        var unknown = corrected
        unknown.id = 999_999
        #expect(try !store.correctClosure(unknown, actor: "reviewer", at: at))
        #expect(
            try fixture.count(
                kind,
                """
                SELECT count(*) FROM audit WHERE action = 'closure-corrected' AND incident_id = 'fsb:3'
                AND detail LIKE '%"mitigations":["extra-staff","police-presence"]%'
                AND detail LIKE '%"mitigations":["hours-changed"]%'
                """) == 1)
        #expect(try store.auditChainIsIntact())
    }

    /// Text with a U+0000 in it is kept whole on both stores, as U+FFFD (SQLite would cut it,
    /// PostgreSQL refuse it).
    @Test(arguments: StoreKind.all)
    func aClosuresTextKeepsWhatFollowsANul(_ kind: StoreKind) throws {
        let store = try Fixture().open(kind)
        var record = closure("skole-blaagaard", from: 0, to: 60)
        record.reasonText = "Uro\u{0} og kasteskyts"
        record.id = try store.recordClosure(record, actor: "reviewer", at: at)
        #expect(try store.closures().first?.reasonText == "Uro\u{FFFD} og kasteskyts")
    }

    /// Rows of incidents: (id, occurred at, exercise, cap status, merged into, plan).
    func insertIncidents(
        _ fixture: Fixture, _ kind: StoreKind,
        _ rows: [(id: String, occurred: Int, exercise: Bool, status: String, merged: String?, plan: String)]
    ) throws {
        try execute(
            fixture, kind,
            rows.map { row in
                """
                INSERT INTO incident (id, organisation, received_at, occurred_at, category, severity, area,
                    report_json, plan_json, merged_into, fired, cap_status, exercise)
                VALUES ('\(row.id)', 'fsb', \(at.seconds + row.occurred + 60), \(at.seconds + row.occurred),
                    'shooting', 'severe', 'blaagaarden', '{}', '\(row.plan)',
                    \(row.merged.map { "'\($0)'" } ?? "NULL"), '[]', '\(row.status)', \(row.exercise ? "TRUE" : "FALSE"))
                """
            })
    }

    @Test(arguments: StoreKind.all)
    func theReviewReadsActualIncidentsOfThePeriodAndExercisesAreListedApart(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        try insertIncidents(
            fixture, kind,
            [
                ("fsb:3", 300, false, "actual", nil, #"{"watches":[]}"#),
                ("fsb:1", 100, false, "actual", nil, #"{"watches":[{"institution":"skole-blaagaard"}]}"#),
                ("fsb:2", 200, false, "actual", "fsb:1", "{}"),
                ("fsb:4", 400, true, "exercise", nil, "{}"),
                ("fsb:5", 500, false, "test", nil, "{}"),
                ("fsb:6", 50_000, false, "actual", nil, "{}"),
                ("fsb:7", 450, true, "exercise", nil, "{}"),
            ])
        let period = at..<at.adding(3600)
        let review = try store.reviewIncidents(in: period)
        #expect(review.map(\.id) == ["fsb:1", "fsb:3"])
        #expect(review.map(\.watched) == [true, false])
        #expect(review.first?.occurredAt == at.adding(100) && review.first?.area == "blaagaarden")
        #expect(review.first?.category == .shooting)

        let exercises: [String] =
            switch store {
            case let store as SQLiteStore: try store.exercises(receivedIn: period)
            case let store as PostgresStore: try store.exercises(receivedIn: period)
            default: []
            }
        #expect(exercises == ["fsb:4", "fsb:7"])
    }

    @Test(arguments: StoreKind.all)
    func anAfterActionRecordHoldsWhatHappenedInOrder(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        #expect(try store.afterActionRecord(incident: "fsb:1") == nil)
        let plan = #"{"left_out":[{"person":"p9","name":"Nina","roles":["leder"]},{"person":"p8"}]}"#
        try insertIncidents(fixture, kind, [("fsb:1", 0, true, "exercise", nil, plan)])
        let t = at.seconds
        func notification(_ id: Int, _ person: String, send: Int, kind: String, key: String, acked: String) -> String {
            """
            INSERT INTO notification (id, incident_id, person, name, roles, tier, channels, send_at, idempotency_key,
                message, guidelines, kind, ack_expires_at, status, acknowledged_at, ack_kind)
            VALUES (\(id), 'fsb:1', '\(person)', 'Navn \(person)', '["vagt"]', 'personal', '[]', \(t + send),
                '\(key)', 'besked', '["skud"]', '\(kind)', \(t + 86_400), 'delivered', \(acked))
            """
        }
        try execute(
            fixture, kind,
            [
                notification(2, "p2", send: 30, kind: "notification", key: "fsb:1/skud/p2", acked: "NULL, NULL"),
                notification(1, "p1", send: 30, kind: "notification", key: "fsb:1/skud/p1", acked: "\(t + 90), 'link'"),
                notification(
                    3, "leder", send: 45, kind: "watch", key: "fsb:1/watch-skole-blaagaard/1", acked: "NULL, NULL"),
                """
                INSERT INTO delivery_attempt (notification_id, attempted_at, channel, address, outcome, detail)
                VALUES (2, \(t + 31), 'sms', '+4512345678', 'retry', ''), (1, \(t + 32), 'email', 'a@b.dk', 'delivered', '')
                """,
                """
                INSERT INTO escalation (incident_id, guideline, due_at, roles, round, tier, status)
                VALUES ('fsb:1', 'skud', \(t + 900), '["leder"]', 2, 'personal', 'pending'),
                    ('fsb:1', 'skud', \(t + 600), '["vagt"]', 1, 'personal', 'stopped')
                """,
                """
                INSERT INTO task (incident_id, guideline, text, role, due_at, assignees, escalate_to, status, done_at)
                VALUES ('fsb:1', 'skud', 'Ring til skolen', 'vagt', \(t + 1200), '[]', '[]', 'done', \(t + 1000)),
                    ('fsb:1', 'skud', 'Skriv rapport', 'leder', \(t + 600), '[]', '[]', 'open', NULL)
                """,
                """
                INSERT INTO watch (incident_id, guideline, institution, confirm_by, until_at, escalate_to, status,
                    answered_at)
                VALUES ('fsb:1', 'skud', 'skole-blaagaard', \(t + 1800), \(t + 86_400), '[]', 'closed', \(t + 1500)),
                    ('fsb:1', 'skud', 'klub-prater', \(t + 1800), \(t + 86_400), '[]', 'requested', NULL)
                """,
            ])
        let record = try #require(try store.afterActionRecord(incident: "fsb:1"))
        #expect(record.exercise && record.category == "shooting" && record.severity == "severe")
        #expect(record.occurredAt == at && record.receivedAt == at.adding(60) && record.closedAt == nil)
        #expect(record.notifications.map(\.id) == [1, 2, 3])
        #expect(record.notifications.first?.acknowledgedAt == at.adding(90))
        #expect(record.notifications.first?.ackKind == "link" && record.notifications[1].ackKind == nil)
        #expect(record.notifications.first?.roles == ["vagt"] && record.notifications.first?.guidelines == ["skud"])
        #expect(record.attempts.map(\.notification) == [2, 1])
        #expect(record.attempts.map(\.outcome) == ["retry", "delivered"])
        #expect(record.escalations.map(\.round) == [2, 1])
        #expect(record.escalations.first?.roles == ["leder"] && record.escalations.last?.status == "stopped")
        #expect(record.tasks.map(\.text) == ["Ring til skolen", "Skriv rapport"])
        #expect(record.tasks.map(\.doneAt) == [at.adding(1000), nil])
        // The leader of skole-blaagaard was asked when the watch request went out; klub-prater's
        // request was never sent, so it counts from when the report came in.
        #expect(record.watches.map(\.institution) == ["skole-blaagaard", "klub-prater"])
        #expect(record.watches.map(\.requestedAt) == [at.adding(45), at.adding(60)])
        #expect(record.watches.map(\.answeredAt) == [at.adding(1500), nil])
        #expect(record.leftOut.map(\.person) == ["p9"] && record.leftOut.first?.roles == ["leder"])
    }
}

extension IncidentStore {
    /// Whether the store's audit chain is intact (`beredskab audit verify`).
    func auditChainIsIntact() throws -> Bool {
        switch self {
        case let store as SQLiteStore: try store.verifyAudit().problem == nil
        case let store as PostgresStore: try store.verifyAudit().problem == nil
        default: false
        }
    }
}
