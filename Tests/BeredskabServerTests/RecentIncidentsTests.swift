import BeredskabEngine
import BeredskabTime
import Foundation
import GRDB
import Testing

@testable import BeredskabStore

/// The store's in-memory index of recent incidents (issue 16) against the database it mirrors:
/// after every kind of change, including a rolled-back transaction and a write by another
/// connection, the index holds exactly what a query of the `incident` table says.
@Suite struct RecentIncidentsTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    /// Every incident the rules may see, read from the table: real ones, or exercises.
    func truth(_ store: SQLiteStore, exercise: Bool = false) throws -> [HistoryIncident] {
        try store.pool.read { db in
            try RecentIncidents.rows(db, where: "1 = 1", arguments: []).compactMap(\.incident)
        }.filter { $0.exercise == exercise }.sorted { $0.id < $1.id }
    }

    /// What the index answers with around `time`, asked at `now`.
    func held(
        _ store: SQLiteStore, around time: Instant? = nil, now: Instant? = nil, exercise: Bool = false
    ) throws -> [HistoryIncident] {
        try store.pool.write { db in
            try store.recent.history(
                db, around: time ?? at, now: now ?? at, lookback: store.lookback, lookahead: store.lookahead,
                excluding: "", exercise: exercise)
        }.incidents.sorted { $0.id < $1.id }
    }

    /// Reports made from the examples, `count` of them a few minutes apart, some in the same area
    /// and category (so that some merge).
    func accept(_ store: SQLiteStore, _ fixture: Fixture, count: Int, from start: Int = 0) throws {
        let names = [
            "skud-blaagaarden.json", "uro-aften-prater.json", "haervaerk-belysning.json", "vaaben-fundet.json",
        ]
        for n in start..<start + count {
            var (report, raw) = try fixture.report(names[n % names.count])
            report.id = "fsb:r\(n)"
            report.occurredAt = at.adding(-3600 + n * 300)
            report.exercise = n % 7 == 3
            _ = try store.accept(report, raw: raw, organisation: "fsb", at: at) { history in
                Fixture.engine.evaluate(report, history: history, at: at)
            }
        }
    }

    @Test func theIndexFollowsEveryChangeToTheIncidentTable() throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path)
        try accept(store, fixture, count: 12)
        #expect(try held(store) == truth(store))
        #expect(try truth(store).count >= 6)
        #expect(try truth(store).count < 12, "some reports merged, so the test covers merged rows")

        // The all clear closes one; a raised severity re-evaluates another.
        let ids = try truth(store).map(\.id)
        try store.addUpdate(
            IncidentUpdate(at: at, actor: "test", kind: .allClear, text: "slut"), incident: ids[0], notify: [])
        try store.addUpdate(
            IncidentUpdate(at: at, actor: "test", kind: .severity, text: "værre", severity: .extreme),
            incident: ids[1], notify: []
        ) { history in
            #expect(history.incident(id: ids[1]) == nil, "an incident is not its own history")
            var report = try! fixture.report("skud-blaagaarden.json").0
            report.id = ids[1]
            return Fixture.engine.evaluate(report, history: history, at: at, mergeDuplicates: false)
        }
        #expect(try held(store) == truth(store))
        #expect(try truth(store).first { $0.id == ids[0] }?.closed == true)

        // A transaction that fails after the index read its changes leaves the index as it was.
        let before = try truth(store)
        #expect(throws: CancellationError.self) {
            try store.pool.write { db in
                try db.execute(
                    sql: "UPDATE incident SET closed_at = 1, area = 'prater' WHERE id = ?", arguments: [ids[2]])
                _ = try store.recent.history(
                    db, around: at, now: at, lookback: store.lookback, lookahead: store.lookahead, excluding: "")
                throw CancellationError()
            }
        }
        #expect(try truth(store) == before)
        #expect(try held(store) == before)

        // Another connection (a second process) changes the table: the index is built again.
        let other = try DatabaseQueue(path: fixture.path)
        try other.write { db in
            try db.execute(
                sql: "UPDATE incident SET closed_at = 1, severity = 'severe' WHERE id = ?", arguments: [ids[3]])
        }
        try other.close()
        #expect(try held(store) == truth(store))
        #expect(try held(store).first { $0.id == ids[3] }?.closed == true)

        // More reports, then the same again.
        try accept(store, fixture, count: 8, from: 12)
        #expect(try held(store) == truth(store))
        // Exercises are held apart, and only an exercise sees them.
        #expect(try held(store, exercise: true) == truth(store, exercise: true))
        #expect(try !truth(store, exercise: true).isEmpty)
    }

    @Test func aQuestionBeyondTheIndexIsAnsweredFromTheDatabaseAndOldIncidentsAreDropped() throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path, lookback: 86_400, lookahead: 3_600)
        try accept(store, fixture, count: 6)
        let all = try truth(store)
        #expect(try held(store) == all)
        // Forty days on the index no longer holds them…
        let later = at.adding(40 * 86_400)
        #expect(try held(store, around: later, now: later).isEmpty)
        // …yet a late report about the old days still sees them, read from the database.
        #expect(try held(store, around: at, now: later) == all)
    }
}

