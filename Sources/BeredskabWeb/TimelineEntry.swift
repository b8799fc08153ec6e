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

    /// Entries as the table `Templates/timeline.mustache` shows, oldest first; `caption` is plain text.
    static func view(_ entries: [TimelineEntry], caption: String, id: String, lang: Language) -> [String: Any] {
        let ordered = entries.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
        return [
            "hasEntries": !entries.isEmpty, "caption": caption, "id": id,
            "entries": ordered.map { _, entry in
                [
                    "at": WebTime.view(entry.at, lang), "kind": WebText.timeline(entry.kind).text(lang),
                    "text": entry.text,
                ] as [String: Any]
            },
        ]
    }
}
