import BeredskabRules
import BeredskabTime

/// The board at `/board`: open incidents, unacknowledged first, then the most severe, then the
/// oldest. It reloads itself every `refreshSeconds` with the script.
public struct BoardPage: Sendable, Equatable {
    /// The open incidents, in any order; the page sorts them.
    public var rows: [BoardRow]
    /// When the figures were taken, shown as "updated at".
    public var updatedAt: Instant
    /// Seconds between reloads (at least 5).
    public var refreshSeconds: Int
    /// Notifications still waiting after a failed attempt (a receiver down), longest waiting first.
    public var waiting: [WaitingDelivery]

    /// Creates the page.
    public init(rows: [BoardRow], updatedAt: Instant, refreshSeconds: Int = 20, waiting: [WaitingDelivery] = []) {
        self.rows = rows
        self.updatedAt = updatedAt
        self.refreshSeconds = refreshSeconds
        self.waiting = waiting
    }

    /// Rows in board order: unacknowledged first, then severity (extreme first), then oldest
    /// first; ties keep the id order so the board does not shuffle between reloads.
    public static func ordered(_ rows: [BoardRow]) -> [BoardRow] {
        rows.sorted { a, b in
            if a.acknowledged != b.acknowledged { return !a.acknowledged }
            if a.severity != b.severity { return a.severity > b.severity }
            if a.ageMinutes != b.ageMinutes { return a.ageMinutes > b.ageMinutes }
            return a.id < b.id
        }
    }

    /// The page as HTML.
    public func render(_ context: PageContext) -> String {
        let lang = context.lang
        let t = Texts(lang)
        let title = t[.boardTitle]
        var main = "<h1>\(title)</h1>\n"
        main += "<p class=\"updated\">\(t[.boardUpdated]) \(WebTime.element(updatedAt, lang))</p>\n"
        main += "<noscript><p class=\"hint\">\(t[.boardNoScript])</p></noscript>\n"
        let ordered = Self.ordered(rows)
        if ordered.isEmpty {
            main += "<p class=\"empty\">\(t[.boardEmpty])</p>\n"
        } else {
            let waiting = ordered.filter { !$0.acknowledged }.count
            main += "<div class=\"table-scroll\">\n<table class=\"board\" id=\"board\">\n"
            main += "<caption>\(t(.boardCaption, ["n": "\(ordered.count)", "waiting": "\(waiting)"]))</caption>\n"
            let columns: [WebText] = [
                .columnIncident, .fieldArea, .fieldCategory, .fieldSeverity, .columnAge, .columnAcknowledged,
                .columnEscalation,
            ]
            main +=
                "<thead><tr>" + columns.map { "<th scope=\"col\">\(t[$0])</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for row in ordered {
                // Each cell names its column in `data-label`, for the stacked layout on narrow screens.
                let cells = [
                    (row.exercise
                        ? "<strong class=\"exercise-tag\">\(lang == .da ? "ØVELSE" : "EXERCISE")</strong> " : "")
                        + "<a href=\"\(HTML.escape(HTML.localPath(row.link)))\">\(HTML.escape(row.id))</a>",
                    row.areaName.map(HTML.escape) ?? t[.areaUnknown],
                    t[WebText.category(row.category)],
                    "<span class=\"severity sev-\(row.severity.rawValue)\">\(t[WebText.severity(row.severity)])</span>",
                    HTML.escape(WebTime.age(minutes: row.ageMinutes, lang)),
                    "<span class=\"ack\" data-state=\"\(row.acknowledged ? "yes" : "no")\">"
                        + "\(row.acknowledged ? t[.boardAckYes] : t[.boardAckNo])</span>",
                    "<span class=\"escalation esc-\(row.escalation.rawValue)\">\(t[WebText.escalation(row.escalation)])</span>",
                ]
                main +=
                    "<tr class=\"\(row.acknowledged ? "acknowledged" : "unacknowledged") sev-\(row.severity.rawValue)\">"
                for (index, cell) in cells.enumerated() {
                    let tag = index == 0 ? "th scope=\"row\"" : "td"
                    main += "<\(tag) data-label=\"\(t[columns[index]])\">\(cell)</\(index == 0 ? "th" : "td")>"
                }
                main += "</tr>\n"
            }
            main += "</tbody>\n</table>\n</div>\n"
        }
        main += waitingSection(t, lang)
        return Layout.page(
            context, title: title, main: main, mainAttributes: " data-refresh=\"\(max(5, refreshSeconds))\"", wide: true
        )
    }
}

