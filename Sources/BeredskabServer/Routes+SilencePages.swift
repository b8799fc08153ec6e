import BeredskabEngine
import BeredskabRules
import BeredskabStore
import BeredskabTime
import BeredskabWeb
import Foundation
import HTTPTypes
import Hummingbird

/// The web side of silences (issue 13): `/silences` for reviewers (coordinators) and admins, its
/// create and expire forms, and what the board, the status page and every page's banner show.
/// A posted silence goes through the API's own checks (``decodeSilence(_:actor:at:)`` and
/// `Engine.check`), so the page and the API refuse the same things.
extension Routes {
    func addSilencePageRoutes(_ router: Router<BasicRequestContext>) {
        router.get("silences") { request, _ in
            let principal = try require(request, .reviewer, .admin)
            return page(request, principal, try silencesPage())
        }
        router.post("silences") { request, _ in
            var request = request
            let form = try await Self.formBody(&request)
            let principal = try require(request, [.reviewer, .admin], csrf: form.first("csrf"))
            return try silenceForm(request, principal, form)
        }
        router.post("silences/:id/expire") { request, context in
            var request = request
            let form = try await Self.formBody(&request)
            let principal = try require(request, [.reviewer, .admin], csrf: form.first("csrf"))
            guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.notFound("silence") }
            // Already expired (a second press, or it ran out meanwhile): nothing to do, back to the list.
            if try store.expireSilence(id: id, actor: principal.actor, at: clock()) == .unknown {
                throw APIError.notFound("silence \(id)")
            }
            return Self.redirect("/silences")
        }
    }

    /// The page with the active and pending silences and the form holding `values`.
    func silencesPage(
        values: SilencesPage.Values? = nil, errors: [SilencesPage.Field: FieldProblem] = [:]
    ) throws -> SilencesPage {
        let now = clock()
        let engine = engine
        let rows = try store.silences(states: [.active, .pending], at: now).map { silence in
            SilenceRow(
                id: silence.id, guidelineTitle: silence.guideline.map { engine.rules.guideline($0)?.title ?? $0 },
                category: silence.category, areaName: silence.area.map { engine.rules.areas[$0]?.name ?? $0 },
                startsAt: silence.startsAt, endsAt: silence.effectiveEnd,
                pending: silence.state(at: now) == .pending, reason: silence.reason, createdBy: silence.createdBy,
                critical: criticalTitles(silence))
        }
        let guidelines = engine.rules.guidelines.map {
            GuidelineOption(id: $0.id.value, title: $0.title, critical: $0.priority == .critical)
        }.sorted { ($0.title, $0.id) < ($1.title, $1.id) }
        return SilencesPage(
            silences: rows, guidelines: guidelines, areas: areaOptions(),
            values: values ?? SilencesPage.Values(startsAt: WebTime.dateTimeLocal(now)), errors: errors)
    }

    /// The titles of the `critical` guidelines a silence covers.
    func criticalTitles(_ silence: Silence) -> [String] {
        engine.guidelinesCovered(by: silence).compactMap { id in
            engine.rules.guideline(id).flatMap { $0.priority == .critical ? $0.title : nil }
        }
    }

    /// The silences covering `critical` guidelines active now, for the banner on every signed-in
    /// page: one indexed query (`activeSilences`). A store fault leaves the banner out rather than
    /// failing the page (the `/silences` page and the API still show them).
    func criticalSilenceBanners() -> [CriticalSilence] {
        guard let active = try? store.activeSilences(at: clock()) else { return [] }
        return active.sorted { $0.id < $1.id }.compactMap { silence in
            let critical = criticalTitles(silence)
            guard !critical.isEmpty else { return nil }
            return CriticalSilence(
                guidelines: critical, areaName: silence.area.map { engine.rules.areas[$0]?.name ?? $0 },
                endsAt: silence.effectiveEnd, reason: silence.reason)
        }
    }

    /// The create form sent: turned into the API's JSON body and checked as the API checks it;
    /// created and answered with the list, or shown again (422) with each problem by its field.
    func silenceForm(_ request: Request, _ principal: Principal, _ form: [String: [String]]) throws -> Response {
        let now = clock()
        let values = SilencesPage.Values(
            guideline: form.first("guideline") ?? "", category: form.first("category") ?? "",
            area: form.first("area") ?? "", startsAt: form.first("starts_at") ?? "",
            endsAt: form.first("ends_at") ?? "", duration: form.first("duration") ?? "",
            reason: form.first("reason") ?? "", confirmCritical: form.first("confirm_critical") != nil)
        var errors: [SilencesPage.Field: FieldProblem] = [:]
        // What is missing or not a choice is noted here and left out of (or stood in for in) the
        // body, so that the API's checks still see every other field and all problems show at once.
        var body: [(String, JSONValue)] = [("confirm_critical", .bool(values.confirmCritical))]
        if values.reason.isEmpty { errors[.reason] = .required }
        body.append(("reason", .string(values.reason.isEmpty ? "-" : values.reason)))
        if !values.category.isEmpty && Category(rawValue: values.category) == nil { errors[.category] = .unknownChoice }
        for (key, text) in [("guideline", values.guideline), ("category", values.category), ("area", values.area)]
        where !text.isEmpty && !(key == "category" && errors[.category] != nil) {
            body.append((key, .string(text)))
        }
        var startsAt = now
        if !values.startsAt.isEmpty {
            if let time = WebTime.parseDateTimeLocal(values.startsAt) {
                startsAt = time
                body.append(("starts_at", .string(Copenhagen.format(time))))
            } else {
                errors[.startsAt] = .invalidDateTime
            }
        }
        // An end, or a duration from the start: one of them, not both.
        var endsAt: Instant?
        switch (values.endsAt.isEmpty, values.duration.isEmpty) {
        case (false, false):
            errors[.duration] = SilencesPage.endOrDuration
        case (false, true):
            endsAt = WebTime.parseDateTimeLocal(values.endsAt)
            if endsAt == nil { errors[.endsAt] = .invalidDateTime }
        case (true, false):
            if let hours = Int(values.duration), SilencesPage.durations.contains(hours) {
                endsAt = startsAt.adding(hours * 3600)
            } else {
                errors[.duration] = .unknownChoice
            }
        case (true, true):
            errors[.endsAt] = .required
        }
        // Without a usable end, an hour stands in for it so that the other fields are still checked
        // (and their problems shown at once); the end's own problem is already noted.
        body.append(("ends_at", .string(Copenhagen.format(endsAt ?? startsAt.adding(3600)))))
        func field(_ path: String) -> SilencesPage.Field {
            let name = String(path.dropFirst(2))
            if name == "ends_at" && values.endsAt.isEmpty && !values.duration.isEmpty { return .duration }
            return SilencesPage.Field(rawValue: name) ?? .reason
        }
        func note(_ problems: [(path: String, message: String)]) {
            for problem in problems where errors[field(problem.path)] == nil {
                errors[field(problem.path)] =
                    problem.message.hasPrefix("required")
                    ? .required : .custom(da: problem.message, en: problem.message)
            }
        }
        var silence: Silence?
        do {
            silence = try decodeSilence(.object(body), actor: principal.actor, at: now)
        } catch let error as APIError {
            note(error.problems)
        }
        if let silence {
            let check = engine.check(silence, now: now)
            if check.problems.isEmpty && errors.isEmpty {
                _ = try store.createSilence(silence, critical: check.critical)
                return Self.redirect("/silences")
            }
            if check.problems.contains(where: { $0.path == "$.confirm_critical" }) {
                errors[.confirmCritical] = SilencesPage.unconfirmedCritical(criticalTitles(silence))
            }
            note(check.problems.map { ($0.path, $0.message) })
        }
        return page(request, principal, try silencesPage(values: values, errors: errors))
    }
}
