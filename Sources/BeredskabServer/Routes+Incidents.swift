import BeredskabEngine
import BeredskabRules
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird

extension Routes {
    func addIncidentRoutes(_ router: Router<BasicRequestContext>) {
        let api = router.group("api/v1/incidents")
        api.post { request, _ in try await intake(request) }
        api.get { request, _ in try listIncidents(request) }
        api.get(":id") { request, context in
            let (principal, incident, _, tier) = try visible(request, context)
            return Self.json(.ok, try incidentJSON(incident, tier: tier, principal: principal))
        }
        api.get(":id/status") { request, context in
            let (_, incident, notifications, _) = try visible(request, context)
            // A report merged into another incident follows that incident's alerts.
            let target = try followMerge(incident)
            if target.id != incident.id {
                return Self.json(.ok, statusJSON(target, try store.notifications(incident: target.id)))
            }
            return Self.json(.ok, statusJSON(incident, notifications))
        }
        api.get(":id/timeline") { request, context in
            let (principal, incident, notifications, _) = try visible(request, context)
            // Who was sent what, and how delivery went: for those alerted, reviewers and admins.
            guard principal.seesAll || principal.wasAlerted(notifications, engine: engine) else {
                throw APIError(.forbidden, "the timeline is for those alerted about the incident, reviewers and admins")
            }
            return Self.json(.ok, try timelineJSON(incident))
        }
        api.get(":id/tasks") { request, context in
            let (_, incident, _, _) = try visible(request, context)
            return Self.json(
                .ok, .object([("tasks", .array(try store.tasks(incident: incident.id).map(Self.taskJSON)))]))
        }
        api.get(":id/cap") { request, context in
            let (_, incident, _, _) = try visible(request, context)
            return try capResponse(incident)
        }
        api.post(":id/updates") { request, context in
            var request = request
            let (principal, incident, notifications, _) = try visible(
                request, context, roles: [.reporter, .responder, .admin])
            guard principal.mayUpdate(incident, notifications: notifications, engine: engine) else {
                throw APIError(.forbidden, "updates come from the reporting organisation, those alerted, or an admin")
            }
            let body = try await Self.jsonBody(&request)
            let update = try Self.decodeUpdate(body, actor: principal.actor, at: clock())
            // An update of a report that was merged changes the incident everyone follows.
            let target = try addUpdate(update, to: incident)
            let updated = try store.incident(id: incident.id) ?? incident
            var answer = try incidentJSON(updated, tier: .situation, principal: principal)
            if case .object(var fields) = answer {
                fields.append(("applied_to", .string(target.id)))
                answer = .object(fields)
            }
            return Self.json(.created, answer)
        }
        api.post(":id/ack") { request, context in
            let (principal, incident, _, _) = try visible(request, context, roles: [.responder])
            guard let person = principal.person else {
                throw APIError(
                    .forbidden, "acknowledging needs a person: use a token made with --person, or sign in")
            }
            let engine = engine
            let count = try store.acknowledge(
                incident: incident.id, person: person, actor: principal.actor, at: clock(),
                stops: { engine.acknowledgementStops(roles: $0.roles, guidelines: $0.guidelines) })
            return Self.json(
                .ok, .object([("incident", .string(incident.id)), ("acknowledged", .number(Double(count)))]))
        }
        api.post(":id/tasks/:task") { request, context in
            var request = request
            let (principal, incident, notifications, _) = try visible(request, context, roles: [.responder, .admin])
            let body = try await Self.jsonBody(&request)
            // Like every other body: a field Beredskab does not know is refused, not ignored.
            if case .object(let pairs) = body, let unknown = pairs.first(where: { $0.0 != "status" }) {
                throw APIError(
                    .unprocessableContent, "the task update is invalid",
                    problems: [("$.\(unknown.0)", "unknown field; a task update has only \"status\"")])
            }
            guard case .string(let status)? = body["status"], status == "done" || status == "open" else {
                throw APIError(
                    .unprocessableContent, "say whether the task is done",
                    problems: [("$.status", "must be \"done\" or \"open\"")])
            }
            guard let id = context.parameters.get("task").flatMap(Int64.init),
                let planned = try store.tasks(incident: incident.id).first(where: { $0.id == id })
            else { throw APIError.notFound("task") }
            // A task is marked by someone alerted in its role (or an admin), not by anyone who can see the incident.
            let persons = Set(principal.notifiedPersons(in: engine))
            guard
                principal.can(.admin)
                    || notifications.contains(where: { persons.contains($0.person) && $0.roles.contains(planned.role) })
            else {
                throw APIError(.forbidden, "only someone alerted as '\(planned.role)' can mark this task")
            }
            guard
                let task = try store.setTask(
                    incident: incident.id, task: id, done: status == "done", actor: principal.actor, at: clock())
            else { throw APIError.notFound("task") }
            return Self.json(.ok, Self.taskJSON(task))
        }
    }

