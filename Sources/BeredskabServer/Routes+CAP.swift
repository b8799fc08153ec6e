import BeredskabCAP
import BeredskabEngine
import BeredskabRules
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird

extension Routes {
    /// A CAP 1.2 alert sent to `POST /api/v1/incidents` (docs/cap.md): an Alert becomes a report; an
    /// Update or Cancel whose `references` name one of the sender's incidents updates or closes it.
    func capIntake(_ bytes: [UInt8], principal: Principal) async throws -> Response {
        let engine = engine
        let alert: CAPAlert
        switch CAPAlert.parse(
            bytes, organisation: principal.organisation, rules: engine.rules,
            unknownSeverity: options.capUnknownSeverity, maximumBytes: options.capMaximumBytes)
        {
        case .success(let parsed): alert = parsed
        case .failure(let error):
            metrics.reportReceived("rejected")
            throw APIError(
                error.kind == .malformed ? .badRequest : .unprocessableContent, error.message,
                problems: error.problems.map { ($0.path, $0.message) })
        }
        switch alert.messageType {
        case .alert:
            guard let report = alert.report else {
                throw APIError(.unprocessableContent, "the alert has no info block to report")
            }
            // One of our own exports (`beredskab-<id>`) posted back is that incident, not a new one.
            if alert.identifier.hasPrefix("beredskab-"),
                let incident = try ownIncident(identifier: alert.identifier, principal: principal)
            {
                metrics.reportReceived("replayed")
                var headers = HTTPFields()
                headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
                return Self.json(
                    .ok, try incidentJSON(incident, tier: .situation, principal: principal), headers: headers)
            }
            // An Exercise is a drill: it goes through the path as an exercise incident, every message
            // marked. Test, System and Draft are recorded and alert nobody (CAP: Test is technical
            // testing that all recipients disregard; an Exercise is for its designated participants).
            if alert.status == .exercise {
                return try await accept(
                    Self.asExercise(report), raw: Self.asExercise(report).prettyText, principal: principal,
                    notes: alert.notes + ["CAP status Exercise: an exercise, every message marked ØVELSE / EXERCISE"])
            }
            return try await accept(
                report, raw: report.prettyText, principal: principal, status: alert.status.rawValue, notes: alert.notes)
        case .update, .cancel:
            // A Test, System or Draft message must never change what happens to an incident; an
            // Exercise one changes only exercises (capUpdate), an Actual one only real incidents.
            guard alert.status == .actual || alert.status == .exercise else {
                metrics.reportReceived("rejected")
                throw APIError(
                    .unprocessableContent,
                    "only Actual and Exercise Update and Cancel messages change incidents; this \(alert.status.rawValue.capitalized) message changes nothing",
                    problems: [("/alert/status", "is \(alert.status.rawValue.capitalized), not Actual or Exercise")])
            }
            return try await capUpdate(alert, principal: principal)
        case .ack, .error:
            metrics.reportReceived("rejected")
            throw APIError(
                .unprocessableContent,
                "Beredskab takes CAP Alert, Update and Cancel messages, not \(alert.messageType.rawValue)",
                problems: [("/alert/msgType", "must be Alert, Update or Cancel")])
        }
    }

