import BeredskabEngine
import BeredskabReview
import BeredskabRules
import BeredskabStore
import BeredskabTime
import BeredskabWeb
import Foundation
import HTTPTypes
import Hummingbird

extension Routes {
    func addClosureRoutes(_ router: Router<BasicRequestContext>) {
        router.get("api/v1/closures") { request, _ in
            _ = try require(request, .reviewer, .admin)
            return Self.json(.ok, .object([("closures", .array(try store.closures().map(closureJSON)))]))
        }
        router.post("api/v1/closures") { request, _ in
            var request = request
            let principal = try require(request, .reviewer, .admin)
            let record = try decodeClosure(try await Self.jsonBody(&request))
            let id = try store.recordClosure(record, actor: principal.actor, at: clock())
            var stored = record
            stored.id = id
            return Self.json(.created, closureJSON(stored))
        }
        router.put("api/v1/closures/:id") { request, context in
            var request = request
            let principal = try require(request, .reviewer, .admin)
            guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.notFound("closure") }
            var record = try decodeClosure(try await Self.jsonBody(&request))
            record.id = id
            guard try store.correctClosure(record, actor: principal.actor, at: clock()) else {
                throw APIError.notFound("closure \(id)")
            }
            return Self.json(.ok, closureJSON(record))
        }
        router.get("api/v1/review") { request, _ in
            _ = try require(request, .reviewer, .admin)
            let (review, from, to) = try review(request)
            if request.uri.queryParameters.get("format") == "csv" {
                var headers = HTTPFields()
                headers[.contentType] = "text/csv; charset=utf-8"
                headers[.contentDisposition] = "attachment; filename=\"beredskab-review-\(from)-\(to).csv\""
                let danish = request.uri.queryParameters.get("danish_excel") == "true"
                return Response(
                    status: .ok, headers: headers,
                    body: .init(byteBuffer: ByteBuffer(string: ReviewOutput.csv(review, danish: danish))))
            }
            return Self.json(.ok, ReviewOutput.json(review, from: from, to: to))
        }
        router.get("review") { request, _ in
            _ = try require(request, .reviewer, .admin)
            let (review, from, to) = try review(request)
            let engine = engine
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            let html = review.html(from: from, to: to, rules: engine.rules, roster: engine.roster)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }

    /// The review for the query's period (`from`, `to`: dates, default this month so far) and filters.
    func review(_ request: Request) throws -> (Review, String, String) {
        let query = request.uri.queryParameters
        let today = Copenhagen.local(clock())
        let monthStart = String(Copenhagen.format(clock()).prefix(8)) + "01"
        let from = query.get("from") ?? monthStart
        let to = query.get("to") ?? String(format: "%04d-%02d-%02d", today.year, today.month, today.day)
        var problems: [(path: String, message: String)] = []
        let period = ReviewOutput.period(from: from, to: to)
        if period == nil {
            problems.append(("from", "from and to must be dates such as 2026-03-01, to not before from"))
        }
        let kind = query.get("kind").map { InstitutionKind(rawValue: $0) }
        if case .some(nil) = kind { problems.append(("kind", "unknown institution kind")) }
        if let area = query.get("area"), engine.rules.areas[area] == nil {
            problems.append(("area", "unknown area '\(area)'"))
        }
        if let administration = query.get("administration"), engine.roster.organisations[administration] == nil {
            problems.append(("administration", "unknown organisation '\(administration)'"))
        }
        guard problems.isEmpty, let period else {
            throw APIError(.badRequest, "bad query parameters", problems: problems)
        }
        let engine = engine
        let review = Review.compute(
            closures: try store.closures(), incidents: try store.reviewIncidents(in: period),
            filter: ReviewFilter(
                period: period, administration: query.get("administration"), area: query.get("area"),
                kind: kind ?? nil, vitalOnly: query.get("vital_only") == "true"),
            rules: engine.rules, roster: engine.roster, now: clock())
        return (review, from, to)
    }

