import BeredskabDispatch
import BeredskabEngine
import BeredskabTime
import Foundation
import Testing

@testable import BeredskabStore

/// The outbox on a store several instances share (issue 17): each notification is taken by one
/// instance at a time, held while it is delivered, and taken over when its holder goes quiet.
@Suite(.enabled(if: StoreKind.server != nil, "needs BEREDSKAB_TEST_POSTGRES"))
struct ClaimTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    /// Two instances, named as two servers on two machines would be.
    func instances(_ fixture: Fixture) throws -> (PostgresStore, PostgresStore) {
        (
            try PostgresStore(try fixture.database, connections: 4, instance: "host-a:1"),
            try PostgresStore(try fixture.database, connections: 4, instance: "host-b:1")
        )
    }

    /// The example shooting as report `id`, ten days on per round (each round its own incident);
    /// returns when it was accepted.
    func acceptShooting(_ store: PostgresStore, _ fixture: Fixture, id: String, round: Int) throws -> Instant {
        var (report, raw) = try fixture.report("skud-blaagaarden.json")
        report.id = id
        report.occurredAt = report.occurredAt.adding(round * 10 * 86_400)
        let when = at.adding(round * 10 * 86_400)
        _ = try store.accept(report, raw: raw, organisation: "fsb", at: when) {
            Fixture.engine.evaluate(report, history: $0, at: when)
        }
        return when
    }

    @Test func twoInstancesTakingTheSameNotificationsAtOnceTakeEachOnce() throws {
        let fixture = try Fixture()
        let (a, b) = try instances(fixture)
        for round in 0..<5 {
            let when = try acceptShooting(a, fixture, id: "fsb:claims-\(round)", round: round)
            let ids = try a.dueNotificationKeys(at: when, limit: 100, after: nil, excluding: []).map(\.id)
            #expect(!ids.isEmpty)
            let results = Results<[Int64]>()
            DispatchQueue.concurrentPerform(iterations: 2) { n in
                results.set(n, Result { try (n == 0 ? a : b).claimNotifications(ids: ids, at: when).map(\.id) })
            }
            let (byA, byB) = (try results.get(0), try results.get(1))
            #expect(Set(byA).isDisjoint(with: byB), "round \(round): taken by both")
            #expect(Set(byA).union(byB) == Set(ids), "round \(round): not taken")
        }
    }

    @Test func aHoldKeepsOthersOffUntilItLapsesAndRenewingExtendsIt() throws {
        let fixture = try Fixture()
        let (a, b) = try instances(fixture)
        _ = try fixture.accept(a, "skud-blaagaarden.json", at: at)
        let ids = try a.dueNotificationKeys(at: at, limit: 100, after: nil, excluding: []).map(\.id)
        let (first, rest) = (ids[0], Array(ids.dropFirst()))
        #expect(try a.claimNotifications(ids: ids, at: at).count == ids.count)
        // b neither sees nor takes what a holds.
        #expect(try b.dueNotificationKeys(at: at.adding(10), limit: 100, after: nil, excluding: []).isEmpty)
        #expect(try b.claimNotifications(ids: ids, at: at.adding(10)).isEmpty)
        // a is still sending the first one and renews its hold; the others it has gone quiet on.
        try a.renewClaims(ids: [first], at: at.adding(20))
        let later = at.adding(a.claimLease + 1)
        #expect(Set(try b.dueNotificationKeys(at: later, limit: 100, after: nil, excluding: []).map(\.id)) == Set(rest))
        #expect(Set(try b.claimNotifications(ids: ids, at: later).map(\.id)) == Set(rest))
        // a's own hold does not keep a itself off.
        #expect(try a.claimNotifications(ids: [first], at: later).map(\.id) == [first])
    }

    @Test func aRecordedAttemptEndsTheHoldSoAnyInstanceTakesTheRetry() throws {
        let fixture = try Fixture()
        let (a, b) = try instances(fixture)
        _ = try fixture.accept(a, "skud-blaagaarden.json", at: at)
        let key = try #require(try a.dueNotificationKeys(at: at, limit: 1, after: nil, excluding: []).first)
        _ = try a.claimNotifications(ids: [key.id], at: at)
        let attempt = DeliveryAttempt(
            notification: key.id, at: at, channel: key.channel ?? "email", address: key.address ?? "x",
            outcome: "retry", detail: "451 try again later")
        try a.recordAttempts([(attempt, .retry(at: at.adding(5)))])
        #expect(try b.claimNotifications(ids: [key.id], at: at.adding(5)).map(\.id) == [key.id])
    }

    /// Two dispatchers, one per instance, working the same outbox at the same moment: every alert
    /// is sent, and by one of them.
    @Test func twoDispatchersSendEachNotificationOnce() async throws {
        let fixture = try Fixture()
        let (a, b) = try instances(fixture)
        for round in 0..<3 { _ = try acceptShooting(a, fixture, id: "fsb:dispatch-\(round)", round: round) }
        let (recorderA, recorderB) = (Recorder(), Recorder())
        let now = at.adding(30 * 86_400)
        async let sentByA = Dispatcher(store: a, engine: Fixture.engine, transport: recorderA, publicURL: "http://x")
            .runOnce(now: now)
        async let sentByB = Dispatcher(store: b, engine: Fixture.engine, transport: recorderB, publicURL: "http://x")
            .runOnce(now: now)
        _ = try await (sentByA, sentByB)
        // Everything, also the escalations the timers fired on the way, went out once.
        let due = try fixture.count(.postgres, "SELECT count(*) FROM notification WHERE status != 'cancelled'")
        #expect(due > 0)
        let keys = (recorderA.sent + recorderB.sent).map(\.notification.idempotencyKey)
        #expect(keys.count == due)
        #expect(Set(keys).count == keys.count, "sent twice: \(keys.count - Set(keys).count)")
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM notification WHERE status = 'delivered'") == due)
    }
}
