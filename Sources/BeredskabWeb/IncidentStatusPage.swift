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
    /// The guidelines a silence kept quiet for this incident (issue 13), oldest first.
    public var silenced: [SilencedLine] = []

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

    /// The page as HTML (`Templates/incident-status.mustache`).
    public func render(_ context: PageContext) -> String {
        Templates.render("incident-status", view(context))
    }

    /// What the template reads: plain text, escaped by the template.
    func view(_ context: PageContext) -> [String: Any] {
        let lang = context.lang
        func t(_ key: WebText) -> String { key.text(lang) }
        let id = HTML.pathSegment(incident)
        let title = WebText.incidentTitle.text(lang, ["id": incident])
        func error(_ field: UpdateField) -> String? { updateErrors[field].map { $0.message(lang) } }
        let problems = UpdateField.allCases.compactMap { field in
            error(field).map {
                (
                    field == .kind ? "update-kind-information" : "update-text",
                    t(field == .kind ? .updateKindLegend : .updateText), $0
                )
            }
        }
        var keys = Form.errorSummary(problems)
        keys["heading"] = title
        keys["receivedAt"] = WebTime.view(receivedAt, lang)
        keys["state"] = t(open ? .stateOpen : .stateClosed)
        keys["ackState"] = acknowledged ? "yes" : "no"
        keys["ack"] = t(acknowledged ? .ackYes : .ackAwaiting)
        keys["notified"] = NotifiedRole.view(notified, lang: lang)
        keys["situation"] = situation.view(lang)
        keys["updates"] =
            updates.isEmpty
            ? false : TimelineEntry.view(updates, caption: t(.updatesHeading), id: "updates", lang: lang)
        keys["silenced"] =
            silenced.isEmpty
            ? false
            : [
                "tag": t(.silencedTag),
                "items": silenced.map { line in
                    [
                        "guideline": line.guidelineTitle,
                        "by": WebText.silencedBy.text(lang, ["id": String(line.silence), "reason": line.reason]),
                        "firedSince": line.firedSince ? t(.silencedFiredSince) : false,
                    ] as [String: Any]
                },
            ] as [String: Any]
        keys["open"] = open
        keys["updatePath"] = "/incidents/\(id)/updates"
        keys["kind"] = Form.group(
            id: "update-kind", type: "radio", name: "kind", legend: t(.updateKindLegend),
            choices: UpdateKind.allCases.map {
                (
                    "update-kind-\(HTML.idFragment($0.rawValue))", $0.rawValue,
                    t($0 == .information ? .updateInformation : .updateAllClear), $0.rawValue == updateKind
                )
            }, error: error(.kind), required: true)
        keys["text"] = Form.textarea(
            id: "update-text", name: "text", label: t(.updateText), value: updateText, hint: t(.updateTextHint),
            error: error(.text), rows: 4)
        keys["afterAction"] =
            afterActionLink
            ? [
                "href": "/incidents/\(id)/after-action",
                "label": lang == .da
                    ? "Evaluering: hvem blev alarmeret, og hvor hurtigt blev der svaret" : "After-action report",
            ] : false
        return Layout.view(
            context, title: (problems.isEmpty ? "" : t(.errorPrefix) + " ") + title,
            statusURL: "/api/v1/incidents/\(id)/status", keys)
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

    /// The roles of the list `#notified` (`Templates/notified.mustache`), whose data attributes hold
    /// the words the script needs to redraw it.
    static func view(_ roles: [NotifiedRole], lang: Language) -> [[String: Any]] {
        roles.map { role in
            [
                "state": role.acknowledged ? "yes" : "no", "roleName": role.roleName,
                "count": role.count == 1
                    ? WebText.personOne.text(lang) : WebText.personsMany.text(lang, ["n": "\(role.count)"]),
                "ack": (role.acknowledged ? WebText.notifiedAcknowledged : .notifiedNotAcknowledged).text(lang),
            ]
        }
    }
}

/// A guideline a silence kept quiet for an incident, on its status page.
public struct SilencedLine: Sendable, Equatable {
    /// The guideline's title (its id if the rules no longer have it).
    public var guidelineTitle: String
    /// The silence's id and reason.
    public var silence: Int64
    public var reason: String
    /// Whether it has fired for the incident since (a later report after the silence ended).
    public var firedSince: Bool

    /// Creates a line.
    public init(guidelineTitle: String, silence: Int64, reason: String, firedSince: Bool = false) {
        self.guidelineTitle = guidelineTitle
        self.silence = silence
        self.reason = reason
        self.firedSince = firedSince
    }
}