/// The write-ahead log is copied back by the store's checkpointer, never inside an intake commit.
@Suite struct CheckpointerTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test func theWriterNeverCheckpointsAndTheCheckpointerCopiesTheWholeLog() throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path)
        let autocheckpoint = try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(autocheckpoint == 0)
        try RecentIncidentsTests().accept(store, fixture, count: 30)
        let (log, copied) = try store.checkpointer.checkpoint()
        #expect(log > 0)
        #expect(copied == log, "with nobody reading, a passive checkpoint copies every page")
        // What was copied is in the database file itself: a fresh connection without the log sees it.
        try FileManager.default.copyItem(atPath: fixture.path, toPath: fixture.path + ".copy")
        let copy = try DatabaseQueue(path: fixture.path + ".copy")
        #expect(try copy.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM incident") } ?? 0 >= 6)
    }

    /// A batch's savepoints spilled their journal to a new file in /var/tmp past 64 KiB, which each
    /// commit made, wrote and deleted: every connection keeps such data in memory instead.
    @Test func everyConnectionKeepsTemporaryDataInMemory() throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path)
        let memory = 2  // PRAGMA temp_store: 0 default (a file), 1 file, 2 memory
        #expect(try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") } == memory)
        #expect(try store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") } == memory)
    }

    /// A log that readers kept from starting over gets one RESTART; once it has started over, the
    /// checkpoints are PASSIVE again, though SQLite leaves the file as large as it grew. Deciding
    /// by the file's size made every checkpoint after one burst a RESTART, which holds up intake.
    @Test func onlyALogFullOfPagesMakesACheckpointWaitNeverALargeFile() throws {
        let fixture = try Fixture()
        let pool = try DatabasePool(path: fixture.path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
        let limit = 256 << 10
        let checkpointer = try Checkpointer(path: fixture.path, interval: 3_600, restartBytes: limit)
        func write(_ rows: Int) throws {
            try pool.write { db in
                for _ in 0..<rows { try db.execute(sql: "INSERT INTO t (body) VALUES (zeroblob(3000))") }
            }
        }
        let walBytes = { (try FileManager.default.attributesOfItem(atPath: fixture.path + "-wal")[.size] as? Int) ?? 0 }

        // A reader holds its snapshot while 1 MiB is written: the log cannot start over.
        let reading = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? pool.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t")
                reading.signal()
                release.wait()
            }
            finished.signal()
        }
        reading.wait()
        try write(350)
        #expect(checkpointer.nextMode == .passive)
        let (held, _) = try checkpointer.checkpoint()
        #expect(held * checkpointer.pageSize > limit)
        #expect(checkpointer.nextMode == .restart)
        release.signal()
        finished.wait()

        // The RESTART copies it all, and the writer starts the log over from its beginning…
        let (_, copied) = try checkpointer.checkpoint()
        #expect(copied >= held)
        // SQLite reports the old log until the writer starts it over: not another RESTART for that.
        #expect(checkpointer.nextMode == .passive)
        try write(1)
        let (small, _) = try checkpointer.checkpoint()
        #expect(small * checkpointer.pageSize < limit)
        // …in a file still as large as it grew, and the next checkpoint does not wait.
        #expect(try walBytes() > limit)
        #expect(checkpointer.nextMode == .passive)
    }
}

