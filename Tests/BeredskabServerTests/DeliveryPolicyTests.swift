import BeredskabEngine
import BeredskabServer
import BeredskabTime
import Foundation
import Testing

@testable import BeredskabDispatch
@testable import BeredskabStore

/// Answers each channel kind with a scripted list of results, the last repeating.
final class Scripted: Transport, @unchecked Sendable {
    let lock = NSLock()
    var script: [String: [SendResult]]
    var log: [(String, String)] = []

    init(_ script: [String: [SendResult]]) {
        self.script = script
    }

    func send(_ message: Outgoing) async -> SendResult {
        lock.withLock {
            log.append((message.notification.person, message.channel))
            var results = script[message.channel] ?? [.delivered("ok")]
            let result = results.count > 1 ? results.removeFirst() : results[0]
            script[message.channel] = results
            return result
        }
    }
}

@Suite struct DeliveryPolicyTests {
    let policy = DeliveryPolicy()
    let now = Instant(rfc3339: "2026-11-21T22:30:00+01:00")!

    func notification(attempts: Int = 0, channel: Int = 0, first: Instant? = nil) -> StoredNotification {
        StoredNotification(
            id: 1, incident: "i", person: "p", name: "P", roles: ["r"], tier: .situation,
            channels: [("email", "p@example.org"), ("sms", "+45 01 00 00 01")], sendAt: now, idempotencyKey: "k",
            message: "m", guidelines: ["g"], status: "pending", acknowledgedAt: nil, ackExpiresAt: now,
            kind: "notification",
            channelIndex: channel, attempts: attempts, firstAttemptAt: first)
    }

    @Test func backOffDoublesWithinTwentyPercentJitter() {
        for (attempts, base) in [(0, 2), (1, 4), (2, 8), (3, 16)] {
            for jitter in [0.0, 0.5, 1.0] {
                guard
                    case .retry(let at) = policy.next(
                        after: .retry("timeout"), notification: notification(attempts: attempts, first: now),
                        channelCount: 2,
                        now: now, jitter: jitter)
                else {
                    Issue.record("no retry")
                    continue
                }
                let delay = Double(at.seconds - now.seconds)
                #expect(
                    delay >= (Double(base) * 0.8).rounded() && delay <= (Double(base) * 1.2).rounded(),
                    "\(attempts) \(jitter)")
            }
        }
    }

    @Test func fallsBackAfterTheAttemptsOrTheTimeLimitOrAPermanentFailure() {
        #expect(
            policy.next(
                after: .retry("x"), notification: notification(attempts: 4, first: now), channelCount: 2, now: now,
                jitter: 0.5) == .fallback(channel: 1, at: now))
        #expect(
            policy.next(
                after: .retry("x"), notification: notification(attempts: 1, first: now.adding(-600)), channelCount: 2,
                now: now, jitter: 0.5)
                == .fallback(channel: 1, at: now))
        #expect(
            policy.next(after: .permanent("400"), notification: notification(), channelCount: 2, now: now, jitter: 0.5)
                == .fallback(channel: 1, at: now))
        #expect(
            policy.next(after: .delivered("250"), notification: notification(), channelCount: 2, now: now, jitter: 0.5)
                == .delivered)
    }

    /// An outage never ends a notification: after the last channel it starts a new round from the
    /// first, a minute later, and a channel alone is retried for ever with the back-off capped.
    @Test func aTemporaryFailureOnTheLastChannelStartsANewRoundInsteadOfGivingUp() {
        #expect(
            policy.next(
                after: .retry("timeout"), notification: notification(attempts: 4, channel: 1, first: now),
                channelCount: 2, now: now, jitter: 0.5) == .fallback(channel: 0, at: now.adding(60)))
        #expect(
            policy.next(
                after: .permanent("550"), notification: notification(channel: 1), channelCount: 2, now: now,
                jitter: 0.5) == .fallback(channel: 0, at: now.adding(60)))
        var only = notification(attempts: 40, first: now.adding(-3600))
        only.channels = [("email", "p@example.org")]
        guard
            case .retry(let at) = policy.next(
                after: .retry("421"), notification: only, channelCount: 1, now: now, jitter: 1)
        else {
            Issue.record("an e-mail-only notification was given up")
            return
        }
        #expect(at.seconds - now.seconds == 72, "a minute, plus at most 20 % jitter")
    }

    /// Only a permanent refusal ends a channel, and only when every channel has refused does the
    /// notification fail.
    @Test func givesUpOnlyWhenEveryAddressRefusedPermanently() {
        var refusedFirst = notification(channel: 1)
        refusedFirst.refusedChannels = [0]
        #expect(
            policy.next(after: .permanent("410"), notification: refusedFirst, channelCount: 2, now: now, jitter: 0.5)
                == .failed)
        // A temporary failure on the only channel not refused stays on it.
        guard
            case .retry = policy.next(
                after: .retry("503"),
                notification: {
                    var n = refusedFirst; n.attempts = 9; return n
                }(),
                channelCount: 2, now: now, jitter: 0.5)
        else {
            Issue.record("a refused channel was tried again")
            return
        }
    }

    @Test func thePersonIsReportedUnreachableOnceEveryChannelHasFailed() {
        #expect(
            !policy.isUnreachable(
                after: .fallback(channel: 1, at: now), notification: notification(attempts: 4)))
        #expect(
            policy.isUnreachable(
                after: .fallback(channel: 0, at: now.adding(60)), notification: notification(attempts: 4, channel: 1)))
        #expect(!policy.isUnreachable(after: .retry(at: now), notification: notification(attempts: 1)))
        #expect(policy.isUnreachable(after: .failed, notification: notification()))
    }
}

