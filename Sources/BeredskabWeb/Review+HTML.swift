import BeredskabReview
import BeredskabRoster
import BeredskabRules
import BeredskabTime

extension Review {
    /// The review as one self-contained HTML page (`Templates/review.mustache`) with SVG charts drawn
    /// here, readable when printed:
    /// vital closures first, then closures per month, closed hours per administration, incidents per
    /// area and type, and the figures as tables.
    public func html(from: String, to: String, rules: RuleSet, roster: Roster) -> String {
        func name(_ organisation: String) -> String { roster.organisations[organisation]?.name ?? organisation }
        func area(_ id: String) -> String { rules.areas[id]?.name ?? id }
        func hours(_ h: Double) -> String { Self.danishHours(h) }
        let months = closuresByMonth.sorted { $0.key < $1.key }.map { ($0.key, Double($0.value)) }
        let administrations = closedHoursByAdministration(roster).sorted { $0.value > $1.value }.map {
            (name($0.key), $0.value)
        }
        var incidentBars: [(String, Double)] = []
        for (areaID, types) in safetyIndexReports.sorted(by: { $0.key < $1.key }) {
            for (type, count) in types.sorted(by: { $0.key < $1.key }) {
                incidentBars.append(("\(area(areaID)) – \(Self.danishType[type] ?? type)", Double(count)))
            }
        }
        let charts = [
            Self.chart("Lukninger pr. måned", months, unit: { "\(Int($0))" }),
            Self.chart("Lukketid pr. forvaltning", administrations, unit: hours),
            Self.chart(
                "Anmeldelser pr. område og type (tryghedsindeksets seks typer)", incidentBars, unit: { "\(Int($0))" }),
        ].joined()
        let view: [String: Any] = [
            "from": from, "to": to, "style": Self.style, "headline": vitalClosures == 0 ? "good" : "bad",
            "vitalClosures": vitalClosures, "closures": closures, "stillClosed": stillClosed > 0 ? stillClosed : false,
            "nearMisses": nearMisses, "closedHours": hours(closedHours),
            "median": medianHoursToReopen.map(hours) ?? "–",
            "watchedWithoutClosure": watchedIncidentsWithoutClosure, "watched": watchedIncidents,
            // The template puts its own line break after the charts.
            "charts": String(charts.dropLast()),
            "hasInstitutions": !closedHoursByInstitution.isEmpty,
            "institutions": closedHoursByInstitution.sorted(by: { $0.value > $1.value }).map { id, h in
                let vital = roster.institutions[id]?.vital == true ? " (samfundsvigtig)" : ""
                return ["name": (roster.institutions[id]?.name ?? id) + vital, "hours": hours(h)]
            },
        ]
        return Templates.render("review", view)
    }

    /// The review page's own style sheet, inline so the page stands alone (a saved or printed
    /// file); the server allows exactly this text by its SHA-256 in `Content-Security-Policy`.
    public static let style = """

        body{font-family:"DejaVu Sans",system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111}
        h1{margin-bottom:0}.period{color:#444;margin-top:.2rem}
        .headline{border:3px solid;border-radius:.5rem;padding:.5rem 1rem;margin:1rem 0;display:flex;gap:1rem;align-items:center}
        .headline.good{border-color:#0a6b2d}.headline.bad{border-color:#a40000}
        .big{font-size:3rem;font-weight:bold;margin:0}
        dl{display:grid;grid-template-columns:max-content auto;gap:.3rem 1.5rem}dt{font-weight:bold}dd{margin:0}
        table{border-collapse:collapse}td,th{border-bottom:1px solid #999;padding:.2rem .8rem;text-align:left}
        svg text{font-family:"DejaVu Sans",sans-serif;font-size:13px;fill:#111}
        @media print{body{margin:0;max-width:none}section{break-inside:avoid}}

        """

    /// Closed hours summed by owning administration.
    func closedHoursByAdministration(_ roster: Roster) -> [String: Double] {
        var result: [String: Double] = [:]
        for (id, h) in closedHoursByInstitution {
            result[roster.institutions[id]?.administration.value ?? "unknown", default: 0] += h
        }
        return result
    }

    static let danishType = [
        "violence-and-threats": "vold og trusler", "burglary": "indbrud", "theft": "tyveri", "narcotics": "narkotika",
        "vandalism": "hærværk", "harassment": "chikane",
    ]

    static func danishHours(_ h: Double) -> String {
        let tenths = Int((h * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10) t" : "\(tenths / 10),\(abs(tenths % 10)) t"
    }

    /// A horizontal bar chart as inline SVG, with a text alternative; black and grey so it prints.
    /// Built here rather than in the template from computed coordinates; every text in it goes through
    /// `HTML.escape`, and the template shows it unescaped.
    static func chart(_ title: String, _ items: [(String, Double)], unit: (Double) -> String) -> String {
        var out = "<section><h2>\(HTML.escape(title))</h2>\n"
        guard !items.isEmpty, let largest = items.map(\.1).max(), largest > 0 else {
            return out + "<p>Ingen i perioden.</p></section>\n"
        }
        let labelWidth = 300.0
        let barWidth = 300.0
        let row = 26.0
        let height = Double(items.count) * row + 8
        out +=
            "<svg role=\"img\" aria-label=\"\(HTML.escape(title))\" width=\"\(Int(labelWidth + barWidth + 80))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(labelWidth + barWidth + 80)) \(Int(height))\">\n"
        out +=
            "<title>\(HTML.escape(title)): "
            + HTML.escape(items.map { "\($0.0) \(unit($0.1))" }.joined(separator: ", "))
            + "</title>\n"
        for (index, (label, value)) in items.enumerated() {
            let y = Double(index) * row + 4
            let width = max(1, barWidth * value / largest)
            out +=
                "<text x=\"\(Int(labelWidth - 8))\" y=\"\(Int(y + 16))\" text-anchor=\"end\">\(HTML.escape(label))</text>"
            out +=
                "<rect x=\"\(Int(labelWidth))\" y=\"\(Int(y + 3))\" width=\"\(Int(width))\" height=\"18\" fill=\"#333\"/>"
            out +=
                "<text x=\"\(Int(labelWidth + width + 6))\" y=\"\(Int(y + 16))\">\(HTML.escape(unit(value)))</text>\n"
        }
        return out + "</svg></section>\n"
    }
}
