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

    /// The page as HTML.
    public func render(_ context: PageContext) -> String {
        let lang = context.lang
        let t = Texts(lang)
        let base = "/ack/\(HTML.pathSegment(token))"
        let title = t(.incidentTitle, ["id": incident])
        var main = "<h1>\(title)</h1>\n"
        main += "<p class=\"recipient\">"
        main += t(.responderTo, ["name": recipientName, "roles": roleNames.joined(separator: ", ")]) + "</p>\n"

        main += "<section aria-labelledby=\"ack-heading\" class=\"status-box\">\n"
        main += "<h2 id=\"ack-heading\">\(t[.ackHeading])</h2>\n"
        if let acknowledgedAt {
            main += "<p id=\"ack-done\" class=\"ack-status\" data-state=\"yes\">"
            main += t(.youAcknowledgedAt, ["time": WebTime.text(acknowledgedAt, lang)]) + "</p>\n"
        } else {
            main += "<p id=\"ack-hint\">\(t[.ackExplain])</p>\n"
            main += "<form method=\"post\" action=\"\(HTML.escape(base))\">\n" + Form.csrf(context)
            main +=
                "<button type=\"submit\" id=\"ack-button\" aria-describedby=\"ack-hint\">\(t[.ackButton])</button>\n"
            main += "</form>\n"
        }
        main += "</section>\n"

        main +=
            "<section aria-labelledby=\"situation-heading\">\n<h2 id=\"situation-heading\">\(t[.situationHeading])</h2>\n"
        main += situation.html(lang) + "</section>\n"

        main += "<section aria-labelledby=\"message-heading\">\n<h2 id=\"message-heading\">\(t[.messageHeading])</h2>\n"
        main += "<div class=\"message prewrap\">\(HTML.escape(message))</div>\n</section>\n"

        if let personalDetails {
            main += "<section aria-labelledby=\"personal-heading\" class=\"sensitive\" id=\"personal-details\">\n"
            main += "<h2 id=\"personal-heading\">\(t[.personalHeading])</h2>\n"
            main += "<p class=\"notice\"><strong>\(t[.confidentialLabel])</strong> \(t[.personalNotice])</p>\n"
            main += "<div class=\"message prewrap\">\(HTML.escape(personalDetails))</div>\n</section>\n"
        }

        main += "<section aria-labelledby=\"tasks-heading\">\n<h2 id=\"tasks-heading\">\(t[.tasksHeading])</h2>\n"
        if tasks.isEmpty {
            main += "<p>\(t[.tasksNone])</p>\n"
        } else {
            main += "<ul class=\"tasks\">\n"
            for task in tasks {
                let anchor = "task-\(HTML.idFragment(task.id))"
                let overdue = task.isOverdue(at: now)
                let state = task.doneAt != nil ? "done" : overdue ? "overdue" : "open"
                main += "<li class=\"task task-\(state)\" id=\"\(anchor)\">\n"
                main += "<p class=\"task-text\" id=\"\(anchor)-text\">\(HTML.escape(task.text))</p>\n"
                if let roleName = task.roleName, !roleName.isEmpty {
                    main += "<p class=\"task-role\">\(t[.taskRole]) \(HTML.escape(roleName))</p>\n"
                }
                if let doneAt = task.doneAt {
                    main +=
                        "<p class=\"task-state\"><strong>\(t[.taskDone])</strong> \(WebTime.element(doneAt, lang))</p>\n"
                } else {
                    if let due = task.dueAt {
                        main += "<p class=\"task-due\">\(t[.taskDue]) \(WebTime.element(due, lang))"
                        if overdue { main += " <strong class=\"overdue\">\(t[.taskOverdue])</strong>" }
                        main += "</p>\n"
                    }
                    main +=
                        "<form method=\"post\" action=\"\(HTML.escape(base + "/tasks/" + HTML.pathSegment(task.id)))\">\n"
                    main += Form.csrf(context) + "<input type=\"hidden\" name=\"status\" value=\"done\">\n"
                    main += "<button type=\"submit\" class=\"secondary\" aria-describedby=\"\(anchor)-text\">"
                    main += "\(t[.taskDone])</button>\n</form>\n"
                }
                main += "</li>\n"
            }
            main += "</ul>\n"
        }
        main += "</section>\n"

        main += "<section>\n" + TimelineEntry.table(timeline, caption: t[.timelineHeading], id: "timeline", lang: lang)
        main += "</section>\n"
        return Layout.page(context, title: title, main: main)
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
