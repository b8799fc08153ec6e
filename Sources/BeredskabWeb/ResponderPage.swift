import BeredskabRules
import BeredskabTime

/// The responder's incident page at `/ack/{token}`, reached from the link in an alert: the
/// situation, the message sent, personal details only when the view model carries them (with the
/// §115 notice), the tasks with deadlines and done buttons, the acknowledge button, and the timeline.
public struct ResponderPage: Sendable, Equatable {
    /// The acknowledgement token from the link.
    public var token: String
    /// The incident's id.
    public var incident: String
    /// The recipient's name.
    public var recipientName: String
    /// The names of the roles the recipient was notified as.
    public var roleNames: [String]
    /// What, where, when.
    public var situation: Situation
    /// The message as it was sent, link placeholder removed.
    public var message: String
    /// Personal details (§115), only for a recipient whose notification was personal tier; nil
    /// shows nothing of them.
    public var personalDetails: String?
    /// The recipient's tasks.
    public var tasks: [ResponderTask]
    /// When the recipient acknowledged, nil if not yet (then the button is shown).
    public var acknowledgedAt: Instant?
    /// What has happened so far.
    public var timeline: [TimelineEntry]
    /// Now, to mark overdue tasks.
    public var now: Instant

    /// Creates the page.
    public init(
        token: String, incident: String, recipientName: String, roleNames: [String], situation: Situation,
        message: String, personalDetails: String? = nil, tasks: [ResponderTask] = [], acknowledgedAt: Instant? = nil,
        timeline: [TimelineEntry] = [], now: Instant
    ) {
        self.token = token
        self.incident = incident
        self.recipientName = recipientName
        self.roleNames = roleNames
        self.situation = situation
        self.message = message
        self.personalDetails = personalDetails
        self.tasks = tasks
        self.acknowledgedAt = acknowledgedAt
        self.timeline = timeline
        self.now = now
    }

    /// The page as HTML (`Templates/responder.mustache`).
    public func render(_ context: PageContext) -> String {
        Templates.render("responder", view(context))
    }

    /// What the template reads: plain text, escaped by the template.
    func view(_ context: PageContext) -> [String: Any] {
        let lang = context.lang
        let base = "/ack/\(HTML.pathSegment(token))"
        let title = WebText.incidentTitle.text(lang, ["id": incident])
        let keys: [String: Any] = [
            "recipient": WebText.responderTo.text(
                lang, ["name": recipientName, "roles": roleNames.joined(separator: ", ")]),
            "acknowledged": acknowledgedAt.map {
                WebText.youAcknowledgedAt.text(lang, ["time": WebTime.text($0, lang)])
            } ?? false,
            "base": base, "situation": situation.view(lang), "message": message,
            "personalDetails": present(personalDetails), "hasTasks": !tasks.isEmpty,
            "tasks": tasks.map { task in
                let anchor = "task-\(HTML.idFragment(task.id))"
                let overdue = task.isOverdue(at: now)
                return [
                    "anchor": anchor, "state": task.doneAt != nil ? "done" : overdue ? "overdue" : "open",
                    "text": task.text, "roleName": task.roleName.flatMap { $0.isEmpty ? nil : $0 } ?? false,
                    "doneAt": task.doneAt.map { WebTime.view($0, lang) } ?? false,
                    "dueAt": task.dueAt.map { WebTime.view($0, lang) } ?? false, "overdue": overdue,
                    "action": base + "/tasks/" + HTML.pathSegment(task.id),
                ] as [String: Any]
            },
            "timeline": TimelineEntry.view(
                timeline, caption: WebText.timelineHeading.text(lang), id: "timeline", lang: lang),
        ]
        return Layout.view(context, title: title, keys)
    }
}
/// A task given to the recipient, with its deadline.
public struct ResponderTask: Sendable, Equatable {
    /// The task's id, used in `/ack/{token}/tasks/{id}`.
    public var id: String
    /// What to do.
    public var text: String
    /// The name of the role it falls to, if worth showing.
    public var roleName: String?
    /// The deadline, nil if none.
    public var dueAt: Instant?
    /// When it was done, nil while open.
    public var doneAt: Instant?

    /// Creates a task.
    public init(id: String, text: String, roleName: String? = nil, dueAt: Instant? = nil, doneAt: Instant? = nil) {
        self.id = id
        self.text = text
        self.roleName = roleName
        self.dueAt = dueAt
        self.doneAt = doneAt
    }

    /// Open and past its deadline.
    public func isOverdue(at now: Instant) -> Bool {
        guard doneAt == nil, let dueAt else { return false }
        return now > dueAt
    }
}
