import BeredskabEngine
import BeredskabRules
import BeredskabTime
import Foundation
import PostgresNIO

/// Each instance's in-memory index of the incidents the rules can see, on a store several
/// instances share: ``RecentIncidents`` for PostgreSQL (issue 16's goal, flat with history, kept
/// on the shared store of issue 17).
///
/// Reading and decoding every incident in the rules' window for every report made intake on
/// PostgreSQL saturate at about 90 reports a second, most of its CPU in decoding rows. Instead each
/// instance keeps the index and brings it up to date from `incident_change`, a log with one row
/// per insert or update of `incident`, written by a trigger that first takes the intake lock.
/// So every transaction that changes an incident holds that lock from before its change until it
/// ends, and log entries are numbered in the order their transactions commit. An instance reading
/// the log while it holds the lock (intake does) sees every change committed before it, and only
/// those, and reads again only the incidents the entries name.
///
/// A transaction rolled back may have been read into the index (a batch sees its own reports):
/// the pool calls ``invalidate()`` before the rollback lets the lock go, and the index is built
/// again from the table. Entries older than a day (by the database's clock) are pruned; an
/// instance that had not read them yet (`incident_change_pruned`) builds its index again.
final class SharedRecentIncidents: @unchecked Sendable {
    private let lock = NSLock()
    /// Real incidents and exercises.
    private var indexes = [IncidentHistory(), IncidentHistory()]
    private var built = false
    /// Incidents that occurred before this (seconds since 1970, UTC) are not held.
    private var horizon = Int.min
    /// The last log entry read.
    private var lastSeq: Int64 = 0
    /// How far back from the time asked about the index reaches, in seconds.
    let keep: Int
    /// How far the horizon may fall behind before old incidents are dropped, in seconds.
    let slack = 7 * 86_400
    /// Log entries are kept this long (seconds).
    static let logKept = 86_400

    /// An index reaching `lookback` seconds plus a week back.
    init(lookback: Int) {
        keep = lookback + slack
    }

    /// Forgets the index; the next question builds it again from the table.
    func invalidate() {
        lock.withLock { built = false }
    }

    /// The history around `time` for a report evaluated at `now`, as ``RecentIncidents`` answers
    /// it; nil when the window reaches further back than the index (the caller reads the table).
    /// Only inside a transaction that holds the intake lock.
    func history(
        _ db: PGConnection, around time: Instant, now: Instant, lookback: Int, excluding: String, exercise: Bool
    ) throws -> IncidentHistory? {
        try lock.withLock {
            try refresh(db, now: now)
            guard IncidentHistory.before(time.seconds, lookback) >= horizon else { return nil }
            var view = indexes[exercise ? 1 : 0]
            if !excluding.isEmpty { view.excluded = [excluding] }
            return view
        }
    }

    private func refresh(_ db: PGConnection, now: Instant) throws {
        let wanted = IncidentHistory.before(now.seconds, keep)
        if !built {
            // The log's end first: nothing changes while the intake lock is held.
            lastSeq = try db.scalar("SELECT COALESCE(max(seq), 0) FROM incident_change", as: Int64.self) ?? 0
            horizon = wanted
            indexes = [IncidentHistory(), IncidentHistory()]
            for (id, incident) in try Self.rows(db, "occurred_at >= \(horizon)") { apply(id, incident) }
            built = true
            return
        }
        if wanted > horizon &+ slack {
            horizon = wanted
            for kind in indexes.indices { _ = indexes[kind].removeAll(occurredBefore: horizon) }
        }
        // The entries after the last one read, and how far the log was pruned (always one row).
        let rows = try db.query(
            """
            SELECT NULL::bigint AS seq, NULL::text AS incident_id, pruned_through FROM incident_change_pruned
            UNION ALL
            SELECT seq, incident_id, NULL FROM incident_change WHERE seq > \(lastSeq)
            """)
        if let pruned = rows.lazy.compactMap({ $0["pruned_through"] as Int64? }).first, pruned > lastSeq {
            // Entries this instance never read were pruned: build the index again.
            built = false
            return try refresh(db, now: now)
        }
        let changes = rows.compactMap { row in (row["seq"] as Int64?).map { ($0, row["incident_id"] as String) } }
            .sorted { $0.0 < $1.0 }
        guard let last = changes.last else { return }
        lastSeq = last.0
        let ids = Array(Set(changes.map(\.1)))
        var missing = Set(ids)
        for (id, incident) in try Self.rows(db, "id = ANY(\(ids))") {
            missing.remove(id)
            apply(id, incident)
        }
        for id in missing { remove(id) }
        // Now and then the entries older than a day go, by the database's clock.
        if lastSeq % 1_000 == 0 {
            try db.execute(
                """
                WITH gone AS (
                    DELETE FROM incident_change WHERE at < extract(epoch FROM now())::bigint - \(Self.logKept)
                    RETURNING seq)
                UPDATE incident_change_pruned SET pruned_through = GREATEST(pruned_through, (SELECT max(seq) FROM gone))
                WHERE EXISTS (SELECT 1 FROM gone)
                """)
        }
    }

    private func apply(_ id: String, _ incident: HistoryIncident?) {
        remove(id)
        if let incident, incident.occurredAt.seconds >= horizon {
            indexes[incident.exercise ? 1 : 0].insert(incident)
        }
    }

    private func remove(_ id: String) {
        for kind in indexes.indices { indexes[kind].remove(id: id) }
    }

    /// Incidents matching `condition`, each as history, or nil when no rule may see it (merged
    /// into another, or a CAP message that is not Actual).
    static func rows(_ db: PGConnection, _ condition: PostgresQuery) throws -> [(String, HistoryIncident?)] {
        let sql = """
            SELECT id, category, area, occurred_at, fired, closed_at, severity, flags,
                merged_into IS NULL AND cap_status = 'actual' AS visible, exercise
            FROM incident WHERE \(condition.sql) ORDER BY occurred_at, received_at, id
            """
        return try db.query(PostgresQuery(unsafeSQL: sql, binds: condition.binds)).map { row in
            let id: String = row["id"]
            guard row["visible"] as Bool, let category = Category(rawValue: row["category"]) else { return (id, nil) }
            var incident = HistoryIncident(
                id: id, category: category, area: row["area"], occurredAt: Instant(seconds: row["occurred_at"]),
                fired: SQLiteStore.strings(row["fired"]), closed: (row["closed_at"] as Int?) != nil,
                severity: IncidentSeverity(rawValue: row["severity"]), flags: SQLiteStore.flags(row["flags"]))
            incident.exercise = row["exercise"]
            return (id, incident)
        }
    }
}