    /// The incident in the path if the principal may see it (404 otherwise, so ids of others'
    /// incidents are not revealed), with its notifications and the tier the principal may see.
    func visible(
        _ request: Request, _ context: BasicRequestContext, roles: [AccessRole] = [], csrf: String? = nil
    ) throws -> (Principal, IncidentRecord, [StoredNotification], ContentTier) {
        let principal = try require(request, csrf: csrf)
        if !roles.isEmpty && !principal.can(roles) {
            throw APIError(.forbidden, "this needs the role \(roles.map(\.rawValue).joined(separator: " or "))")
        }
        let raw = context.parameters.get("id") ?? ""
        let id = raw.removingPercentEncoding ?? raw
        guard let incident = try store.incident(id: id) else { throw APIError.notFound("incident '\(id)'") }
        let notifications = try store.notifications(incident: id)
        guard let tier = principal.tier(of: incident, notifications: notifications, engine: engine) else {
            throw APIError.notFound("incident '\(id)'")
        }
        return (principal, incident, notifications, tier)
    }

    func listIncidents(_ request: Request) throws -> Response {
        let principal = try require(request)
        let query = request.uri.queryParameters
        var filter = IncidentFilter()
        var problems: [(path: String, message: String)] = []
        if let status = query.get("status") {
            if ["open", "closed", "all"].contains(status) {
                filter.status = status
            } else {
                problems.append(("status", "must be open, closed or all"))
            }
        }
        if let area = query.get("area") {
            if engine.rules.areas[area] != nil {
                filter.area = area
            } else {
                problems.append(("area", "unknown area '\(area)'"))
            }
        }
        if let severity = query.get("severity") {
            if let value = IncidentSeverity(rawValue: severity) {
                filter.severity = value
            } else {
                problems.append(("severity", "must be minor, moderate, severe or extreme"))
            }
        }
        if let category = query.get("category") {
            if let value = Category(rawValue: category) {
                filter.category = value
            } else {
                problems.append(("category", "unknown category '\(category)'"))
            }
        }
        if let limit = query.get("limit") {
            if let value = Int(limit), (1...1000).contains(value) {
                filter.limit = value
            } else {
                problems.append(("limit", "must be a whole number from 1 to 1000"))
            }
        }
        guard problems.isEmpty else { throw APIError(.badRequest, "bad query parameters", problems: problems) }
        let incidents = try store.incidents(principal.restrict(filter, engine: engine))
        return Self.json(
            .ok,
            .object([
                (
                    "incidents",
                    .array(try incidents.map { try incidentJSON($0, tier: .situation, principal: principal) })
                )
            ]))
    }

    /// An incident as the API shows it; `persons` only in the personal tier, and reading them is audited.
    func incidentJSON(_ incident: IncidentRecord, tier: ContentTier, principal: Principal) throws -> JSONValue {
        let report = (try? JSONValue.parse(Array(incident.reportJSON.utf8))) ?? .null
        let updates = try store.updates(incident: incident.id)
        var fields: [(String, JSONValue)] = [
            ("id", .string(incident.id)), ("organisation", .string(incident.organisation)),
            ("status", .string(incident.closedAt == nil ? "open" : "closed")),
            ("received_at", .string(Copenhagen.format(incident.receivedAt))),
            ("occurred_at", .string(Copenhagen.format(incident.occurredAt))),
            ("category", .string(incident.category.rawValue)), ("severity", .string(incident.severity.rawValue)),
            ("area", incident.area.map(JSONValue.string) ?? .null),
            ("area_name", incident.area.flatMap { engine.rules.areas[$0]?.name }.map(JSONValue.string) ?? .null),
            ("address", report["location"]?["address"] ?? .null), ("location", locationJSON(incident, report: report)),
            ("description", report["description"] ?? .null),
            // The incident's flags now: its report's and those of reports merged into it.
            (
                "flags",
                .object(IncidentFlag.allCases.filter(incident.flags.contains).map { ($0.rawValue, .bool(true)) })
            ),
            ("merged_into", incident.mergedInto.map(JSONValue.string) ?? .null),
            ("closed_at", incident.closedAt.map { .string(Copenhagen.format($0)) } ?? .null),
            ("acknowledged", .bool(incident.acknowledged)), ("escalation", .string(incident.escalation)),
            ("seen", .bool(incident.seen)), ("cap_status", .string(incident.capStatus)),
            ("exercise", .bool(incident.exercise)),
            ("updates", .array(updates.map(Self.updateJSON))),
            // Guidelines its reports matched while a coordinator's silence covered them (nothing was
            // sent for them), unless they fired for it since.
            (
                "silenced",
                .array(
                    try store.silenced(incident: incident.id).filter { !$0.firedSince }.map {
                        .object([
                            ("guideline", .string($0.guideline)), ("silence", .number(Double($0.silence))),
                            ("reason", .string($0.reason)), ("report", .string($0.report)),
                        ])
                    })
            ),
        ]
        if tier == .personal {
            // The incident's personal details: its own report's persons and those of reports merged into it.
            var persons: [JSONValue] = []
            if case .array(let own)? = report["persons"] { persons += own }
            for merged in try store.mergedReports(into: incident.id) {
                let json = (try? JSONValue.parse(Array(merged.utf8))) ?? .null
                if case .array(let more)? = json["persons"] { persons += more }
            }
            fields.append(("persons", .array(persons)))
            try store.appendAudit(
                actor: principal.actor, action: "personal-details-read", incident: incident.id,
                detail: "persons of the report shown through the API", at: clock())
        }
        return .object(fields)
    }

