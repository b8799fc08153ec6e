import Foundation
import Testing

@testable import BeredskabDelivery

/// Email through libcurl to a real SMTP server (aiosmtpd) on 127.0.0.1.
@Suite struct SMTPDeliveryTests {
    private func config(_ url: String, startTLS: Bool = false, caFile: String? = nil) -> SMTPTransport.Config {
        SMTPTransport.Config(
            url: url, startTLS: startTLS, fromAddress: "alarm@beredskab.kk.dk", fromName: "Beredskab København",
            caFile: caFile, connectTimeout: .seconds(5), timeout: .seconds(20))
    }

    @Test func danishMessageArrivesIntact() async throws {
        let sink = try await SinkProcess.start("smtp_sink.py")
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let transport = SMTPTransport(config: config("smtp://127.0.0.1:\(sink.port)"))

        let outcome = await transport.send(danishMessage(), via: multi)

        #expect(outcome.isDelivered, "\(outcome)")
        #expect(outcome.detail.hasPrefix("SMTP 250"))
        #expect(outcome.detail.contains("250 OK queued as 1"))
        let messages = try sink.messages()
        try #require(messages.count == 1)
        let (headers, body) = parseMessage(messages[0])
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        #expect(decodeEncodedWords(try #require(header("Subject"))) == "Skud affyret på Blågårds Plads – Nørrebro")
        #expect(header("From").map(decodeEncodedWords) == "Beredskab København <alarm@beredskab.kk.dk>")
        #expect(header("To").map(decodeEncodedWords) == "Anna Bærentsen-Øster <anna.berg@example.dk>")
        #expect(header("Message-ID") == "<inc-2026-0042=2Fanna-berg=2Femail@beredskab>")
        #expect(header("MIME-Version") == "1.0")
        #expect(header("Content-Type") == "text/plain; charset=UTF-8")
        let date = try #require(header("Date"))
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let sent = try #require(parser.date(from: date), "Date: \(date)")
        #expect(abs(sent.timeIntervalSinceNow) < 120)
        // The lone dot and the dot at the start of a line survived SMTP's dot-stuffing.
        #expect(decodeQuotedPrintable(body) == danishBody.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")

        // Python's email package reads the same message: no defects, subject and body decoded.
        let record = try #require(try sink.records().first)
        #expect(record["subject"] as? String == danishSubject)
        #expect(record["body"] as? String == danishBody.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
        #expect((record["defects"] as? [Any])?.isEmpty == true)
        #expect(record["mail_from"] as? String == "alarm@beredskab.kk.dk")
        #expect(record["rcpt_tos"] as? [String] == ["anna.berg@example.dk"])
        #expect(record["tls"] as? Bool == false)
    }