@Suite struct FallbackTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test(arguments: StoreKind.all)
    func aPermanentEmailFailureFallsBackToSMS(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let transport = Scripted(["email": [.permanent("550 no such mailbox")], "sms": [.delivered("202 accepted")]])
        let dispatcher = Dispatcher(store: store, engine: Fixture.engine, transport: transport, publicURL: "http://x")
        try await dispatcher.runOnce(now: at)
        try await dispatcher.runOnce(now: at.adding(1))
        // Everyone reached by email first (bo-lund has email then sms) ends up on sms.
        #expect(transport.log.contains { $0 == ("bo-lund", "email") })
        #expect(transport.log.contains { $0 == ("bo-lund", "sms") })
        #expect(
            try fixture.count(
                kind,
                "SELECT count(*) FROM notification WHERE send_at <= \(at.seconds) AND status NOT IN ('delivered', 'failed')"
            ) == 0)
    }

    /// A two-hour outage of every channel: nothing is given up, each unreachable person is reported
    /// to the failure role once, and when the receivers come back everything is delivered.
    @Test(arguments: StoreKind.all)
    func anOutageDelaysButNeverLosesANotificationAndTheDutyRoleIsToldOnce(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let transport = Scripted([
            "email": [.retry("Couldn't connect to server")], "sms": [.retry("Timeout was reached")],
            "webhook": [.retry("HTTP 503")],
        ])
        var policy = DeliveryPolicy()
        policy.attemptsPerChannel = 2
        let dispatcher = Dispatcher(
            store: store, engine: Fixture.engine, transport: transport, publicURL: "http://x", policy: policy,
            failureRole: "hotspot-sekretariat")
        try await dispatcher.runOnce(now: at)
        let first = transport.log.count
        #expect(first == 5)
        // Nothing is due again before the back-off.
        try await dispatcher.runOnce(now: at.adding(1))
        #expect(transport.log.count == first)
        // Two hours of outage, a pass every thirty seconds.
        var time = at
        for _ in 0..<240 {
            time = time.adding(30)
            try await dispatcher.runOnce(now: time)
        }
        func count(_ sql: String) throws -> Int { try fixture.count(kind, sql) }
        #expect(try count("SELECT count(*) FROM notification WHERE status = 'failed'") == 0)
        let stored = try store.notifications(incident: "fsb:2026-000412")
        let firstIDs = stored.filter { $0.kind == "notification" && $0.sendAt <= at && $0.status == "pending" }
            .map(\.id)
        #expect(firstIDs.count == 5)
        // Still tried, about once a minute per channel round, not given up after the first round.
        let late = try count(
            "SELECT count(*) FROM delivery_attempt WHERE attempted_at > \(time.adding(-600).seconds)")
        #expect(late >= 5 * 5, "\(late) attempts in the last ten minutes")
        // The failure role is told once per unreachable notification, not once per round (escalations
        // fired meanwhile are unreachable too and reported on their own).
        let problems = stored.filter { $0.kind == "delivery-problem" }
        #expect(try count("SELECT count(*) FROM notification WHERE kind = 'delivery-problem'") == problems.count)
        #expect(Set(problems.map(\.roles)) == [["hotspot-sekretariat"]])
        let reportedDuty = try #require(problems.first.flatMap { $0.idempotencyKey.split(separator: "/").last })
        for id in firstIDs {
            #expect(
                problems.filter { $0.idempotencyKey.hasSuffix("/failed-\(id)/\(reportedDuty)") }.count == 1,
                "notification \(id)")
        }
        let waiting = try store.waitingNotifications(limit: 1000)
        #expect(waiting.filter { $0.failedAttempts > 0 }.count >= 5)
        #expect(waiting.allSatisfy { !$0.lastError.isEmpty })
        // What /metrics shows: how many wait, by channel, and for how long.
        let counts = try store.waitingCounts(at: time)
        #expect(counts.byChannel.values.reduce(0, +) == waiting.count)
        #expect(counts.oldestSeconds >= 7_000, "\(counts.oldestSeconds)")
        // The receivers come back: everything waiting goes out.
        transport.lock.withLock {
            transport.script = [
                "email": [.delivered("250 ok")], "sms": [.delivered("202")], "webhook": [.delivered("200")],
            ]
        }
        for _ in 0..<12 {
            time = time.adding(10)
            try await dispatcher.runOnce(now: time)
        }
        #expect(
            try count("SELECT count(*) FROM notification WHERE status = 'pending' AND kind = 'notification'") == 0)
        #expect(try count("SELECT count(*) FROM notification WHERE status = 'failed'") == 0)
        #expect(try store.waitingNotifications(limit: 100).isEmpty)
        #expect(try store.audit(incident: "fsb:2026-000412").contains { $0.action == "delivery-fallback" })
    }

    /// An address refused for good is not tried again, and a notification refused by every address
    /// fails and is reported as given up.
    @Test(arguments: StoreKind.all)
    func aRefusedAddressIsNotTriedAgain(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let transport = Scripted(["email": [.permanent("550 no such mailbox")], "sms": [.retry("Timeout")]])
        let dispatcher = Dispatcher(
            store: store, engine: Fixture.engine, transport: transport, publicURL: "http://x",
            failureRole: "hotspot-sekretariat")
        var time = at
        for _ in 0..<60 {
            try await dispatcher.runOnce(now: time)
            time = time.adding(30)
        }
        let emails = transport.lock.withLock { transport.log.filter { $0 == ("bo-lund", "email") }.count }
        #expect(emails == 1)
        // The board says why with the channel still being tried, not the refused one.
        let waiting = try #require(try store.waitingNotifications(limit: 100).first { $0.person == "bo-lund" })
        #expect(waiting.channel == "sms" && waiting.lastError == "sms: Timeout", "\(waiting)")
        let sms = transport.lock.withLock { transport.log.filter { $0 == ("bo-lund", "sms") }.count }
        #expect(sms > 5)
    }

    /// Trying stops once the notification is acknowledged or its incident is closed.
    @Test(arguments: StoreKind.all)
    func anAcknowledgedNotificationIsNotTriedAgain(_ kind: StoreKind) async throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let transport = Scripted(["email": [.retry("down")], "sms": [.retry("down")], "webhook": [.retry("down")]])
        let dispatcher = Dispatcher(store: store, engine: Fixture.engine, transport: transport, publicURL: "http://x")
        try await dispatcher.runOnce(now: at)
        let pending = try store.notifications(incident: "fsb:2026-000412").filter { $0.status == "pending" }
        let acknowledged = try #require(pending.first { $0.sendAt <= at })
        _ = try store.acknowledge(
            ackToken: store.ackToken(for: acknowledged), at: at.adding(5), stops: { _ in true })
        transport.lock.withLock { transport.log.removeAll() }
        for n in 1...20 { try await dispatcher.runOnce(now: at.adding(n * 60)) }
        #expect(transport.lock.withLock { !transport.log.contains { $0.0 == acknowledged.person } })
    }
}