    /// An Update (new severity or description) or a Cancel (the all clear) of a referenced incident.
    func capUpdate(_ alert: CAPAlert, principal: Principal) async throws -> Response {
        // Every referenced incident of the sender's is acted on, each once (a merged report's
        // incident counts as the incident it was merged into); the rest are named in the answer.
        var targets: [IncidentRecord] = []
        var notFound: [String] = []
        for reference in alert.references {
            guard let incident = try ownIncident(identifier: reference.identifier, principal: principal) else {
                notFound.append("\(reference.sender),\(reference.identifier),\(Copenhagen.format(reference.sent))")
                continue
            }
            let target = try followMerge(incident)
            // An Exercise message never changes a real incident, nor an Actual one an exercise.
            guard target.exercise == (alert.status == .exercise) else {
                notFound.append("\(reference.sender),\(reference.identifier),\(Copenhagen.format(reference.sent))")
                continue
            }
            if !targets.contains(where: { $0.id == target.id }) { targets.append(target) }
        }
        guard !targets.isEmpty else {
            // A receiver that joins a feed in the middle has not seen the original Alert: an Update
            // is then a report of its own, keeping its references in the plan's problems.
            if alert.messageType == .update, let report = alert.report {
                let note =
                    "CAP Update \(alert.identifier) refers to alerts not seen here (\(notFound.joined(separator: " "))); "
                    + "taken as a report of its own"
                if alert.status == .exercise {
                    return try await accept(
                        Self.asExercise(report), raw: Self.asExercise(report).prettyText, principal: principal,
                        notes: alert.notes + [note])
                }
                return try await accept(
                    report, raw: report.prettyText, principal: principal, status: alert.status.rawValue,
                    notes: alert.notes + [note])
            }
            metrics.reportReceived("rejected")
            throw APIError(
                .unprocessableContent,
                "the Cancel refers to no incident of yours: none of its \(notFound.count) references was reported with your token",
                problems: notFound.map {
                    (
                        "/alert/references",
                        "'\($0)' names no incident of yours; a reference is the original alert's sender,identifier,sent"
                    )
                })
        }
        let now = clock()
        // What was changed, and what was named but left as it was, each with why.
        var updated: [String] = []
        var unchanged: [(String, String)] = []
        for incident in targets {
            if alert.messageType == .cancel {
                // A Cancel withdraws the sender's own alert: when it was merged into an incident another
                // organisation reported, that incident stays open for its own reporter.
                guard incident.organisation == principal.organisation || principal.can(.admin) else {
                    unchanged.append(
                        (
                            incident.id,
                            "your alert was merged into an incident another organisation reported; only they or an admin can call the all clear"
                        ))
                    continue
                }
                guard incident.closedAt == nil else {
                    unchanged.append((incident.id, "already closed"))
                    continue
                }
                try addUpdate(
                    IncidentUpdate(
                        at: now, actor: principal.actor, kind: .allClear, text: "CAP Cancel \(alert.identifier)"),
                    to: incident)
                updated.append(incident.id)
            } else if let report = alert.report {
                // An Update adds its facts to the incident, also one its alert was merged into, as a
                // merged report does: a graver severity or new information is never dropped.
                guard incident.closedAt == nil else {
                    unchanged.append((incident.id, "already closed"))
                    continue
                }
                var changed = false
                if case .string(let name)? = report["severity"], let severity = IncidentSeverity(rawValue: name),
                    severity != incident.severity
                {
                    try addUpdate(
                        IncidentUpdate(
                            at: now, actor: principal.actor, kind: .severity, text: "CAP Update \(alert.identifier)",
                            severity: severity),
                        to: incident)
                    changed = true
                }
                if case .string(let text)? = report["description"] {
                    try addUpdate(
                        IncidentUpdate(at: now, actor: principal.actor, kind: .information, text: text), to: incident)
                    changed = true
                }
                if changed { updated.append(incident.id) } else { unchanged.append((incident.id, "nothing new")) }
            }
        }
        metrics.reportReceived("updated")
        let first = try store.incident(id: targets[0].id) ?? targets[0]
        // Another organisation's incident is shown only as far as a merge already told the sender.
        let shown = first.organisation == principal.organisation || principal.can(.admin)
        var pairs: [(String, JSONValue)] = []
        if shown, case .object(let view) = try incidentJSON(first, tier: .situation, principal: principal) {
            pairs = view
        } else {
            pairs = [("id", .string(first.id)), ("status", .string(first.closedAt == nil ? "open" : "closed"))]
        }
        pairs.append(
            (
                "cap_references",
                .object([
                    ("updated", .array(updated.map(JSONValue.string))),
                    (
                        "unchanged",
                        .array(unchanged.map { .object([("incident", .string($0.0)), ("why", .string($0.1))]) })
                    ),
                    ("not_found", .array(notFound.map(JSONValue.string))),
                ])
            ))
        return Self.json(.ok, .object(pairs))
    }

    /// The sender's incident a CAP identifier names: the identifier itself, our own export's
    /// `beredskab-<id>`, or the id behind the sender's prefix (ids are scoped by organisation).
    func ownIncident(identifier: String, principal: Principal) throws -> IncidentRecord? {
        let own = Self.incidentID(fromCAP: identifier)
        for candidate in [identifier, own, "\(principal.organisation):\(own)"] {
            if let incident = try store.incident(id: candidate),
                incident.organisation == principal.organisation || principal.can(.admin)
            {
                return incident
            }
        }
        return nil
    }

    /// A report read from a CAP Exercise alert, with `"exercise": true`.
    static func asExercise(_ report: JSONValue) -> JSONValue {
        guard case .object(var pairs) = report else { return report }
        pairs.removeAll { $0.0 == "exercise" }
        pairs.append(("exercise", .bool(true)))
        return .object(pairs)
    }

    /// Our alerts are `beredskab-<id>`; a reference to one of them names that incident.
    static func incidentID(fromCAP identifier: String) -> String {
        identifier.hasPrefix("beredskab-") ? String(identifier.dropFirst("beredskab-".count)) : identifier
    }

    /// `GET /api/v1/incidents/{id}/cap`: the incident as a CAP 1.2 alert, situation tier only.
    func capResponse(_ incident: IncidentRecord) throws -> Response {
        let engine = engine
        guard
            case .success(let report) = IncidentReport.decode(
                Array(incident.reportJSON.utf8), rules: engine.rules, roster: engine.roster)
        else {
            throw APIError(.conflict, "the stored report no longer fits the running rules; it cannot be shown as CAP")
        }
        let host = URL(string: options.publicURL.value)?.host ?? "localhost"
        var alert = CAPIncident(
            report: report, area: incident.area, rules: engine.rules, sender: "beredskab@\(host)",
            sent: incident.receivedAt,
            // A recorded Test or Exercise message is closed at once; it goes out as the Alert it was.
            status: incident.capStatus == "actual" ? incident.closedAt.map { .closed(at: $0) } ?? .open : .open,
            updates: try store.updates(incident: incident.id).filter { !$0.text.isEmpty }.map {
                CAPIncident.Update(at: $0.at, text: $0.text)
            })
        alert.severity = incident.severity
        // An exercise goes out as CAP status Exercise, however it was reported.
        alert.capStatus = incident.exercise ? "exercise" : incident.capStatus
        var headers = HTTPFields()
        headers[.contentType] = "application/cap+xml; charset=utf-8"
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: CAPIncident.render(alert))))
    }
}
