import BeredskabDelivery
import BeredskabDispatch
import BeredskabEngine
import BeredskabRules
import BeredskabStore
import BeredskabTime
import Foundation

/// The server's transports and settings: a JSON file (`serve --config`), with secrets and the
/// quick-start addresses from the environment. Never from the rules.
///
/// ```json
/// { "smtp": { "url": "smtps://mail.example.org", "from": "beredskab@example.org", "username": "beredskab" },
///   "sms": { "url": "https://gateway.example.org/send", "headers": { "Authorization": "$BEREDSKAB_SMS_TOKEN" },
///            "body": "{\"to\": \"{to}\", \"text\": \"{text}\"}", "format": "json", "max_segments": 3 },
///   "webhook": { "timeout_seconds": 15 },
///   "failure_role": "hotspot-sekretariat", "public_url": "https://beredskab.example.org",
///   "time_zone": "Europe/Copenhagen", "messages": "messages.txt", "store": "$BEREDSKAB_STORE",
///   "http": { "header_timeout_seconds": 10, "body_timeout_seconds": 30, "idle_timeout_seconds": 60,
///             "max_connections": 4096, "max_connections_per_client": 64 },
///   "limits": { "requests_burst": 200, "requests_per_second": 10, "sign_in_burst": 3, "sign_in_per_minute": 1,
///               "body_bytes": 262144, "small_body_bytes": 65536 },
///   "delivery": { "attempts_per_channel": 5, "channel_time_limit_seconds": 600, "base_delay_seconds": 2,
///                 "max_delay_seconds": 60, "per_destination_limit": 64, "in_flight_limit": 512 } }
/// ```
/// Environment: `BEREDSKAB_SMTP_URL`, `BEREDSKAB_SMS_URL` and `BEREDSKAB_WEBHOOK_URL` override the
/// file's addresses (the last sends every webhook to one receiver); `BEREDSKAB_SMTP_PASSWORD` and
/// `BEREDSKAB_WEBHOOK_SECRET` are the secrets; a header value `$NAME` is read from the environment.
/// `BEREDSKAB_STORE` (or `store`, best as `"$NAME"` since the URL holds a password) names a
/// PostgreSQL store shared by several instances, `postgres://user:password@host:port/database`.
/// Every value has today's default; a value out of its range is a problem at its JSON path.
public struct ServerConfiguration: Sendable {
    public var smtp: SMTPTransport.Config?
    public var sms: SMSGatewayTransport.Config?
    /// Set when webhooks may be sent: the secret they are signed with.
    public var webhookSecret: String?
    /// Sends every webhook here instead of to each person's own address.
    public var webhookURL: String?
    public var webhookTimeout: Duration = .seconds(15)
    public var failureRole: String?
    public var publicURL: String?
    /// Rule roles whose holders are reviewers when signed in to the web.
    public var reviewerRoles: Set<String> = ["okf-sikker-by", "hotspotchef"]
    /// What a CAP `<severity>Unknown</severity>` becomes (`cap.unknown_severity`; default moderate).
    public var capUnknownSeverity: IncidentSeverity = .moderate
    /// The largest CAP alert taken, in bytes (`cap.max_bytes`; default 1 MiB, at most 16 MiB).
    public var capMaximumBytes = 1 << 20
    /// Timeouts and connection limits of the HTTP server (`http` in the file).
    public var connections = ConnectionLimits()
    /// Requests per principal: a burst, then a steady rate a second (`limits.requests_burst`,
    /// `limits.requests_per_second`; default 200 and 10). A CAP feed sending 50 alerts a second needs 50.
    public var rateBurst = 200
    /// The steady rate after the burst, requests a second (`limits.requests_per_second`).
    public var ratePerSecond = 10.0
    /// Sign-in links per person: a burst, then a rate a minute (`limits.sign_in_burst`,
    /// `limits.sign_in_per_minute`; default 3 and 1).
    public var signInBurst = 3
    /// Sign-in links a minute after the burst (`limits.sign_in_per_minute`).
    public var signInPerMinute = 1.0
    /// The largest report and other bodies in bytes (`limits.body_bytes`, default 256 KiB;
    /// `limits.small_body_bytes`, default 64 KiB). CAP alerts have their own, `cap.max_bytes`.
    public var bodyLimits = Routes.BodyLimits()
    /// Retries, back-off and in-flight limits of delivery (`delivery` in the file).
    public var delivery = DeliveryPolicy()
    /// The zone of every local time: the rules' windows, rotas and deadlines, and the times shown
    /// (`time_zone`, a tz database name; default Europe/Copenhagen).
    public var timeZone = LocalZone.copenhagen
    /// The texts of the messages Beredskab writes itself, with a deployment's overrides from the
    /// file named by `messages` (docs/messages.md).
    public var messages = MessageCatalogue.standard