@Suite struct DoorbellTests {
    /// A wait after a ring is answered at once, but the wait after that one sleeps for its timeout
    /// again (a cancelled timer must not leave the bell rung, or the dispatcher spins).
    @Test func aRingWakesOneWaitAndLaterWaitsSleep() async {
        let bell = Doorbell()
        let clock = ContinuousClock()
        bell.ring()
        let first = await clock.measure { await bell.wait(upTo: .seconds(30)) }
        #expect(first < .seconds(10))
        for _ in 0..<3 {
            let later = await clock.measure { await bell.wait(upTo: .milliseconds(300)) }
            // Only a lower bound: a loaded machine may sleep longer, never shorter.
            #expect(later >= .milliseconds(250), "\(later)")
        }
    }
}

/// The lines on disk at each sync of `FileTransport`, recorded from its writer thread.
final class SyncLog: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Int] = []
    /// Records the lines at one sync; returns how many syncs are recorded now.
    func record(_ lines: Int) -> Int {
        lock.withLock {
            recorded.append(lines); return recorded.count
        }
    }
    var lines: [Int] { lock.withLock { recorded } }
}

/// The demo's file transport after a crash in the middle of a line, and under load.
@Suite struct FileTransportTests {
    /// A server killed while writing leaves a torn last line; the next message starts a line of its
    /// own, so every line but the torn one is whole JSON.
    @Test func aLineTornByACrashDoesNotSwallowTheNextMessage() async throws {
        let fixture = try Fixture()
        let path = fixture.folder.appendingPathComponent("outbox.jsonl").path
        try Data((#"{"idempotency_key": "a"}"# + "\n" + #"{"idempotency_key": "b", "te"#).utf8).write(
            to: URL(fileURLWithPath: path))
        let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!
        let store = try SQLiteStore(path: fixture.path)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let transport = FileTransport(path: path)
        let notification = try #require(try store.notifications(incident: "fsb:2026-000412").first)
        let result = await transport.send(
            Outgoing(
                notification: notification, channel: "email", address: "x@example.org", text: "Skud", ackLink: "l"))
        #expect(result == .delivered("written to \(path)"))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let last = try #require(lines.last)
        #expect(try JSONValue.parse(Array(last.utf8))["idempotency_key"] == .string(notification.idempotencyKey))
    }

    /// A file that cannot be opened is a retry naming the system's reason, and is left as it was:
    /// the transport used to write a new empty file over one it could not open (its permissions
    /// changed), losing every line in it. A directory in the way stands in for that here, as tests
    /// may run as root, whom permissions do not stop.
    @Test func aFileThatCannotBeOpenedIsARetryWithItsReasonAndIsLeftAlone() async throws {
        let fixture = try Fixture()
        let path = fixture.folder.appendingPathComponent("outbox.jsonl").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try Data("kept".utf8).write(to: URL(fileURLWithPath: path + "/inside"))
        let store = try SQLiteStore(path: fixture.path)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: Instant(rfc3339: "2026-03-13T21:48:00+01:00")!)
        let notification = try #require(try store.notifications(incident: "fsb:2026-000412").first)
        let result = await FileTransport(path: path).send(
            Outgoing(notification: notification, channel: "email", address: "x@example.org", text: "m", ackLink: "l"))
        #expect(result == .retry("cannot open \(path): Is a directory"))
        #expect(try String(contentsOfFile: path + "/inside", encoding: .utf8) == "kept")
    }

