import BeredskabDelivery
import BeredskabDispatch
import BeredskabEngine
import BeredskabRules
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird

/// The HTTP side: the versioned JSON API, the web pages, acknowledgement links, health and metrics.
/// Every refusal is a 4xx with a JSON body (or, for a browser, a page) saying what was wrong.
public struct Routes: Sendable {
    /// The running rules, replaced on reload.
    let live: LiveEngine
    let store: any IncidentStore
    let clock: @Sendable () -> Instant
    /// Rung after something is committed to the outbox, so its messages leave at once.
    let doorbell: Doorbell?
    /// Commits reports arriving together in one transaction: the single writer of intake and of
    /// the dispatcher's delivery results.
    public let commits: GroupCommit
    let options: Options
    /// Counters and histograms for `/metrics`.
    public let metrics: ServerMetrics
    let limiter: RateLimiter
    /// Sign-in links per address: a few, then one a minute, so nobody's phone can be flooded.
    let signInLimiter: RateLimiter
    /// The largest report body accepted by default (`limits.body_bytes`).
    public static let maximumBody = 256 * 1024
    /// The largest other body by default (updates, forms, tokens, closures; `limits.small_body_bytes`).
    public static let maximumSmallBody = 64 * 1024
    /// The body limits of the request being answered, set by ``BodyLimitsMiddleware`` from the
    /// options, so the static body readers honour the configuration.
    @TaskLocal static var bodyLimits = BodyLimits()

    /// The largest bodies taken, in bytes (`limits.body_bytes`, `limits.small_body_bytes`).
    public struct BodyLimits: Sendable {
        /// Reports (JSON).
        public var report = Routes.maximumBody
        /// Everything else but CAP alerts: updates, forms, tokens, closures.
        public var small = Routes.maximumSmallBody

        /// Today's limits: 256 KiB and 64 KiB.
        public init() {}
    }

    /// What the web side needs to know beyond the store and the rules.
    public struct Options: Sendable {
        /// Persons holding one of these rule roles are reviewers when signed in.
        public var reviewerRoles: Set<String> = ["okf-sikker-by", "hotspotchef"]
        /// Marks the session cookie `Secure` (browsers accept it on http://localhost as well).
        public var secureCookies = true
        /// Sends sign-in links; nil: sign-in by link is off.
        public var transport: (any Transport)?
        /// The address recipients use to reach the server; read when a sign-in link is made.
        public var publicURL: PublicURL = PublicURL("http://127.0.0.1:8080")
        /// Requests per principal (token or signed-in person): burst and steady rate per second
        /// (`limits.requests_burst`, `limits.requests_per_second`).
        public var rateBurst = 200
        public var ratePerSecond = 10.0
        /// Sign-in links per person: a burst, then this many a minute (`limits.sign_in_burst`,
        /// `limits.sign_in_per_minute`).
        public var signInBurst = 3
        /// Sign-in links a minute after the burst.
        public var signInPerMinute = 1.0
        /// The largest bodies taken (`limits.body_bytes`, `limits.small_body_bytes`).
        public var bodyLimits = BodyLimits()
        /// The rate limiters' clock in seconds: the wall clock, or a test's.
        public var rateClock: @Sendable () -> Double = { Date().timeIntervalSince1970 }
        /// What a CAP `<severity>Unknown</severity>` becomes (`cap.unknown_severity`, docs/cap.md).
        public var capUnknownSeverity: IncidentSeverity = .moderate
        /// The largest CAP alert taken, in bytes (`cap.max_bytes`; default 1 MiB): embedded
        /// resources make real alerts hundreds of kilobytes, and only their size and digest are kept.
        public var capMaximumBytes = 1 << 20
        /// The texts of the messages the server writes itself (watch requests, updates; `messages`).
        public var messages = MessageCatalogue.standard
        /// On a store several instances share: keeps their rules in step and tells `/readyz`
        /// whether this instance runs the rules last loaded anywhere.
        public var rulesSync: RulesSync?

        /// Default options.
        public init() {}
    }

    /// The engine for the request at hand.
    var engine: Engine { live.current }

    /// Creates the routes with default options (tests, benchmarks).
    public init(
        engine: Engine, store: any IncidentStore, doorbell: Doorbell? = nil, clock: @escaping @Sendable () -> Instant
    ) {
        self.init(live: LiveEngine(engine), store: store, doorbell: doorbell, options: Options(), clock: clock)
    }

    /// Creates the routes.
    public init(
        live: LiveEngine, store: any IncidentStore, doorbell: Doorbell? = nil, options: Options,
        metrics: ServerMetrics = ServerMetrics(), clock: @escaping @Sendable () -> Instant
    ) {
        self.live = live
        self.store = store
        self.doorbell = doorbell
        self.options = options
        self.metrics = metrics
        self.clock = clock
        // SQLite commits on the caller's thread when its writer is idle; a shared store (PostgreSQL)
        // answers across the network, which would hold one of Swift concurrency's threads.
        commits = GroupCommit(store: store, inlineWhenIdle: !(store is any SharedStore))
        limiter = RateLimiter(burst: options.rateBurst, perSecond: options.ratePerSecond, clock: options.rateClock)
        signInLimiter = RateLimiter(
            burst: options.signInBurst, perSecond: options.signInPerMinute / 60, clock: options.rateClock)
    }

