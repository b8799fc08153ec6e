import BeredskabReview
import BeredskabTime

extension AfterAction {
    /// The after-action report as one self-contained HTML page (the review's style sheet, so the
    /// same `Content-Security-Policy` hash allows it), with an SVG timeline drawn here: one row per
    /// message from its send time, a dot when delivered, a check when answered (a cross at the right
    /// edge when never), escalations as dashed lines; then the figures as tables. An exercise says
    /// so first, in a banner.
    public func html() -> String {
        func clock(_ instant: Instant?) -> String {
            instant.map { HTML.escape(Copenhagen.local($0).danishText) } ?? "–"
        }
        func duration(_ seconds: Int?) -> String { HTML.escape(Self.danishDuration(seconds)) }
        var body = ""
        if exercise {
            body +=
                "<section class=\"headline bad\" role=\"alert\"><p class=\"big\">ØVELSE</p><p>EXERCISE – dette var en øvelse, ikke en rigtig hændelse</p></section>\n"
        }
        body += """
            <header><h1>Evaluering af hændelse \(HTML.escape(incident))</h1>
            <p class="period">\(HTML.escape(category)), \(HTML.escape(severity)), \(HTML.escape(area ?? "ukendt område")) – modtaget \(clock(receivedAt))\(closedAt.map { ", afsluttet \(clock($0))" } ?? ", stadig åben")</p></header>
            <section class="figures"><dl>
            <dt>Beskeder</dt><dd>\(alerts.count)</dd>
            <dt>Levering, median</dt><dd>\(duration(medianDeliverySeconds))</dd>
            <dt>Levering, længst</dt><dd>\(duration(worstDeliverySeconds))</dd>
            <dt>Aldrig kvitteret</dt><dd>\(neverAcknowledged.count)</dd>
            <dt>Eskaleringer</dt><dd>\(escalationsFired.count)</dd>
            </dl></section>

            """
        body += timeline()
        body += "<section><h2>Tid til første kvittering pr. rolle</h2><table><thead><tr>"
        body += "<th>Rolle</th><th>Alarmeret</th><th>Første svar</th><th>Efter</th><th>Svarede aldrig</th>"
        body += "</tr></thead><tbody>\n"
        for role in roles {
            body +=
                "<tr><td>\(HTML.escape(role.role))</td><td>\(role.alerted)</td><td>\(HTML.escape(role.firstAcknowledgedBy ?? "–"))</td>"
                + "<td>\(duration(role.secondsToFirstAcknowledgement))</td><td>\(HTML.escape(role.neverAcknowledged.joined(separator: ", ")))</td></tr>\n"
        }
        body += "</tbody></table></section>\n"
        body += "<section><h2>Beskeder</h2><table><thead><tr>"
        body += "<th>Sendt</th><th>Til</th><th>Roller</th><th>Kanal</th><th>Leveret efter</th><th>Kvitteret efter</th>"
        body += "</tr></thead><tbody>\n"
        for a in alerts {
            body +=
                "<tr><td>\(clock(a.sendAt))</td><td>\(HTML.escape(a.name))</td><td>\(HTML.escape(a.roles.joined(separator: ", ")))</td>"
                + "<td>\(HTML.escape(a.channel ?? "–"))</td><td>\(a.deliveredAt == nil ? HTML.escape(a.status) : duration(a.deliverySeconds))</td>"
                + "<td>\(duration(a.acknowledgeSeconds))</td></tr>\n"
        }
        body += "</tbody></table></section>\n"
        if !tasks.isEmpty {
            body +=
                "<section><h2>Opgaver</h2><table><thead><tr><th>Frist</th><th>Rolle</th><th>Opgave</th><th>Udfald</th>"
            body += "</tr></thead><tbody>\n"
            let words = ["on time": "til tiden", "late": "for sent", "not done": "ikke løst"]
            for t in tasks {
                var outcome = words[t.outcome] ?? t.outcome
                if let late = t.secondsLate, late > 0 { outcome += " (\(Self.danishDuration(late)))" }
                body +=
                    "<tr><td>\(clock(t.dueAt))</td><td>\(HTML.escape(t.role))</td><td>\(HTML.escape(t.text))</td><td>\(HTML.escape(outcome))</td></tr>\n"
            }
            body += "</tbody></table></section>\n"
        }
        if !watches.isEmpty {
            body += "<section><h2>Institutioner</h2><table><thead><tr><th>Institution</th><th>Svar</th><th>Efter</th>"
            body += "</tr></thead><tbody>\n"
            for w in watches {
                let answer = w.answer.map { $0 + (w.onTime ? "" : " (efter fristen)") } ?? "intet svar"
                body +=
                    "<tr><td>\(HTML.escape(w.institution))</td><td>\(HTML.escape(answer))</td><td>\(duration(w.secondsToAnswer))</td></tr>\n"
            }
            body += "</tbody></table></section>\n"
        }
        if !leftOut.isEmpty {
            body += "<section><h2>Ikke med i øvelsen</h2><ul>\n"
            for p in leftOut {
                body += "<li>\(HTML.escape(p.name)) (\(HTML.escape(p.roles.joined(separator: ", "))))</li>\n"
            }
            body += "</ul></section>\n"
        }
        return """
            <!doctype html>
            <html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(exercise ? "ØVELSE – " : "")Evaluering \(HTML.escape(incident))</title>
            <style>\(Review.style)</style></head><body>
            \(body)</body></html>

            """
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

    /// The SVG timeline, with a text alternative in its `<title>`.
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
