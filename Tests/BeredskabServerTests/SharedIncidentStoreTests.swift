import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation
import Testing

/// Several instances on one PostgreSQL database (issue 17), changing the same incidents at the same
/// moment: an overdue task one instance takes, no other takes too, and updates take turns.
@Suite struct SharedIncidentStoreTests {
    static let needsServer = Testing.ConditionTrait.enabled(
        if: StoreKind.server != nil, "needs a PostgreSQL server (BEREDSKAB_TEST_POSTGRES)")

    /// Two stores on the fixture's database, as two instances, and one incident made straight in SQL.
    func instances(_ fixture: Fixture) throws -> [PostgresStore] {
        let location = try fixture.database
        let stores = [
            try PostgresStore(location, connections: 2, instance: "first"),
            try PostgresStore(location, connections: 2, instance: "second"),
        ]
        try fixture.execute(
            .postgres,
            """
            INSERT INTO incident (id, organisation, received_at, occurred_at, category, severity, report_json,
                plan_json, fired)
            VALUES ('fsb:delt-1', 'fsb', 1000, 1000, 'shooting', 'severe', '{}', '{}', '[]')
            """)
        return stores
    }

    @Test(needsServer)
    func twoInstancesTakingOverdueTasksAtTheSameMomentTakeEachOnce() throws {
        let fixture = try Fixture()
        let stores = try instances(fixture)
        defer { stores.forEach { $0.close() } }
        let rounds = 10
        let perRound = 40
        let taken = Taken()
        for round in 0..<rounds {
            let due = 2_000 + round * 100
            try fixture.execute(
                .postgres,
                """
                INSERT INTO task (incident_id, guideline, text, role, due_at, assignees, escalate_to)
                SELECT 'fsb:delt-1', 'skud', 'opgave ' || n, 'ssp-vagt', \(due), '[]', '["hotspotchef"]'
                FROM generate_series(1, \(perRound)) n
                """)
            // Both instances find the same tasks overdue at once.
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                taken.add(Result { try stores[index].takeOverdueTasks(at: Instant(seconds: due + 50)) }, by: index)
            }
        }
        #expect(taken.failures.isEmpty, "\(taken.failures)")
        let all = taken.ids[0] + taken.ids[1]
        #expect(all.count == rounds * perRound, "first took \(taken.ids[0].count), second \(taken.ids[1].count)")
        #expect(Set(all).count == all.count, "a task was taken by both instances")
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM audit WHERE action = 'task-overdue'") == all.count)
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM task WHERE escalated_at IS NULL") == 0)
        #expect(try stores[0].verifyAudit().problem == nil)
        // Taken once: asked again, neither finds any.
        #expect(try stores[1].takeOverdueTasks(at: Instant(seconds: 100_000)).isEmpty)
    }

    /// Each update numbers its messages after the updates before it (`update-<n>` in their keys,
    /// where a key already stored is skipped): two instances numbering from the same count would
    /// each think theirs the next, and the second update's messages would be lost without a word.
    @Test(needsServer)
    func updatesToOneIncidentFromTwoInstancesAtOnceEachTellTheirRecipients() throws {
        let fixture = try Fixture()
        let stores = try instances(fixture)
        defer { stores.forEach { $0.close() } }
        let at = Instant(seconds: 2_000)
        let notice = try #require(
            Fixture.engine.notification(
                to: "sanne-dahl", as: "politi-vagt", at: at, guideline: "skud-distrikt-8", message: "Nyt: {link}"))
        let rounds = 10
        let failures = Failures()
        for round in 0..<rounds {
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let update = IncidentUpdate(
                    at: at.adding(round * 10 + index), actor: "instance-\(index)", kind: .information,
                    text: "runde \(round)")
                do {
                    try stores[index].addUpdate(update, incident: "fsb:delt-1", notify: [notice], replan: nil)
                } catch {
                    failures.add(error)
                }
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(try stores[0].updates(incident: "fsb:delt-1").count == 2 * rounds)
        let keys = try stores[1].notifications(incident: "fsb:delt-1").map(\.idempotencyKey)
        #expect(keys.count == 2 * rounds, "an update's message was lost")
        #expect(Set(keys) == Set((1...2 * rounds).map { "fsb:delt-1/update-\($0)/sanne-dahl" }))
        #expect(try stores[0].verifyAudit().problem == nil)
    }
}

/// What each instance took, from the threads that took it.
private final class Taken: @unchecked Sendable {
    private let lock = NSLock()
    private var taken: [[Int64]] = [[], []]
    private var errors: [String] = []

    func add(_ result: Result<[OverdueTask], any Error>, by index: Int) {
        lock.withLock {
            switch result {
            case .success(let tasks): taken[index] += tasks.map(\.id)
            case .failure(let error): errors.append("\(error)")
            }
        }
    }

    var ids: [[Int64]] { lock.withLock { taken } }
    var failures: [String] { lock.withLock { errors } }
}

/// Errors from the threads of a test.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []

    func add(_ error: any Error) { lock.withLock { errors.append("\(error)") } }
    var all: [String] { lock.withLock { errors } }
}