    /// A router with every route.
    public func router() -> Router<BasicRequestContext> {
        // HEAD is answered on every GET route, as GET without the body.
        let router = Router(options: .autoGenerateHeadEndpoints)
        let methods = RouteMethods()
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: BodyLimitsMiddleware(limits: options.bodyLimits))
        router.add(middleware: ErrorMiddleware { request, error in errorPage(request, error) })
        router.add(middleware: MethodNotAllowedMiddleware(routes: methods))
        addOperationRoutes(router)
        addIncidentRoutes(router)
        addAdminRoutes(router)
        addClosureRoutes(router)
        addSilenceRoutes(router)
        addAfterActionRoutes(router)
        addHandbookRoutes(router)
        addWebRoutes(router)
        addOnCallRoutes(router)
        let routes = router.routes.map { (path: $0.path.description, method: $0.method) }
        methods.set(routes + routes.filter { $0.method == .get }.map { (path: $0.path, method: .head) })
        return router
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: value.prettyText)))
    }

    // MARK: Credentials

    /// Who is asking, from a bearer token or a session cookie; nil if neither is sent. A token
    /// that is sent but unknown or revoked is a 401, never a fall-back to the cookie.
    func principal(_ request: Request) throws -> Principal? {
        let now = clock()
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "), let token = try store.token(secret: String(header.dropFirst(7))) else {
                throw APIError(.unauthorized, "the bearer token is not valid (unknown, revoked or malformed)")
            }
            // A calendar token travels in URLs (calendar programs' subscriptions): it opens the feeds only.
            guard token.role != .calendar else { throw APIError.calendarTokenElsewhere }
            return try limited(
                Principal(
                    roles: [token.role], organisation: token.organisation, person: token.person,
                    actor: "token:\(token.id)", csrf: nil))
        }
        guard let secret = Self.cookie(request, "beredskab_session"),
            let session = try store.session(secret: secret, at: now),
            let person = engine.roster.persons[session.person]
        else { return nil }
        var roles: Set<AccessRole> = [.reporter, .responder]
        if person.roles.contains(where: { options.reviewerRoles.contains($0.value) }) { roles.insert(.reviewer) }
        return try limited(
            Principal(
                roles: roles, organisation: person.organisation.value, person: person.id.value,
                actor: "person:\(person.id.value)", csrf: session.csrf))
    }

    func limited(_ principal: Principal) throws -> Principal {
        if let wait = limiter.take(principal.actor) {
            var headers = HTTPFields()
            headers[.retryAfter] = String(wait)
            throw APIError(.tooManyRequests, "too many requests; try again in \(wait) s", headers: headers)
        }
        return principal
    }

    /// The principal, or a 401; with `roles`, a 403 unless it has one of them. State-changing
    /// requests from a web session must carry its CSRF token (header `X-CSRF-Token` or form field).
    func require(_ request: Request, _ roles: AccessRole..., csrf formToken: String? = nil) throws -> Principal {
        try require(request, roles, csrf: formToken)
    }

    /// The principal with one of `roles` (any, if empty), checking CSRF for a session's changes.
    func require(_ request: Request, _ roles: [AccessRole], csrf formToken: String? = nil) throws -> Principal {
        guard let principal = try principal(request) else { throw APIError.unauthenticated }
        if !roles.isEmpty && !principal.can(roles) {
            throw APIError(
                .forbidden,
                "this needs the role \(roles.map(\.rawValue).joined(separator: " or ")); you are \(principal.roles.map(\.rawValue).sorted().joined(separator: ", "))"
            )
        }
        if let csrf = principal.csrf, request.method != .get, request.method != .head {
            let sent = formToken ?? request.headers[HTTPField.Name("X-CSRF-Token")!]
            guard let sent, constantTimeEquals(sent, csrf) else {
                throw APIError(
                    .forbidden, "the form is stale or was not sent from Beredskab (CSRF check); reload and try again")
            }
        }
        return principal
    }

    static func cookie(_ request: Request, _ name: String) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }

    // MARK: Bodies

    static func body(_ request: inout Request, limit: Int) async throws -> [UInt8] {
        do {
            return Array(try await request.collectBody(upTo: limit).readableBytesView)
        } catch {
            throw APIError(.contentTooLarge, "the body is larger than \(limit / 1024) KiB")
        }
    }

    /// A JSON body: 415 unless sent as UTF-8 JSON, 413 if too large, 400 if not JSON, 422 if a
    /// string holds a control character (``refuseControlCharacters(_:)``).
    static func jsonBody(_ request: inout Request, limit: Int = bodyLimits.small) async throws -> JSONValue {
        if let type = request.headers[.contentType] {
            guard type.lowercased().hasPrefix("application/json") else {
                throw APIError(.unsupportedMediaType, "send the body as application/json")
            }
            try refuseCharset(type)
        }
        let bytes = try await body(&request, limit: limit)
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw APIError(.badRequest, "not valid JSON: \(error)", problems: [("$", "not valid JSON: \(error)")])
        }
        try refuseControlCharacters(json)
        return json
    }

    /// A 415 for a `charset` parameter other than UTF-8: bodies are read as UTF-8 only, so text
    /// declared as Latin-1 would be read wrongly rather than refused.
    static func refuseCharset(_ contentType: String) throws {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard pair.count == 2, pair[0] == "charset" else { continue }
            let charset = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard charset == "utf-8" || charset == "utf8" else {
                throw APIError(
                    .unsupportedMediaType, "only UTF-8 is accepted; this body says charset=\(charset)",
                    problems: [("Content-Type", "send the body as UTF-8, with charset=utf-8 or no charset")])
            }
        }
    }

    /// Keys whose strings are free text, where a line break or a tab is legitimate.
    static let freeTextKeys: Set<String> = ["description", "text", "reason_text", "label"]

    /// A 422 naming each string (by its JSON path) that holds a control character: U+0000–U+001F,
    /// U+007F–U+009F, U+2028 and U+2029, except line breaks and tabs in free text (`freeTextKeys`).
    /// A NUL would cut the stored text and a CR or LF could start a new header in a message.
    static func refuseControlCharacters(_ json: JSONValue) throws {
        var problems: [(String, String)] = []
        func visit(_ value: JSONValue, _ path: String, freeText: Bool) {
            switch value {
            case .string(let text):
                if let scalar = firstControlCharacter(text, freeText: freeText) {
                    let code = String(scalar.value, radix: 16, uppercase: true)
                    problems.append(
                        (
                            path,
                            "contains the control character U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code); "
                                + (freeText
                                    ? "only line breaks (LF or CR LF) and tabs are allowed"
                                    : "control characters are not allowed")
                        ))
                }
            case .array(let items):
                for (index, item) in items.enumerated() { visit(item, "\(path)[\(index)]", freeText: freeText) }
            case .object(let pairs):
                for (key, item) in pairs {
                    if firstControlCharacter(key, freeText: false) != nil {
                        problems.append((path, "a key contains a control character"))
                    }
                    visit(item, "\(path).\(key)", freeText: freeTextKeys.contains(key))
                }
            default: break
            }
        }
        visit(json, "$", freeText: false)
        guard problems.isEmpty else {
            throw APIError(
                .unprocessableContent, "the body contains control characters", problems: problems)
        }
    }

    /// The first control character of `text`, allowing line breaks (LF, or CR LF as docs/report.md
    /// counts them) and tabs in free text.
    static func firstControlCharacter(_ text: String, freeText: Bool) -> Unicode.Scalar? {
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if freeText && (scalar == "\n" || scalar == "\t") { continue }
            if freeText && scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n" { continue }
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
                || scalar.value == 0x2029
            {
                return scalar
            }
        }
        return nil
    }

    /// A form body (`application/x-www-form-urlencoded`): each field's values. A browser sends
    /// line breaks as CR LF; they become LF. A control character elsewhere is a 422 naming the field.
    static func formBody(_ request: inout Request) async throws -> [String: [String]] {
        if let type = request.headers[.contentType] { try refuseCharset(type) }
        let bytes = try await body(&request, limit: bodyLimits.small)
        var fields = Form.parse(String(decoding: bytes, as: UTF8.self))
        var problems: [(String, String)] = []
        for (name, values) in fields {
            let normalised = values.map { $0.replacingOccurrences(of: "\r\n", with: "\n") }
            fields[name] = normalised
            // The report form's persons are one a line.
            let freeText = freeTextKeys.contains(name) || name == "persons"
            if normalised.contains(where: { firstControlCharacter($0, freeText: freeText) != nil }) {
                problems.append((name, "contains a control character"))
            }
        }
        guard problems.isEmpty else {
            throw APIError(.unprocessableContent, "the form contains control characters", problems: problems)
        }
        return fields
    }
}

/// The server's public address, known only once it listens.
public final class PublicURL: @unchecked Sendable {
    private let lock = NSLock()
    private var url: String

    /// Starts with a guess.
    public init(_ url: String) { self.url = url }

    /// The current address.
    public var value: String {
        get { lock.withLock { url } }
        set { lock.withLock { url = newValue } }
    }
}

/// `application/x-www-form-urlencoded`, as browsers send forms.
enum Form {
    static func parse(_ text: String) -> [String: [String]] {
        var fields: [String: [String]] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            fields[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return fields
    }

    static func decode(_ part: Substring) -> String {
        let plus = part.replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }
}

extension [String: [String]] {
    /// The first value of a form field, trimmed; nil when missing or empty.
    func first(_ name: String) -> String? {
        guard let value = self[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}

/// Makes the configured body limits those of every request it passes on (``Routes/bodyLimits``).
struct BodyLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let limits: Routes.BodyLimits

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await Routes.$bodyLimits.withValue(limits) { try await next(request, context) }
    }
}
