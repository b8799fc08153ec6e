import Foundation

/// SMS through an HTTP gateway, configured by URL, method, headers and a body template. A text longer
/// than `maxSegments` segments is cut first (`SMSText.fit`), keeping the acknowledgement link whole.
public struct SMSGatewayTransport: Sendable {
    /// How the body template's values are escaped.
    public enum BodyFormat: String, Sendable, Hashable {
        /// Values JSON-escaped (the template supplies the quotes); `Content-Type: application/json`.
        case json
        /// Values percent-encoded; `Content-Type: application/x-www-form-urlencoded`.
        case form
    }

    /// One gateway.
    public struct Config: Sendable, Hashable {
        /// The gateway's URL; `{to}`, `{text}`, `{id}`, `{encoding}` and `{segments}` in it are filled in
        /// percent-encoded.
        public var url: String
        /// The HTTP method; with GET or HEAD no body is sent.
        public var method: String
        /// Header fields, such as `Authorization`; a `Content-Type` here replaces the format's.
        public var headers: [String: String]
        /// The body, with placeholders `{to}` (the phone number), `{text}` (the message), `{id}` (the key)
        /// and, optionally, `{encoding}` (`gsm7` or `ucs2`, what the text needs) and `{segments}` (how
        /// many parts it takes).
        public var bodyTemplate: String
        /// How values are escaped in the body.
        public var format: BodyFormat
        /// CA certificates to trust instead of the system's.
        public var caFile: String?
        /// The longest connecting may take.
        public var connectTimeout: Duration
        /// The longest the whole request may take.
        public var timeout: Duration
        /// The most segments (message parts) one SMS may take; a longer text is cut to fit. At least 1.
        public var maxSegments: Int

        /// Creates a configuration.
        public init(
            url: String, method: String = "POST", headers: [String: String] = [:], bodyTemplate: String,
            format: BodyFormat, caFile: String? = nil, connectTimeout: Duration = .seconds(5),
            timeout: Duration = .seconds(15), maxSegments: Int = 3
        ) {
            self.url = url
            self.method = method
            self.headers = headers
            self.bodyTemplate = bodyTemplate
            self.format = format
            self.caFile = caFile
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maxSegments = max(1, maxSegments)
        }
    }

    /// The configuration.
    public var config: Config

    /// Creates a transport.
    public init(config: Config) { self.config = config }

    /// The text that is sent for a message: its body, cut to `maxSegments` if it is longer.
    public func text(for message: OutgoingMessage) -> SMSText {
        SMSText.fit(message.body, keeping: message.link, maxSegments: config.maxSegments)
    }

    /// The request that sends one message.
    public func request(for message: OutgoingMessage) -> CurlRequest {
        request(for: message, text: text(for: message))
    }

    func request(for message: OutgoingMessage, text: SMSText) -> CurlRequest {
        let values = [
            "to": message.address, "text": text.text, "id": message.idempotencyKey,
            "encoding": text.encoding.placeholderValue, "segments": String(text.segments),
        ]
        let url = Self.render(config.url, values: values, escape: Self.percentEncoded)
        let method = config.method.uppercased()
        var headers = config.headers.sorted { $0.key < $1.key }.map { "\(headerSafe($0.key)): \(headerSafe($0.value))" }
        let sendsBody = method != "GET" && method != "HEAD"
        var body: Data?
        if sendsBody {
            let escape = config.format == .json ? Self.jsonEscaped : Self.percentEncoded
            body = Data(Self.render(config.bodyTemplate, values: values, escape: escape).utf8)
            if !config.headers.keys.contains(where: { $0.lowercased() == "content-type" }) {
                headers.append(
                    "Content-Type: "
                        + (config.format == .json ? "application/json" : "application/x-www-form-urlencoded"))
            }
        }
        return CurlRequest(
            url: url, method: method, headers: headers, body: body, caFile: config.caFile,
            connectTimeout: config.connectTimeout, timeout: config.timeout, allowedProtocols: "http,https")
    }

    /// Sends one message through the gateway; when the text was cut, the outcome's detail says so.
    public func send(_ message: OutgoingMessage, via multi: CurlMulti) async -> DeliveryOutcome {
        let text = text(for: message)
        let outcome = DeliveryOutcome.classify(
            await multi.perform(request(for: message, text: text)), channel: .sms)
        guard let cut = text.cutDetail else { return outcome }
        switch outcome {
        case .delivered(let detail): return .delivered(detail: detail + "; " + cut)
        case .retry(let detail): return .retry(detail: detail + "; " + cut)
        case .permanent(let detail): return .permanent(detail: detail + "; " + cut)
        }
    }

    /// The template with each known `{name}` replaced by its escaped value, in one pass; other braces kept.
    public static func render(_ template: String, values: [String: String], escape: (String) -> String) -> String {
        // One pass: a value that itself contains `{text}` is not substituted again.
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let value = values[String(after[..<close])] {
                out += escape(value)
                rest = after[after.index(after: close)...]
            } else {
                out += "{"
                rest = after
            }
        }
        return out + rest
    }

    /// The text as the inside of a JSON string: quotes, backslashes and control characters escaped.
    public static func jsonEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += "\\u" + String(scalar.value, radix: 16).leftPadded4
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The text's UTF-8 percent-encoded, leaving only letters, digits and `-._~`.
    public static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

extension String {
    fileprivate var leftPadded4: String { String(repeating: "0", count: max(0, 4 - count)) + self }
}
