import BeredskabEngine
import BeredskabRules
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird

/// Coordinators' silences (issue 13): `POST`, `GET /api/v1/silences` and `DELETE …/{id}` (expire),
/// for reviewers (coordinators) and admins, and the pages (`Routes+SilencePages.swift`). See
/// docs/api.md, "Silences".
extension Routes {
    func addSilenceRoutes(_ router: Router<BasicRequestContext>) {
        addSilencePageRoutes(router)
        router.get("api/v1/silences") { request, _ in
            _ = try require(request, .reviewer, .admin)
            let states: Set<Silence.State>
            switch request.uri.queryParameters.get("state") {
            case nil: states = [.active, .pending]
            case "all": states = Set(Silence.State.allCases)
            case let text?:
                guard let state = Silence.State(rawValue: text) else {
                    throw APIError(
                        .badRequest, "bad query parameters",
                        problems: [("state", "must be active, pending, expired or all")])
                }
                states = [state]
            }
            let now = clock()
            return Self.json(
                .ok,
                .object([
                    ("silences", .array(try store.silences(states: states, at: now).map { silenceJSON($0, at: now) }))
                ]))
        }
        router.post("api/v1/silences") { request, _ in
            var request = request
            let principal = try require(request, .reviewer, .admin)
            let now = clock()
            let silence = try decodeSilence(try await Self.jsonBody(&request), actor: principal.actor, at: now)
            let check = engine.check(silence, now: now)
            guard check.problems.isEmpty else {
                let onlyCritical = check.problems.allSatisfy { $0.path == "$.confirm_critical" }
                throw APIError(
                    .unprocessableContent,
                    onlyCritical
                        ? "the silence covers critical guidelines (\(check.critical.joined(separator: ", "))): "
                            + "nothing would be sent for them; send confirm_critical: true if that is intended"
                        : "the silence is invalid",
                    problems: check.problems.map { ($0.path, $0.message) })
            }
            let stored = try store.createSilence(silence, critical: check.critical)
            return Self.json(
                .created, silenceJSON(stored, at: now), headers: [.location: "/api/v1/silences/\(stored.id)"])
        }
        router.delete("api/v1/silences/:id") { request, context in
            let principal = try require(request, .reviewer, .admin)
            guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.notFound("silence") }
            let now = clock()
            switch try store.expireSilence(id: id, actor: principal.actor, at: now) {
            case .expired(let silence): return Self.json(.ok, silenceJSON(silence, at: now))
            case .alreadyExpired: throw APIError(.conflict, "silence \(id) has already expired")
            case .unknown: throw APIError.notFound("silence \(id)")
            }
        }
    }

    /// A silence as the API shows it: times in Copenhagen RFC 3339, its state now, and the
    /// `critical` guidelines it covers (those the pages must show it for on every page).
    func silenceJSON(_ s: Silence, at now: Instant) -> JSONValue {
        func time(_ instant: Instant?) -> JSONValue { instant.map { .string(Copenhagen.format($0)) } ?? .null }
        let critical = engine.guidelinesCovered(by: s).filter { engine.rules.guideline($0)?.priority == .critical }
        return .object([
            ("id", .number(Double(s.id))), ("state", .string(s.state(at: now).rawValue)),
            ("guideline", s.guideline.map(JSONValue.string) ?? .null),
            ("category", s.category.map { .string($0.rawValue) } ?? .null),
            ("area", s.area.map(JSONValue.string) ?? .null),
            ("area_name", s.area.flatMap { engine.rules.areas[$0]?.name }.map(JSONValue.string) ?? .null),
            ("starts_at", time(s.startsAt)), ("ends_at", time(s.endsAt)), ("reason", .string(s.reason)),
            ("created_by", .string(s.createdBy)), ("created_at", time(s.createdAt)),
            ("confirm_critical", .bool(s.confirmCritical)), ("critical", .array(critical.map(JSONValue.string))),
            ("expired_at", time(s.expiredAt)), ("expired_by", s.expiredBy.map(JSONValue.string) ?? .null),
        ])
    }

    /// A silence from the API's JSON (`guideline` or `category`, `area`, `starts_at` (default now),
    /// `ends_at`, `reason`, `confirm_critical`); the shape's problems by path, as a 422. Whether the
    /// rules know its ids and whether it may be created is ``Engine/check(_:now:)``'s.
    func decodeSilence(_ body: JSONValue, actor: String, at now: Instant) throws -> Silence {
        guard case .object(let members) = body else {
            throw APIError(
                .unprocessableContent, "the silence must be a JSON object", problems: [("$", "not an object")])
        }
        let known = ["guideline", "category", "area", "starts_at", "ends_at", "reason", "confirm_critical"]
        var problems: [(path: String, message: String)] = members.filter { !known.contains($0.0) }.map {
            ("$.\($0.0)", "unknown field")
        }
        func string(_ key: String, required: Bool = false, max: Int = 200) -> String? {
            switch body[key] {
            case .string(let value)? where !value.isEmpty && value.codePointCount <= max: return value
            case nil where !required, .null? where !required: return nil
            default:
                problems.append(
                    ("$.\(key)", required ? "required: a non-empty string" : "must be a non-empty string up to \(max)"))
                return nil
            }
        }
        func time(_ key: String, required: Bool) -> Instant? {
            string(key, required: required).flatMap { text in
                Self.parseTime(text)
                    ?? {
                        problems.append(("$.\(key)", "must be a time, RFC 3339 or Copenhagen 'YYYY-MM-DD HH:MM'"))
                        return nil
                    }()
            }
        }
        let guideline = string("guideline")
        let category = string("category").flatMap { text in
            Category(rawValue: text)
                ?? {
                    problems.append(("$.category", "unknown category '\(text)'"))
                    return nil
                }()
        }
        let area = string("area")
        let startsAt = time("starts_at", required: false) ?? now
        let endsAt = time("ends_at", required: true)
        let reason = string("reason", required: true, max: 4000)
        var confirm = false
        switch body["confirm_critical"] {
        case .bool(let value)?: confirm = value
        case nil, .null?: break
        default: problems.append(("$.confirm_critical", "must be true or false"))
        }
        guard problems.isEmpty, let endsAt, let reason else {
            throw APIError(.unprocessableContent, "the silence is invalid", problems: problems)
        }
        return Silence(
            guideline: guideline, category: category, area: area, startsAt: startsAt, endsAt: endsAt, reason: reason,
            createdBy: actor, createdAt: now, confirmCritical: confirm)
    }
}
