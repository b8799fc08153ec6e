import Foundation

/// Email over SMTP through libcurl: plain, STARTTLS or SMTPS, with optional login.
public struct SMTPTransport: Sendable {
    /// Where and how to submit mail.
    public struct Config: Sendable, Hashable {
        /// The server: `smtp://host:port` (plain or STARTTLS) or `smtps://host:port` (TLS from the start).
        public var url: String
        /// Insist on STARTTLS on an `smtp://` URL (`CURLUSESSL_ALL`); the transfer fails if the server lacks it.
        public var startTLS: Bool
        /// The login name, if the server wants a login.
        public var username: String?
        /// The login password.
        public var password: String?
        /// The envelope sender and `From` address.
        public var fromAddress: String
        /// The name shown in `From`.
        public var fromName: String
        /// CA certificates to trust instead of the system's, for a private mail server.
        public var caFile: String?
        /// The longest connecting (and the TLS handshake) may take.
        public var connectTimeout: Duration
        /// The longest one submission may take in all.
        public var timeout: Duration

        /// Creates a configuration.
        public init(
            url: String, startTLS: Bool = false, username: String? = nil, password: String? = nil,
            fromAddress: String, fromName: String = "Beredskab", caFile: String? = nil,
            connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60)
        ) {
            self.url = url
            self.startTLS = startTLS
            self.username = username
            self.password = password
            self.fromAddress = fromAddress
            self.fromName = fromName
            self.caFile = caFile
            self.connectTimeout = connectTimeout
            self.timeout = timeout
        }
    }

    /// The configuration.
    public var config: Config

    /// Creates a transport.
    public init(config: Config) { self.config = config }

    /// Submits one message to its recipient's address.
    public func send(_ message: OutgoingMessage, via multi: CurlMulti, date: Date = Date()) async -> DeliveryOutcome {
        guard MIME.isPlausibleAddress(message.address) else {
            return .permanent(detail: "not an email address: \(message.address.debugDescription)")
        }
        guard MIME.isPlausibleAddress(config.fromAddress) else {
            return .permanent(detail: "not an email address for From: \(config.fromAddress.debugDescription)")
        }
        let request = CurlRequest(
            url: config.url, upload: Data(mimeMessage(for: message, date: date).utf8),
            mailFrom: "<\(config.fromAddress)>", mailRecipients: ["<\(message.address)>"],
            username: config.username, password: config.password, requireTLS: config.startTLS,
            caFile: config.caFile, connectTimeout: config.connectTimeout, timeout: config.timeout,
            allowedProtocols: "smtp,smtps")
        return DeliveryOutcome.classify(await multi.perform(request), channel: .email)
    }

    /// The whole message as submitted: headers and a quoted-printable UTF-8 body, with CRLF line ends.
    public func mimeMessage(for message: OutgoingMessage, date: Date) -> String {
        let headers = [
            "From: " + MIME.mailbox(name: config.fromName, address: config.fromAddress),
            "To: " + MIME.mailbox(name: message.recipientName, address: message.address),
            MIME.encodedHeader(name: "Subject", value: message.subject),
            "Date: " + MIME.rfc5322Date(date),
            "Message-ID: " + MIME.messageID(idempotencyKey: message.idempotencyKey),
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "Auto-Submitted: auto-generated",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + MIME.quotedPrintable(message.body)
    }
}

/// The pieces of an Internet message (RFC 5322, 2045, 2047) the SMTP transport needs.
public enum MIME {
    /// A header line, its value as folded RFC 2047 encoded-words (`=?UTF-8?B?…?=`) unless it is short ASCII.
    public static func encodedHeader(name: String, value: String) -> String {
        let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) && name.count + 2 + clean.utf8.count <= 78
            && !clean.contains("=?")
        {
            return "\(name): \(clean)"
        }
        return "\(name): " + encodedWords(clean).joined(separator: "\r\n ")
    }

    /// Encoded-words of at most 42 bytes of UTF-8 each (68 characters), never splitting a character.
    public static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty, chunk.count + bytes.count > 42 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk.removeAll()
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words
    }

    /// `Name <address>`, the name quoted or encoded as needed; just the address when there is no name.
    public static func mailbox(name: String, address: String) -> String {
        let trimmed = name.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "<\(address)>" }
        let phrase: String
        if !trimmed.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) || trimmed.contains("=?") {
            phrase = encodedWords(trimmed).joined(separator: " ")
        } else {
            let escaped = trimmed.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"", with: "\\\"")
            phrase = "\"\(escaped)\""
        }
        return "\(phrase) <\(address)>"
    }

    /// `<KEY@beredskab>`, each byte of the key but letters, digits, `-` and `_` written `=XX` (injective).
    public static func messageID(idempotencyKey key: String) -> String {
        // Keys too long for a header are shortened and their SHA-256 appended, so they stay distinct.
        var local = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                local.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                local += "=" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        if local.isEmpty { local = "=" }
        if local.utf8.count > 100 {
            local = String(local.prefix(36)) + "." + hexString(Hashing.sha256(key))
        }
        return "<\(local)@beredskab>"
    }

    /// An RFC 5322 date in Copenhagen time: `Sat, 21 Nov 2026 22:30:00 +0100`.
    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Copenhagen") ?? TimeZone(secondsFromGMT: 0)!
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// Quoted-printable (RFC 2045) of the text's UTF-8, lines ended with CRLF and at most 76 characters long.
    public static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var out: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var encoded = ""
            var width = 0
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let token: String
                if (byte == 0x20 || byte == 0x09) && !isLast {
                    token = String(UnicodeScalar(byte))
                } else if byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=") {
                    token = String(UnicodeScalar(byte))
                } else {
                    token = "=" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }
                // Keep room for the soft line break "=" (and, on the last token, none is needed).
                let limit = isLast ? 76 : 75
                if width + token.count > limit {
                    encoded += "=\r\n"
                    width = 0
                }
                encoded += token
                width += token.count
            }
            out.append(encoded)
        }
        return out.joined(separator: "\r\n") + "\r\n"
    }

    /// Whether the text looks like an address that is safe to put in a header and an SMTP command.
    public static func isPlausibleAddress(_ address: String) -> Bool {
        guard let at = address.lastIndex(of: "@"), at != address.startIndex,
            address.index(after: at) != address.endIndex
        else { return false }
        return address.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value < 0x7f && !"<>(),;:\"[]\\".unicodeScalars.contains($0)
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