    static func updateJSON(_ update: IncidentUpdate) -> JSONValue {
        .object([
            ("at", .string(Copenhagen.format(update.at))), ("kind", .string(update.kind.rawValue)),
            ("text", .string(update.text)), ("severity", update.severity.map { .string($0.rawValue) } ?? .null),
        ])
    }

    static func taskJSON(_ task: StoredTask) -> JSONValue {
        .object([
            ("id", .number(Double(task.id))), ("text", .string(task.text)), ("role", .string(task.role)),
            ("guideline", .string(task.guideline)), ("due_at", .string(Copenhagen.format(task.dueAt))),
            ("status", .string(task.status)), ("done_at", task.doneAt.map { .string(Copenhagen.format($0)) } ?? .null),
        ])
    }

    /// Who has been told, by role (in the order they were planned), how many people, and whether
    /// any of them acknowledged: what the reporter's page shows.
    func notifiedByRole(
        _ notifications: [StoredNotification]
    ) -> [(role: String, name: String, count: Int, acknowledged: Bool)] {
        var order: [String] = []
        var groups: [String: (persons: Set<String>, acknowledged: Bool)] = [:]
        for n in notifications where n.kind == "notification" || n.kind == "escalation" {
            let role = n.roles.first ?? ""
            if groups[role] == nil { order.append(role) }
            groups[role, default: ([], false)].persons.insert(n.person)
            if n.ackKind == "acknowledged" { groups[role]!.acknowledged = true }
        }
        let engine = engine
        return order.map { role in
            let name = role == "reporter" ? "Anmelderens egen organisation" : engine.rules.roles[role]?.name ?? role
            return (role, name, groups[role]!.persons.count, groups[role]!.acknowledged)
        }
    }

    func statusJSON(_ incident: IncidentRecord, _ notifications: [StoredNotification]) -> JSONValue {
        .object([
            ("incident", .string(incident.id)), ("status", .string(incident.closedAt == nil ? "open" : "closed")),
            ("acknowledged", .bool(incident.acknowledged)),
            (
                "notified",
                .array(
                    notifiedByRole(notifications).map { group in
                        .object([
                            ("role", .string(group.role)), ("role_name", .string(group.name)),
                            ("count", .number(Double(group.count))), ("acknowledged", .bool(group.acknowledged)),
                        ])
                    })
            ),
        ])
    }

    func timelineJSON(_ incident: IncidentRecord) throws -> JSONValue {
        let plan = (try? JSONValue.parse(Array(incident.planJSON.utf8))) ?? .null
        let events = try store.timeline(incident: incident.id)
        return .object([
            (
                "plan",
                .object([
                    ("fired", plan["fired"] ?? .array([])), ("notifications", Self.safeNotifications(plan)),
                    ("tasks", plan["tasks"] ?? .array([])), ("escalations", plan["escalations"] ?? .array([])),
                    ("watches", plan["watches"] ?? .array([])),
                ])
            ),
            (
                "events",
                .array(
                    events.map {
                        .object([
                            ("at", .string(Copenhagen.format($0.at))), ("kind", .string($0.kind)),
                            ("text", .string($0.text)),
                        ])
                    })
            ),
        ])
    }

