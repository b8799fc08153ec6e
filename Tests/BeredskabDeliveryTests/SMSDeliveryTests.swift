import Foundation
import Testing

@testable import BeredskabDelivery

/// SMS through a configurable HTTP gateway, received by a real HTTP server on 127.0.0.1.
@Suite struct SMSDeliveryTests {
    private let message = OutgoingMessage(
        idempotencyKey: "inc-2026-0042/anna-berg/sms", recipientName: "Anna Berg", address: "+4512345678",
        subject: danishSubject, body: "Skud på Blågårds Plads – hold jer væk. \"Bekræft\" & svar: 1+1=2")

    @Test func jsonTemplate() async throws {
        let sink = try await SinkProcess.start("http_sink.py")
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let gateway = SMSGatewayTransport(
            config: .init(
                url: "http://127.0.0.1:\(sink.port)/v1/sms", headers: ["Authorization": "Bearer gateway-token"],
                bodyTemplate: #"{"recipients":[{"msisdn":"{to}"}],"message":"{text}","reference":"{id}"}"#,
                format: .json))

        let outcome = await gateway.send(message, via: multi)

        #expect(outcome.isDelivered, "\(outcome)")
        let record = try #require(try sink.records().first)
        let headers = try #require(record["headers"] as? [String: String])
        #expect(record["path"] as? String == "/v1/sms")
        #expect(headers["authorization"] == "Bearer gateway-token")
        #expect(headers["content-type"] == "application/json")
        let object = try jsonObject(try #require(record["body"] as? String))
        #expect(object["message"] as? String == message.body)
        #expect(object["reference"] as? String == message.idempotencyKey)
        #expect((object["recipients"] as? [[String: String]])?.first?["msisdn"] == "+4512345678")
    }

    @Test func formTemplate() async throws {
        let sink = try await SinkProcess.start("http_sink.py")
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let gateway = SMSGatewayTransport(
            config: .init(
                url: "http://127.0.0.1:\(sink.port)/send", method: "PUT", bodyTemplate: "to={to}&text={text}&ref={id}",
                format: .form))

        #expect(await gateway.send(message, via: multi).isDelivered)
        let record = try #require(try sink.records().first)
        #expect(record["method"] as? String == "PUT")
        #expect((record["headers"] as? [String: String])?["content-type"] == "application/x-www-form-urlencoded")
        let fields = try formFields(try #require(record["body"] as? String))
        #expect(fields == ["to": "+4512345678", "text": message.body, "ref": message.idempotencyKey])
    }

    @Test func getWithTheValuesInTheURL() async throws {
        let sink = try await SinkProcess.start("http_sink.py")
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let gateway = SMSGatewayTransport(
            config: .init(
                url: "http://127.0.0.1:\(sink.port)/sms?to={to}&text={text}", method: "GET", bodyTemplate: "",
                format: .form))

        #expect(await gateway.send(message, via: multi).isDelivered)
        let record = try #require(try sink.records().first)
        #expect(record["method"] as? String == "GET")
        let path = try #require(record["path"] as? String)
        let fields = try formFields(String(path.split(separator: "?", maxSplits: 1)[1]))
        #expect(fields == ["to": "+4512345678", "text": message.body])
    }

    @Test func gatewayErrorsAreClassified() async throws {
        let failing = try await SinkProcess.start("http_sink.py", ["--behaviour", "fail-then-ok", "--failures", "1"])
        defer { failing.stop() }
        let refusing = try await SinkProcess.start("http_sink.py", ["--behaviour", "bad-request"])
        defer { refusing.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        func gateway(_ port: Int) -> SMSGatewayTransport {
            SMSGatewayTransport(
                config: .init(url: "http://127.0.0.1:\(port)/sms", bodyTemplate: "to={to}&text={text}", format: .form))
        }
        guard case .retry = await gateway(failing.port).send(message, via: multi) else {
            Issue.record("500 should be retried")
            return
        }
        #expect(await gateway(failing.port).send(message, via: multi).isDelivered)
        guard case .permanent = await gateway(refusing.port).send(message, via: multi) else {
            Issue.record("400 should be permanent")
            return
        }
    }

    /// A 2,000-character alert to a gateway that refuses texts over 1,600 characters (like many do)
    /// is cut to the configured three segments, arrives with its acknowledgement link whole at the
    /// end, and the attempt's detail says it was cut.
    @Test func aLongAlertIsCutToFitTheGatewayWithTheLinkWhole() async throws {
        let sink = try await SinkProcess.start("http_sink.py", ["--refuse-longer-than", "1600"])
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let link = "http://127.0.0.1:8080/ack/Zm9vYmFyYmF6cXV1eDEyMzQ1Njc4OTBhYmNkZWY"
        var alert = "SKUD i Blågården (alvorlig): "
        while alert.count < 2000 { alert += "Flere skud affyret på Blågårds Plads; hold beboerhuset lukket. " }
        alert = String(alert.prefix(2000))
        let long = OutgoingMessage(
            idempotencyKey: "inc-2026-0042/anna-berg/sms", recipientName: "Anna Berg", address: "+4512345678",
            subject: "Beredskab", body: alert + "\nKvittér: \(link)", link: link)
        let gateway = SMSGatewayTransport(
            config: .init(
                url: "http://127.0.0.1:\(sink.port)/sms",
                bodyTemplate: #"{"to":"{to}","text":"{text}","encoding":"{encoding}","parts":"{segments}"}"#,
                format: .json))

        let outcome = await gateway.send(long, via: multi)

        #expect(outcome.isDelivered, "\(outcome)")
        #expect(outcome.detail.contains("cut to 3 segments (GSM-7)"), "\(outcome.detail)")
        let record = try #require(try sink.records().first)
        let object = try jsonObject(try #require(record["body"] as? String))
        let text = try #require(object["text"] as? String)
        #expect(text.hasSuffix("\nKvittér: \(link)"), "\(text)")
        #expect(text.hasPrefix("SKUD i Blågården (alvorlig): Flere skud"))
        #expect(SMSText.units(of: text, in: .gsm7) <= 3 * 153)
        #expect(object["encoding"] as? String == "gsm7")
        #expect(object["parts"] as? String == "3")

        // One segment allowed: still the link whole, in 160 septets.
        let one = SMSGatewayTransport(
            config: .init(
                url: "http://127.0.0.1:\(sink.port)/sms", bodyTemplate: "to={to}&text={text}", format: .form,
                maxSegments: 1))
        #expect(await one.send(long, via: multi).detail.contains("cut to 1 segment (GSM-7)"))
        let sent = try #require(try sink.records().last?["body"] as? String)
        let fields = try formFields(sent)
        #expect(fields["text"]?.hasSuffix(link) == true)
        #expect(SMSText.units(of: fields["text"] ?? "", in: .gsm7) <= 160)
    }

    /// The stub really refuses what is too long, so the test above shows the cut is what made it pass.
    @Test func theStubRefusesATextOverItsLimit() async throws {
        let sink = try await SinkProcess.start("http_sink.py", ["--refuse-longer-than", "10"])
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let gateway = SMSGatewayTransport(
            config: .init(
                url: "http://127.0.0.1:\(sink.port)/sms", bodyTemplate: #"{"text":"{text}"}"#, format: .json,
                maxSegments: 255))
        guard case .permanent = await gateway.send(message, via: multi) else {
            Issue.record("a text over the stub's limit should be refused")
            return
        }
    }

    private func formFields(_ text: String) throws -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let value = parts[1].removingPercentEncoding else {
                throw SinkError.toolFailed("bad encoding: \(pair)")
            }
            fields[parts[0]] = value
        }
        return fields
    }
}
