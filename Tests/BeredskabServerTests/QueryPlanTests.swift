import BeredskabDispatch
import BeredskabEngine
import BeredskabTime
import Foundation
import GRDB
import Testing

@testable import BeredskabStore

/// No statement the store runs in an incident's life reads a whole table that grows with history
/// (issue 16): each is checked by SQLite's own `EXPLAIN QUERY PLAN`. Without statistics (the store
/// never runs ANALYZE) SQLite plans the same on ten rows as on a million, so a small store shows the
/// plans a large one gets.
@Suite struct QueryPlanTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    /// Tables whose rows accumulate with every report.
    static let historyTables: Set<String> = [
        "incident", "notification", "delivery_attempt", "task", "escalation", "watch", "audit", "incident_update",
    ]

    /// Statements that read a whole table on purpose: exports and checks of everything, run by an
    /// operator, never per report or per page of one incident.
    static let wholeTableOnPurpose = [
        "FROM audit ORDER BY id"  // verifying the audit chain, exporting it
    ]

    @Test func noStatementOfAnIncidentsLifeReadsAWholeHistoryTable() async throws {
        let fixture = try Fixture()
        let traced = Traced()
        let store = try SQLiteStore(path: fixture.path, tracing: { traced.add($0) })
        // Migrations run once per store, not per report: what follows is what is traced.
        traced.reset()
        func request(_ name: String, _ organisation: String) throws -> AcceptRequest {
            try fixture.requestWithWatches(name, as: organisation, at: at)
        }
        // A shooting with watches, the same shooting from another association (merged), and others.
        _ = try store.acceptBatch([try request("skud-blaagaarden.json", "fsb")])
        _ = try store.acceptBatch([try request("skud-blaagaarden-akb.json", "akb")])
        for name in ["containerbrand-prater.json", "narko-opgang.json", "uro-aften-prater.json"] {
            _ = try store.acceptBatch([try request(name, "fsb")])
        }
        let incident = "fsb:2026-000412"
        let recorder = Recorder()
        let dispatcher = Dispatcher(store: store, engine: Fixture.engine, transport: recorder, publicURL: "http://x")
        try await dispatcher.runOnce(now: at)
        try await dispatcher.runOnce(now: at.adding(3 * 3600))

        // Acknowledging, tasks, updates, watches answered, escalations and overdue tasks.
        let notifications = try store.notifications(incident: incident)
        let first = try #require(notifications.first { $0.kind == "notification" })
        _ = try store.acknowledge(ackToken: store.ackToken(for: first), at: at.adding(60), stops: Fixture.stops)
        if let watch = notifications.first(where: { $0.kind == "watch" }) {
            _ = try store.answerWatch(
                ackToken: store.ackToken(for: watch), status: .closed, expectedReopening: nil, vital: { _ in true },
                at: at.adding(120))
        }
        if let task = try store.tasks(incident: incident).first {
            _ = try store.setTask(incident: incident, task: task.id, done: true, actor: "person:x", at: at.adding(180))
        }
        _ = try store.takeOverdueTasks(at: at.adding(86_400))
        _ = try store.takeUnansweredWatches(at: at.adding(86_400))
        _ = try store.fireDueEscalations(at: at.adding(86_400)) { _ in [] }
        _ = try store.acknowledge(
            incident: incident, person: first.person, actor: "person:x", at: at.adding(240), stops: Fixture.stops)

        // What the board, the incident page and /metrics read.
        _ = try store.incidents(IncidentFilter())
        _ = try store.incident(id: incident)
        _ = try store.mergedReports(into: incident)
        _ = try store.tasks(incident: incident)
        _ = try store.updates(incident: incident)
        _ = try store.timeline(incident: incident)
        _ = try store.audit(incident: incident)
        _ = try store.silenced(incident: incident)
        _ = try store.waitingNotifications(limit: 200)
        _ = try store.waitingCounts(at: at)
        _ = try store.afterActionRecord(incident: incident)

        // The all clear.
        _ = try store.addUpdate(
            IncidentUpdate(at: at.adding(3600), actor: "person:x", kind: .allClear, text: "Afblæst", severity: nil),
            incident: incident, notify: [], replan: nil)

        // Queries and changes only: not transactions, savepoints or pragmas (nor trigger lines).
        let statements = traced.statements.filter { sql in
            ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains { sql.uppercased().hasPrefix($0) }
        }
        #expect(statements.count > 50)
        let queue = try DatabaseQueue(path: fixture.path)
        var scans: [String] = []
        for sql in statements where !Self.wholeTableOnPurpose.contains(where: sql.contains) {
            guard let details = try? Self.plan(of: sql, in: queue) else { continue }
            for detail in details {
                // A search on status alone, where the statement names its incident, reads every
                // row of that status: all pending escalations, say, for one incident's.
                let byStatusAlone = detail.hasSuffix("(status=?)") && sql.contains("incident_id = ?")
                if byStatusAlone || Self.scannedTable(detail, in: sql).map(Self.historyTables.contains) == true {
                    scans.append("\(detail)  ::  \(sql.split(whereSeparator: \.isWhitespace).joined(separator: " "))")
                }
            }
        }
        #expect(scans.isEmpty, "\(scans.joined(separator: "\n"))")
        // The dispatcher's pass over overdue tasks reads only tasks still open and not escalated,
        // not every open incident (incidents stay open until their all clear).
        let overdue = try #require(statements.first { $0.contains("FROM task t") && $0.contains("due_at <= ?") })
        let plan = try Self.plan(of: overdue, in: queue).joined(separator: "; ")
        #expect(plan.contains("task_overdue") && !plan.contains("incident_open"), "\(plan)")
    }

    /// SQLite's plan of a statement, one line of detail per step, with every `?` bound to NULL.
    static func plan(of sql: String, in queue: DatabaseQueue) throws -> [String] {
        let placeholders = sql.filter { $0 == "?" }.count
        return try queue.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + sql,
                arguments: StatementArguments(Array(repeating: nil as String?, count: placeholders))
            ).map { $0["detail"] as String }
        }
    }

    /// The table a plan line reads whole (`SCAN t`, not through an index), resolving an alias.
    static func scannedTable(_ detail: String, in sql: String) -> String? {
        let words = detail.split(separator: " ").map(String.init)
        guard words.count >= 2, words[0] == "SCAN", !detail.contains(" USING "), !detail.contains("VIRTUAL TABLE")
        else { return nil }
        let name = words[1]
        if historyTables.contains(name) { return name }
        // `FROM notification n`, `JOIN task t`: the table before the alias.
        let tokens = sql.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == "(" }).map(String.init)
        for (index, token) in tokens.enumerated().dropFirst() where token == name {
            if historyTables.contains(tokens[index - 1]) { return tokens[index - 1] }
        }
        return nil
    }

    @Test func scannedTablesAreFoundThroughAliases() {
        #expect(Self.scannedTable("SCAN n", in: "SELECT 1 FROM notification n WHERE x") == "notification")
        #expect(Self.scannedTable("SCAN task", in: "SELECT * FROM task WHERE incident_id = ?") == "task")
        #expect(Self.scannedTable("SCAN n USING INDEX notification_pending", in: "FROM notification n") == nil)
        #expect(Self.scannedTable("SEARCH task USING INDEX task_incident (incident_id=?)", in: "") == nil)
        #expect(Self.scannedTable("SCAN silence", in: "SELECT * FROM silence") == nil)
    }
}

/// Statements seen by the store's trace, from any of its connections.
final class Traced: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String] = []
    private var set: Set<String> = []
    func add(_ sql: String) {
        lock.withLock {
            if set.insert(sql).inserted { seen.append(sql) }
        }
    }
    var statements: [String] { lock.withLock { seen } }
    func reset() {
        lock.withLock {
            seen.removeAll()
            set.removeAll()
        }
    }
}