/// The history a report is evaluated with, on either store: every incident the rules may see in its
/// window (real ones, or exercises for an exercise), as the table has them now, and nothing else:
/// not merged reports, not CAP messages that are not Actual. SQLite answers from its in-memory
/// index, PostgreSQL from the table itself (another instance may have changed it).
@Suite struct IntakeHistoryTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!
    let lookback = 86_400
    let lookahead = 3_600

    /// An incident a later report may see.
    struct Visible {
        var id: String
        var occurredAt: Instant
        var exercise: Bool
    }

    /// The ids a report about `time` should see.
    func expected(_ visible: [Visible], around time: Instant, exercise: Bool = false) -> [String] {
        let window = time.seconds - lookback...time.seconds + lookahead
        return visible.filter { $0.exercise == exercise && window.contains($0.occurredAt.seconds) }.map(\.id).sorted()
    }

    /// Accepts `report` at `now` and returns the incidents of its window its plan was made with
    /// (an index may hold more; the engine bounds its questions itself). Adds it to `visible`
    /// when it became an incident of its own.
    func accept(
        _ store: any IncidentStore, _ report: IncidentReport, _ raw: String, at now: Instant,
        into visible: inout [Visible]
    ) throws -> [HistoryIncident] {
        var seen: [HistoryIncident] = []
        let outcome = try store.accept(report, raw: raw, organisation: "fsb", at: now) { history in
            seen = history.incidents
            return Fixture.engine.evaluate(report, history: history, at: now)
        }
        guard case .accepted(let stored) = outcome else { throw StoreFileError("\(report.id): \(outcome)") }
        if stored.planJSON.contains("\"merged_into\":null") {
            visible.append(Visible(id: report.id, occurredAt: report.occurredAt, exercise: report.exercise))
        }
        let window = report.occurredAt.seconds - lookback...report.occurredAt.seconds + lookahead
        return seen.filter { window.contains($0.occurredAt.seconds) }
    }

    @Test(arguments: StoreKind.all)
    func aReportSeesTheIncidentsOfItsWindowAsTheTableHasThem(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind, lookback: lookback, lookahead: lookahead)
        let names = [
            "skud-blaagaarden.json", "uro-aften-prater.json", "haervaerk-belysning.json", "vaaben-fundet.json",
        ]
        var visible: [Visible] = []
        for n in 0..<14 {
            var (report, raw) = try fixture.report(names[n % names.count])
            report.id = "fsb:r\(n)"
            report.occurredAt = at.adding(-3600 + n * 300)
            report.exercise = n % 7 == 3
            let want = expected(visible, around: report.occurredAt, exercise: report.exercise)
            #expect(try accept(store, report, raw, at: at, into: &visible).map(\.id).sorted() == want, "report \(n)")
        }
        #expect(visible.count < 14, "some reports merged, so the test covers merged rows")
        #expect(visible.contains { $0.exercise })

        // A CAP Test message is recorded, never history.
        var (test, testRaw) = try fixture.report("skud-blaagaarden.json")
        test.id = "fsb:cap-test"
        test.occurredAt = at
        let (at, cap) = (at, test)
        var capTest = AcceptRequest(report: cap, raw: testRaw, organisation: "fsb", at: at) { history in
            Fixture.engine.evaluate(cap, history: history, at: at)
        }
        capTest.status = "test"
        #expect(try store.acceptBatch([capTest]).allSatisfy(\.isAccepted))

        // Closed by another connection (another process, or instance): seen closed at once.
        let closed = try #require(visible.first { !$0.exercise }).id
        try fixture.execute(kind, "UPDATE incident SET closed_at = \(at.seconds) WHERE id = '\(closed)'")
        var (probe, raw) = try fixture.report("vaaben-fundet.json")
        probe.id = "fsb:probe"
        probe.occurredAt = at
        let want = expected(visible, around: at)
        let seen = try accept(store, probe, raw, at: at, into: &visible)
        #expect(seen.map(\.id).sorted() == want)
        #expect(seen.first { $0.id == closed }?.closed == true)
        #expect(seen.filter { $0.id != closed }.allSatisfy { !$0.closed })

        // An exercise sees only exercises.
        probe.id = "fsb:probe-exercise"
        probe.exercise = true
        let exercises = expected(visible, around: at, exercise: true)
        #expect(try accept(store, probe, raw, at: at, into: &visible).map(\.id).sorted() == exercises)

        // Forty days on, a report about then sees none of them; a late report about the old days
        // sees them all.
        let later = at.adding(40 * 86_400)
        probe.exercise = false
        probe.id = "fsb:probe-later"
        probe.occurredAt = later
        #expect(try accept(store, probe, raw, at: later, into: &visible).isEmpty)
        probe.id = "fsb:probe-late"
        probe.occurredAt = at.adding(60)
        let old = expected(visible, around: probe.occurredAt)
        #expect(try accept(store, probe, raw, at: later, into: &visible).map(\.id).sorted() == old)
    }
}
