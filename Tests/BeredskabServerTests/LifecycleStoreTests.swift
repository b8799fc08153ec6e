import BeredskabDispatch
import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import Testing

/// The store and dispatcher over an incident's life, with a fixed clock (docs/plan.md, "The lifecycle").
@Suite struct LifecycleStoreTests {
    /// One minute after the demo shooting `skud-blaagaarden.json`, a Friday evening.
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    func shooting(_ kind: StoreKind) async throws -> (any IncidentStore, Dispatcher, Recorder) {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        // As the server does: each watched institution's leader is asked whether it is open.
        _ = try store.acceptBatch([try fixture.requestWithWatches("skud-blaagaarden.json", at: at)])
        let recorder = Recorder()
        let dispatcher = Dispatcher(store: store, engine: Fixture.engine, transport: recorder, publicURL: "http://x")
        try await dispatcher.runOnce(now: at)
        return (store, dispatcher, recorder)
    }

    @Test(arguments: StoreKind.all)
    func theAllClearWithdrawsDelayedAlertsTimersWatchesAndOverdueTasks(_ kind: StoreKind) async throws {
        let (store, dispatcher, recorder) = try await shooting(kind)
        let sent = recorder.sent.count
        #expect(recorder.sent.contains { $0.notification.kind == "watch" })
        #expect(!recorder.sent.contains { $0.notification.roles.contains("gadeteam-vagt") })
        try store.addUpdate(
            IncidentUpdate(at: at.adding(1), actor: "test", kind: .allClear, text: "Falsk alarm"),
            incident: "fsb:2026-000412", notify: [], replan: nil)
        // Past the street team's ten minutes, the escalations, the watches' confirm time and the tasks' deadlines.
        for minutes in [11, 16, 31, 46, 130, 60 * 24] {
            try await dispatcher.runOnce(now: at.adding(minutes * 60))
        }
        #expect(recorder.sent.count == sent, "\(recorder.sent.dropFirst(sent).map(\.text))")
        #expect(try store.takeUnansweredWatches(at: at.adding(86_400)).isEmpty)
        #expect(try store.audit(incident: "fsb:2026-000412").contains { $0.action == "withdrawn" })
    }

    @Test(arguments: StoreKind.all)
    func anOverdueTaskEscalatesOnceToItsRoles(_ kind: StoreKind) async throws {
        let (_, dispatcher, recorder) = try await shooting(kind)
        // "Saml SSP-beredskabet …" for ssp-vagt within 4h, escalate to hotspotchef if overdue.
        try await dispatcher.runOnce(now: at.adding(4 * 3600 - 60))
        #expect(!recorder.sent.contains { $0.text.hasPrefix("OPGAVE OVERSKREDET") })
        try await dispatcher.runOnce(now: at.adding(4 * 3600 + 60))
        try await dispatcher.runOnce(now: at.adding(5 * 3600))
        let overdue = recorder.sent.filter { $0.text.hasPrefix("OPGAVE OVERSKREDET") }
        #expect(!overdue.isEmpty)
        #expect(overdue.allSatisfy { $0.notification.roles == ["hotspotchef"] && $0.text.contains("SSP-beredskabet") })
        #expect(Set(overdue.map(\.notification.person)).count == overdue.count)
    }

    @Test(arguments: StoreKind.all)
    func aTaskDoneInTimeDoesNotEscalate(_ kind: StoreKind) async throws {
        let (store, dispatcher, recorder) = try await shooting(kind)
        let ssp = try #require(try store.tasks(incident: "fsb:2026-000412").first { $0.role == "ssp-vagt" })
        _ = try store.setTask(incident: "fsb:2026-000412", task: ssp.id, done: true, actor: "test", at: at.adding(600))
        try await dispatcher.runOnce(now: at.adding(5 * 3600))
        #expect(!recorder.sent.contains { $0.text.hasPrefix("OPGAVE OVERSKREDET") })
    }

    @Test(arguments: StoreKind.all)
    func aReceiptByTheReportersKeyPersonIsSeenAndStopsNothing(_ kind: StoreKind) async throws {
        let (store, dispatcher, recorder) = try await shooting(kind)
        let caretaker = try #require(recorder.sent.first { $0.notification.roles == ["reporter"] })
        let token = String(caretaker.ackLink.split(separator: "/").last!)
        guard case .seen = try store.acknowledge(ackToken: token, at: at.adding(60), stops: Fixture.stops) else {
            Issue.record("a reporter's receipt must be recorded as seen")
            return
        }
        var incident = try #require(try store.incident(id: "fsb:2026-000412"))
        #expect(!incident.acknowledged && incident.seen && incident.escalation == "pending")
        try await dispatcher.runOnce(now: at.adding(15 * 60))
        #expect(recorder.sent.contains { $0.notification.kind == "escalation" })
        // A watch request's leader is not responsible either: the steering group is still told.
        let leader = try #require(recorder.sent.first { $0.notification.kind == "watch" })
        let leaderToken = String(leader.ackLink.split(separator: "/").last!)
        guard case .seen = try store.acknowledge(ackToken: leaderToken, at: at.adding(60), stops: { _ in true }) else {
            Issue.record("a watch request is answered, never acknowledged")
            return
        }
        // The police officer on duty is responsible: the remaining rounds stop.
        let officer = try #require(recorder.sent.first { $0.notification.roles.contains("politi-vagt") })
        let officerToken = String(officer.ackLink.split(separator: "/").last!)
        guard
            case .acknowledged = try store.acknowledge(
                ackToken: officerToken, at: at.adding(16 * 60), stops: Fixture.stops)
        else {
            Issue.record("the police officer's receipt must acknowledge")
            return
        }
        incident = try #require(try store.incident(id: "fsb:2026-000412"))
        #expect(incident.acknowledged && incident.escalation == "fired")
        let escalations = recorder.sent.filter { $0.notification.kind == "escalation" }.count
        try await dispatcher.runOnce(now: at.adding(31 * 60))
        try await dispatcher.runOnce(now: at.adding(46 * 60))
        #expect(recorder.sent.filter { $0.notification.kind == "escalation" }.count == escalations)
    }
}
