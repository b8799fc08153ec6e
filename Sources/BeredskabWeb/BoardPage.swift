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
    /// Whether to link to `/silences` (reviewers and admins).
    public var silencesLink = false

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

    /// The page as HTML (`Templates/board.mustache`).
    public func render(_ context: PageContext) -> String {
        Templates.render("board", view(context))
    }

    /// What the template reads: plain text, escaped by the template. Each cell names its column in
    /// `data-label`, for the stacked layout on narrow screens.
    func view(_ context: PageContext) -> [String: Any] {
        let lang = context.lang
        func t(_ key: WebText) -> String { key.text(lang) }
        let ordered = Self.ordered(rows)
        let unacknowledged = ordered.filter { !$0.acknowledged }.count
        let keys: [String: Any] = [
            "updatedAt": WebTime.view(updatedAt, lang), "hasRows": !ordered.isEmpty,
            "caption": WebText.boardCaption.text(lang, ["n": "\(ordered.count)", "waiting": "\(unacknowledged)"]),
            "rows": ordered.map { row in
                [
                    "rowClass": row.acknowledged ? "acknowledged" : "unacknowledged",
                    "severityCode": row.severity.rawValue,
                    "exerciseTag": row.exercise ? (lang == .da ? "ØVELSE" : "EXERCISE") : false,
                    "silenced": row.silenced.map { ["tag": t(.silencedTag), "reason": $0] } ?? false,
                    "link": HTML.localPath(row.link), "id": row.id, "area": row.areaName ?? t(.areaUnknown),
                    "category": t(WebText.category(row.category)), "severity": t(WebText.severity(row.severity)),
                    "age": WebTime.age(minutes: row.ageMinutes, lang), "ackState": row.acknowledged ? "yes" : "no",
                    "ack": t(row.acknowledged ? .boardAckYes : .boardAckNo),
                    "escalationCode": row.escalation.rawValue, "escalation": t(WebText.escalation(row.escalation)),
                ] as [String: Any]
            },
            "silencesLink": silencesLink, "hasWaiting": !waiting.isEmpty,
            "waiting": waiting.map { item in
                [
                    "name": item.name, "link": HTML.localPath(item.link), "incident": item.incident,
                    "channel": item.channel, "failedAttempts": item.failedAttempts,
                    "age": WebTime.age(minutes: item.waitingMinutes, lang),
                    "nextAttemptAt": WebTime.view(item.nextAttemptAt, lang), "lastError": item.lastError,
                ] as [String: Any]
            },
        ]
        return Layout.view(context, title: t(.boardTitle), wide: true, refresh: max(5, refreshSeconds), keys)
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
    /// Why a guideline it matched was silenced (the silences' reasons), nil when none was: its row
    /// says TAVS / SILENCED before the id and the reason under it, so nobody waits for an alert
    /// that was never sent.
    public var silenced: String?

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
