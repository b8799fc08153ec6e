import BeredskabEngine
import BeredskabRules
import BeredskabTime
import GRDB

/// The store's in-memory index of the incidents the rules can see (``IncidentHistory``), so that a
/// report is evaluated without reading and decoding every incident in the rules' window (issue 16:
/// intake slowed from 3 ms to 350 ms as 6,000 incidents accumulated).
///
/// The database stays the truth, and the index cannot drift from it: as a GRDB transaction
/// observer on the writer connection it hears of every row of `incident` inserted, updated or
/// deleted, whichever code did it, and reads those rows again before the next question. A
/// transaction rolled back makes its rows be read again; a commit by another connection (`PRAGMA
/// data_version` moved) or a change GRDB cannot follow makes the whole index be built again.
///
/// It holds the incidents that occurred from `keep` seconds before the latest time asked about
/// (`Engine.lookback` plus a week, for reports that arrive late). A question reaching further back
/// is answered from the database, as before. Exercises and real incidents are kept in two
/// indexes, so neither ever sees the other (issue 12). Used only inside `pool.write`, on the writer.
final class RecentIncidents: TransactionObserver, @unchecked Sendable {
    /// Real incidents and exercises.
    private var indexes = [IncidentHistory(), IncidentHistory()]
    private var built = false
    /// Incidents that occurred before this (seconds since 1970, UTC) are not held.
    private var horizon = Int.min
    /// Rows changed since they were last read, and rows read again during this transaction.
    private var changed: Set<Int64> = []
    private var readThisTransaction: Set<Int64> = []
    private var idByRowID: [Int64: String] = [:]
    private var dataVersion: Int64?
    /// How far back from the time asked about the index reaches, in seconds.
    let keep: Int
    /// How far the horizon may fall behind before old incidents are dropped, in seconds.
    let slack = 7 * 86_400

    /// An index reaching `lookback` seconds plus a week back.
    init(lookback: Int) {
        keep = lookback + slack
    }

    /// The history around `time` for a report or incident evaluated at `now`: the incidents from
    /// `lookback` seconds before `time` to `lookahead` after it are all there (more may be; the
    /// engine bounds its questions itself), `excluding` left out; exercises for an exercise, real
    /// incidents otherwise.
    func history(
        _ db: Database, around time: Instant, now: Instant, lookback: Int, lookahead: Int, excluding: String,
        exercise: Bool = false
    ) throws -> IncidentHistory {
        try refresh(db, now: now)
        let from = IncidentHistory.before(time.seconds, lookback)
        guard from >= horizon else {
            // Further back than the index reaches: read that window from the database.
            return IncidentHistory(
                try Self.rows(
                    db, where: "occurred_at BETWEEN ? AND ? AND id != ? AND exercise = ?",
                    arguments: [from, time.seconds + lookahead, excluding, exercise]
                ).compactMap(\.incident))
        }
        var view = indexes[exercise ? 1 : 0]
        if !excluding.isEmpty { view.excluded = [excluding] }
        return view
    }

    /// Brings the index up to date with the database: built on first use or after a change it
    /// could not follow, then the rows changed since.
    private func refresh(_ db: Database, now: Instant) throws {
        let version = try Int64.fetchOne(db, sql: "PRAGMA data_version")
        if version != dataVersion {
            dataVersion = version
            built = false
        }
        let wanted = IncidentHistory.before(now.seconds, keep)
        if !built {
            horizon = wanted
            indexes = [IncidentHistory(), IncidentHistory()]
            idByRowID = [:]
            for row in try Self.rows(db, where: "occurred_at >= ?", arguments: [horizon]) { apply(row) }
            changed = []
            built = true
            return
        }
        if wanted > horizon &+ slack {
            horizon = wanted
            for kind in indexes.indices { indexes[kind].removeAll(occurredBefore: horizon) }
            idByRowID = idByRowID.filter { pair in indexes.contains { $0.incident(id: pair.value) != nil } }
        }
        guard !changed.isEmpty else { return }
        let rows = try Self.rows(
            db, where: "rowid IN (SELECT value FROM json_each(?))",
            arguments: [JSONValue.array(changed.map { .number(Double($0)) }).text])
        var missing = changed
        for row in rows {
            missing.remove(row.rowID)
            apply(row)
        }
        for rowID in missing {
            if let id = idByRowID.removeValue(forKey: rowID) { remove(id) }
        }
        readThisTransaction.formUnion(changed)
        changed = []
    }

    private func apply(_ row: IncidentRow) {
        if let id = idByRowID[row.rowID], id != row.id { remove(id) }
        remove(row.id)
        if let incident = row.incident, incident.occurredAt.seconds >= horizon {
            idByRowID[row.rowID] = row.id
            indexes[incident.exercise ? 1 : 0].insert(incident)
        } else {
            idByRowID[row.rowID] = nil
        }
    }

    private func remove(_ id: String) {
        for kind in indexes.indices { indexes[kind].remove(id: id) }
    }

    /// One row of `incident` as history: nil when no rule may see it (merged into another, or a
    /// CAP message that is not Actual).
    struct IncidentRow {
        var rowID: Int64
        var id: String
        var incident: HistoryIncident?
    }

    static func rows(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [IncidentRow] {
        let statement = try db.cachedStatement(
            sql: """
                SELECT rowid, id, category, area, occurred_at, fired, closed_at, severity, flags,
                    merged_into IS NULL AND cap_status = 'actual', exercise
                FROM incident WHERE \(condition) ORDER BY occurred_at, rowid
                """)
        return try Row.fetchAll(statement, arguments: arguments).map { row in
            let id: String = row[1]
            guard row[9] as Bool, let category = Category(rawValue: row[2]) else {
                return IncidentRow(rowID: row[0], id: id, incident: nil)
            }
            var incident = HistoryIncident(
                id: id, category: category, area: row[3], occurredAt: Instant(seconds: row[4]),
                fired: SQLiteStore.strings(row[5]), closed: (row[6] as Int?) != nil,
                severity: IncidentSeverity(rawValue: row[7]), flags: SQLiteStore.flags(row[8]))
            incident.exercise = row[10]
            return IncidentRow(rowID: row[0], id: id, incident: incident)
        }
    }

    // MARK: TransactionObserver

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        switch eventKind {
        case .insert(let table), .delete(let table), .update(let table, _): return table == "incident"
        }
    }

    func databaseDidChange(with event: DatabaseEvent) {
        changed.insert(event.rowID)
    }

    /// A change GRDB could not follow row by row: build the index again.
    func databaseDidChange() {
        built = false
    }

    func databaseDidCommit(_ db: Database) {
        readThisTransaction = []
    }

    func databaseDidRollback(_ db: Database) {
        // What was read during the transaction is undone in the database: read it again.
        changed.formUnion(readThisTransaction)
        readThisTransaction = []
    }
}
