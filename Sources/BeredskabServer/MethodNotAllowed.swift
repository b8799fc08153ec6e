import Foundation
import HTTPTypes
import Hummingbird

/// The methods each route path answers, filled in once every route is added.
final class RouteMethods: @unchecked Sendable {
    private let lock = NSLock()
    private var routes: [(segments: [Substring], method: HTTPRequest.Method)] = []

    /// Records the router's routes (`/api/v1/incidents/{id}` and its method).
    func set(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        let split = routes.map { (segments: $0.path.split(separator: "/"), method: $0.method) }
        lock.withLock { self.routes = split }
    }

    /// The methods routes matching `path` answer, sorted; empty when no route has this path.
    func methods(for path: String) -> [String] {
        let asked = path.split(separator: "/")
        let matching = lock.withLock {
            routes.filter { route in
                route.segments.count == asked.count
                    && zip(route.segments, asked).allSatisfy { $0 == $1 || $0.hasPrefix("{") || $0 == "*" }
            }
        }
        return Set(matching.map(\.method.rawValue)).sorted()
    }
}

/// Answers 405 with `Allow` when the path is a route but not for this method (the router alone
/// would say 404, as if the path did not exist).
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            var headers = HTTPFields()
            headers[.allow] = allowed.joined(separator: ", ")
            throw APIError(
                .methodNotAllowed,
                "\(request.method) is not allowed on \(request.uri.path); use \(allowed.joined(separator: " or "))",
                headers: headers)
        }
    }
}
