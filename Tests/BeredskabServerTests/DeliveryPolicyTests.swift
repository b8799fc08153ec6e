import BeredskabServer
import BeredskabTime
import Foundation
import GRDB
import Testing

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

    @Test func fallsBackAfterTheAttemptsOrTheTimeLimitOrAPermanentFailureAndThenGivesUp() {
        #expect(
            policy.next(
                after: .retry("x"), notification: notification(attempts: 4, first: now), channelCount: 2, now: now,
                jitter: 0.5) == .fallback(channel: 1))
        #expect(
            policy.next(
                after: .retry("x"), notification: notification(attempts: 1, first: now.adding(-600)), channelCount: 2,
                now: now, jitter: 0.5)
                == .fallback(channel: 1))
        #expect(
            policy.next(after: .permanent("400"), notification: notification(), channelCount: 2, now: now, jitter: 0.5)
                == .fallback(channel: 1))
        #expect(
            policy.next(
                after: .permanent("400"), notification: notification(channel: 1), channelCount: 2, now: now, jitter: 0.5
            ) == .failed)
        #expect(
            policy.next(after: .delivered("250"), notification: notification(), channelCount: 2, now: now, jitter: 0.5)
                == .delivered)
    }
}

@Suite struct FallbackTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test func aPermanentEmailFailureFallsBackToSMS() async throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let transport = Scripted(["email": [.permanent("550 no such mailbox")], "sms": [.delivered("202 accepted")]])
        let dispatcher = Dispatcher(store: store, engine: Fixture.engine, transport: transport, publicURL: "http://x")
        try await dispatcher.runOnce(now: at)
        try await dispatcher.runOnce(now: at.adding(1))
        // Everyone reached by email first (bo-lund has email then sms) ends up on sms.
        #expect(transport.log.contains { $0 == ("bo-lund", "email") })
        #expect(transport.log.contains { $0 == ("bo-lund", "sms") })
        let statuses = try await DatabaseQueue(path: fixture.path).read {
            try String.fetchAll(
                $0, sql: "SELECT DISTINCT status FROM notification WHERE send_at <= ?", arguments: [at.seconds])
        }
        #expect(Set(statuses).isSubset(of: ["delivered", "failed"]))
    }

    @Test func retriesWaitForTheBackOffAndUnreachablePersonsAreReportedToTheDutyRole() async throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path)
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
        // Walk time on until every channel of every person has failed.
        var time = at
        for _ in 0..<12 {
            time = time.adding(10)
            try await dispatcher.runOnce(now: time)
        }
        let queue = try DatabaseQueue(path: fixture.path)
        let failed = try await queue.read {
            try Int.fetchOne(
                $0, sql: "SELECT count(*) FROM notification WHERE status = 'failed' AND kind = 'notification'")!
        }
        #expect(failed == 5)
        let problems = try await queue.read {
            try String.fetchAll($0, sql: "SELECT DISTINCT roles FROM notification WHERE kind = 'delivery-problem'")
        }
        #expect(problems == [#"["hotspot-sekretariat"]"#])
        #expect(try store.audit(incident: "fsb:2026-000412").contains { $0.action == "delivery-fallback" })
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
