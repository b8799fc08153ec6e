import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird

extension Routes {
    func addOperationRoutes(_ router: Router<BasicRequestContext>) {
        router.get("healthz") { _, _ in Self.json(.ok, .object([("status", .string("ok"))])) }
        router.get("readyz") { [options, live] _, _ in
            do {
                let counts = try store.operationalCounts()
                var fields: [(String, JSONValue)] = [
                    ("status", .string("ready")), ("guidelines", .number(Double(engine.rules.guidelines.count))),
                    ("open_incidents", .number(Double(counts.openIncidents))),
                ]
                if let sync = options.rulesSync {
                    let instances = try sync.instances()
                    fields += [("rules", .string(live.rulesHash)), ("instances", .number(Double(instances.count)))]
                    if let (newest, _) = try sync.disagreement() {
                        // Not ready: reports here would be judged by other rules than on the others.
                        return Self.json(
                            .serviceUnavailable,
                            APIError(
                                .serviceUnavailable,
                                "the rules differ from the other instances': this instance runs \(live.rulesHash), "
                                    + "\(newest.instance) reloaded \(newest.digest) on purpose; bring this instance's rule "
                                    + "files in line (it reads them again every 10 s)"
                            ).json)
                    }
                }
                return Self.json(.ok, .object(fields))
            } catch {
                return Self.json(
                    .serviceUnavailable,
                    APIError(
                        .serviceUnavailable,
                        "the database cannot be read" + (storeUnavailableReason(error).map { ": \($0)" } ?? "")
                    ).json)
            }
        }
        router.get("metrics") { _, _ in
            let counts = try store.operationalCounts()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            let waiting = try store.waitingCounts(at: clock())
            let text = metrics.render(
                openIncidents: counts.openIncidents, unacknowledgedEscalations: counts.unacknowledgedEscalations,
                waiting: waiting.byChannel, oldestWaitingSeconds: waiting.oldestSeconds)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("api/v1/openapi.json") { _, _ in
            guard let document = Self.openAPIDocument else {
                throw APIError(
                    .serviceUnavailable,
                    "openapi.json was not installed beside the beredskab binary (Beredskab_BeredskabServer.resources)")
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.cacheControl] = "public, max-age=300"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    /// The OpenAPI 3.1 description of the API, shipped as a resource of this module. Looked up
    /// beside the executable by hand: `Bundle.module` would stop the whole server with a fatal
    /// error if the binary had been copied away from its resources.
    /// Nil when the resource folder was not installed (the route then answers 503 in the API's error shape).
    static let openAPIDocument: [UInt8]? = {
        let name = "Beredskab_BeredskabServer.resources/openapi.json"
        let folders = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        for folder in folders {
            if let data = try? Data(contentsOf: folder.appendingPathComponent(name)) { return [UInt8](data) }
        }
        return nil
    }()

    func addAdminRoutes(_ router: Router<BasicRequestContext>) {
        let admin = router.group("api/v1/admin")
        admin.post("reload") { request, _ in
            let principal = try require(request, .admin)
            return try reload(actor: principal.actor)
        }
        admin.get("tokens") { request, _ in
            _ = try require(request, .admin)
            return Self.json(.ok, .object([("tokens", .array(try store.tokens().map(Self.tokenJSON)))]))
        }
        admin.post("tokens") { request, _ in
            var request = request
            let principal = try require(request, .admin)
            let body = try await Self.jsonBody(&request)
            var problems: [(path: String, message: String)] = []
            if case .object(let members) = body {
                for (key, _) in members where !["organisation", "role", "person", "label"].contains(key) {
                    problems.append(("$.\(key)", "unknown field"))
                }
            } else {
                problems.append(("$", "must be an object"))
            }
            // As `beredskab token create` does: without an organisation, the person's own.
            var organisation = ""
            if case .string(let value)? = body["organisation"], engine.roster.organisations[value] != nil {
                organisation = value
            } else if body["organisation"] == nil, case .string(let id)? = body["person"],
                let found = engine.roster.persons[id]
            {
                organisation = found.organisation.value
            } else {
                problems.append(
                    ("$.organisation", "must be an organisation id from Contacts/ (or give a person of it in $.person)")
                )
            }
            var role = AccessRole.reporter
            if case .string(let value)? = body["role"], let parsed = AccessRole(rawValue: value) {
                role = parsed
            } else {
                problems.append(("$.role", "must be reporter, responder, reviewer, admin or calendar"))
            }
            var person: String?
            if let value = body["person"] {
                if case .string(let id) = value, let found = engine.roster.persons[id],
                    found.organisation.value == organisation
                {
                    person = id
                } else {
                    problems.append(("$.person", "must be a person id of that organisation"))
                }
            }
            var label = ""
            if let value = body["label"] {
                if case .string(let text) = value, text.codePointCount <= 200 {
                    label = text
                } else {
                    problems.append(("$.label", "must be a string of at most 200 characters"))
                }
            }
            guard problems.isEmpty else {
                throw APIError(.unprocessableContent, "the token request is invalid", problems: problems)
            }
            let (record, secret) = try store.createToken(
                organisation: organisation, role: role, person: person, label: label, actor: principal.actor,
                at: clock())
            guard case .object(var fields) = Self.tokenJSON(record) else { throw APIError(.internalServerError, "") }
            fields.append(("token", .string(secret)))
            return Self.json(.created, .object(fields))
        }
        admin.delete("tokens/:id") { request, context in
            let principal = try require(request, .admin)
            let id = context.parameters.get("id") ?? ""
            guard try store.revokeToken(id: id, actor: principal.actor, at: clock()) else {
                throw APIError.notFound("live token '\(id)'")
            }
            return Response(status: .noContent)
        }
    }

    static func tokenJSON(_ t: TokenRecord) -> JSONValue {
        .object([
            ("id", .string(t.id)), ("organisation", .string(t.organisation)), ("role", .string(t.role.rawValue)),
            ("person", t.person.map(JSONValue.string) ?? .null), ("label", .string(t.label)),
            ("created_at", .string(Copenhagen.format(t.createdAt))),
            ("revoked_at", t.revokedAt.map { .string(Copenhagen.format($0)) } ?? .null),
        ])
    }

    /// Reloads the rules (the API and SIGHUP): checked first, and never replacing good rules with broken ones.
    public func reload(actor: String) throws -> Response {
        switch live.reload() {
        case .success(let engine):
            options.rulesSync?.reloadedHere()
            try store.appendAudit(
                actor: actor, action: "rules-reloaded", incident: nil,
                detail: "\(engine.rules.guidelines.count) guidelines", at: clock())
            return Self.json(
                .ok,
                .object([
                    ("status", .string("reloaded")), ("guidelines", .number(Double(engine.rules.guidelines.count))),
                    ("persons", .number(Double(engine.roster.persons.count))),
                ]))
        case .failure(let failure):
            try store.appendAudit(
                actor: actor, action: "rules-reload-refused", incident: nil,
                detail: "\(failure.problems.count) errors", at: clock())
            throw APIError(
                .unprocessableContent, "the rules have errors; the running rules are kept", problems: failure.problems)
        }
    }
}
