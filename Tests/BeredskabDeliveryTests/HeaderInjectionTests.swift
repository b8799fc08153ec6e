import Foundation
import Testing

@testable import BeredskabDelivery

/// Every header Beredskab writes, tried with CR, LF and NUL in every value that can carry them:
/// none may start a header line of its own.
@Suite struct HeaderInjectionTests {
    let hostile = "x\r\nBcc: evil@example.org\r\n\r\nX-Injected: \u{0}yes"

    func message() -> OutgoingMessage {
        OutgoingMessage(
            idempotencyKey: "inc-1/anna\r\nX-Injected: yes", recipientName: hostile, address: "anna@example.dk",
            subject: hostile, body: "body\r\n.\r\nMAIL FROM:<evil@example.org>", json: ["incident": hostile],
            link: "https://b.dk/ack/x")
    }

    @Test func smtpHeadersKeepEveryValueOnItsOwnLine() {
        let transport = SMTPTransport(
            config: .init(url: "smtp://127.0.0.1:1", fromAddress: "alarm@beredskab.kk.dk", fromName: hostile))
        let raw = transport.mimeMessage(for: message(), date: Date(timeIntervalSince1970: 0))
        let head = String(raw[..<raw.range(of: "\r\n\r\n")!.lowerBound])
        let names = head.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map { $0.prefix { $0 != ":" } }
        #expect(
            names == [
                "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding", "Auto-Submitted",
            ])
        #expect(!head.contains("\u{0}"))
        #expect(!head.components(separatedBy: "\r\n").contains { $0.hasPrefix("Bcc") || $0.hasPrefix("X-Injected") })
    }

    @Test func webhookHeadersFromTheConfigurationAndTheMessageStayOneLineEach() {
        let transport = WebhookTransport(
            config: .init(url: "http://127.0.0.1:1/hook", secret: "s", headers: ["X-Extra: a\r\nX-Injected: yes"]))
        let headers = transport.request(for: message()).headers
        #expect(headers.allSatisfy { !$0.contains("\r") && !$0.contains("\n") && !$0.contains("\u{0}") })
        #expect(headers.count == 5)
    }

    @Test func smsHeadersAndFormBodiesCarryNoLineBreaks() {
        let transport = SMSGatewayTransport(
            config: .init(
                url: "http://127.0.0.1:1/send?to={to}", headers: ["Authorization": "Bearer t\r\nX-Injected: yes"],
                bodyTemplate: "to={to}&text={text}&id={id}", format: .form))
        let request = transport.request(for: message())
        #expect(request.headers.allSatisfy { !$0.contains("\r") && !$0.contains("\n") })
        let body = String(decoding: request.body ?? Data(), as: UTF8.self)
        #expect(!body.contains("\r") && !body.contains("\n") && body.split(separator: "&").count == 3)
        #expect(!request.url.contains("\r") && !request.url.contains("\n"))
    }
}
