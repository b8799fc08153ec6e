import BeredskabRules
import BeredskabTime

/// The short pages behind acknowledgement links: thanks, already acknowledged, a watch answer
/// recorded or no longer wanted, and a link that is expired or unknown.
public struct ResponderMessagePage: Sendable, Equatable {
    /// Which message.
    public enum Kind: Sendable, Equatable {
        /// Just acknowledged: the escalation has stopped.
        case acknowledged
        /// Just seen by someone not responsible for the guideline: recorded, the escalation goes on.
        case seen
        /// Acknowledged before, at this time if known.
        case alreadyAcknowledged(at: Instant?)
        /// A watch answer was recorded for the institution.
        case watchRecorded(institution: String, answer: WatchRequestPage.Answer)
        /// The incident is no longer watched.
        case watchOver
        /// A task was marked done.
        case taskDone
        /// The link is too old.
        case expired
        /// The link is not known.
        case unknown
    }

    /// Which message.
    public var kind: Kind
    /// The token, to link back to the incident page; nil leaves the link out.
    public var token: String?

    /// Creates the page.
    public init(kind: Kind, token: String? = nil) {
        self.kind = kind
        self.token = token
    }

    /// The HTTP status: 410 for an expired link or a watch that is over, 404 for an unknown link, else 200.
    public var status: Int {
        switch kind {
        case .expired, .watchOver: 410
        case .unknown: 404
        default: 200
        }
    }

    /// The page as HTML (`Templates/responder-message.mustache`).
    public func render(_ context: PageContext) -> String {
        let lang = context.lang
        func t(_ key: WebText) -> String { key.text(lang) }
        let title: String
        let text: String
        switch kind {
        case .acknowledged: (title, text) = (t(.thanksAckTitle), t(.thanksAckText))
        case .seen: (title, text) = (t(.thanksSeenTitle), t(.thanksSeenText))
        case .alreadyAcknowledged(let at):
            title = t(.alreadyAckTitle)
            text =
                at.map { WebText.alreadyAckText.text(lang, ["time": WebTime.text($0, lang)]) }
                ?? t(.alreadyAckTextNoTime)
        case .watchRecorded(let institution, let answer):
            title = t(.watchRecordedTitle)
            text = WebText.watchRecordedText.text(
                lang, ["institution": institution, "said": WebText.watchSaid(answer).text(lang)])
        case .watchOver: (title, text) = (t(.watchOverTitle), t(.watchOverText))
        case .taskDone: (title, text) = (t(.taskDoneTitle), t(.taskDoneText))
        case .expired: (title, text) = (t(.linkExpiredTitle), t(.linkExpiredText))
        case .unknown: (title, text) = (t(.linkUnknownTitle), t(.linkUnknownText))
        }
        let back: Any = token.flatMap { status == 200 ? "/ack/" + HTML.pathSegment($0) : nil } ?? false
        return Templates.render(
            "responder-message", Layout.view(context, title: title, ["text": text, "back": back]))
    }
}
