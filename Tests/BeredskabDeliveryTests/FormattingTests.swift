import Foundation
import Testing

@testable import BeredskabDelivery

@Suite struct MIMETests {
    private let transport = SMTPTransport(
        config: .init(url: "smtp://127.0.0.1:1", fromAddress: "alarm@beredskab.kk.dk", fromName: "Beredskab KK"))

    @Test func asciiSubjectsStayReadable() {
        #expect(MIME.encodedHeader(name: "Subject", value: "Shots fired") == "Subject: Shots fired")
    }

    @Test func danishSubjectIsEncodedFoldedAndDecodesBack() {
        let header = MIME.encodedHeader(name: "Subject", value: danishSubject + " – " + danishSubject)
        let lines = header.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        for line in lines {
            #expect(line.utf8.count <= 78)
            #expect(line.utf8.allSatisfy { $0 < 0x80 })
        }
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" =?UTF-8?B?") })
        let unfolded = header.replacingOccurrences(of: "\r\n ", with: " ").dropFirst("Subject: ".count)
        #expect(decodeEncodedWords(String(unfolded)) == danishSubject + " – " + danishSubject)
    }

    @Test func encodedWordsNeverSplitACharacter() {
        let text = String(repeating: "æøå🚨", count: 20)
        for word in MIME.encodedWords(text) {
            let payload = word.dropFirst(10).dropLast(2)
            let bytes = Data(base64Encoded: String(payload))!
            #expect(String(data: bytes, encoding: .utf8) != nil)
            #expect(word.count <= 75)
        }
    }

    @Test func messageIDsAreDerivedFromTheKeyAndDistinct() {
        #expect(MIME.messageID(idempotencyKey: "inc-42_anna") == "<inc-42_anna@beredskab>")
        #expect(MIME.messageID(idempotencyKey: "inc/42 <x>") == "<inc=2F42=20=3Cx=3E@beredskab>")
        #expect(MIME.messageID(idempotencyKey: "a/b") != MIME.messageID(idempotencyKey: "a:b"))
        #expect(MIME.messageID(idempotencyKey: "æ") == "<=C3=A6@beredskab>")
        let long = MIME.messageID(idempotencyKey: String(repeating: "x", count: 500))
        #expect(long.count < 120)
        #expect(long != MIME.messageID(idempotencyKey: String(repeating: "x", count: 501)))
    }

    @Test func datesAreRFC5322InCopenhagenTime() {
        // 2026-11-21T21:30:00Z is 22:30 in Copenhagen (winter time), 2026-07-01T12:00:00Z is 14:00 (summer).
        #expect(MIME.rfc5322Date(Date(timeIntervalSince1970: 1_795_296_600)) == "Sat, 21 Nov 2026 22:30:00 +0100")
        #expect(MIME.rfc5322Date(Date(timeIntervalSince1970: 1_782_907_200)) == "Wed, 01 Jul 2026 14:00:00 +0200")
    }

    @Test func quotedPrintableKeepsLinesShortAndRoundTrips() {
        let encoded = MIME.quotedPrintable(danishBody)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.count <= 76)
            #expect(line.utf8.allSatisfy { $0 < 0x80 })
            #expect(!line.hasSuffix(" "))
        }
        #expect(decodeQuotedPrintable(encoded) == danishBody.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
        #expect(MIME.quotedPrintable("a=b") == "a=3Db\r\n")
        #expect(MIME.quotedPrintable("x \r\ny") == "x=20\r\ny\r\n")
    }

    @Test func mailboxesQuoteOrEncodeNames() {
        #expect(MIME.mailbox(name: "Anna Berg", address: "a@b.dk") == "\"Anna Berg\" <a@b.dk>")
        #expect(MIME.mailbox(name: "Say \"hi\"", address: "a@b.dk") == "\"Say \\\"hi\\\"\" <a@b.dk>")
        #expect(MIME.mailbox(name: "", address: "a@b.dk") == "<a@b.dk>")
        let encoded = MIME.mailbox(name: "Søren Ærø", address: "s@b.dk")
        #expect(encoded.hasPrefix("=?UTF-8?B?"))
        #expect(decodeEncodedWords(String(encoded.dropLast(" <s@b.dk>".count))) == "Søren Ærø")
        // A line break in a name cannot start a new header.
        #expect(!MIME.mailbox(name: "x\r\nBcc: evil@x", address: "a@b.dk").contains("\r\n"))
    }

    @Test func wholeMessageIsWellFormed() {
        let raw = transport.mimeMessage(for: danishMessage(), date: Date(timeIntervalSince1970: 1_795_296_600))
        #expect(!raw.contains(where: { !$0.isASCII }))
        #expect(!raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let (headers, body) = parseMessage(Data(raw.utf8))
        let names = headers.map(\.name)
        #expect(
            names == [
                "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding", "Auto-Submitted",
            ])
        #expect(headers[0].value == "\"Beredskab KK\" <alarm@beredskab.kk.dk>")
        #expect(decodeEncodedWords(headers[2].value) == danishSubject)
        #expect(headers[4].value == "<inc-2026-0042=2Fanna-berg=2Femail@beredskab>")
        #expect(decodeQuotedPrintable(body).replacingOccurrences(of: "\r\n", with: "\n") == danishBody + "\n")
    }

    @Test func addressesThatCouldInjectAreRefused() {
        #expect(MIME.isPlausibleAddress("anna.berg@example.dk"))
        #expect(!MIME.isPlausibleAddress("anna@example.dk>\r\nRCPT TO:<x@y"))
        #expect(!MIME.isPlausibleAddress("no-at-sign"))
        #expect(!MIME.isPlausibleAddress("@example.dk"))
        #expect(!MIME.isPlausibleAddress("sø@example.dk"))
    }
}

