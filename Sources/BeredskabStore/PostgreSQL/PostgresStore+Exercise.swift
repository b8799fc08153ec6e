import BeredskabEngine
import BeredskabRules
import BeredskabTime

/// Exercises (drills), as ``SQLiteStore`` has them (SQLiteStore+Exercise.swift): stored like any
/// incident, with every message marked and the alerted limited to the report's `only_roles` and
/// `only_orgs` (docs/report.md, `exercise`).
extension PostgresStore {
    /// Whether an incident is an exercise, and its limits on who is alerted; nil for a real incident.
    func exerciseLimits(incident: String, _ db: PGConnection) throws -> (onlyRoles: [String]?, onlyOrgs: [String]?)? {
        // Asked for each message of an incident: read once a transaction (they never change).
        if let known = db.state.exerciseLimits[incident] { return known }
        guard let row = try db.one("SELECT exercise, only_roles, only_orgs FROM incident WHERE id = \(incident)")
        else { return nil }
        var limits: (onlyRoles: [String]?, onlyOrgs: [String]?)?
        if row["exercise"] as Bool {
            limits = (
                (row["only_roles"] as String?).map(SQLiteStore.strings),
                (row["only_orgs"] as String?).map(SQLiteStore.strings)
            )
        }
        db.state.exerciseLimits[incident] = .some(limits)
        return limits
    }

    /// A notification about an exercise as it is stored: marked in its first words, or nil (with an
    /// audit entry) when the exercise's limits leave its recipient out. Every message about an
    /// incident passes through here, so escalations, watch requests and updates are marked and
    /// limited as the first alert is.
    func exerciseNotification(
        _ n: PlannedNotification, limits: (onlyRoles: [String]?, onlyOrgs: [String]?), kind: String, incident: String,
        _ db: PGConnection
    ) throws -> PlannedNotification? {
        guard
            Exercise.within(
                roles: n.roles, organisation: n.organisation, onlyRoles: limits.onlyRoles,
                onlyOrganisations: limits.onlyOrgs)
        else {
            try audit(
                db, n.sendAt, "engine", "exercise-left-out", incident,
                "\(kind) to \(n.person) (\(n.roles.joined(separator: ", ")), \(n.organisation)) not sent: outside the exercise's limits"
            )
            return nil
        }
        var marked = n
        marked.message = Exercise.mark(n.message, n.language)
        return marked
    }
}
