import BeredskabCheck
import BeredskabDispatch
import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabSyntax
import BeredskabTime
import Foundation
import Logging
import Testing

/// The demo engine and a fresh SQLite file per test.
struct Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The dispatcher warns of every failed delivery attempt, and these tests fail attempts on
    /// purpose by the thousand: this test process logs errors only, so a failure is not buried.
    static let quietLogs: Void = LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = .error
        return handler
    }

    static let engine: Engine = {
        _ = quietLogs
        let demo = Checker.check(
            try! SourceLoader.load([
                root.appendingPathComponent("Rules").path, root.appendingPathComponent("Contacts").path,
            ]))
        return Engine(rules: demo.rules, roster: demo.roster)
    }()

    /// An engine from rules written in the test, which must check without errors.
    static func engine(rules text: String) -> Engine {
        var sources = SourceSet()
        sources.add(SourceFile(path: "t.rules", text: text))
        let result = Checker.check(sources)
        precondition(result.errorCount == 0, result.renderedText())
        return Engine(rules: result.rules, roster: result.roster)
    }

    /// Whether a receipt stops escalations, by the demo rules (a responsible role).
    static let stops: @Sendable (StoredNotification) -> Bool = {
        engine.acknowledgementStops(roles: $0.roles, guidelines: $0.guidelines)
    }

    let folder: URL
    var path: String { folder.appendingPathComponent("beredskab.sqlite").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("beredskab-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func report(_ name: String) throws -> (IncidentReport, String) {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("examples/reports/\(name)"))
        guard
            case .success(let report) = IncidentReport.decode(
                [UInt8](data), rules: Self.engine.rules, roster: Self.engine.roster)
        else { throw CancellationError() }
        return (report, String(decoding: data, as: UTF8.self))
    }

    /// An example report's accept request as the server makes it: each watched institution's
    /// leader is asked whether it is open.
    func requestWithWatches(_ name: String, as organisation: String = "fsb", at: Instant) throws -> AcceptRequest {
        let (report, raw) = try report(name)
        return AcceptRequest(
            report: report, raw: raw, organisation: organisation, at: at,
            plan: { Self.engine.evaluate(report, history: $0, at: at) },
            watchRequest: { institution, watch, _ in
                Self.engine.roster.institutions[institution]?.leader.flatMap {
                    Self.engine.notification(
                        to: $0.value, as: "leder:\(institution)", at: at, guideline: watch.guideline,
                        message: "Holder \(institution) åbent? {link}")
                }
            })
    }

    func accept(
        _ store: any IncidentStore, _ name: String, as organisation: String = "fsb", at: Instant
    ) throws -> AcceptOutcome {
        let (report, raw) = try report(name)
        return try store.accept(report, raw: raw, organisation: organisation, at: at) { history in
            Self.engine.evaluate(report, history: history, at: at)
        }
    }
}

/// Collects what the dispatcher sends, in memory.
final class Recorder: Transport, @unchecked Sendable {
    let lock = NSLock()
    var sent: [Outgoing] = []
    func send(_ message: Outgoing) async -> SendResult {
        lock.withLock { sent.append(message) }
        return .delivered("recorded")
    }
    var people: [String] { lock.withLock { sent.map(\.notification.person) } }
}

