import BeredskabReview
import BeredskabTime

extension AfterAction {
    /// The after-action report as one self-contained HTML page (`Templates/after-action.mustache`;
    /// the review's style sheet, so the
    /// same `Content-Security-Policy` hash allows it), with an SVG timeline drawn here: one row per
    /// message from its send time, a dot when delivered, a check when answered (a cross at the right
    /// edge when never), escalations as dashed lines; then the figures as tables. An exercise says
    /// so first, in a banner.
    public func html() -> String {
        func clock(_ instant: Instant?) -> String { instant.map { Copenhagen.local($0).danishText } ?? "–" }
        let duration = Self.danishDuration
        let words = ["on time": "til tiden", "late": "for sent", "not done": "ikke løst"]
        let view: [String: Any] = [
            "style": Review.style, "exercise": exercise, "incident": incident, "category": category,
            "severity": severity, "area": area ?? "ukendt område", "receivedAt": clock(receivedAt),
            "closedAt": closedAt.map { clock($0) } ?? false, "alertCount": alerts.count,
            "medianDelivery": duration(medianDeliverySeconds), "worstDelivery": duration(worstDeliverySeconds),
            "neverAcknowledged": neverAcknowledged.count, "escalations": escalationsFired.count,
            // The template puts its own line break after the timeline.
            "timeline": String(timeline().dropLast()),
            "roles": roles.map { role in
                [
                    "role": role.role, "alerted": role.alerted, "first": role.firstAcknowledgedBy ?? "–",
                    "after": duration(role.secondsToFirstAcknowledgement),
                    "never": role.neverAcknowledged.joined(separator: ", "),
                ] as [String: Any]
            },
            "alerts": alerts.map { a in
                [
                    "sent": clock(a.sendAt), "name": a.name, "roles": a.roles.joined(separator: ", "),
                    "channel": a.channel ?? "–",
                    "delivered": a.deliveredAt == nil ? a.status : duration(a.deliverySeconds),
                    "acknowledged": duration(a.acknowledgeSeconds),
                ]
            },
            "hasTasks": !tasks.isEmpty,
            "tasks": tasks.map { t in
                var outcome = words[t.outcome] ?? t.outcome
                if let late = t.secondsLate, late > 0 { outcome += " (\(Self.danishDuration(late)))" }
                return ["due": clock(t.dueAt), "role": t.role, "text": t.text, "outcome": outcome]
            },
            "hasWatches": !watches.isEmpty,
            "watches": watches.map { w in
                [
                    "institution": w.institution,
                    "answer": w.answer.map { $0 + (w.onTime ? "" : " (efter fristen)") } ?? "intet svar",
                    "after": duration(w.secondsToAnswer),
                ]
            },
            "hasLeftOut": !leftOut.isEmpty,
            "leftOut": leftOut.map { ["name": $0.name, "roles": $0.roles.joined(separator: ", ")] },
        ]
        return Templates.render("after-action", view)
    }

    /// `4 min 05 s`, `45 s`, `1 t 02 min`; `–` for none.
    static func danishDuration(_ seconds: Int?) -> String {
        guard let seconds else { return "–" }
        let s = abs(seconds)
        let sign = seconds < 0 ? "-" : ""
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        if s < 60 { return "\(sign)\(s) s" }
        if s < 3600 { return "\(sign)\(s / 60) min \(pad(s % 60)) s" }
        return "\(sign)\(s / 3600) t \(pad(s % 3600 / 60)) min"
    }

    /// The SVG timeline, with a text alternative in its `<title>`. Built here from computed
    /// coordinates; every text in it goes through `HTML.escape`, and the template shows it unescaped.
    func timeline() -> String {
        var out = "<section><h2>Tidslinje</h2>\n"
        guard !alerts.isEmpty else { return out + "<p>Ingen beskeder.</p></section>\n" }
        let start = receivedAt.seconds
        var end = start + 60
        for a in alerts {
            end = max(end, a.sendAt.seconds, a.deliveredAt?.seconds ?? 0, a.acknowledgedAt?.seconds ?? 0)
        }
        for e in escalationsFired { end = max(end, e.dueAt.seconds) }
        let labelWidth = 220.0
        let plotWidth = 460.0
        let row = 22.0
        let top = 24.0
        let height = top + Double(alerts.count) * row + 10
        let span = Double(end - start)
        func x(_ seconds: Int) -> Int { Int(labelWidth + plotWidth * Double(seconds - start) / span) }
        let width = Int(labelWidth + plotWidth + 30)
        out +=
            "<svg role=\"img\" aria-label=\"Tidslinje\" width=\"\(width)\" height=\"\(Int(height))\" viewBox=\"0 0 \(width) \(Int(height))\">\n"
        let summary = alerts.map { a in
            "\(a.name) sendt \(Copenhagen.local(a.sendAt).danishText)"
                + (a.acknowledgedAt.map { ", kvitteret \(Copenhagen.local($0).danishText)" } ?? ", aldrig kvitteret")
        }
        out += "<title>Tidslinje: \(HTML.escape(summary.joined(separator: "; ")))</title>\n"
        out += "<text x=\"\(Int(labelWidth))\" y=\"14\">\(HTML.escape(Copenhagen.local(receivedAt).danishText))</text>"
        out +=
            "<text x=\"\(Int(labelWidth + plotWidth))\" y=\"14\" text-anchor=\"end\">+\(HTML.escape(Self.danishDuration(end - start)))</text>\n"
        for e in escalationsFired {
            out +=
                "<line x1=\"\(x(e.dueAt.seconds))\" y1=\"\(Int(top))\" x2=\"\(x(e.dueAt.seconds))\" y2=\"\(Int(height))\" stroke=\"#a40000\" stroke-dasharray=\"4 3\"/>\n"
        }
        for (index, a) in alerts.enumerated() {
            let y = top + Double(index) * row + 11
            out +=
                "<text x=\"\(Int(labelWidth - 8))\" y=\"\(Int(y + 4))\" text-anchor=\"end\">\(HTML.escape("\(a.name) (\(a.roles.first ?? a.kind))"))</text>"
            let answered = a.acknowledgedAt?.seconds ?? end
            out +=
                "<line x1=\"\(x(a.sendAt.seconds))\" y1=\"\(Int(y))\" x2=\"\(x(answered))\" y2=\"\(Int(y))\" stroke=\"#999\" stroke-width=\"3\"/>"
            if let delivered = a.deliveredAt {
                out += "<circle cx=\"\(x(delivered.seconds))\" cy=\"\(Int(y))\" r=\"4\" fill=\"#333\"/>"
            }
            if let acknowledged = a.acknowledgedAt {
                out +=
                    "<text x=\"\(x(acknowledged.seconds))\" y=\"\(Int(y + 5))\" text-anchor=\"middle\" fill=\"#0a6b2d\">✓</text>"
            } else if a.status != "cancelled" && ["notification", "escalation"].contains(a.kind) {
                out += "<text x=\"\(x(end) + 8)\" y=\"\(Int(y + 5))\" fill=\"#a40000\">✗</text>"
            }
            out += "\n"
        }
        return out + "</svg></section>\n"
    }
}
