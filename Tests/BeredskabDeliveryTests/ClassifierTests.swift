import Testing

@testable import BeredskabDelivery

@Suite struct ClassifierTests {
    enum Kind: String, CustomStringConvertible {
        case delivered, retry, permanent
        var description: String { rawValue }
    }

    private func kind(_ outcome: DeliveryOutcome) -> Kind {
        switch outcome {
        case .delivered: .delivered
        case .retry: .retry
        case .permanent: .permanent
        }
    }

    @Test(arguments: [
        (CurlCode.operationTimedOut, Kind.retry), (.couldntConnect, .retry), (.couldntResolveHost, .retry),
        (.couldntResolveProxy, .retry), (.sendError, .retry), (.recvError, .retry), (.gotNothing, .retry),
        (.partialFile, .retry), (.sslConnectError, .retry), (.abortedByCallback, .retry), (.http2, .retry),
        (.peerFailedVerification, .permanent), (.sslCACertBadFile, .permanent), (.sslCertProblem, .permanent),
        (.sslIssuerError, .permanent), (.sslPinnedPublicKeyNotMatch, .permanent), (.urlMalformat, .permanent),
        (.unsupportedProtocol, .permanent), (.useSSLFailed, .permanent), (.loginDenied, .permanent),
    ])
    func curlFailuresOnEveryChannel(_ code: CurlCode, _ expected: Kind) {
        for channel in DeliveryChannel.allCases {
            #expect(kind(DeliveryOutcome.classify(curlCode: code, status: 0, channel: channel)) == expected)
        }
    }

    @Test(arguments: [
        (200, Kind.delivered), (201, .delivered), (202, .delivered), (204, .delivered), (408, .retry),
        (425, .retry), (429, .retry), (500, .retry), (502, .retry), (503, .retry), (504, .retry), (599, .retry),
        (400, .permanent), (401, .permanent), (403, .permanent), (404, .permanent), (409, .permanent),
        (410, .permanent), (413, .permanent), (422, .permanent), (301, .permanent), (0, .retry),
    ])
    func httpStatuses(_ status: Int, _ expected: Kind) {
        for channel in [DeliveryChannel.webhook, .sms] {
            #expect(kind(DeliveryOutcome.classify(curlCode: .ok, status: status, channel: channel)) == expected)
        }
    }

    @Test(arguments: [
        (CurlCode.ok, 250, Kind.delivered),
        // curl turns a refused RCPT TO or MAIL FROM into CURLE_SEND_ERROR: the reply code decides.
        (.sendError, 550, .permanent), (.sendError, 553, .permanent), (.sendError, 451, .retry),
        (.sendError, 452, .retry), (.weirdServerReply, 554, .permanent), (.weirdServerReply, 421, .retry),
        (.loginDenied, 535, .permanent), (.loginDenied, 454, .retry),
        // A failure after a good reply is curl's to classify.
        (.operationTimedOut, 250, .retry), (.operationTimedOut, 354, .retry),
        (.peerFailedVerification, 220, .permanent),
        (.useSSLFailed, 250, .permanent), (.couldntConnect, 0, .retry),
    ])
    func smtpReplies(_ code: CurlCode, _ status: Int, _ expected: Kind) {
        #expect(kind(DeliveryOutcome.classify(curlCode: code, status: status, channel: .email)) == expected)
    }

    @Test func detailsKeepCurlsOwnWords() {
        let outcome = DeliveryOutcome.classify(
            curlCode: .couldntConnect, status: 0, channel: .webhook,
            errorText: "Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server")
        #expect(
            outcome
                == .retry(
                    detail:
                        "curl error 7 (Couldn't connect to server): Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server"
                ))
        let smtp = DeliveryOutcome.classify(
            curlCode: .sendError, status: 550, channel: .email, errorText: "RCPT failed: 550",
            reply: "550 5.1.1 no such user here")
        #expect(
            smtp
                == .permanent(
                    detail:
                        "SMTP 550; curl error 55 (Failed sending data to the peer): RCPT failed: 550; reply: 550 5.1.1 no such user here"
                ))
        #expect(DeliveryOutcome.classify(curlCode: .ok, status: 204, channel: .sms) == .delivered(detail: "HTTP 204"))
    }

    @Test func curlCodesDescribeThemselves() {
        #expect(CurlCode.operationTimedOut.rawValue == 28)
        #expect(CurlCode.couldntConnect.description == "Couldn't connect to server")
    }
}