extension BoardPage {
    /// The table of deliveries waiting, with why; nothing when none waits.
    func waitingSection(_ t: Texts, _ lang: Language) -> String {
        guard !waiting.isEmpty else { return "" }
        let columns: [WebText] = [
            .columnRecipient, .columnIncident, .columnChannel, .columnAttempts, .columnWaiting, .columnNextAttempt,
            .columnLastError,
        ]
        var html = "<section class=\"delivery-waiting\" id=\"delivery-waiting\">\n"
        html += "<h2>\(t[.deliveryWaitingTitle])</h2>\n<p class=\"hint\">\(t[.deliveryWaitingText])</p>\n"
        html += "<div class=\"table-scroll\">\n<table class=\"board waiting\">\n"
        html += "<thead><tr>" + columns.map { "<th scope=\"col\">\(t[$0])</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for item in waiting {
            let cells = [
                HTML.escape(item.name),
                "<a href=\"\(HTML.escape(HTML.localPath(item.link)))\">\(HTML.escape(item.incident))</a>",
                HTML.escape(item.channel), "\(item.failedAttempts)",
                HTML.escape(WebTime.age(minutes: item.waitingMinutes, lang)), WebTime.element(item.nextAttemptAt, lang),
                HTML.escape(item.lastError),
            ]
            html += "<tr>"
            for (index, cell) in cells.enumerated() {
                let tag = index == 0 ? "th scope=\"row\"" : "td"
                html += "<\(tag) data-label=\"\(t[columns[index]])\">\(cell)</\(index == 0 ? "th" : "td")>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n</div>\n</section>\n"
    }
}

/// A notification waiting on the board after a failed attempt.
public struct WaitingDelivery: Sendable, Equatable {
    /// The recipient's name.
    public var name: String
    /// The incident's id, and where it links to (a local path).
    public var incident: String
    public var link: String
    /// The channel tried next (`email`, `sms`, `webhook`).
    public var channel: String
    /// Failed attempts so far.
    public var failedAttempts: Int
    /// Minutes since the first failed attempt.
    public var waitingMinutes: Int
    /// When the next attempt is due.
    public var nextAttemptAt: Instant
    /// The last attempt's outcome in the transport's words.
    public var lastError: String

    /// Creates a row.
    public init(
        name: String, incident: String, link: String, channel: String, failedAttempts: Int, waitingMinutes: Int,
        nextAttemptAt: Instant, lastError: String
    ) {
        self.name = name
        self.incident = incident
        self.link = link
        self.channel = channel
        self.failedAttempts = failedAttempts
        self.waitingMinutes = waitingMinutes
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// One open incident on the board.
public struct BoardRow: Sendable, Equatable {
    /// Where an incident's escalation stands.
    public enum Escalation: String, CaseIterable, Sendable {
        /// No escalation planned.
        case none
        /// An escalation will fire if nobody acknowledges.
        case pending
        /// An escalation has fired.
        case fired
    }

    /// The incident's id.
    public var id: String
    /// The area's name, nil if not known.
    public var areaName: String?
    /// The kind of incident.
    public var category: Category
    /// How severe.
    public var severity: IncidentSeverity
    /// Minutes since it was received.
    public var ageMinutes: Int
    /// Whether anyone has acknowledged.
    public var acknowledged: Bool
    /// Where its escalation stands.
    public var escalation: Escalation
    /// Where the id links to, a local path such as `/incidents/{id}`.
    public var link: String
    /// Whether it is an exercise: its row says ØVELSE / EXERCISE before the id.
    public var exercise = false

    /// Creates a row.
    public init(
        id: String, areaName: String?, category: Category, severity: IncidentSeverity, ageMinutes: Int,
        acknowledged: Bool, escalation: Escalation, link: String
    ) {
        self.id = id
        self.areaName = areaName
        self.category = category
        self.severity = severity
        self.ageMinutes = ageMinutes
        self.acknowledged = acknowledged
        self.escalation = escalation
        self.link = link
    }
}
