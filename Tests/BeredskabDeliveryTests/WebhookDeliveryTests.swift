import Foundation
import Testing

@testable import BeredskabDelivery

/// Webhooks through libcurl to a real HTTP receiver (Python's http.server) on 127.0.0.1.
@Suite struct WebhookDeliveryTests {
    private func transport(
        _ port: Int, secret: String = "modtager-hemmelighed", timeout: Duration = .seconds(10)
    )
        -> WebhookTransport
    {
        WebhookTransport(
            config: .init(
                url: "http://127.0.0.1:\(port)/hooks/beredskab", secret: secret, connectTimeout: .seconds(2),
                timeout: timeout))
    }

    @Test func signedJSONWithTheIdempotencyKeyArrives() async throws {
        let sink = try await SinkProcess.start("http_sink.py", ["--secret", "modtager-hemmelighed"])
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }

        let outcome = await transport(sink.port).send(danishMessage(), via: multi)

        #expect(outcome == .delivered(detail: #"HTTP 200; reply: {"status": 200, "request": 1}"#))
        let record = try #require(try sink.records().first)
        let headers = try #require(record["headers"] as? [String: String])
        #expect(record["method"] as? String == "POST")
        #expect(record["path"] as? String == "/hooks/beredskab")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["idempotency-key"] == "inc-2026-0042/anna-berg/email")
        #expect(headers["expect"] == nil)
        // Verified by Python's hmac module in the receiver…
        #expect(record["signature_valid"] as? Bool == true)
        // …and recomputed here from the bytes that arrived.
        let base64 = try #require(record["body_base64"] as? String)
        let body = try #require(Data(base64Encoded: base64))
        let expected =
            "sha256=" + hexString(HMACSHA256.authenticationCode(for: body, key: Array("modtager-hemmelighed".utf8)))
        #expect(headers["x-beredskab-signature"] == expected)
        let object = try jsonObject(String(decoding: body, as: UTF8.self))
        #expect(object["idempotency_key"] as? String == "inc-2026-0042/anna-berg/email")
        #expect(object["subject"] as? String == danishSubject)
        #expect(object["body"] as? String == danishBody)
        #expect(object["incident"] as? String == "inc-2026-0042")
    }

    @Test func aWrongSecretFailsTheReceiversCheck() async throws {
        let sink = try await SinkProcess.start("http_sink.py", ["--secret", "modtager-hemmelighed"])
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        _ = await transport(sink.port, secret: "noget-andet").send(danishMessage(), via: multi)
        #expect(try sink.records().first?["signature_valid"] as? Bool == false)
    }

    @Test func fiveHundredIsRetriedThenDelivered() async throws {
        let sink = try await SinkProcess.start("http_sink.py", ["--behaviour", "fail-then-ok", "--failures", "2"])
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let webhook = transport(sink.port)
        var outcomes: [DeliveryOutcome] = []
        for _ in 0..<3 { outcomes.append(await webhook.send(danishMessage(), via: multi)) }
        #expect(
            outcomes == [
                .retry(detail: #"HTTP 500; reply: {"status": 500, "request": 1}"#),
                .retry(detail: #"HTTP 500; reply: {"status": 500, "request": 2}"#),
                .delivered(detail: #"HTTP 200; reply: {"status": 200, "request": 3}"#),
            ])
        // Every attempt carried the same key, so the receiver can drop duplicates.
        let keys = try sink.records().compactMap { ($0["headers"] as? [String: String])?["idempotency-key"] }
        #expect(keys == Array(repeating: "inc-2026-0042/anna-berg/email", count: 3))
    }

    @Test func fourHundredIsPermanent() async throws {
        let sink = try await SinkProcess.start("http_sink.py", ["--behaviour", "bad-request"])
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let outcome = await transport(sink.port).send(danishMessage(), via: multi)
        #expect(outcome == .permanent(detail: #"HTTP 400; reply: {"status": 400, "request": 1}"#))
    }

    @Test func receiverDownIsRetriedWithCurlsErrorText() async throws {
        let port = try closedPort()
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let outcome = await transport(port).send(danishMessage(), via: multi)
        guard case .retry(let detail) = outcome else {
            Issue.record("expected retry, got \(outcome)")
            return
        }
        #expect(
            detail.hasPrefix("curl error 7 (Couldn't connect to server): Failed to connect to 127.0.0.1 port \(port)"))
    }

    @Test func receiverDownThenUpIsDeliveredOnTheNextAttempt() async throws {
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let first = await transport(try closedPort()).send(danishMessage(), via: multi)
        #expect(!first.isDelivered)
        let sink = try await SinkProcess.start("http_sink.py")
        defer { sink.stop() }
        #expect(await transport(sink.port).send(danishMessage(), via: multi).isDelivered)
    }

    @Test func aHangingReceiverTimesOutWhileFiftyOthersAreDelivered() async throws {
        let hanging = try await SinkProcess.start("http_sink.py", ["--behaviour", "hang", "--hang", "30"])
        defer { hanging.stop() }
        let healthy = try await SinkProcess.start("http_sink.py", ["--secret", "modtager-hemmelighed"])
        defer { healthy.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now

        async let slow: (DeliveryOutcome, Duration) = {
            // 10 s: the fifty healthy deliveries must all be done before it, also on a loaded machine
            // (with 2 s, a build beside the suite once made them finish just after it).
            let outcome = await transport(hanging.port, timeout: .seconds(10)).send(danishMessage(), via: multi)
            return (outcome, clock.now - start)
        }()
        // Give the hanging request a head start so it is in flight while the others run.
        try await Task.sleep(for: .milliseconds(100))
        let fast = await withTaskGroup(of: (DeliveryOutcome, Duration).self) { group in
            for i in 0..<50 {
                group.addTask {
                    let outcome = await transport(healthy.port).send(
                        danishMessage(key: "inc-7/p\(i)/webhook"), via: multi)
                    return (outcome, clock.now - start)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let (slowOutcome, slowElapsed) = await slow

        #expect(fast.count == 50)
        #expect(fast.allSatisfy { $0.0.isDelivered }, "\(fast.map(\.0))")
        // Every healthy delivery finished while the hanging one was still waiting for its timeout.
        // (No wall-clock limit on the healthy ones: on a loaded machine that only measured the load.)
        let lastFast = fast.map(\.1).max()!
        #expect(lastFast < slowElapsed, "the healthy deliveries took \(lastFast), the hanging one \(slowElapsed)")
        guard case .retry(let detail) = slowOutcome else {
            Issue.record("expected retry, got \(slowOutcome)")
            return
        }
        #expect(detail.hasPrefix("curl error 28 (Timeout was reached): Operation timed out after"))
        // Not before its 10 s timeout; curl says when it gave up (the receiver would have hung for 30 s).
        #expect(slowElapsed >= .milliseconds(9900), "timed out after \(slowElapsed)")
        let records = try healthy.records()
        #expect(records.count == 50)
        #expect(records.allSatisfy { $0["signature_valid"] as? Bool == true })
        let keys = Set(records.compactMap { ($0["headers"] as? [String: String])?["idempotency-key"] })
        #expect(keys == Set((0..<50).map { "inc-7/p\($0)/webhook" }))
        #expect(try hanging.records().count == 1)
    }
}
