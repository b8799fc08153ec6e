import BeredskabRules
import BeredskabTime

/// The reporter's status page at `/incidents/{id}`: the situation as reported (never personal
/// details), when it was received, who has been notified by role and whether anyone has
/// acknowledged, and a form to send an update. The script keeps it current by polling
/// `/api/v1/incidents/{id}/status` every 3 seconds.
public struct IncidentStatusPage: Sendable, Equatable {
    /// The fields of the update form a problem can be reported for.
    public enum UpdateField: String, CaseIterable, Sendable {
        case kind, text
    }

    /// The kinds of update a reporter can send.
    public enum UpdateKind: String, CaseIterable, Sendable {
        case information
        case allClear = "all_clear"
    }

    /// The incident's id.
    public var incident: String
    /// What, where, when.
    public var situation: Situation
    /// When the report was received.
    public var receivedAt: Instant
    /// Whether the incident is still open.
    public var open: Bool
    /// Whether anyone notified has acknowledged.
    public var acknowledged: Bool
    /// Who has been notified, by role.
    public var notified: [NotifiedRole]
    /// Updates sent so far (information, all clear), shown as a timeline.
    public var updates: [TimelineEntry]
    /// The update form's kind as posted (an `UpdateKind` raw value), for a re-render.
    public var updateKind: String
    /// The update form's text as posted, for a re-render.
    public var updateText: String
    /// What is wrong with a posted update.
    public var updateErrors: [UpdateField: FieldProblem]
    /// Whether the viewer may read the after-action report (those alerted, reviewers, admins): a link to it.
    public var afterActionLink = false

    /// Creates the page.
    public init(
        incident: String, situation: Situation, receivedAt: Instant, open: Bool = true, acknowledged: Bool,
        notified: [NotifiedRole], updates: [TimelineEntry] = [], updateKind: String = UpdateKind.information.rawValue,
        updateText: String = "", updateErrors: [UpdateField: FieldProblem] = [:]
    ) {
        self.incident = incident
        self.situation = situation
        self.receivedAt = receivedAt
        self.open = open
        self.acknowledged = acknowledged
        self.notified = notified
        self.updates = updates
        self.updateKind = updateKind
        self.updateText = updateText
        self.updateErrors = updateErrors
    }

    /// 422 when re-rendered with problems in the update form, else 200.
    public var status: Int { updateErrors.isEmpty ? 200 : 422 }