    func closureJSON(_ c: ClosureRecord) -> JSONValue {
        .object([
            ("id", .number(Double(c.id))), ("institution", .string(c.institution)),
            ("institution_name", engine.roster.institutions[c.institution].map { .string($0.name) } ?? .null),
            ("from", .string(Copenhagen.format(c.from))), ("to", c.to.map { .string(Copenhagen.format($0)) } ?? .null),
            ("partial", .bool(c.partial)), ("reason", .string(c.reason.rawValue)),
            ("reason_text", .string(c.reasonText)),
            ("decided_by", .string(c.decidedBy)), ("incidents", .array(c.incidents.map(JSONValue.string))),
            ("vital", .bool(c.vital)), ("mitigations", .array(c.mitigations.map { .string($0.rawValue) })),
            ("near_miss", .bool(c.nearMiss)),
        ])
    }

    /// A time as RFC 3339 or Copenhagen wall-clock `YYYY-MM-DD HH:MM` / `YYYY-MM-DDTHH:MM` (as a form sends it).
    static func parseTime(_ text: String) -> Instant? {
        if let instant = Instant(rfc3339: text) { return instant }
        return LocalDateTime(parsing: text.replacingOccurrences(of: "T", with: " ")).map(Copenhagen.instant)
    }

    /// A closure record from the API's JSON, every problem listed by path.
    func decodeClosure(_ body: JSONValue) throws -> ClosureRecord {
        guard case .object(let members) = body else {
            throw APIError(
                .unprocessableContent, "the closure must be a JSON object", problems: [("$", "not an object")])
        }
        let known = [
            "institution", "from", "to", "partial", "reason", "reason_text", "decided_by", "incidents", "mitigations",
            "near_miss",
        ]
        var problems: [(path: String, message: String)] = members.filter { !known.contains($0.0) }.map {
            ("$.\($0.0)", "unknown field")
        }
        func string(_ key: String, required: Bool = true) -> String? {
            switch body[key] {
            case .string(let value)? where !value.isEmpty && value.codePointCount <= 4000: return value
            case nil where !required: return nil
            default:
                problems.append(("$.\(key)", required ? "required: a non-empty string" : "must be a non-empty string"))
                return nil
            }
        }
        func flag(_ key: String) -> Bool {
            switch body[key] {
            case .bool(let value)?: return value
            case nil: return false
            default:
                problems.append(("$.\(key)", "must be true or false"))
                return false
            }
        }
        func strings(_ key: String) -> [String] {
            switch body[key] {
            case nil: return []
            case .array(let items)?:
                let values = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
                if values.count == items.count { return values }
            default: break
            }
            problems.append(("$.\(key)", "must be an array of strings"))
            return []
        }
        let institution = string("institution")
        let registered = institution.flatMap { engine.roster.institutions[$0] }
        if institution != nil && registered == nil { problems.append(("$.institution", "unknown institution")) }
        let from = string("from").flatMap { text in
            Self.parseTime(text)
                ?? {
                    problems.append(("$.from", "must be a time, RFC 3339")); return nil
                }()
        }
        let to = string("to", required: false).flatMap { text in
            Self.parseTime(text)
                ?? {
                    problems.append(("$.to", "must be a time, RFC 3339")); return nil
                }()
        }
        if let from, let to, to < from { problems.append(("$.to", "is before from")) }
        let reason = string("reason").flatMap { text in
            ClosureReason(rawValue: text)
                ?? {
                    problems.append(("$.reason", "must be staff-safety, police-advice, damage or other"))
                    return nil
                }()
        }
        let reasonText = string("reason_text")
        let decidedBy = string("decided_by")
        let incidents = strings("incidents")
        let mitigations = strings("mitigations").compactMap { text in
            Mitigation(rawValue: text)
                ?? {
                    problems.append(("$.mitigations", "unknown mitigation '\(text)'"))
                    return nil
                }()
        }
        let partial = flag("partial")
        let nearMiss = flag("near_miss")
        guard problems.isEmpty, let institution, let registered, let from, let reason, let reasonText, let decidedBy
        else { throw APIError(.unprocessableContent, "the closure is invalid", problems: problems) }
        return ClosureRecord(
            institution: institution, from: from, to: to, partial: partial, reason: reason, reasonText: reasonText,
            decidedBy: decidedBy, incidents: incidents, vital: registered.vital, mitigations: mitigations,
            nearMiss: nearMiss)
    }
}