@Suite struct StoreTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test(arguments: StoreKind.all)
    func acceptingIsIdempotentPerOrganisationAndRefusesAnotherOrganisationsID(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        guard case .accepted(let first) = try fixture.accept(store, "skud-blaagaarden.json", at: at) else {
            Issue.record("not accepted")
            return
        }
        guard case .replayed(let again) = try fixture.accept(store, "skud-blaagaarden.json", at: at.adding(60)) else {
            Issue.record("not replayed")
            return
        }
        #expect(again.planJSON == first.planJSON)
        #expect(again.receivedAt == at)
        #expect(
            try fixture.accept(store, "skud-blaagaarden.json", as: "akb", at: at) == .idTaken(byOrganisation: "fsb"))
        // Exactly one incident and one set of notifications.
        #expect(try fixture.count(kind, "SELECT count(*) FROM incident") == 1)
        #expect(try fixture.count(kind, "SELECT count(*) FROM notification") == 6)
    }

    @Test(arguments: StoreKind.all)
    func aSecondAssociationsReportMergesUsingTheStoredHistory(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        guard
            case .accepted(let second) = try fixture.accept(
                store, "skud-blaagaarden-akb.json", as: "akb", at: at.adding(240))
        else {
            Issue.record("not accepted")
            return
        }
        #expect(second.planJSON.contains("\"merged_into\":\"fsb:2026-000412\""))
        #expect(try store.audit(incident: second.id).map(\.action) == ["incident-accepted", "incident-merged"])
    }

    @Test(arguments: StoreKind.all)
    func theAuditLogIsAppendOnly(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        #expect(throws: (any Error).self) { try fixture.execute(kind, "UPDATE audit SET actor = 'x'") }
        #expect(throws: (any Error).self) { try fixture.execute(kind, "DELETE FROM audit") }
        #expect(try fixture.count(kind, "SELECT count(*) FROM audit WHERE actor = 'x'") == 0)
    }

    @Test(arguments: StoreKind.all)
    func tokensAreStoredOnlyAsHashes(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        let token = try store.createToken(organisation: "fsb", at: at)
        #expect(try store.token(secret: token)?.organisation == "fsb")
        #expect(try store.token(secret: token + "x") == nil)
        #expect(try fixture.count(kind, "SELECT count(*) FROM token") == 1)
        // A token is base64url, quoted as it is (`_` in LIKE matches any character: this finds more, never less).
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(try fixture.count(kind, "SELECT count(*) FROM token WHERE hash LIKE '%\(token)%'") == 0)
    }
}

@Suite struct DispatchTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test(arguments: StoreKind.all)
    func pendingNotificationsAndTimersSurviveARestartAndFireOnTime(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        do {
            let store = try fixture.open(kind)
            _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
            let recorder = Recorder()
            let dispatcher = Dispatcher(
                store: store, engine: Fixture.engine, transport: recorder, publicURL: "http://x")
            try await dispatcher.runOnce(now: at)
            #expect(recorder.sent.count == 5)
        }
        // The process is gone; a new one opens the same store.
        let store = try fixture.open(kind)
        let recorder = Recorder()
        let dispatcher = Dispatcher(
            store: store, engine: Fixture.engine, transport: recorder, publicURL: "http://beredskab.test")
        try await dispatcher.runOnce(now: at.adding(9 * 60))
        #expect(recorder.sent.isEmpty)
        try await dispatcher.runOnce(now: at.adding(10 * 60))
        #expect(recorder.sent.count == 1)
        #expect(recorder.sent[0].notification.roles == ["gadeteam-vagt"])
        // Nobody acknowledged: at +15 minutes the steering group is told.
        try await dispatcher.runOnce(now: at.adding(15 * 60))
        let escalated = recorder.sent.dropFirst()
        #expect(!escalated.isEmpty)
        #expect(
            escalated.allSatisfy { $0.notification.kind == "escalation" && $0.notification.roles == ["styregruppe"] })
        #expect(
            escalated.allSatisfy { $0.text.hasPrefix("ESKALERING") && $0.text.contains("http://beredskab.test/ack/") })
        #expect(try store.audit(incident: "fsb:2026-000412").contains { $0.action == "escalated" })
    }

    @Test(arguments: StoreKind.all)
    func acknowledgingStopsTheEscalationAndIsHarmlessTwice(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let recorder = Recorder()
        let dispatcher = Dispatcher(store: store, engine: Fixture.engine, transport: recorder, publicURL: "http://x")
        try await dispatcher.runOnce(now: at)
        let link = try #require(recorder.sent.first { $0.notification.roles == ["politi-vagt"] }?.ackLink)
        let token = String(link.split(separator: "/").last!)
        guard case .acknowledged = try store.acknowledge(ackToken: token, at: at.adding(120), stops: Fixture.stops)
        else {
            Issue.record("not acknowledged")
            return
        }
        guard
            case .alreadyAcknowledged = try store.acknowledge(ackToken: token, at: at.adding(180), stops: Fixture.stops)
        else {
            Issue.record("second acknowledgement not harmless")
            return
        }
        #expect(try store.acknowledge(ackToken: "nonsense", at: at, stops: Fixture.stops) == .unknown)
        try await dispatcher.runOnce(now: at.adding(60 * 60))
        #expect(!recorder.sent.contains { $0.notification.kind == "escalation" })
        #expect(try store.acknowledge(ackToken: token, at: at.adding(8 * 86_400), stops: Fixture.stops) != .unknown)
    }

    @Test(arguments: StoreKind.all)
    func linksExpire(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let recorder = Recorder()
        try await Dispatcher(store: store, engine: Fixture.engine, transport: recorder, publicURL: "http://x").runOnce(
            now: at)
        let token = String(recorder.sent[0].ackLink.split(separator: "/").last!)
        #expect(try store.acknowledge(ackToken: token, at: at.adding(8 * 86_400), stops: Fixture.stops) == .expired)
    }
}

