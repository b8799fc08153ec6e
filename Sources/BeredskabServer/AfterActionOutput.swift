import BeredskabEngine
import BeredskabReview
import BeredskabTime

/// An after-action report and drill statistics as text, JSON and CSV, for the CLI and the API
/// (docs/after-action.md). Times in Copenhagen RFC 3339, durations in whole seconds.
public enum AfterActionOutput {
    static func time(_ instant: Instant?) -> JSONValue { instant.map { .string(Copenhagen.format($0)) } ?? .null }
    static func seconds(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
    static func strings(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }

    /// The report as JSON: `incident`, `exercise`, `alerts`, `roles`, `never_acknowledged`,
    /// `escalations_fired`, `tasks`, `watches`, `left_out`, `delivery`.
    public static func json(_ r: AfterAction) -> JSONValue {
        func alert(_ a: AfterAction.Alert) -> JSONValue {
            .object([
                ("person", .string(a.person)), ("name", .string(a.name)), ("roles", strings(a.roles)),
                ("kind", .string(a.kind)), ("send_at", time(a.sendAt)),
                ("channel", a.channel.map(JSONValue.string) ?? .null), ("delivered_at", time(a.deliveredAt)),
                ("delivery_seconds", seconds(a.deliverySeconds)), ("acknowledged_at", time(a.acknowledgedAt)),
                ("ack_kind", a.ackKind.map(JSONValue.string) ?? .null),
                ("acknowledge_seconds", seconds(a.acknowledgeSeconds)), ("status", .string(a.status)),
            ])
        }
        func role(_ f: AfterAction.RoleFigures) -> JSONValue {
            .object([
                ("role", .string(f.role)), ("alerted", .number(Double(f.alerted))),
                ("first_alert_at", time(f.firstAlertAt)), ("first_acknowledged_at", time(f.firstAcknowledgedAt)),
                ("first_acknowledged_by", f.firstAcknowledgedBy.map(JSONValue.string) ?? .null),
                ("seconds_to_first_acknowledgement", seconds(f.secondsToFirstAcknowledgement)),
                ("never_acknowledged", strings(f.neverAcknowledged)),
            ])
        }
        func escalation(_ e: AfterActionRecord.Escalation) -> JSONValue {
            .object([
                ("guideline", .string(e.guideline)), ("round", .number(Double(e.round))), ("roles", strings(e.roles)),
                ("at", time(e.dueAt)),
            ])
        }
        func task(_ t: AfterAction.TaskFigures) -> JSONValue {
            .object([
                ("text", .string(t.text)), ("role", .string(t.role)), ("due_at", time(t.dueAt)),
                ("done_at", time(t.doneAt)), ("outcome", .string(t.outcome)), ("seconds_late", seconds(t.secondsLate)),
            ])
        }
        func watch(_ w: AfterAction.WatchFigures) -> JSONValue {
            .object([
                ("institution", .string(w.institution)), ("requested_at", time(w.requestedAt)),
                ("confirm_by", time(w.confirmBy)), ("answered_at", time(w.answeredAt)),
                ("answer", w.answer.map(JSONValue.string) ?? .null), ("seconds_to_answer", seconds(w.secondsToAnswer)),
                ("on_time", .bool(w.onTime)),
            ])
        }
        func leftOut(_ p: AfterActionRecord.LeftOut) -> JSONValue {
            .object([("person", .string(p.person)), ("name", .string(p.name)), ("roles", strings(p.roles))])
        }
        let delivery: JSONValue = .object([
            ("median_seconds", seconds(r.medianDeliverySeconds)), ("worst_seconds", seconds(r.worstDeliverySeconds)),
        ])
        var pairs: [(String, JSONValue)] = [
            ("incident", .string(r.incident)), ("exercise", .bool(r.exercise)), ("category", .string(r.category)),
            ("severity", .string(r.severity)), ("area", r.area.map(JSONValue.string) ?? .null),
        ]
        pairs += [
            ("occurred_at", time(r.occurredAt)), ("received_at", time(r.receivedAt)), ("closed_at", time(r.closedAt)),
            ("delivery", delivery),
        ]
        pairs += [
            ("alerts", .array(r.alerts.map(alert))), ("roles", .array(r.roles.map(role))),
            ("never_acknowledged", .array(r.neverAcknowledged.map(alert))),
            ("escalations_fired", .array(r.escalationsFired.map(escalation))),
        ]
        pairs += [
            ("tasks", .array(r.tasks.map(task))), ("watches", .array(r.watches.map(watch))),
            ("left_out", .array(r.leftOut.map(leftOut))),
        ]
        return .object(pairs)
    }

    /// One row per message: who, roles, kind, channel, sent, delivered, delivery seconds, receipt,
    /// seconds to receipt, status; a line with the marker first for an exercise.
    public static func csv(_ r: AfterAction) -> String {
        func field(_ text: String) -> String {
            text.contains(",") || text.contains("\"") || text.contains("\n")
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func clock(_ instant: Instant?) -> String { instant.map(Copenhagen.format) ?? "" }
        var rows: [[String]] = [
            [
                "incident", "exercise", "person", "name", "roles", "kind", "channel", "send_at", "delivered_at",
                "delivery_seconds", "acknowledged_at", "ack_kind", "acknowledge_seconds", "status",
            ]
        ]
        for a in r.alerts {
            rows.append([
                r.incident, r.exercise ? "true" : "false", a.person, a.name, a.roles.joined(separator: " "), a.kind,
                a.channel ?? "", clock(a.sendAt), clock(a.deliveredAt), a.deliverySeconds.map(String.init) ?? "",
                clock(a.acknowledgedAt), a.ackKind ?? "", a.acknowledgeSeconds.map(String.init) ?? "", a.status,
            ])
        }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// `4 min 05 s`, `45 s`, `1 h 02 min`; `–` for none.
    public static func duration(_ seconds: Int?) -> String {
        guard let seconds else { return "–" }
        let sign = seconds < 0 ? "-" : ""
        let s = abs(seconds)
        if s < 60 { return "\(sign)\(s) s" }
        if s < 3600 { return "\(sign)\(s / 60) min \(pad(s % 60)) s" }
        return "\(sign)\(s / 3600) h \(pad(s % 3600 / 60)) min"
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// The report for a terminal.
    public static func text(_ r: AfterAction) -> String {
        func clock(_ instant: Instant?) -> String { instant.map { Copenhagen.local($0).danishText } ?? "–" }
        var out = r.exercise ? "ØVELSE / EXERCISE\n" : ""
        out += "After-action report: incident \(r.incident) (\(r.category), \(r.severity), \(r.area ?? "no area"))\n"
        out += "occurred \(clock(r.occurredAt)), received \(clock(r.receivedAt)), "
        out += r.closedAt.map { "closed \(clock($0))\n" } ?? "still open\n"
        out +=
            "delivery: median \(duration(r.medianDeliverySeconds)), worst \(duration(r.worstDeliverySeconds))\n"
        out += "\nalerted:\n"
        for a in r.alerts {
            out += "  \(clock(a.sendAt))  \(a.name) (\(a.roles.joined(separator: ", ")), \(a.kind))"
            out += " via \(a.channel ?? "–"): "
            out += a.deliveredAt.map { _ in "delivered after \(duration(a.deliverySeconds))" } ?? a.status
            out +=
                a.acknowledgedAt.map { _ in ", \(a.ackKind ?? "acknowledged") after \(duration(a.acknowledgeSeconds))" }
                ?? ""
            out += "\n"
        }
        if !r.roles.isEmpty { out += "\ntime to first acknowledgement per role:\n" }
        for role in r.roles {
            out += "  \(role.role): \(role.alerted) alerted, "
            out +=
                role.firstAcknowledgedBy.map {
                    "first answer after \(duration(role.secondsToFirstAcknowledgement)) by \($0)"
                }
                ?? "nobody answered"
            if !role.neverAcknowledged.isEmpty {
                out += "; never answered: \(role.neverAcknowledged.joined(separator: ", "))"
            }
            out += "\n"
        }
        if !r.escalationsFired.isEmpty { out += "\nescalations fired:\n" }
        for e in r.escalationsFired {
            out += "  \(clock(e.dueAt))  \(e.guideline) round \(e.round + 1) to \(e.roles.joined(separator: ", "))\n"
        }
        if !r.tasks.isEmpty { out += "\ntasks:\n" }
        for t in r.tasks {
            out += "  due \(clock(t.dueAt))  \(t.role): \(t.text) — \(t.outcome)"
            if let late = t.secondsLate, late > 0 { out += " (\(duration(late)) late)" }
            out += "\n"
        }
        if !r.watches.isEmpty { out += "\nwatches:\n" }
        for w in r.watches {
            out += "  \(w.institution): "
            out +=
                w.answer.map { "\($0) after \(duration(w.secondsToAnswer))\(w.onTime ? "" : " (after the deadline)")" }
                ?? "no answer (confirm by \(clock(w.confirmBy)))"
            out += "\n"
        }
        if !r.leftOut.isEmpty { out += "\nleft out of the exercise:\n" }
        for p in r.leftOut { out += "  \(p.name) (\(p.roles.joined(separator: ", ")))\n" }
        return out
    }

    /// Drill statistics as JSON: `drills` and per role `median_seconds`, `worst_seconds`,
    /// `unanswered` and `silent_persons`.
    public static func json(_ s: DrillStatistics) -> JSONValue {
        func role(_ role: DrillStatistics.Role) -> JSONValue {
            let silent: [(String, JSONValue)] = role.silentPersons.sorted { $0.key < $1.key }.map {
                ($0.key, .number(Double($0.value)))
            }
            return .object([
                ("role", .string(role.role)), ("drills", .number(Double(role.drills))),
                ("unanswered", .number(Double(role.unanswered))),
                ("median_seconds", seconds(role.medianSecondsToAcknowledge)),
                ("worst_seconds", seconds(role.worstSecondsToAcknowledge)), ("silent_persons", .object(silent)),
            ])
        }
        return .object([("drills", strings(s.drills)), ("roles", .array(s.roles.map(role)))])
    }

    /// Drill statistics for a terminal.
    public static func text(_ s: DrillStatistics) -> String {
        var out = "Drill statistics: \(s.drills.count) exercise(s)\n"
        for role in s.roles {
            out += "  \(role.role): \(role.drills) drill(s), median \(duration(role.medianSecondsToAcknowledge)), "
            out += "worst \(duration(role.worstSecondsToAcknowledge))"
            if role.unanswered > 0 { out += ", nobody answered in \(role.unanswered)" }
            if !role.silentPersons.isEmpty {
                out += "; never answered: "
                out += role.silentPersons.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(
                    separator: ", ")
            }
            out += "\n"
        }
        return out
    }
}