    /// The page as HTML.
    public func render(_ context: PageContext) -> String {
        let lang = context.lang
        let t = Texts(lang)
        let id = HTML.escape(HTML.pathSegment(incident))
        let title = t(.incidentTitle, ["id": incident])
        func error(_ field: UpdateField) -> String? { updateErrors[field].map { HTML.escape($0.message(lang)) } }
        let problems = UpdateField.allCases.compactMap { field in
            error(field).map {
                (
                    field == .kind ? "update-kind-information" : "update-text",
                    t[field == .kind ? .updateKindLegend : .updateText], $0
                )
            }
        }
        var main = Form.errorSummary(problems, lang: lang)
        main += "<h1>\(title)</h1>\n"
        main += "<p class=\"received\">\(t[.received]) \(WebTime.element(receivedAt, lang)) · "
        main += "<span id=\"incident-state\" data-open=\"\(t[.stateOpen])\" data-closed=\"\(t[.stateClosed])\">"
        main += "\(open ? t[.stateOpen] : t[.stateClosed])</span></p>\n"

        main += "<section aria-labelledby=\"ack-heading\" class=\"status-box\">\n"
        main += "<h2 id=\"ack-heading\">\(t[.ackHeading])</h2>\n"
        main +=
            "<p id=\"ack-status\" class=\"ack-status\" role=\"status\" data-state=\"\(acknowledged ? "yes" : "no")\""
        main += " data-yes=\"\(t[.ackYes])\" data-no=\"\(t[.ackAwaiting])\">"
        main += "\(acknowledged ? t[.ackYes] : t[.ackAwaiting])</p>\n"
        main += "<h3 id=\"notified-heading\">\(t[.notifiedHeading])</h3>\n"
        main += NotifiedRole.list(notified, lang: lang)
        main += "<noscript><p class=\"hint\">\(t[.statusNoScript])</p></noscript>\n"
        main += "</section>\n"

        main +=
            "<section aria-labelledby=\"situation-heading\">\n<h2 id=\"situation-heading\">\(t[.situationHeading])</h2>\n"
        main += situation.html(lang) + "</section>\n"

        if !updates.isEmpty {
            main += "<section>\n" + TimelineEntry.table(updates, caption: t[.updatesHeading], id: "updates", lang: lang)
            main += "</section>\n"
        }

        if open {
            main +=
                "<section aria-labelledby=\"update-heading\">\n<h2 id=\"update-heading\">\(t[.updateHeading])</h2>\n"
            main += "<form method=\"post\" action=\"/incidents/\(id)/updates\" novalidate>\n" + Form.csrf(context)
            main += Form.group(
                id: "update-kind", type: "radio", name: "kind", legend: t[.updateKindLegend],
                choices: UpdateKind.allCases.map {
                    (
                        "update-kind-\(HTML.idFragment($0.rawValue))", $0.rawValue,
                        t[$0 == .information ? .updateInformation : .updateAllClear], $0.rawValue == updateKind
                    )
                }, error: error(.kind), required: true, lang: lang)
            main += Form.textarea(
                id: "update-text", name: "text", label: t[.updateText], value: updateText, hint: t[.updateTextHint],
                error: error(.text), rows: 4, lang: lang)
            main += Form.submit(id: "update-submit", label: t[.updateSubmit]) + "</form>\n</section>\n"
        }
        if afterActionLink {
            let label =
                lang == .da ? "Evaluering: hvem blev alarmeret, og hvor hurtigt blev der svaret" : "After-action report"
            main += "<p class=\"after-action\"><a href=\"/incidents/\(id)/after-action\">\(label)</a></p>\n"
        }
        let url = HTML.escape("/api/v1/incidents/\(HTML.pathSegment(incident))/status")
        return Layout.page(
            context, title: (problems.isEmpty ? "" : t[.errorPrefix] + " ") + title, main: main,
            mainAttributes: " data-status-url=\"\(url)\" data-poll-seconds=\"3\"")
    }
}

/// One role among those notified: how many people and whether any of them has acknowledged.
public struct NotifiedRole: Sendable, Equatable {
    /// The role's id.
    public var role: String
    /// The role's name as people know it.
    public var roleName: String
    /// How many people in that role were notified.
    public var count: Int
    /// Whether someone in that role has acknowledged.
    public var acknowledged: Bool

    /// Creates one.
    public init(role: String, roleName: String, count: Int, acknowledged: Bool) {
        self.role = role
        self.roleName = roleName
        self.count = count
        self.acknowledged = acknowledged
    }

    /// The list `#notified`, with the words the script needs to redraw it in data attributes.
    static func list(_ roles: [NotifiedRole], lang: Language) -> String {
        let t = Texts(lang)
        var out = "<ul id=\"notified\" class=\"notified\" aria-labelledby=\"notified-heading\""
        out += " data-yes=\"\(t[.notifiedAcknowledged])\" data-no=\"\(t[.notifiedNotAcknowledged])\""
        out +=
            " data-person=\"\(t[.personOne])\" data-persons=\"\(t[.personsMany])\" data-empty=\"\(t[.notifiedNone])\">\n"
        if roles.isEmpty { out += "<li class=\"empty\">\(t[.notifiedNone])</li>\n" }
        for role in roles {
            let count = role.count == 1 ? t[.personOne] : t(.personsMany, ["n": "\(role.count)"])
            out +=
                "<li data-state=\"\(role.acknowledged ? "yes" : "no")\"><span class=\"role\">\(HTML.escape(role.roleName))</span>"
            out += " <span class=\"count\">(\(count))</span>: <span class=\"ack\">"
            out += "\(role.acknowledged ? t[.notifiedAcknowledged] : t[.notifiedNotAcknowledged])</span></li>\n"
        }
        return out + "</ul>\n"
    }
}
