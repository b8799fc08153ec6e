import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird

extension Routes {
    /// `POST /api/v1/incidents`: a report as JSON (docs/report.md) or a CAP 1.2 alert (docs/cap.md).
    func intake(_ request: Request) async throws -> Response {
        var request = request
        let principal = try require(request, .reporter, .admin)
        let type = request.headers[.contentType]?.lowercased() ?? "application/json"
        if type.hasPrefix("application/cap+xml") || type.hasPrefix("application/xml") || type.hasPrefix("text/xml") {
            // Only UTF-8, as for JSON: a body said to be Latin-1 would be read as something else.
            if let declared = request.headers[.contentType] {
                do { try Self.refuseCharset(declared) } catch {
                    metrics.reportReceived("rejected")
                    throw error
                }
            }
            let bytes = try await Self.body(&request, limit: options.capMaximumBytes)
            // JSON sent as XML would otherwise be "not well-formed XML: the document is empty".
            if let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }),
                first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
            {
                metrics.reportReceived("rejected")
                throw APIError(
                    .unsupportedMediaType,
                    "the body is JSON but was sent as \(type.split(separator: ";").first ?? ""); send a report as application/json",
                    problems: [("Content-Type", "application/json for a report, application/cap+xml for a CAP alert")])
            }
            return try await capIntake(bytes, principal: principal)
        }
        guard type.hasPrefix("application/json") else {
            metrics.reportReceived("rejected")
            throw APIError(
                .unsupportedMediaType,
                "send the report as application/json (docs/report.md) or a CAP 1.2 alert as application/cap+xml")
        }
        if let declared = request.headers[.contentType] {
            do { try Self.refuseCharset(declared) } catch {
                metrics.reportReceived("rejected")
                throw error
            }
        }
        let bytes = try await Self.body(&request, limit: options.bodyLimits.report)
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            metrics.reportReceived("rejected")
            throw APIError(.badRequest, "not valid JSON: \(error)", problems: [("$", "not valid JSON: \(error)")])
        }
        return try await accept(json, raw: String(decoding: bytes, as: UTF8.self), principal: principal)
    }

    /// Decodes, checks and durably accepts a report; the answer is the plan summary.
    /// `status` is CAP's for a report from a CAP alert: only `actual` (every JSON report) alerts anyone.
    func accept(
        _ json: JSONValue, raw: String, principal: Principal, status: String = "actual", notes: [String] = []
    ) async throws
        -> Response
    {
        let engine = engine
        do { try Self.refuseControlCharacters(json) } catch {
            metrics.reportReceived("rejected")
            throw error
        }
        var json = json
        var raw = raw
        if case .string(let id)? = json["id"], case .string(let organisation)? = json["reporter"]?["organisation"] {
            let scoped = try scopedID(id, organisation: organisation, organisations: engine.roster.organisations.keys)
            if scoped != id, case .object(var pairs) = json {
                pairs = pairs.map { $0.0 == "id" ? ("id", .string(scoped)) : $0 }
                json = .object(pairs)
                raw = json.prettyText
            }
        }
        let report: IncidentReport
        switch IncidentReport.decode(json, rules: engine.rules, roster: engine.roster) {
        case .success(let decoded): report = decoded
        case .failure(let invalid):
            metrics.reportReceived("rejected")
            throw APIError(
                .unprocessableContent, "the report is invalid", problems: invalid.problems.map { ($0.path, $0.message) }
            )
        }
        guard report.reporter.organisation == principal.organisation || principal.can(.admin) else {
            metrics.reportReceived("rejected")
            throw APIError(
                .forbidden,
                "this token belongs to '\(principal.organisation)', but the report names '\(report.reporter.organisation)' as reporter"
            )
        }
        let outcome = try await acceptReport(
            report, raw: raw, organisation: report.reporter.organisation, status: status, notes: notes)
        switch outcome {
        case .accepted(let incident):
            // Exercises are counted apart, so /metrics for real reports never includes a drill.
            metrics.reportReceived(status != "actual" ? "recorded" : report.exercise ? "exercise" : "accepted")
            if status == "actual", case .array(let silenced)? = incident.plan?["silenced"], !silenced.isEmpty {
                metrics.reportSilenced()
            }
            return Self.json(
                .created, Self.summary(incident, status: status),
                headers: [.location: "/api/v1/incidents/\(incident.id)"])
        case .replayed(let incident):
            metrics.reportReceived("replayed")
            var headers = HTTPFields()
            headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
            let stored = try store.incident(id: incident.id)?.capStatus ?? "actual"
            return Self.json(.ok, Self.summary(incident, status: stored), headers: headers)
        case .idTaken:
            // Only for an id stored before ids were scoped; says nothing about whose it is.
            metrics.reportReceived("rejected")
            throw APIError(
                .conflict,
                "the id '\(report.id)' cannot be used; start your ids with '\(report.reporter.organisation):'")
        }
    }

    /// The organisation an id belongs to: the longest organisation id it starts with, followed by
    /// ':' or '-' (`fsb:2026-000412`, `natteravnene-20260314-2305`); nil for none.
    static func owner(ofID id: String, organisations: some Sequence<String>) -> String? {
        organisations.filter { id.hasPrefix($0 + ":") || id.hasPrefix($0 + "-") }.max { $0.count < $1.count }
    }

    /// The id a report of `organisation` is stored under, so two organisations never share one:
    /// the sent id when it belongs to the organisation (``owner(ofID:organisations:)``) or the
    /// organisation stored it before ids were scoped; otherwise the id behind `<organisation>:`.
    /// Which ids other organisations use is never looked at.
    func scopedID(_ id: String, organisation: String, organisations: some Sequence<String>) throws -> String {
        if Self.owner(ofID: id, organisations: organisations) == organisation { return id }
        if let stored = try store.incident(id: id), stored.organisation == organisation { return id }
        return "\(organisation):\(id)"
    }

    /// Commits a decoded report with its plan (group commit) and rings the dispatcher.
    /// `notes` (how a CAP alert was read) join the plan's problems, kind `cap`.
    func acceptReport(
        _ report: IncidentReport, raw: String, organisation: String, status: String = "actual", notes: [String] = []
    ) async throws -> AcceptOutcome {
        let now = clock()
        let engine = engine
        var request =
            AcceptRequest(
                report: report, raw: raw, organisation: organisation, at: now,
                plan: { history in
                    var plan = engine.evaluate(report, history: history, at: now)
                    plan.problems += notes.map { PlanProblem(kind: "cap", message: $0) }
                    return plan
                },
                watchRequest: { institution, watch, incident in
                    Self.watchRequest(
                        engine, institution, watch, incident: incident, at: now, messages: options.messages)
                },
                mergeNotice: { incident, alerted in
                    Self.mergeNotice(
                        engine, report, into: incident, alerted: alerted, at: now, messages: options.messages)
                })
        request.status = status
        let outcome = try await commits.accept(request)
        if case .accepted = outcome { doorbell?.ring() }
        return outcome
    }

    /// The message asking an institution's leader to confirm whether it is open, in the leader's language.
    static func watchRequest(
        _ engine: Engine, _ institutionID: String, _ watch: PlannedWatch, incident: String, at: Instant,
        messages: MessageCatalogue = .standard
    ) -> PlannedNotification? {
        guard let institution = engine.roster.institutions[institutionID], let leader = institution.leader?.value else {
            return nil
        }
        let deadline = WeeklyWindow.clock(Copenhagen.local(watch.confirmBy).minutes)
        let values = ["incident": incident, "deadline": deadline, "institution": institution.name]
        return engine.notification(
            to: leader, as: "leder:\(institutionID)", at: at, guideline: watch.guideline,
            message: { messages.text(.watchRequest, in: $0, values) })
    }

    /// The update telling those already alerted about an incident that another report joined it:
    /// its facts in the situation text, and its persons as personal details to those whose own
    /// alert was personal tier (authorities only, §115).
    static func mergeNotice(
        _ engine: Engine, _ report: IncidentReport, into incident: String, alerted: [StoredNotification], at: Instant,
        messages: MessageCatalogue = .standard
    ) -> [PlannedNotification] {
        let reporter = engine.roster.organisations[report.reporter.organisation]?.name ?? report.reporter.organisation
        let description = report.description.map { ": \($0)" } ?? ""
        return alerted.compactMap { n in
            guard let guideline = n.guidelines.first,
                var planned = engine.notification(
                    to: n.person, as: n.roles.first ?? "", at: at, guideline: guideline,
                    message: { language in
                        messages.text(
                            .reportJoined, in: language,
                            [
                                "incident": incident, "description": description,
                                "facts": MessageText.facts(report, reporter: reporter, in: language),
                            ])
                    })
            else { return nil }
            if n.tier == .personal, let details = engine.personalDetails(report, language: planned.language) {
                planned.tier = .personal
                planned.details = details
            }
            return planned
        }
    }

    /// What the reporter hears back: the plan without personal details or message texts.
    static func summary(_ incident: StoredIncident, status: String = "actual") -> JSONValue {
        let plan = incident.plan ?? (try? JSONValue.parse(Array(incident.planJSON.utf8))) ?? .null
        func count(_ key: String) -> JSONValue {
            if case .array(let items)? = plan[key] { return .number(Double(items.count)) }
            return .number(0)
        }
        let pairs: [(String, JSONValue)] = [
            ("incident", .string(incident.id)), ("status", .string("accepted")),
            // A CAP Test, Exercise, System or Draft message is recorded and alerts nobody.
            // An exercise is dispatched, marked, and reads as CAP status Exercise, as its export does.
            ("cap_status", .string(plan["exercise"] == .bool(true) ? "exercise" : status)),
            ("dispatched", .bool(status == "actual")),
            ("received_at", .string(Copenhagen.format(incident.receivedAt))),
            ("area", plan["incident"]?["area"] ?? .null), ("merged_into", plan["merged_into"] ?? .null),
            ("merge", plan["merge"] ?? .null), ("fired", plan["fired"] ?? .array([])),
            ("already_fired", plan["already_fired"] ?? .array([])), ("suppressed", plan["suppressed"] ?? .array([])),
            ("silenced", plan["silenced"] ?? .array([])),
            ("notified", safeNotifications(plan)), ("tasks", count("tasks")), ("watches", count("watches")),
            ("escalations", count("escalations")), ("problems", plan["problems"] ?? .array([])),
        ]
        let exercise: [(String, JSONValue)] = [
            ("exercise", plan["exercise"] ?? .bool(false)), ("left_out", plan["left_out"] ?? .array([])),
        ]
        return .object(pairs + exercise)
    }

    /// A plan's notifications without message texts or personal details.
    static func safeNotifications(_ plan: JSONValue) -> JSONValue {
        guard case .array(let items)? = plan["notifications"] else { return .array([]) }
        return .array(
            items.map { item in
                .object(["person", "name", "roles", "channel", "tier", "send_at"].map { ($0, item[$0] ?? .null) })
            })
    }
}
