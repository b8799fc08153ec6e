import BeredskabEngine
import BeredskabTime
import Foundation
import Testing

@testable import BeredskabStore

/// Two instances on one PostgreSQL database (issue 17), doing the same thing at the same moment:
/// what SQLite never needed, with one writer per process. Each case fails if the locking in
/// ``PostgresStore`` (the intake lock, `FOR UPDATE SKIP LOCKED`) is taken out.
@Suite(.enabled(if: StoreKind.server != nil, "needs BEREDSKAB_TEST_POSTGRES"))
struct SharedStoreTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!
    /// Rounds lie this far apart, beyond the stores' history, so that each round stands alone.
    let roundApart = 10 * 86_400

    /// Two stores on the fixture's database, as two servers would open it.
    func twoInstances(_ fixture: Fixture) throws -> (any IncidentStore, any IncidentStore) {
        (
            try fixture.open(.postgres, lookback: 86_400, lookahead: 3_600),
            try fixture.open(.postgres, lookback: 86_400, lookahead: 3_600)
        )
    }

    /// Runs `first` and `second` on two threads at once and returns what each returned.
    func together<T: Sendable>(
        _ first: @escaping @Sendable () throws -> T, _ second: @escaping @Sendable () throws -> T
    ) throws -> (T, T) {
        let results = Results<T>()
        DispatchQueue.concurrentPerform(iterations: 2) { n in
            results.set(n, Result { try (n == 0 ? first : second)() })
        }
        return (try results.get(0), try results.get(1))
    }

    /// A copy of an example report, moved `seconds` on and given a round's id.
    func moved(_ fixture: Fixture, _ name: String, by seconds: Int, id: String) throws -> (IncidentReport, String) {
        var (report, raw) = try fixture.report(name)
        report.id = id
        report.occurredAt = report.occurredAt.adding(seconds)
        return (report, raw)
    }

    /// The same shooting reported by two associations, each to another instance at the same moment:
    /// always one incident, the other report merged into it, never two incidents.
    @Test func twoInstancesGivenTheSameShootingAtOnceMakeOneIncident() throws {
        let fixture = try Fixture()
        let (one, two) = try twoInstances(fixture)
        for round in 0..<12 {
            let shift = round * roundApart
            let (fsb, fsbRaw) = try moved(fixture, "skud-blaagaarden.json", by: shift, id: "fsb:round-\(round)")
            let (akb, akbRaw) = try moved(fixture, "skud-blaagaarden-akb.json", by: shift, id: "akb:round-\(round)")
            let at = at.adding(shift + 300)
            // Evaluation takes a moment, as it may on a loaded server: both would have read the
            // history before either wrote, were intake not one at a time.
            let (first, second) = try together(
                {
                    try one.accept(fsb, raw: fsbRaw, organisation: "fsb", at: at) { history in
                        Thread.sleep(forTimeInterval: 0.02)
                        return Fixture.engine.evaluate(fsb, history: history, at: at)
                    }
                },
                {
                    try two.accept(akb, raw: akbRaw, organisation: "akb", at: at) { history in
                        Thread.sleep(forTimeInterval: 0.02)
                        return Fixture.engine.evaluate(akb, history: history, at: at)
                    }
                })
            let plans = [first, second].compactMap { if case .accepted(let i) = $0 { i.planJSON } else { nil } }
            #expect(plans.count == 2, "round \(round)")
            let merged = plans.filter { !$0.contains("\"merged_into\":null") }
            #expect(merged.count == 1, "round \(round): \(plans.count - merged.count) incidents")
            #expect(
                merged.allSatisfy {
                    $0.contains("\"merged_into\":\"fsb:round-\(round)\"")
                        || $0.contains("\"merged_into\":\"akb:round-\(round)\"")
                }, "round \(round)")
        }
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM incident WHERE merged_into IS NULL") == 12)
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM incident WHERE merged_into IS NOT NULL") == 12)
    }

    /// Shootings whose escalation timers are all due by `due`, `count` of them in round `round`.
    func shootings(_ store: any IncidentStore, _ fixture: Fixture, round: Int, count: Int) throws {
        for n in 0..<count {
            let shift = round * roundApart + n * 86_400
            let at = at.adding(shift)
            var request = try fixture.requestWithWatches("skud-blaagaarden.json", at: at)
            let (report, _) = try moved(fixture, "skud-blaagaarden.json", by: shift, id: "fsb:round-\(round)-\(n)")
            request.report = report
            request.plan = { Fixture.engine.evaluate(report, history: $0, at: at) }
            guard case .accepted = try store.acceptBatch([request])[0] else {
                throw StoreFileError("round \(round): report \(n) was not accepted")
            }
        }
    }

    /// Two instances fire the due escalation timers at the same moment: each timer fires once, by
    /// one of them.
    @Test func twoInstancesFiringEscalationsAtOnceFireEachTimerOnce() throws {
        let fixture = try Fixture()
        let (one, two) = try twoInstances(fixture)
        var fired = 0
        for round in 0..<6 {
            try shootings(one, fixture, round: round, count: 3)
            let due = at.adding(round * roundApart + 9 * 86_400)
            let pending = try fixture.count(
                .postgres, "SELECT count(*) FROM escalation WHERE status = 'pending' AND due_at <= \(due.seconds)")
            try #require(pending > 0)
            // Each escalation takes a moment to plan, so the other instance asks in the meantime.
            let slowly: @Sendable (StoredEscalation) -> [PlannedNotification] = { _ in
                Thread.sleep(forTimeInterval: 0.01)
                return []
            }
            let (a, b) = try together(
                { try one.fireDueEscalations(at: due, notify: slowly) },
                { try two.fireDueEscalations(at: due, notify: slowly) })
            #expect(a + b == pending, "round \(round): \(a) + \(b) fired of \(pending)")
            fired += pending
        }
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM audit WHERE action = 'escalated'") == fired)
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM escalation WHERE status = 'pending'") == 0)
    }

    /// Two instances take the unanswered watches at the same moment: each watch escalates once.
    @Test func twoInstancesTakingUnansweredWatchesAtOnceTakeEachOnce() throws {
        let fixture = try Fixture()
        let (one, two) = try twoInstances(fixture)
        var taken = 0
        for round in 0..<8 {
            try shootings(one, fixture, round: round, count: 4)
            let due = at.adding(round * roundApart + 9 * 86_400)
            let unanswered = try fixture.count(
                .postgres, "SELECT count(*) FROM watch WHERE status = 'requested' AND escalated_at IS NULL")
            try #require(unanswered > 0)
            let (a, b) = try together(
                { try one.takeUnansweredWatches(at: due).map(\.id) },
                { try two.takeUnansweredWatches(at: due).map(\.id) })
            #expect(Set(a).isDisjoint(with: b), "round \(round): taken by both: \(Set(a).intersection(b))")
            #expect(a.count + b.count == unanswered, "round \(round)")
            taken += unanswered
        }
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM audit WHERE action = 'watch-unanswered'") == taken)
    }
}