    static func decodeUpdate(_ body: JSONValue, actor: String, at: Instant) throws -> IncidentUpdate {
        guard case .object(let members) = body else {
            throw APIError(
                .unprocessableContent, "the update must be a JSON object", problems: [("$", "not an object")])
        }
        var problems: [(path: String, message: String)] = []
        for (key, _) in members where !["kind", "text", "severity"].contains(key) {
            problems.append(("$.\(key)", "unknown field"))
        }
        var kind: IncidentUpdate.Kind?
        if case .string(let text)? = body["kind"], let value = IncidentUpdate.Kind(rawValue: text), value != .report {
            kind = value
        } else {
            problems.append(("$.kind", "must be \"information\", \"severity\" or \"all_clear\""))
        }
        var text = ""
        switch body["text"] {
        case .string(let value)? where value.codePointCount <= 4000: text = value
        case nil: break
        default: problems.append(("$.text", "must be a string of at most 4000 characters"))
        }
        var severity: IncidentSeverity?
        if let value = body["severity"] {
            if case .string(let name) = value, let parsed = IncidentSeverity(rawValue: name) {
                severity = parsed
            } else {
                problems.append(("$.severity", "must be minor, moderate, severe or extreme"))
            }
        }
        if kind == .severity && severity == nil && body["severity"] == nil {
            problems.append(("$.severity", "a severity update needs the new severity"))
        }
        if kind == .information && text.isEmpty { problems.append(("$.text", "say what the new information is")) }
        guard problems.isEmpty, let kind else {
            throw APIError(.unprocessableContent, "the update is invalid", problems: problems)
        }
        return IncidentUpdate(
            at: at, actor: actor, kind: kind, text: text, severity: kind == .severity ? severity : nil)
    }

    /// The incident a report ended up in: itself, or the incident it was merged into (followed
    /// through a chain of merges, stopping at the last one that exists).
    func followMerge(_ incident: IncidentRecord) throws -> IncidentRecord {
        var current = incident
        var visited: Set<String> = [incident.id]
        while let next = current.mergedInto {
            guard visited.insert(next).inserted, let target = try store.incident(id: next) else { return current }
            current = target
        }
        return current
    }

    /// Stores an update and tells everyone already alerted about the incident — those whose alert
    /// was delivered, not those still waiting for a delayed one. An update of a merged report goes
    /// to the incident it was merged into. An all clear also ends everything still waiting (docs/plan.md).
    /// Returns the incident the update was applied to.
    @discardableResult
    func addUpdate(_ update: IncidentUpdate, to reported: IncidentRecord) throws -> IncidentRecord {
        let incident = try followMerge(reported)
        // After the all clear only the all clear itself goes out: a closed incident takes no more updates.
        if incident.closedAt != nil {
            throw APIError(
                .conflict,
                update.kind == .allClear
                    ? "incident '\(incident.id)' is already closed"
                    : "incident '\(incident.id)' is closed (all clear); nothing more is sent about it — report anew if it starts again"
            )
        }
        let engine = engine
        let key: MessageCatalogue.Key
        switch update.kind {
        case .information, .report: key = .updateInformation
        case .severity: key = .updateSeverity
        case .allClear: key = .updateAllClear
        }
        let messages = options.messages
        // In each recipient's language (docs/messages.md).
        let message = { (language: Language) -> String in
            let via =
                reported.id == incident.id ? "" : messages.text(.updateVia, in: language, ["report": reported.id])
            return messages.text(
                key, in: language,
                [
                    "severity": update.severity?.rawValue ?? "", "incident": incident.id, "via": via,
                    "text": update.text,
                ])
        }
        var told = Set<String>()
        var notify: [PlannedNotification] = []
        // The all clear also reaches the institutions' leaders asked whether they stay open.
        let kinds: Set<String> =
            update.kind == .allClear ? ["notification", "escalation", "watch"] : ["notification", "escalation"]
        for n in try store.notifications(incident: incident.id)
        where kinds.contains(n.kind) && n.status == "delivered" && told.insert(n.person).inserted {
            if let guideline = n.guidelines.first,
                let planned = engine.notification(
                    to: n.person, as: n.roles.first ?? "", at: update.at, guideline: guideline, message: message)
            {
                notify.append(planned)
            }
        }
        // A raised severity may make more guidelines fire: evaluate the report again with it, and
        // with every flag the incident has gathered from merged reports.
        var replan: ((IncidentHistory) -> Plan)?
        if update.kind == .severity, let severity = update.severity, severity > incident.severity,
            case .success(var report) = IncidentReport.decode(
                Array(incident.reportJSON.utf8), rules: engine.rules, roster: engine.roster)
        {
            report.severity = severity
            report.flags.formUnion(incident.flags)
            let reported = report
            replan = { history in engine.evaluate(reported, history: history, at: update.at, mergeDuplicates: false) }
        }
        let newlyFired = try store.addUpdate(update, incident: incident.id, notify: notify, replan: replan)
        if !notify.isEmpty || !newlyFired.isEmpty { doorbell?.ring() }
        return incident
    }
}
