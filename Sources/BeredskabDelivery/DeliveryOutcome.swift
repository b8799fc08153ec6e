/// The channel a delivery went through, which decides how its status code is read.
public enum DeliveryChannel: String, Sendable, Hashable, CaseIterable {
    /// Email over SMTP: the status is the last SMTP reply code.
    case email
    /// SMS through an HTTP gateway: the status is the HTTP status.
    case sms
    /// A webhook: the status is the HTTP status.
    case webhook
}

/// How one delivery attempt ended, and so what to do next.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver accepted the message.
    case delivered(detail: String)
    /// A passing failure (timeout, refused connection, 5xx, SMTP 4xx): try again later.
    case retry(detail: String)
    /// A failure that trying again will not fix (4xx from a webhook, SMTP 5xx, a bad certificate).
    case permanent(detail: String)

    /// What happened, in words, with curl's own error text where there was one.
    public var detail: String {
        switch self {
        case .delivered(let detail), .retry(let detail), .permanent(let detail): detail
        }
    }

    /// Whether the receiver accepted the message.
    public var isDelivered: Bool {
        if case .delivered = self { return true }
        return false
    }

    /// Classifies an attempt by curl's result code and the protocol status, keeping curl's text and the reply.
    public static func classify(
        curlCode: CurlCode, status: Int, channel: DeliveryChannel, errorText: String = "", reply: String = ""
    ) -> DeliveryOutcome {
        // `errorText` is curl's error text and `reply` the server's own words (an SMTP reply line, an HTTP
        // body); both go into the detail unchanged.
        let curlPart =
            curlCode == .ok
            ? "" : "curl error \(curlCode.rawValue) (\(curlCode))" + (errorText.isEmpty ? "" : ": \(errorText)")
        func detail(_ head: String) -> String {
            [head, curlPart, reply.isEmpty ? "" : "reply: \(reply)"].filter { !$0.isEmpty }.joined(separator: "; ")
        }
        switch channel {
        case .email:
            // curl reports an SMTP server's refusal of MAIL, RCPT or DATA as CURLE_SEND_ERROR (or a weird
            // reply, or a denied login), so the server's reply code decides first.
            if (400..<500).contains(status) { return .retry(detail: detail("SMTP \(status)")) }
            if (500..<600).contains(status) { return .permanent(detail: detail("SMTP \(status)")) }
            if curlCode != .ok { return classifyCurlFailure(curlCode, detail(status == 0 ? "" : "SMTP \(status)")) }
            if (200..<300).contains(status) { return .delivered(detail: detail("SMTP \(status)")) }
            return .retry(detail: detail("unexpected SMTP reply \(status)"))
        case .sms, .webhook:
            if curlCode != .ok { return classifyCurlFailure(curlCode, detail(status == 0 ? "" : "HTTP \(status)")) }
            switch status {
            case 200..<300: return .delivered(detail: detail("HTTP \(status)"))
            case 408, 425, 429, 500..<600: return .retry(detail: detail("HTTP \(status)"))
            case 400..<500: return .permanent(detail: detail("HTTP \(status)"))
            case 300..<400: return .permanent(detail: detail("HTTP \(status): redirects are not followed"))
            default: return .retry(detail: detail("unexpected HTTP status \(status)"))
            }
        }
    }

    /// Classifies a response from `CurlMulti` on a channel.
    public static func classify(_ response: CurlResponse, channel: DeliveryChannel) -> DeliveryOutcome {
        let reply: String
        switch channel {
        case .email:
            // After a refusal curl sends QUIT, so the reply that counts is the last one with the status code.
            reply =
                response.headerLines.last { $0.hasPrefix(String(response.status)) }
                ?? response.headerLines.last { $0.first?.isNumber == true } ?? ""
        case .sms, .webhook:
            let text = String(decoding: response.body.prefix(300), as: UTF8.self)
            reply = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " ")
        }
        return classify(
            curlCode: response.code, status: response.status, channel: channel, errorText: response.errorText,
            reply: reply)
    }

    private static let permanentCurlCodes: Set<CurlCode> = [
        .unsupportedProtocol, .urlMalformat, .remoteAccessDenied, .badFunctionArgument, .unknownOption,
        .sslEngineNotFound, .sslCertProblem, .sslCipher, .peerFailedVerification, .useSSLFailed, .loginDenied,
        .sslCACertBadFile, .sslCRLBadFile, .sslIssuerError, .sslPinnedPublicKeyNotMatch, .sslInvalidCertStatus,
        .tooManyRedirects,
    ]

    private static func classifyCurlFailure(_ code: CurlCode, _ detail: String) -> DeliveryOutcome {
        // Timeouts, refused or failed connections, DNS failures, send and receive errors, a handshake broken
        // off, a server that hung up, an aborted transfer: all may pass. Certificates and configuration won't.
        permanentCurlCodes.contains(code) ? .permanent(detail: detail) : .retry(detail: detail)
    }
}
