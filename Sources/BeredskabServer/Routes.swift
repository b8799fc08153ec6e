import BeredskabEngine
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
    /// Commits reports arriving together in one transaction.
    let commits: GroupCommit
    let options: Options
    /// Counters and histograms for `/metrics`.
    public let metrics: ServerMetrics
    let limiter: RateLimiter
    /// Sign-in links per address: a few, then one a minute, so nobody's phone can be flooded.
    let signInLimiter = RateLimiter(burst: 3, perSecond: 1.0 / 60)
    /// The largest report body accepted.
    public static let maximumBody = 256 * 1024
    /// The largest other body (updates, forms, tokens, closures).
    public static let maximumSmallBody = 64 * 1024

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
        /// Requests per token: burst and steady rate per second.
        public var rateBurst = 200
        public var ratePerSecond = 10.0

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
        commits = GroupCommit(store: store)
        limiter = RateLimiter(burst: options.rateBurst, perSecond: options.ratePerSecond)
    }

    /// A router with every route.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware { request, error in errorPage(request, error) })
        addOperationRoutes(router)
        addIncidentRoutes(router)
        addAdminRoutes(router)
        addClosureRoutes(router)
        addWebRoutes(router)
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
            guard let sent, Self.constantTimeEqual(sent, csrf) else {
                throw APIError(
                    .forbidden, "the form is stale or was not sent from Beredskab (CSRF check); reload and try again")
            }
        }
        return principal
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
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

    /// A JSON body: 415 unless sent as JSON, 413 if too large, 400 if not JSON.
    static func jsonBody(_ request: inout Request, limit: Int = maximumSmallBody) async throws -> JSONValue {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, "send the body as application/json")
        }
        let bytes = try await body(&request, limit: limit)
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw APIError(.badRequest, "not valid JSON: \(error)", problems: [("$", "not valid JSON: \(error)")])
        }
    }

    /// A form body (`application/x-www-form-urlencoded`): each field's values.
    static func formBody(_ request: inout Request) async throws -> [String: [String]] {
        let bytes = try await body(&request, limit: maximumSmallBody)
        return Form.parse(String(decoding: bytes, as: UTF8.self))
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
