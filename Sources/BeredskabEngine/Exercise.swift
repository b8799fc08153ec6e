import BeredskabRules

/// Exercises (drills): incidents that go through the same guidelines, rotas, channels, escalations,
/// tasks and watches as real ones, but are marked in every message and never meet a real incident
/// (docs/report.md, `exercise`).
public enum Exercise {
    /// The words every message about an exercise starts with, in the recipient's language:
    /// `ØVELSE – ` (Danish) or `EXERCISE – ` (English).
    public static func marker(_ language: Language) -> String {
        language == .da ? "ØVELSE – " : "EXERCISE – "
    }

    /// Both markers, for a text whose reader's language is not known: `ØVELSE / EXERCISE – `.
    public static let bothMarker = "ØVELSE / EXERCISE – "

    /// Whether a text already starts with an exercise marker.
    public static func isMarked(_ text: String) -> Bool {
        text.hasPrefix("ØVELSE") || text.hasPrefix("EXERCISE")
    }

    /// The text with the marker in front, once: marking a marked text changes nothing.
    public static func mark(_ text: String, _ language: Language) -> String {
        isMarked(text) ? text : marker(language) + text
    }

    /// Whether a notification falls within an exercise's limits: one of its roles in `onlyRoles`
    /// (when given) and its organisation in `onlyOrganisations` (when given).
    public static func within(
        roles: [String], organisation: String, onlyRoles: [String]?, onlyOrganisations: [String]?
    ) -> Bool {
        if let onlyRoles, !roles.contains(where: onlyRoles.contains) { return false }
        if let onlyOrganisations, !onlyOrganisations.contains(organisation) { return false }
        return true
    }

    /// Marks an exercise plan's messages and leaves out the notifications outside the report's
    /// `only_roles` and `only_orgs`, listing them in `leftOut`. A task keeps only the assignees within
    /// the limits, and goes when its role is outside `only_roles` or none of its assignees is left:
    /// nobody outside a drill is reminded of its tasks or told one is overdue. `organisation` gives a
    /// person's organisation.
    static func limit(_ plan: inout Plan, _ report: IncidentReport, organisation: (String) -> String?) {
        plan.exercise = true
        var kept: [PlannedNotification] = []
        for var notification in plan.notifications {
            guard
                within(
                    roles: notification.roles, organisation: notification.organisation, onlyRoles: report.onlyRoles,
                    onlyOrganisations: report.onlyOrganisations)
            else {
                plan.leftOut.append(
                    Plan.LeftOut(
                        person: notification.person, name: notification.name,
                        organisation: notification.organisation, roles: notification.roles))
                continue
            }
            notification.message = mark(notification.message, notification.language)
            kept.append(notification)
        }
        plan.notifications = kept
        guard report.onlyRoles != nil || report.onlyOrganisations != nil else { return }
        plan.tasks = plan.tasks.compactMap { task in
            if let onlyRoles = report.onlyRoles, !onlyRoles.contains(task.role) { return nil }
            guard let onlyOrganisations = report.onlyOrganisations else { return task }
            var limited = task
            limited.assignees = task.assignees.filter { organisation($0).map(onlyOrganisations.contains) ?? false }
            return limited.assignees.isEmpty ? nil : limited
        }
    }
}