@Suite struct TemplateTests {
    @Test func jsonValuesAreEscaped() {
        let out = SMSGatewayTransport.render(
            #"{"to":"{to}","text":"{text}"}"#, values: ["to": "+4512345678", "text": "Skud \"nu\"\n\\ æ\u{1}"],
            escape: SMSGatewayTransport.jsonEscaped)
        let object = try? jsonObject(out)
        #expect(object?["text"] as? String == "Skud \"nu\"\n\\ æ\u{1}")
        #expect(object?["to"] as? String == "+4512345678")
    }

    @Test func formValuesArePercentEncoded() {
        let out = SMSGatewayTransport.render(
            "to={to}&text={text}", values: ["to": "+4512345678", "text": "Skud på Blågårds Plads & mere=1"],
            escape: SMSGatewayTransport.percentEncoded)
        #expect(out == "to=%2B4512345678&text=Skud%20p%C3%A5%20Bl%C3%A5g%C3%A5rds%20Plads%20%26%20mere%3D1")
    }

    @Test func substitutionIsOnePassAndKeepsUnknownBraces() {
        let out = SMSGatewayTransport.render(
            "{text}|{id}|{unknown}|{", values: ["text": "{id}", "id": "k1"], escape: { $0 })
        #expect(out == "{id}|k1|{unknown}|{")
    }

    @Test func requestsCarryFormatAndHeaders() {
        let json = SMSGatewayTransport(
            config: .init(
                url: "http://127.0.0.1:1/sms?to={to}", headers: ["Authorization": "Bearer t"],
                bodyTemplate: #"{"text":"{text}"}"#, format: .json))
        let request = json.request(for: danishMessage(address: "+45 12 34"))
        #expect(request.url == "http://127.0.0.1:1/sms?to=%2B45%2012%2034")
        #expect(request.headers == ["Authorization: Bearer t", "Content-Type: application/json"])
        #expect(request.method == "POST")
        let get = SMSGatewayTransport(
            config: .init(url: "http://127.0.0.1:1/?t={text}", method: "get", bodyTemplate: "", format: .form))
        #expect(get.request(for: danishMessage()).body == nil)
    }
}

@Suite struct WebhookBodyTests {
    @Test func bodyHasTheFieldsAndASignatureThatVerifies() throws {
        let message = danishMessage()
        let transport = WebhookTransport(config: .init(url: "http://127.0.0.1:1/hook", secret: "hemmelig"))
        let request = transport.request(for: message)
        let body = try #require(request.body)
        let object = try jsonObject(String(decoding: body, as: UTF8.self))
        #expect(object["idempotency_key"] as? String == message.idempotencyKey)
        #expect(object["subject"] as? String == danishSubject)
        #expect(object["body"] as? String == danishBody)
        #expect(object["incident"] as? String == "inc-2026-0042")
        #expect(object["link"] as? String == "https://b.dk/ack/x")
        #expect(request.headers.contains("Idempotency-Key: inc-2026-0042/anna-berg/email"))
        let signature = "sha256=" + hexString(HMACSHA256.authenticationCode(for: body, key: Array("hemmelig".utf8)))
        #expect(request.headers.contains("X-Beredskab-Signature: \(signature)"))
    }
}