    /// The shared PostgreSQL store (`store`, `BEREDSKAB_STORE` or `serve --store`); nil: the
    /// embedded SQLite file in the data folder.
    public var store: PostgresLocation?

    /// An empty configuration: no transport.
    public init() {}

    /// Whether any transport is configured; if not, the server writes messages to a file.
    public var hasTransport: Bool { smtp != nil || sms != nil || webhookSecret != nil }

    /// Reads the configuration from the file's JSON (or none) and the environment, listing every problem.
    public static func read(
        _ json: JSONValue?, environment: [String: String]
    ) -> Result<ServerConfiguration, InvalidReport> {
        var c = ServerConfiguration()
        var problems: [ReportProblem] = []
        problems += unknownSettings(json)
        func string(_ value: JSONValue?, _ path: String) -> String? {
            guard let value else { return nil }
            guard case .string(let text) = value else {
                problems.append(ReportProblem(path, "must be a string"))
                return nil
            }
            if text.hasPrefix("$") {
                guard let fromEnvironment = environment[String(text.dropFirst())] else {
                    problems.append(ReportProblem(path, "the environment variable \(text.dropFirst()) is not set"))
                    return nil
                }
                return fromEnvironment
            }
            return text
        }
        func seconds(_ value: JSONValue?, _ path: String, default fallback: Int) -> Duration {
            guard let value else { return .seconds(fallback) }
            // At most a day: no timeout of a connection or a delivery is longer, and a bound keeps
            // the conversion to milliseconds (and on to nanoseconds) from overflowing.
            guard case .number(let n) = value, n > 0, n <= 86_400 else {
                problems.append(ReportProblem(path, "must be a positive number of seconds, at most 86400"))
                return .seconds(fallback)
            }
            return .milliseconds(Int((n * 1000).rounded(.up)))
        }
        func maxSegments(_ value: JSONValue?) -> Int {
            guard let value else { return 3 }
            guard case .number(let n) = value, n >= 1, n <= 255, n == n.rounded() else {
                problems.append(ReportProblem("$.sms.max_segments", "must be a whole number from 1 to 255"))
                return 3
            }
            return Int(n)
        }
        if let json, case .object = json {
        } else if json != nil {
            problems.append(ReportProblem("$", "must be an object"))
        }
        let smtp = json?["smtp"]
        if let url = environment["BEREDSKAB_SMTP_URL"] ?? string(smtp?["url"], "$.smtp.url") {
            let from =
                string(smtp?["from"], "$.smtp.from") ?? environment["BEREDSKAB_SMTP_FROM"] ?? "beredskab@localhost"
            c.smtp = SMTPTransport.Config(
                url: url, startTLS: smtp?["starttls"] == .bool(true),
                username: string(smtp?["username"], "$.smtp.username"),
                password: environment["BEREDSKAB_SMTP_PASSWORD"], fromAddress: from,
                fromName: string(smtp?["from_name"], "$.smtp.from_name") ?? "Beredskab",
                connectTimeout: seconds(
                    smtp?["connect_timeout_seconds"], "$.smtp.connect_timeout_seconds", default: 10),
                timeout: seconds(smtp?["timeout_seconds"], "$.smtp.timeout_seconds", default: 60))
        }
        let sms = json?["sms"]
        if let url = environment["BEREDSKAB_SMS_URL"] ?? string(sms?["url"], "$.sms.url") {
            var headers: [String: String] = [:]
            if case .object(let pairs)? = sms?["headers"] {
                for (name, value) in pairs { headers[name] = string(value, "$.sms.headers.\(name)") }
            }
            let format = string(sms?["format"], "$.sms.format") ?? "json"
            let body = string(sms?["body"], "$.sms.body") ?? #"{"to": "{to}", "text": "{text}", "id": "{id}"}"#
            if let format = SMSGatewayTransport.BodyFormat(rawValue: format) {
                c.sms = SMSGatewayTransport.Config(
                    url: url, method: string(sms?["method"], "$.sms.method") ?? "POST", headers: headers,
                    bodyTemplate: body,
                    format: format, timeout: seconds(sms?["timeout_seconds"], "$.sms.timeout_seconds", default: 15),
                    maxSegments: maxSegments(sms?["max_segments"]))
            } else {
                problems.append(ReportProblem("$.sms.format", "must be json or form"))
            }
        }
        c.webhookURL = environment["BEREDSKAB_WEBHOOK_URL"]
        c.webhookSecret = environment["BEREDSKAB_WEBHOOK_SECRET"]
        if c.webhookSecret == nil, json?["webhook"] != nil || c.webhookURL != nil {
            problems.append(ReportProblem("$.webhook", "webhooks are signed: set BEREDSKAB_WEBHOOK_SECRET"))
        }
        c.webhookTimeout = seconds(json?["webhook"]?["timeout_seconds"], "$.webhook.timeout_seconds", default: 15)
        c.failureRole = string(json?["failure_role"], "$.failure_role")
        c.publicURL = string(json?["public_url"], "$.public_url")
        func count(_ value: JSONValue?, _ path: String, default fallback: Int) -> Int {
            guard let value else { return fallback }
            guard case .number(let n) = value, n >= 1, n <= 1_000_000, n == n.rounded() else {
                problems.append(ReportProblem(path, "must be a whole number from 1 to 1000000"))
                return fallback
            }
            return Int(n)
        }
        let http = json?["http"]
        c.connections.headerTimeout = seconds(
            http?["header_timeout_seconds"], "$.http.header_timeout_seconds", default: 10)
        c.connections.bodyTimeout = seconds(http?["body_timeout_seconds"], "$.http.body_timeout_seconds", default: 30)
        c.connections.idleTimeout = seconds(http?["idle_timeout_seconds"], "$.http.idle_timeout_seconds", default: 60)
        c.connections.maximumConnections = count(http?["max_connections"], "$.http.max_connections", default: 4096)
        c.connections.maximumConnectionsPerClient = count(
            http?["max_connections_per_client"], "$.http.max_connections_per_client", default: 64)
        /// A whole number in `range`, or the default and a problem at `path`.
        func whole(_ value: JSONValue?, _ path: String, _ range: ClosedRange<Int>, default fallback: Int) -> Int {
            guard let value else { return fallback }
            guard case .number(let n) = value, let whole = Int(exactly: n), range.contains(whole) else {
                problems.append(
                    ReportProblem(path, "must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
                return fallback
            }
            return whole
        }
        /// A number above 0 and at most `maximum`, or the default and a problem at `path`.
        func rate(_ value: JSONValue?, _ path: String, maximum: Double, default fallback: Double) -> Double {
            guard let value else { return fallback }
            guard case .number(let n) = value, n > 0, n <= maximum else {
                problems.append(ReportProblem(path, "must be a number above 0 and at most \(Int(maximum))"))
                return fallback
            }
            return n
        }
        let limits = json?["limits"]
        c.rateBurst = whole(
            limits?["requests_burst"], "$.limits.requests_burst", 1...1_000_000, default: c.rateBurst)
        c.ratePerSecond = rate(
            limits?["requests_per_second"], "$.limits.requests_per_second", maximum: 100_000, default: c.ratePerSecond)
        c.signInBurst = whole(limits?["sign_in_burst"], "$.limits.sign_in_burst", 1...100, default: c.signInBurst)
        c.signInPerMinute = rate(
            limits?["sign_in_per_minute"], "$.limits.sign_in_per_minute", maximum: 60, default: c.signInPerMinute)
        c.bodyLimits.report = whole(
            limits?["body_bytes"], "$.limits.body_bytes", 1024...(64 << 20), default: c.bodyLimits.report)
        c.bodyLimits.small = whole(
            limits?["small_body_bytes"], "$.limits.small_body_bytes", 1024...(16 << 20), default: c.bodyLimits.small)
        let delivery = json?["delivery"]
        c.delivery.attemptsPerChannel = whole(
            delivery?["attempts_per_channel"], "$.delivery.attempts_per_channel", 1...100,
            default: c.delivery.attemptsPerChannel)
        c.delivery.channelTimeLimit = whole(
            delivery?["channel_time_limit_seconds"], "$.delivery.channel_time_limit_seconds", 1...86_400,
            default: c.delivery.channelTimeLimit)
        c.delivery.baseDelay = whole(
            delivery?["base_delay_seconds"], "$.delivery.base_delay_seconds", 1...3_600, default: c.delivery.baseDelay)
        c.delivery.maximumDelay = whole(
            delivery?["max_delay_seconds"], "$.delivery.max_delay_seconds", 1...86_400, default: c.delivery.maximumDelay
        )
        if c.delivery.maximumDelay < c.delivery.baseDelay {
            problems.append(
                ReportProblem(
                    "$.delivery.max_delay_seconds", "must be at least base_delay_seconds (\(c.delivery.baseDelay))"))
        }
        c.delivery.perDestinationLimit = whole(
            delivery?["per_destination_limit"], "$.delivery.per_destination_limit", 1...10_000,
            default: c.delivery.perDestinationLimit)
        c.delivery.inFlightLimit = whole(
            delivery?["in_flight_limit"], "$.delivery.in_flight_limit", 1...100_000, default: c.delivery.inFlightLimit)
        if let value = json?["cap"]?["unknown_severity"] {
            if case .string(let name) = value, let severity = IncidentSeverity(rawValue: name) {
                c.capUnknownSeverity = severity
            } else {
                problems.append(
                    ReportProblem("$.cap.unknown_severity", "must be one of minor, moderate, severe, extreme"))
            }
        }
        if let value = json?["cap"]?["max_bytes"] {
            if case .number(let n) = value, let bytes = Int(exactly: n), (1024...(16 << 20)).contains(bytes) {
                c.capMaximumBytes = bytes
            } else {
                problems.append(ReportProblem("$.cap.max_bytes", "must be a whole number from 1024 to 16777216"))
            }
        }
        if let value = json?["time_zone"] {
            if case .string(let name) = value {
                do { c.timeZone = try LocalZone(identifier: name) } catch {
                    problems.append(ReportProblem("$.time_zone", "\(error)"))
                }
            } else {
                problems.append(ReportProblem("$.time_zone", "must be a tz database name such as Europe/Copenhagen"))
            }
        }
        if let url = environment["BEREDSKAB_STORE"] ?? string(json?["store"], "$.store") {
            if let location = PostgresLocation(url: url) {
                c.store = location
            } else {
                problems.append(
                    ReportProblem("$.store", "must be a PostgreSQL URL, postgres://user:password@host:5432/database"))
            }
        }
        if let path = string(json?["messages"], "$.messages") {
            if let data = FileManager.default.contents(atPath: path) {
                do throws(MessageCatalogueError) {
                    c.messages = try MessageCatalogue.standard.overriding(
                        with: String(decoding: data, as: UTF8.self), file: path)
                } catch {
                    problems += error.problems.map { ReportProblem("$.messages", $0) }
                }
            } else {
                problems.append(ReportProblem("$.messages", "cannot read the file \(path)"))
            }
        }
        if let roles = json?["reviewer_roles"] {
            if case .array(let items) = roles {
                c.reviewerRoles = Set(items.compactMap { if case .string(let s) = $0 { s } else { nil } })
            } else {
                problems.append(ReportProblem("$.reviewer_roles", "must be an array of role ids"))
            }
        }
        return problems.isEmpty ? .success(c) : .failure(InvalidReport(problems: problems))
    }
}

extension ServerConfiguration {
    /// Sets what the routes take from the configuration: reviewer roles, CAP settings, rate and
    /// body limits. The transport and the public address are the caller's.
    public func apply(to options: inout Routes.Options) {
        options.reviewerRoles = reviewerRoles
        options.capUnknownSeverity = capUnknownSeverity
        options.capMaximumBytes = capMaximumBytes
        options.rateBurst = rateBurst
        options.ratePerSecond = ratePerSecond
        options.signInBurst = signInBurst
        options.signInPerMinute = signInPerMinute
        options.bodyLimits = bodyLimits
    }

    /// The transports' part of the configuration, for `CurlTransport`.
    public var transportSettings: CurlTransport.Settings {
        CurlTransport.Settings(
            smtp: smtp, sms: sms, webhookSecret: webhookSecret, webhookURL: webhookURL, webhookTimeout: webhookTimeout)
    }
}

extension ServerConfiguration {
    /// Every setting the file may hold: top-level names, and for a section the names inside it.
    static let settings: [String: Set<String>?] = [
        "smtp": ["url", "from", "from_name", "starttls", "username", "connect_timeout_seconds", "timeout_seconds"],
        "sms": ["url", "method", "headers", "body", "format", "max_segments", "timeout_seconds"],
        "webhook": ["timeout_seconds"],
        "http": [
            "header_timeout_seconds", "body_timeout_seconds", "idle_timeout_seconds", "max_connections",
            "max_connections_per_client",
        ],
        "limits": [
            "requests_burst", "requests_per_second", "sign_in_burst", "sign_in_per_minute", "body_bytes",
            "small_body_bytes",
        ],
        "delivery": [
            "attempts_per_channel", "channel_time_limit_seconds", "base_delay_seconds", "max_delay_seconds",
            "per_destination_limit", "in_flight_limit",
        ],
        "cap": ["unknown_severity", "max_bytes"],
        "failure_role": nil, "public_url": nil, "reviewer_roles": nil, "time_zone": nil, "messages": nil,
        "store": nil,
    ]

    /// A misspelt or misplaced setting (`limts`, `limits.burst`) and a section that is not an
    /// object: each would otherwise be ignored and leave today's default in force without a word.
    static func unknownSettings(_ json: JSONValue?) -> [ReportProblem] {
        guard let json else { return [] }
        guard case .object(let pairs) = json else { return [ReportProblem("$", "must be a JSON object")] }
        var problems: [ReportProblem] = []
        for (key, value) in pairs {
            guard let section = settings[key] else {
                problems.append(
                    ReportProblem(
                        "$.\(key)", "unknown setting (known: \(settings.keys.sorted().joined(separator: ", ")))"))
                continue
            }
            guard let names = section else { continue }
            guard case .object(let inner) = value else {
                problems.append(ReportProblem("$.\(key)", "must be an object"))
                continue
            }
            for (name, _) in inner where !names.contains(name) {
                problems.append(
                    ReportProblem(
                        "$.\(key).\(name)", "unknown setting (known: \(names.sorted().joined(separator: ", ")))"))
            }
        }
        return problems
    }
}
