import BeredskabRules
import BeredskabTime

/// The page behind a watch request's link (`/ack/{token}` of a `watch` notification): the leader
/// of an institution says whether it is open, open with reduced service, or closed, and when it is
/// expected to reopen. Posts `status` and `reopen_at` to `/ack/{token}`.
public struct WatchRequestPage: Sendable, Equatable {
    /// The answers; the raw value is what the form posts as `status`.
    public enum Answer: String, CaseIterable, Sendable {
        case open, reduced, closed
    }

    /// The fields a problem can be reported for; the raw value is the posted name.
    public enum Field: String, CaseIterable, Sendable {
        case status
        case reopenAt = "reopen_at"
    }

    /// The acknowledgement token from the link.
    public var token: String
    /// The incident's id.
    public var incident: String
    /// The institution's name.
    public var institutionName: String
    /// The message as it was sent, link placeholder removed.
    public var message: String
    /// The situation, if it may be shown to the leader.
    public var situation: Situation?
    /// The answer given so far or as posted (an `Answer` raw value, posted as `status`), or empty.
    public var answer: String
    /// The expected reopening as a `datetime-local` value, or empty.
    public var reopenAt: String
    /// When the last answer was recorded, nil if none yet.
    public var answeredAt: Instant?
    /// What is wrong with a posted answer.
    public var errors: [Field: FieldProblem]

    /// Creates the page.
    public init(
        token: String, incident: String, institutionName: String, message: String, situation: Situation? = nil,
        answer: String = "", reopenAt: String = "", answeredAt: Instant? = nil, errors: [Field: FieldProblem] = [:]
    ) {
        self.token = token
        self.incident = incident
        self.institutionName = institutionName
        self.message = message
        self.situation = situation
        self.answer = answer
        self.reopenAt = reopenAt
        self.answeredAt = answeredAt
        self.errors = errors
    }

    /// 422 when re-rendered with problems, else 200.
    public var status: Int { errors.isEmpty ? 200 : 422 }

    /// The page as HTML (`Templates/watch-request.mustache`).
    public func render(_ context: PageContext) -> String {
        Templates.render("watch-request", view(context))
    }

    /// What the template reads: plain text, escaped by the template.
    func view(_ context: PageContext) -> [String: Any] {
        let lang = context.lang
        func t(_ key: WebText) -> String { key.text(lang) }
        func error(_ field: Field) -> String? { errors[field].map { $0.message(lang) } }
        let problems = Field.allCases.compactMap { field in
            error(field).map {
                field == .status ? ("status-open", t(.watchLegendShort), $0) : ("reopen_at", t(.reopenAt), $0)
            }
        }
        var keys = Form.errorSummary(problems)
        keys["intro"] = WebText.watchIntro.text(lang, ["id": incident, "institution": institutionName])
        keys["message"] = message
        if let answeredAt, let given = Answer(rawValue: answer) {
            keys["answered"] = WebText.watchAnswered.text(
                lang, ["time": WebTime.text(answeredAt, lang), "answer": WebText.watchAnswer(given).text(lang)])
        } else {
            keys["answered"] = false
        }
        keys["action"] = "/ack/" + HTML.pathSegment(token)
        keys["status"] = Form.group(
            id: "watch-status", type: "radio", name: "status",
            legend: WebText.watchLegend.text(lang, ["institution": institutionName]),
            choices: Answer.allCases.map {
                ("status-\($0.rawValue)", $0.rawValue, t(WebText.watchAnswer($0)), $0.rawValue == answer)
            }, error: error(.status), required: true)
        keys["reopenAt"] = Form.input(
            id: "reopen_at", name: "reopen_at", type: "datetime-local", label: t(.reopenAt), value: reopenAt,
            hint: t(.reopenAtHint), error: error(.reopenAt))
        keys["situation"] = situation.map { $0.view(lang) } ?? false
        return Layout.view(context, title: (problems.isEmpty ? "" : t(.errorPrefix) + " ") + t(.watchTitle), keys)
    }
}
