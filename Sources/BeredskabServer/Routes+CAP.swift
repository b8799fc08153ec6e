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
        switch CAPAlert.parse(bytes, organisation: principal.organisation, rules: engine.rules) {
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
            return try await accept(
                report, raw: report.prettyText, principal: principal, status: alert.status.rawValue)
        case .update, .cancel:
            // A Test or Exercise message must never change what happens to a real incident.
            guard alert.status == .actual else {
                metrics.reportReceived("rejected")
                throw APIError(
                    .unprocessableContent,
                    "only Actual Update and Cancel messages change incidents; this \(alert.status.rawValue.capitalized) message changes nothing",
                    problems: [("/alert/status", "is \(alert.status.rawValue.capitalized), not Actual")])
            }
            return try capUpdate(alert, principal: principal)
        case .ack, .error:
            metrics.reportReceived("rejected")
            throw APIError(
                .unprocessableContent,
                "Beredskab takes CAP Alert, Update and Cancel messages, not \(alert.messageType.rawValue)",
                problems: [("/alert/msgType", "must be Alert, Update or Cancel")])
        }
    }

    /// An Update (new severity or description) or a Cancel (the all clear) of a referenced incident.
    func capUpdate(_ alert: CAPAlert, principal: Principal) throws -> Response {
        var found: IncidentRecord?
        for reference in alert.references {
            let own = Self.incidentID(fromCAP: reference.identifier)
            // An identifier another organisation also uses is stored behind the reporter's prefix.
            for candidate in [reference.identifier, own, "\(principal.organisation):\(own)"] {
                if let incident = try store.incident(id: candidate),
                    incident.organisation == principal.organisation || principal.can(.admin)
                {
                    found = incident
                }
            }
        }
        guard let reported = found else {
            metrics.reportReceived("rejected")
            throw APIError(
                .unprocessableContent, "the \(alert.messageType.rawValue) refers to no incident of yours",
                problems: [("/alert/references", "name the original alert as sender,identifier,sent")])
        }
        let incident = try followMerge(reported)
        let now = clock()
        if alert.messageType == .cancel {
            try addUpdate(
                IncidentUpdate(
                    at: now, actor: principal.actor, kind: .allClear, text: "CAP Cancel \(alert.identifier)"),
                to: reported)
        } else if let report = alert.report {
            if case .string(let name)? = report["severity"], let severity = IncidentSeverity(rawValue: name),
                severity != incident.severity
            {
                try addUpdate(
                    IncidentUpdate(
                        at: now, actor: principal.actor, kind: .severity, text: "CAP Update \(alert.identifier)",
                        severity: severity),
                    to: reported)
            }
            if case .string(let text)? = report["description"] {
                try addUpdate(
                    IncidentUpdate(at: now, actor: principal.actor, kind: .information, text: text), to: reported)
            }
        }
        metrics.reportReceived("updated")
        let updated = try store.incident(id: incident.id) ?? incident
        return Self.json(.ok, try incidentJSON(updated, tier: .situation, principal: principal))
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
        alert.capStatus = incident.capStatus
        var headers = HTTPFields()
        headers[.contentType] = "application/cap+xml; charset=utf-8"
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: CAPIncident.render(alert))))
    }
}
