import Foundation

/// Webhooks: a signed JSON POST carrying the notification's idempotency key.
public struct WebhookTransport: Sendable {
    /// One receiver: its URL and its own secret.
    public struct Config: Sendable, Hashable {
        /// The receiver's URL (`http://` or `https://`).
        public var url: String
        /// The receiver's secret for the HMAC-SHA256 signature.
        public var secret: String
        /// Extra header lines, `Name: value`.
        public var headers: [String]
        /// CA certificates to trust instead of the system's.
        public var caFile: String?
        /// The longest connecting may take.
        public var connectTimeout: Duration
        /// The longest the whole request may take.
        public var timeout: Duration

        /// Creates a configuration.
        public init(
            url: String, secret: String, headers: [String] = [], caFile: String? = nil,
            connectTimeout: Duration = .seconds(5), timeout: Duration = .seconds(15)
        ) {
            self.url = url
            self.secret = secret
            self.headers = headers
            self.caFile = caFile
            self.connectTimeout = connectTimeout
            self.timeout = timeout
        }
    }

    /// The header carrying the signature, `sha256=<hex>`.
    public static let signatureHeader = "X-Beredskab-Signature"

    /// The configuration.
    public var config: Config

    /// Creates a transport.
    public init(config: Config) { self.config = config }

    /// The JSON body: the message's `json` fields plus `idempotency_key`, `subject` and `body`, keys
    /// sorted; a message about an exercise also carries `"exercise": true` (a JSON boolean).
    public static func body(for message: OutgoingMessage) -> Data {
        var fields = message.json
        fields["idempotency_key"] = message.idempotencyKey
        fields["subject"] = message.subject
        fields["body"] = message.body
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(Body(fields: fields, exercise: message.exercise))) ?? Data("{}".utf8)
    }

    /// The body's fields: strings, and the `exercise` boolean when true.
    struct Body: Encodable {
        var fields: [String: String]
        var exercise: Bool

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in fields where key != "exercise" {
                try container.encode(value, forKey: Key(stringValue: key))
            }
            if exercise { try container.encode(true, forKey: Key(stringValue: "exercise")) }
        }
    }

    /// `sha256=` and the hexadecimal HMAC-SHA256 of the body under the secret.
    public static func signature(body: Data, secret: String) -> String {
        "sha256=" + hexString(HMACSHA256.authenticationCode(for: body, key: Array(secret.utf8)))
    }

    /// Whether a received `X-Beredskab-Signature` value is the body's signature under the secret,
    /// checked as a receiver should: the code compared in constant time by swift-crypto. False for
    /// anything but `sha256=` and 64 hexadecimal digits.
    public static func verify(signature: String, body: Data, secret: String) -> Bool {
        let hex = signature.utf8.dropFirst(7)
        guard signature.hasPrefix("sha256="), hex.count == 64,
            hex.allSatisfy({ (48...57).contains($0) || (97...102).contains($0 | 0x20) })
        else { return false }
        var code: [UInt8] = []
        var digits = hex[...]
        while let high = digits.popFirst(), let low = digits.popFirst() {
            guard let byte = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return false }
            code.append(byte)
        }
        return HMACSHA256.isValid(code, for: body, key: Array(secret.utf8))
    }

    /// The request that delivers one message.
    public func request(for message: OutgoingMessage) -> CurlRequest {
        let body = Self.body(for: message)
        let headers =
            [
                "Content-Type: application/json",
                "Idempotency-Key: " + headerSafe(message.idempotencyKey),
                "\(Self.signatureHeader): " + Self.signature(body: body, secret: config.secret),
                "User-Agent: Beredskab",
            ] + config.headers.map(headerSafe)
        return CurlRequest(
            url: config.url, method: "POST", headers: headers, body: body, caFile: config.caFile,
            connectTimeout: config.connectTimeout, timeout: config.timeout, allowedProtocols: "http,https")
    }

    /// Posts one message to the receiver.
    public func send(_ message: OutgoingMessage, via multi: CurlMulti) async -> DeliveryOutcome {
        DeliveryOutcome.classify(await multi.perform(request(for: message)), channel: .webhook)
    }
}

/// A header value with line breaks and other control characters taken out.
func headerSafe(_ value: String) -> String {
    String(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f })
}