    @Test func severalMessagesThroughOneMultiHandle() async throws {
        let sink = try await SinkProcess.start("smtp_sink.py")
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let transport = SMTPTransport(config: config("smtp://127.0.0.1:\(sink.port)"))
        let outcomes = await withTaskGroup(of: DeliveryOutcome.self) { group in
            for i in 0..<10 {
                group.addTask { await transport.send(danishMessage(key: "inc-1/p\(i)/email"), via: multi) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { $0.isDelivered }, "\(outcomes)")
        let ids = try sink.messages().compactMap { raw in
            parseMessage(raw).headers.first { $0.name == "Message-ID" }?.value
        }
        #expect(Set(ids) == Set((0..<10).map { "<inc-1=2Fp\($0)=2Femail@beredskab>" }))
    }

    /// One connection carries several messages to the same server, one after the other: the
    /// multi handle keeps the SMTP connection open for the next message instead of a new TCP (and
    /// TLS) handshake and greeting each time.
    @Test func messagesOneAfterAnotherReuseTheConnection() async throws {
        let sink = try await SinkProcess.start("smtp_sink.py")
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let transport = SMTPTransport(config: config("smtp://127.0.0.1:\(sink.port)"))
        for i in 0..<5 {
            let outcome = await transport.send(danishMessage(key: "inc-1/p\(i)/email"), via: multi)
            #expect(outcome.isDelivered, "\(outcome)")
        }
        let peers = try sink.records().compactMap { $0["peer"] as? [Any] }.map { "\($0)" }
        #expect(peers.count == 5)
        #expect(Set(peers).count == 1, "connections: \(Set(peers))")
    }

    @Test func refusedRecipientIsPermanentAndBusyMailboxIsRetried() async throws {
        let sink = try await SinkProcess.start("smtp_sink.py")
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let transport = SMTPTransport(config: config("smtp://127.0.0.1:\(sink.port)"))

        let refused = await transport.send(danishMessage(address: "nobody@reject.invalid"), via: multi)
        guard case .permanent(let detail) = refused else {
            Issue.record("expected permanent, got \(refused)")
            return
        }
        #expect(detail.hasPrefix("SMTP 550"))
        #expect(detail.contains("curl error 55"))
        #expect(detail.contains("550 5.1.1 no such user here"))

        let busy = await transport.send(danishMessage(address: "someone@later.invalid"), via: multi)
        guard case .retry(let busyDetail) = busy else {
            Issue.record("expected retry, got \(busy)")
            return
        }
        #expect(busyDetail.hasPrefix("SMTP 451"))
        #expect(try sink.messages().isEmpty)
    }

    @Test func startTLSWithLogin() async throws {
        let folder = try temporaryFolder("tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = try makeCertificate(in: folder)
        let sink = try await SinkProcess.start(
            "smtp_sink.py", ["--mode", "starttls", "--cert", certificate, "--key", key, "--auth", "alarm:hemmeligt"])
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        var settings = config("smtp://127.0.0.1:\(sink.port)", startTLS: true, caFile: certificate)
        settings.username = "alarm"
        settings.password = "hemmeligt"

        let outcome = await SMTPTransport(config: settings).send(danishMessage(), via: multi)
        #expect(outcome.isDelivered, "\(outcome)")
        let record = try #require(try sink.records().first)
        #expect(record["tls"] as? Bool == true)
        #expect(record["authenticated"] as? Bool == true)
        #expect(record["login"] as? String == "alarm")
        #expect(record["subject"] as? String == danishSubject)

        settings.password = "forkert"
        let denied = await SMTPTransport(config: settings).send(danishMessage(), via: multi)
        guard case .permanent(let detail) = denied else {
            Issue.record("expected permanent, got \(denied)")
            return
        }
        #expect(detail.hasPrefix("SMTP 535"))
        #expect(detail.contains("curl error 67"))
    }

    @Test func smtpsWithLoginAndAnUntrustedCertificate() async throws {
        let folder = try temporaryFolder("smtps")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (certificate, key) = try makeCertificate(in: folder)
        let sink = try await SinkProcess.start(
            "smtp_sink.py", ["--mode", "smtps", "--cert", certificate, "--key", key, "--auth", "alarm:hemmeligt"])
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        var settings = config("smtps://127.0.0.1:\(sink.port)", caFile: certificate)
        settings.username = "alarm"
        settings.password = "hemmeligt"

        let outcome = await SMTPTransport(config: settings).send(danishMessage(), via: multi)
        #expect(outcome.isDelivered, "\(outcome)")
        #expect(try sink.records().first?["tls"] as? Bool == true)

        // Without our CA the self-signed certificate does not verify: trying again will not help.
        settings.caFile = nil
        let untrusted = await SMTPTransport(config: settings).send(danishMessage(), via: multi)
        guard case .permanent(let detail) = untrusted else {
            Issue.record("expected permanent, got \(untrusted)")
            return
        }
        #expect(detail.contains("curl error 60"))
        #expect(detail.lowercased().contains("certificate"))
    }

    @Test func requiredStartTLSOnAPlainServerIsPermanent() async throws {
        let sink = try await SinkProcess.start("smtp_sink.py")
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let outcome = await SMTPTransport(config: config("smtp://127.0.0.1:\(sink.port)", startTLS: true))
            .send(danishMessage(), via: multi)
        guard case .permanent(let detail) = outcome else {
            Issue.record("expected permanent, got \(outcome)")
            return
        }
        #expect(detail.contains("curl error 64"))
        #expect(try sink.messages().isEmpty)
    }

    @Test func serverDownIsRetriedWithCurlsErrorText() async throws {
        let port = try closedPort()
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let outcome = await SMTPTransport(config: config("smtp://127.0.0.1:\(port)")).send(danishMessage(), via: multi)
        guard case .retry(let detail) = outcome else {
            Issue.record("expected retry, got \(outcome)")
            return
        }
        #expect(detail.contains("curl error 7 (Couldn't connect to server)"))
        #expect(detail.contains("Failed to connect to 127.0.0.1 port \(port)"))
    }

    @Test func badAddressIsPermanentWithoutAConnection() async {
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let outcome = await SMTPTransport(config: config("smtp://127.0.0.1:1"))
            .send(danishMessage(address: "x@y>\r\nDATA"), via: multi)
        #expect(outcome == .permanent(detail: "not an email address: \"x@y>\\r\\nDATA\""))
    }
}
