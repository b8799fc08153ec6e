import GRDB

/// Indexes for what is read per incident, and for the dispatcher's overdue-task pass.
///
/// Without them each of these read every row of its table, so their cost grew with history
/// (issue 16): a report merged into another read every watch and every pending escalation in the
/// writer's transaction; the dispatcher's pass over overdue tasks read every task ever made, in a
/// write transaction, once a second; the board and the incident page read every escalation for each
/// incident shown, and every audit entry, task and update for the incident opened. With 60,000
/// incidents that was 29,000 escalations, 79,000 tasks and 500,000 audit entries a time.
/// `SQLiteStorePlanTests` checks the plan of each of these statements.
extension SQLiteStore {
    static func registerPerIncidentIndexMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16: indexes for what is read per incident") { db in
            try db.execute(
                sql: """
                    CREATE INDEX task_incident ON task (incident_id, due_at);
                    CREATE INDEX task_overdue ON task (due_at) WHERE status = 'open' AND escalated_at IS NULL;
                    CREATE INDEX escalation_incident ON escalation (incident_id, status);
                    CREATE INDEX watch_incident ON watch (incident_id, institution);
                    CREATE INDEX incident_update_incident ON incident_update (incident_id, at);
                    CREATE INDEX audit_incident ON audit (incident_id) WHERE incident_id IS NOT NULL;
                    """)
        }
    }
}