    /// Messages sent while the file is being synced wait for the next sync and share it: each is
    /// reported delivered only after a sync that began after its line was written.
    @Test func messagesSentTogetherShareOneSync() async throws {
        let fixture = try Fixture()
        let path = fixture.folder.appendingPathComponent("outbox.jsonl").path
        let store = try SQLiteStore(path: fixture.path)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: Instant(rfc3339: "2026-03-13T21:48:00+01:00")!)
        let notification = try #require(try store.notifications(incident: "fsb:2026-000412").first)
        func message(_ i: Int) -> Outgoing {
            Outgoing(
                notification: notification, channel: "email", address: "x@example.org", text: "m\(i)", ackLink: "l")
        }
        // The first sync waits until the test lets it go; the lines on disk are counted at each sync.
        let gate = DispatchSemaphore(value: 0)
        let linesAtSync = SyncLog()
        let transport = FileTransport(path: path) { fd in
            let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").count ?? 0
            let first = linesAtSync.record(lines) == 1
            if first { gate.wait() }
            return fsync(fd)
        }
        let firstSent = Task { await transport.send(message(0)) }
        while transport.syncs < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let others = Task {
            await withTaskGroup(of: SendResult.self) { group in
                for i in 1...9 { group.addTask { await transport.send(message(i)) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        while transport.waiting < 9 { try await Task.sleep(for: .milliseconds(1)) }
        gate.signal()
        #expect(await firstSent.value == .delivered("written to \(path)"))
        let results = await others.value
        #expect(results.count == 9)
        #expect(results.allSatisfy { $0 == .delivered("written to \(path)") })
        // One sync for the first message, one for the nine that waited for it, each after its lines.
        #expect(transport.syncs == 2)
        #expect(linesAtSync.lines == [1, 10])
        let texts = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            guard case .string(let text)? = try JSONValue.parse(Array($0.utf8))["text"] else { return "" }
            return text
        }
        #expect(texts.sorted() == (0...9).map { "m\($0)" }.sorted())
    }
}
