import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Foundation
import PostgresNIO

/// The incident's lifecycle after the report, as ``SQLiteStore``'s `SQLiteStore+Lifecycle.swift`:
/// merged reports and tasks that run late (docs/plan.md, "The lifecycle").
extension PostgresStore {
    /// The reports (as received) merged into an incident, oldest first (ties in the order of their ids).
    public func mergedReports(into incident: String) throws -> [String] {
        try pool.read { db in
            try db.query(
                """
                SELECT report_json FROM incident WHERE merged_into = \(incident)
                ORDER BY received_at, id COLLATE "C"
                """
            ).map { $0[0] as String }
        }
    }

    /// Open tasks of open incidents past their deadline, with roles to escalate to and not yet
    /// escalated; marks them escalated (once per task), read through the partial index
    /// `task_overdue`.
    ///
    /// Every instance calls this on its own clock, so the tasks are taken with `FOR UPDATE SKIP
    /// LOCKED`: a task another instance is taking at that moment is left to it, and one it has
    /// taken is seen as escalated once it commits (READ COMMITTED reads each row again when its lock
    /// is granted), so each overdue task is escalated by exactly one instance.
    public func takeOverdueTasks(at: Instant) throws -> [OverdueTask] {
        try pool.write { db in
            let tasks = try db.query(
                """
                SELECT t.id, t.incident_id, t.guideline, t.text, t.role, t.due_at, t.escalate_to
                FROM task t JOIN incident i ON i.id = t.incident_id
                WHERE t.status = 'open' AND t.escalated_at IS NULL AND t.due_at <= \(at.seconds)
                AND t.escalate_to != '[]' AND i.closed_at IS NULL ORDER BY t.due_at, t.id
                FOR UPDATE OF t SKIP LOCKED
                """
            ).map { row in
                OverdueTask(
                    id: row["id"], incident: row["incident_id"], guideline: row["guideline"], text: row["text"],
                    role: row["role"], dueAt: Instant(seconds: row["due_at"]),
                    escalateTo: SQLiteStore.strings(row["escalate_to"]))
            }
            guard !tasks.isEmpty else { return [] }
            try db.execute("UPDATE task SET escalated_at = \(at.seconds) WHERE id = ANY(\(tasks.map(\.id)))")
            for task in tasks {
                try audit(
                    db, at, "engine", "task-overdue", task.incident,
                    "\(task.text) (\(task.role)) was due \(Copenhagen.format(task.dueAt)); escalated to "
                        + task.escalateTo.joined(separator: ", "))
            }
            return tasks
        }
    }
}