/// What the dispatcher pages through to choose what to start: the pending messages due by then,
/// oldest first, after the cursor and not in flight, with the channel each goes on next (issue 16).
@Suite struct DueNotificationKeyTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test(arguments: StoreKind.all)
    func keysAreTheDueMessagesWithTheirNextChannel(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        _ = try fixture.accept(store, "containerbrand-prater.json", at: at)
        let now = at.adding(86_400)
        // What is due, worked out from the whole rows: pending, unacknowledged, due by `now`.
        func due() throws -> [StoredNotification] {
            try ["fsb:2026-000412", "beredskabet-2026-0314-0231"].flatMap { try store.notifications(incident: $0) }
                .filter { $0.status == "pending" && $0.acknowledgedAt == nil && $0.dueAt <= now }
                .sorted { ($0.dueAt.seconds, $0.id) < ($1.dueAt.seconds, $1.id) }
        }
        let all = try due()
        try #require(all.count > 5)
        // One message on its second channel, one past its last.
        try fixture.execute(kind, "UPDATE notification SET channel_index = 1 WHERE id = \(all[1].id)")
        try fixture.execute(kind, "UPDATE notification SET channel_index = 99 WHERE id = \(all[2].id)")
        let whole = try due()
        let excluded: Set<Int64> = [whole[3].id]
        for (limit, after) in [(500, nil), (3, (whole[0].dueAt, whole[0].id))] as [(Int, (Instant, Int64)?)] {
            let keys = try store.dueNotificationKeys(at: now, limit: limit, after: after, excluding: excluded)
            let rows = Array(
                whole.filter { row in
                    !excluded.contains(row.id)
                        && after.map { (row.dueAt.seconds, row.id) > ($0.0.seconds, $0.1) } ?? true
                }.prefix(limit))
            #expect(keys.map(\.id) == rows.map(\.id))
            #expect(keys.map(\.dueAt) == rows.map(\.dueAt))
            for (key, row) in zip(keys, rows) {
                let next = row.channelIndex < row.channels.count ? row.channels[row.channelIndex] : nil
                #expect(key.channel == next?.kind && key.address == next?.address, "\(row.id)")
            }
        }
        let past = try #require(
            try store.dueNotificationKeys(at: now, limit: 500, after: nil, excluding: [])
                .first { $0.id == whole[2].id })
        #expect(past.channel == nil && past.address == nil)
        #expect(
            try store.notifications(ids: [whole[4].id, whole[0].id, 999_999]).map(\.id)
                == [whole[0].id, whole[4].id].sorted())
    }
}

