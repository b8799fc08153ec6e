import BeredskabDelivery
import BeredskabEngine
import BeredskabReview
import BeredskabStore
import BeredskabWeb
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// A refusal with an HTTP status and a JSON body saying what was wrong:
/// `{"error": {"status": 422, "message": "…", "problems": [{"path", "message"}]}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var problems: [(path: String, message: String)]
    /// Extra headers, e.g. `Retry-After` on a 429.
    public var headers: HTTPFields

    /// Creates an error.
    public init(
        _ status: HTTPResponse.Status, _ message: String, problems: [(path: String, message: String)] = [],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.message = message
        self.problems = problems
        self.headers = headers
    }

    /// The JSON body.
    public var json: JSONValue {
        var error: [(String, JSONValue)] = [("status", .number(Double(status.code))), ("message", .string(message))]
        if !problems.isEmpty {
            error.append(
                (
                    "problems",
                    .array(problems.map { .object([("path", .string($0.path)), ("message", .string($0.message))]) })
                )
            )
        }
        return .object([("error", .object(error))])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Routes.json(status, json, headers: headers)
    }

    /// 503 with `Retry-After`: the store cannot record anything now (`reason`, from
    /// `storeUnavailableReason`: the disk full, the file system read-only, an I/O error). SQLite rolled
    /// the write back, so the client may send the same request again.
    static func storeUnavailable(_ reason: String) -> APIError {
        var headers = HTTPFields()
        headers[.retryAfter] = "5"
        return APIError(
            .serviceUnavailable,
            "the store cannot record this now (\(reason)); nothing was recorded: send it again in a little while",
            headers: headers)
    }

    static let unauthenticated = APIError(
        .unauthorized, "sign in, or send a valid bearer token: Authorization: Bearer bsk_…")
    static func notFound(_ what: String) -> APIError { APIError(.notFound, "\(what) not found") }
}

/// Turns every error into a clear answer: JSON for the API, a page for browsers; never a stack
/// trace or SQL. Unexpected errors are logged (level error, with the request id) and answered with a bare 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Renders an error page for browsers, in the request's language.
    let page: @Sendable (Request, APIError) -> Response?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let error: APIError
        do {
            return try await next(request, context)
        } catch let caught as APIError {
            error = caught
        } catch let caught as HTTPError {
            let message =
                caught.status == .notFound
                ? "no such page or endpoint: \(request.method) \(request.uri.path)" : caught.body ?? "\(caught.status)"
            error = APIError(caught.status, message, headers: caught.headers)
        } catch let caught where storeUnavailableReason(caught) != nil {
            // The disk full or read-only: a passing condition, answered 503, not a bug.
            context.logger.error(
                "store unavailable answering \(request.method) \(ServerLog.path(request.uri.path)): \(caught)",
                metadata: ["method": "\(request.method)", "path": "\(ServerLog.path(request.uri.path))"])
            error = .storeUnavailable(storeUnavailableReason(caught) ?? "")
        } catch {
            context.logger.error(
                "error answering \(request.method) \(ServerLog.path(request.uri.path)): \(error)",
                metadata: ["method": "\(request.method)", "path": "\(ServerLog.path(request.uri.path))"])
            return Routes.json(
                .internalServerError,
                APIError(.internalServerError, "internal error; it has been logged, and nothing was lost").json)
        }
        if !request.uri.path.hasPrefix("/api/"), let response = page(request, error) { return response }
        return Routes.json(error.status, error.json, headers: error.headers)
    }
}

/// Headers on every answer: no framing, no sniffing, no referrer (links carry tokens), and only
/// Beredskab's own scripts and styles.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Scripts and styles only from Beredskab's own files: no inline style attributes or scripts.
    /// The one exception is the review page's own `<style>`, allowed by its hash so that page
    /// stays one self-contained file.
    static var policy: String {
        "default-src 'self'; img-src 'self' data:; style-src 'self' '\(reviewStyleHash)'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// The CSP source for the review page's `<style>` text: `sha256-` and its digest in Base64.
let reviewStyleHash = "sha256-" + Data(Hashing.sha256(Review.style)).base64EncodedString()
