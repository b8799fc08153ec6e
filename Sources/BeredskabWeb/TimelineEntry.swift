import BeredskabRules
import BeredskabTime

/// One line of an incident's timeline: when, what kind of event, and what happened.
public struct TimelineEntry: Sendable, Equatable {
    /// The kinds of event, as the timeline API names them.
    public enum Kind: String, CaseIterable, Sendable {
        case received, sent, retry, failed, acknowledged, escalated, update
        case taskDone = "task-done"
        case watchAnswer = "watch-answer"
    }

    /// When it happened.
    public var at: Instant
    /// What kind of event.
    public var kind: Kind
    /// What happened, in words (situation tier only).
    public var text: String

    /// Creates an entry.
    public init(at: Instant, kind: Kind, text: String) {
        self.at = at
        self.kind = kind
        self.text = text
    }

    /// Entries as a table, oldest first; `caption` is escaped HTML.
    static func table(_ entries: [TimelineEntry], caption: String, id: String, lang: Language) -> String {
        let t = Texts(lang)
        guard !entries.isEmpty else {
            return "<h2 id=\"\(id)\">\(caption)</h2>\n<p>\(t[.timelineEmpty])</p>\n"
        }
        let ordered = entries.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
        var out = "<div class=\"table-scroll\">\n<table id=\"\(id)\">\n<caption>\(caption)</caption>\n"
        out += "<thead><tr><th scope=\"col\">\(t[.columnTime])</th><th scope=\"col\">\(t[.columnEvent])</th>"
        out += "<th scope=\"col\">\(t[.columnDetails])</th></tr></thead>\n<tbody>\n"
        for (_, entry) in ordered {
            out += "<tr><td>\(WebTime.element(entry.at, lang))</td><td>\(t[WebText.timeline(entry.kind)])</td>"
            out += "<td class=\"prewrap\">\(HTML.escape(entry.text))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</div>\n"
    }
}