/// Each instance's in-memory history index (``SharedRecentIncidents``) on a shared store: what
/// another instance changed is there at the next report, and what was rolled back is not.
@Suite(.enabled(if: StoreKind.server != nil, "needs BEREDSKAB_TEST_POSTGRES"))
struct SharedHistoryIndexTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    /// The history a report at `at` would see on `store`, read as intake reads it.
    func history(_ store: PostgresStore, at: Instant) throws -> IncidentHistory {
        try store.pool.write { db in
            try store.lockIntake(db)
            return try store.history(db, around: at, now: at, excluding: "", exercise: false)
        }
    }

    @Test func whatAnotherInstanceChangedIsInTheNextHistory() throws {
        let fixture = try Fixture()
        let a = try #require(try fixture.open(.postgres) as? PostgresStore)
        let b = try #require(try fixture.open(.postgres) as? PostgresStore)
        // a has built its index; then b takes a report and closes it.
        #expect(try history(a, at: at).incident(id: "fsb:2026-000412") == nil)
        _ = try fixture.accept(b, "skud-blaagaarden.json", at: at)
        #expect(try history(a, at: at.adding(60)).incident(id: "fsb:2026-000412")?.closed == false)
        try b.addUpdate(
            IncidentUpdate(at: at.adding(120), actor: "test", kind: .allClear, text: "Falsk alarm"),
            incident: "fsb:2026-000412", notify: [], replan: nil)
        #expect(try history(a, at: at.adding(180)).incident(id: "fsb:2026-000412")?.closed == true)
    }

    @Test func anIncidentRolledBackIsNotLeftInTheIndex() throws {
        let fixture = try Fixture()
        let a = try #require(try fixture.open(.postgres) as? PostgresStore)
        _ = try history(a, at: at)
        struct Abandoned: Error {}
        // A transaction that wrote an incident and read it into the index, then failed.
        #expect(throws: Abandoned.self) {
            try a.pool.write { db in
                try a.lockIntake(db)
                try db.execute(
                    """
                    INSERT INTO incident (id, organisation, received_at, occurred_at, category, severity, area,
                        report_json, plan_json, fired)
                    VALUES ('fsb:gone', 'fsb', \(at.seconds), \(at.seconds), 'shooting', 'severe', 'blaagaarden',
                        '{}', '{}', '[]')
                    """)
                #expect(
                    try a.history(db, around: at, now: at, excluding: "", exercise: false)
                        .incident(id: "fsb:gone") != nil)
                throw Abandoned()
            }
        }
        #expect(try history(a, at: at).incident(id: "fsb:gone") == nil)
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM incident") == 0)
    }
}

/// What each of two threads returned.
final class Results<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: Result<T, any Error>] = [:]

    func set(_ n: Int, _ result: Result<T, any Error>) { lock.withLock { results[n] = result } }

    func get(_ n: Int) throws -> T { try lock.withLock { results[n]! }.get() }
}