@Suite struct GroupCommitTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test(arguments: StoreKind.all)
    func concurrentReportsWithOneIDMakeOneIncidentAndDuplicatesInABatchMerge(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        // As the server runs it: SQLite commits a report finding the writer idle on its own thread.
        let commits = GroupCommit(store: store, inlineWhenIdle: kind == .sqlite)
        let (first, raw) = try fixture.report("skud-blaagaarden.json")
        let (second, rawSecond) = try fixture.report("skud-blaagaarden-akb.json")
        let at = at
        func request(_ report: IncidentReport, _ raw: String, _ organisation: String) -> AcceptRequest {
            AcceptRequest(report: report, raw: raw, organisation: organisation, at: at) { history in
                Fixture.engine.evaluate(report, history: history, at: at)
            }
        }
        let outcomes = try await withThrowingTaskGroup(of: AcceptOutcome.self) { group in
            for _ in 0..<20 { group.addTask { try await commits.accept(request(first, raw, "fsb")) } }
            group.addTask { try await commits.accept(request(second, rawSecond, "akb")) }
            var all: [AcceptOutcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let accepted = outcomes.compactMap { if case .accepted(let i) = $0 { i } else { nil } }
        let replayed = outcomes.filter { if case .replayed = $0 { true } else { false } }
        #expect(accepted.count == 2)
        #expect(replayed.count == 19)
        // Whichever of the two associations came first, the other's report merged into it.
        #expect(accepted.filter { $0.planJSON.contains("\"merged_into\":null") }.count == 1)
    }

    @Test(arguments: StoreKind.all)
    func reportsOneAfterAnotherShareOneWriterThreadAndEachIsCommittedBeforeItsAnswer(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        // A linger far longer than any test run: with every suite running at once, this test's tasks
        // have waited over a minute for a thread, which let a 60 s linger end the first writer.
        let commits = GroupCommit(store: store, idleLinger: 3600)
        let reader = try fixture.open(kind)
        let (report, raw) = try fixture.report("skud-blaagaarden.json")
        let at = at
        for i in 0..<30 {
            var numbered = report
            numbered.id = "fsb:sequential-\(i)"
            let own = numbered
            let outcome = try await commits.accept(
                AcceptRequest(report: own, raw: raw, organisation: "fsb", at: at) { history in
                    Fixture.engine.evaluate(own, history: history, at: at)
                })
            guard case .accepted = outcome else {
                Issue.record("report \(i): \(outcome)")
                continue
            }
            // Committed when answered: a second connection sees it.
            #expect(try reader.incident(id: own.id) != nil)
        }
        // One writer thread waited for the next report instead of a thread started for each.
        #expect(commits.writersStarted == 1)
    }

    /// The dispatcher's results go through the same writer as intake: delivered and recorded, with
    /// no second writer thread.
    @Test(arguments: StoreKind.all)
    func deliveryResultsShareIntakesWriter(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        let commits = GroupCommit(store: store, idleLinger: 3600)
        let (report, raw) = try fixture.report("skud-blaagaarden.json")
        let at = at
        _ = try await commits.accept(
            AcceptRequest(report: report, raw: raw, organisation: "fsb", at: at) { history in
                Fixture.engine.evaluate(report, history: history, at: at)
            })
        let recorder = Recorder()
        let dispatcher = Dispatcher(store: store, engine: Fixture.engine, transport: recorder, publicURL: "http://x")
            .recording(through: commits.recordAttempts)
        let sent = try await dispatcher.runOnce(now: at)
        #expect(sent > 0 && recorder.sent.count == sent)
        let stored = try store.notifications(incident: report.id).filter { recorder.people.contains($0.person) }
        #expect(!stored.isEmpty && stored.allSatisfy { $0.status == "delivered" })
        #expect(commits.writersStarted == 1)
        // Nothing is due any more: the results were committed, not lost.
        #expect(try await dispatcher.runOnce(now: at) == 0)
    }

    /// A delivery result with no report to go with waits for the next report and rides in its
    /// transaction (one commit, one fsync for both) instead of a transaction of its own.
    @Test(arguments: StoreKind.all)
    func aDeliveryResultRidesInTheNextReportsTransaction(_ kind: StoreKind) async throws {
        let (store, notification) = try acceptedWithANotification(kind)
        let commits = GroupCommit(store: store, idleLinger: 3600, resultsLinger: 3600)
        let attempt = delivered(notification)
        let recorded = Self.onThread { try commits.recordAttempts([(attempt, .delivered)]) }
        try await waitForResults(commits)
        // Waiting for a report: nothing committed yet.
        #expect(commits.resultsWaiting == 1)
        #expect(commits.transactions == 0)
        #expect(try store.notifications(ids: [notification.id]).first?.status == "pending")

        let outcome = try await commits.accept(try nextReport())
        #expect(outcome.isAccepted)
        try await recorded.value
        #expect(commits.transactions == 1)
        #expect(try store.notifications(ids: [notification.id]).first?.status == "delivered")
    }

    /// With no report coming, results are committed on their own once `resultsLinger` is over.
    @Test(arguments: StoreKind.all)
    func deliveryResultsWithNoReportComingAreCommittedAlone(_ kind: StoreKind) async throws {
        let (store, notification) = try acceptedWithANotification(kind)
        let commits = GroupCommit(store: store, idleLinger: 3600, resultsLinger: 0.05)
        let attempt = delivered(notification)
        try await Self.onThread { try commits.recordAttempts([(attempt, .delivered)]) }.value
        #expect(commits.transactions == 1)
        #expect(try store.notifications(ids: [notification.id]).first?.status == "delivered")
    }

    /// With `inlineWhenIdle` (the server's choice for SQLite), a report that finds the writer idle
    /// is committed on its own thread, before its answer, and no writer thread is started.
    @Test func aReportFindingTheWriterIdleIsCommittedOnItsOwnThread() async throws {
        let fixture = try Fixture()
        let store = try fixture.open(.sqlite)
        let commits = GroupCommit(store: store, inlineWhenIdle: true)
        let reader = try fixture.open(.sqlite)
        let (report, raw) = try fixture.report("skud-blaagaarden.json")
        let at = at
        for i in 0..<5 {
            var numbered = report
            numbered.id = "fsb:inline-\(i)"
            let own = numbered
            let outcome = try await commits.accept(
                AcceptRequest(report: own, raw: raw, organisation: "fsb", at: at) { history in
                    Fixture.engine.evaluate(own, history: history, at: at)
                })
            #expect(outcome.isAccepted)
            #expect(try reader.incident(id: own.id) != nil)
        }
        #expect(commits.committedInline == 5)
        #expect(commits.transactions == 5)
        #expect(commits.writersStarted == 0)
    }

    /// A report committed on its own thread takes the delivery results waiting for a report along:
    /// one transaction for both, and the results' caller hears they are committed.
    @Test func aReportCommittedOnItsOwnThreadTakesTheWaitingResultsAlong() async throws {
        let (store, notification) = try acceptedWithANotification(.sqlite)
        let commits = GroupCommit(store: store, idleLinger: 3600, resultsLinger: 3600, inlineWhenIdle: true)
        let attempt = delivered(notification)
        let recorded = Self.onThread { try commits.recordAttempts([(attempt, .delivered)]) }
        try await waitForResults(commits)
        #expect(commits.resultsWaiting == 1)
        let outcome = try await commits.accept(try nextReport())
        #expect(outcome.isAccepted)
        try await recorded.value
        #expect(commits.committedInline == 1)
        #expect(commits.transactions == 1)
        #expect(commits.resultsWaiting == 0)
        #expect(try store.notifications(ids: [notification.id]).first?.status == "delivered")
    }

    /// A store with the example report accepted, and one of its notifications.
    func acceptedWithANotification(_ kind: StoreKind) throws -> (any IncidentStore, StoredNotification) {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let (report, _) = try fixture.report("skud-blaagaarden.json")
        return (store, try #require(try store.notifications(incident: report.id).first))
    }

    /// A delivered attempt of the notification.
    func delivered(_ notification: StoredNotification) -> DeliveryAttempt {
        DeliveryAttempt(
            notification: notification.id, at: at, channel: "webhook", address: "x", outcome: "delivered",
            detail: "200")
    }

    /// Another report, to commit after the first.
    func nextReport() throws -> AcceptRequest {
        var (report, raw) = try Fixture().report("skud-blaagaarden.json")
        report.id = "fsb:the-next-report"
        let (own, at) = (report, at)
        return AcceptRequest(report: own, raw: raw, organisation: "fsb", at: at) { history in
            Fixture.engine.evaluate(own, history: history, at: at)
        }
    }

    /// Waits until delivery results wait for the writer (ten seconds at most).
    func waitForResults(_ commits: GroupCommit) async throws {
        var polls = 0
        while commits.resultsWaiting == 0, polls < 10_000 {
            try await Task.sleep(for: .milliseconds(1))
            polls += 1
        }
    }

    /// Runs blocking work on a thread of its own (as the dispatcher's pipeline calls
    /// `recordAttempts`), never on one of Swift concurrency's few threads.
    static func onThread(_ work: @escaping @Sendable () throws -> Void) -> Task<Void, any Error> {
        Task {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
            }
        }
    }

    /// Results that cannot be recorded fail alone: the reports committed with them stay, and the
    /// caller hears why.
    @Test(arguments: StoreKind.all)
    func resultsThatFailDoNotTakeTheReportsOfTheirTransactionWithThem(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        let (report, raw) = try fixture.report("skud-blaagaarden.json")
        let at = at
        // No notification 999999: the attempt breaks delivery_attempt's foreign key.
        let orphan = DeliveryAttempt(
            notification: 999_999, at: at, channel: "webhook", address: "x", outcome: "delivered", detail: "")
        let (outcomes, recorded) = try store.acceptBatch(
            [
                AcceptRequest(report: report, raw: raw, organisation: "fsb", at: at) { history in
                    Fixture.engine.evaluate(report, history: history, at: at)
                }
            ], recording: [(orphan, .delivered)])
        #expect(outcomes.count == 1 && outcomes[0].isAccepted)
        #expect(throws: (any Error).self) { try recorded.get() }
        #expect(try store.incident(id: report.id) != nil)

        let commits = GroupCommit(store: store)
        #expect(throws: (any Error).self) { try commits.recordAttempts([(orphan, .delivered)]) }
    }
}

@Suite struct WatchEscalationTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test(arguments: StoreKind.all)
    func anUnansweredWatchEscalatesAtItsConfirmTimeOnce(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        let (report, raw) = try fixture.report("skud-blaagaarden.json")
        let at = at
        _ = try store.accept(report, raw: raw, organisation: "fsb", at: at) { history in
            Fixture.engine.evaluate(report, history: history, at: at)
        }
        let recorder = Recorder()
        let dispatcher = Dispatcher(store: store, engine: Fixture.engine, transport: recorder, publicURL: "http://x")
        // skud-distrikt-8 asks leaders to confirm within 2 hours.
        try await dispatcher.runOnce(now: at.adding(2 * 3600 - 60))
        #expect(!recorder.sent.contains { $0.text.hasPrefix("INTET SVAR") })
        try await dispatcher.runOnce(now: at.adding(2 * 3600))
        let unanswered = recorder.sent.filter { $0.text.hasPrefix("INTET SVAR") }
        #expect(!unanswered.isEmpty)
        // To the guideline's escalation role: the steering group.
        #expect(unanswered.allSatisfy { $0.notification.roles == ["styregruppe"] })
        let count = recorder.sent.count
        try await dispatcher.runOnce(now: at.adding(3 * 3600))
        #expect(!recorder.sent.dropFirst(count).contains { $0.text.hasPrefix("INTET SVAR") })
    }
}
