import BeredskabEngine
import BeredskabRules
import BeredskabTime
import GRDB

/// Exercises (drills): stored like any incident, with every message marked and the alerted limited
/// to the report's `only_roles` and `only_orgs` (docs/report.md, `exercise`).
extension SQLiteStore {
    static func registerExerciseMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11: exercises go through the same path, marked, and apart from real incidents") {
            db in
            try db.execute(
                sql: """
                    ALTER TABLE incident ADD COLUMN exercise BOOLEAN NOT NULL DEFAULT 0;
                    ALTER TABLE incident ADD COLUMN only_roles TEXT;
                    ALTER TABLE incident ADD COLUMN only_orgs TEXT;
                    ALTER TABLE notification ADD COLUMN exercise BOOLEAN NOT NULL DEFAULT 0;
                    """)
        }
    }

    /// Whether an incident is an exercise, and its limits on who is alerted; nil for a real incident.
    func exerciseLimits(incident: String, _ db: Database) throws -> (onlyRoles: [String]?, onlyOrgs: [String]?)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT exercise, only_roles, only_orgs FROM incident WHERE id = ?"),
                arguments: [incident]),
            row["exercise"] as Bool
        else { return nil }
        return ((row["only_roles"] as String?).map(Self.strings), (row["only_orgs"] as String?).map(Self.strings))
    }

    /// A notification about an exercise as it is stored: marked in its first words, or nil (with an
    /// audit entry) when the exercise's limits leave its recipient out. Every message about an
    /// incident passes through here, so escalations, watch requests and updates are marked and
    /// limited as the first alert is.
    func exerciseNotification(
        _ n: PlannedNotification, limits: (onlyRoles: [String]?, onlyOrgs: [String]?), kind: String, incident: String,
        _ db: Database
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
