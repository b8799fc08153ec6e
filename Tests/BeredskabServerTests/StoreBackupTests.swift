import BeredskabEngine
import BeredskabTime
import Foundation
import GRDB
import Testing

@testable import BeredskabStore

/// Backup with SQLite's online backup API while another connection writes, and restore.
@Suite struct StoreBackupTests {
    let at = Instant(rfc3339: "2026-03-14T21:48:00+01:00")!

    /// A backup taken while a writer on its own thread appends all the time is one consistent
    /// snapshot: whole, every notification with its incident, and the audit chain intact.
    @Test func aBackupUnderLoadIsConsistent() throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path)
        let (report, raw) = try fixture.report("skud-blaagaarden.json")
        let writing = DispatchGroup()
        let stop = Flag()
        let written = Counter()
        DispatchQueue.global().async(group: writing) {
            var n = 0
            while !stop.value {
                n += 1
                var copy = report
                copy.id = "fsb:load-\(n)"
                _ = try? store.accept(copy, raw: raw, organisation: "fsb", at: at) { history in
                    Fixture.engine.evaluate(copy, history: history, at: at)
                }
                written.add()
            }
        }
        while written.value < 3 { usleep(1_000) }
        let target = fixture.folder.appendingPathComponent("copy.sqlite").path
        let summary = try StoreBackup.backup(store: fixture.path, to: target)
        let during = written.value
        while written.value < during + 3 { usleep(1_000) }
        stop.value = true
        writing.wait()

        #expect(summary.incidents >= 3 && summary.incidents < written.value, "\(summary.incidents) of \(written.value)")
        #expect(summary.pendingNotifications > 0 && summary.orphanNotifications == 0)
        #expect(summary.audit.problem == nil && summary.audit.entries >= summary.incidents)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path)
            .filter { $0.contains(".copy.sqlite") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        let copy = try DatabaseQueue(path: target)
        let (integrity, incidents) = try copy.read { db in
            (
                try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM incident")
            )
        }
        #expect(integrity == ["ok"] && incidents == summary.incidents)
    }

    /// A backup written over the live store (or its write-ahead log) would pull the file from under
    /// a running server: refused, and the store is untouched. A backup is readable by its owner only.
    @Test func aBackupIsNeverWrittenOverTheStoreItselfAndOnlyItsOwnerMayReadIt() throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let folder = fixture.folder.path
        for target in [
            fixture.path, fixture.path + "-wal", folder + "/./" + (fixture.path as NSString).lastPathComponent,
        ] {
            let error = #expect(throws: StoreFileError.self) {
                _ = try StoreBackup.backup(store: fixture.path, to: target)
            }
            #expect(error?.description.contains("over the store itself") == true, "\(target)")
        }
        #expect(try store.incident(id: "fsb:2026-000412") != nil)
        let missing = #expect(throws: StoreFileError.self) {
            _ = try StoreBackup.backup(store: fixture.path, to: folder + "/no/such/folder/x.sqlite")
        }
        #expect(missing?.description.contains("create it first") == true)
        let target = folder + "/backup.sqlite"
        _ = try StoreBackup.backup(store: fixture.path, to: target)
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func restoreRefusesAStoreThatIsOpenAndReplacesItOnceClosed() throws {
        let fixture = try Fixture()
        var store: SQLiteStore? = try SQLiteStore(path: fixture.path)
        #expect(try fixture.accept(store!, "skud-blaagaarden.json", at: at).isAccepted)
        let target = fixture.folder.appendingPathComponent("copy.sqlite").path
        _ = try StoreBackup.backup(store: fixture.path, to: target)
        #expect(try fixture.accept(store!, "uro-aften-prater.json", at: at).isAccepted)

        let error = #expect(throws: StoreFileError.self) { try StoreBackup.restore(from: target, to: fixture.path) }
        #expect(error?.description.contains("stop it first") == true)
        #expect(throws: StoreFileError.self) { _ = try StoreBackup.restore(from: target, to: fixture.path) }

        store = nil
        let restored = try StoreBackup.restore(from: target, to: fixture.path)
        #expect(restored.incidents == 1 && restored.migrated.isEmpty)
        #expect(FileManager.default.fileExists(atPath: fixture.path + ".before-restore"))
        let reopened = try SQLiteStore(path: fixture.path)
        #expect(try reopened.verifyAudit().problem == nil)
        // Opening it again holds the lock again.
        #expect(throws: StoreFileError.self) { _ = try StoreBackup.restore(from: target, to: fixture.path) }
    }

    @Test func restoreRefusesWhatIsNotAStoreAndLeavesTheStoreAlone() throws {
        let fixture = try Fixture()
        let store = fixture.folder.appendingPathComponent("store").path
        let text = fixture.folder.appendingPathComponent("notes.txt").path
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: text))
        let junk = #expect(throws: StoreFileError.self) { _ = try StoreBackup.restore(from: text, to: store) }
        #expect(junk?.description.contains("not a SQLite database") == true, "\(String(describing: junk))")

        let other = fixture.folder.appendingPathComponent("other.sqlite").path
        let queue = try DatabaseQueue(path: other)
        try queue.write { try $0.execute(sql: "CREATE TABLE t (x)") }
        try queue.close()
        let error = #expect(throws: StoreFileError.self) { _ = try StoreBackup.restore(from: other, to: store) }
        #expect(error?.description.contains("is not a Beredskab store") == true)
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    /// A backup from before the audit chain is migrated forward, its audit entries chained.
    @Test func anOlderBackupIsMigratedForward() throws {
        let fixture = try Fixture()
        let old = fixture.folder.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: old)
        try SQLiteStore.migrator.migrate(
            queue, upTo: "v8: CAP Test, Exercise, System and Draft messages are recorded, not dispatched")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO audit (at, actor, action, detail) VALUES (1, 'cli', 'token-created', '')")
        }
        try queue.close()
        let restored = try StoreBackup.restore(from: old, to: fixture.path)
        #expect(restored.migrated.first == "v9: audit hash chain")
        #expect(restored.audit.entries == 1 && restored.audit.problem == nil)
        #expect(try SQLiteStore(path: fixture.path).verifyAudit().head?.seq == 1)
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    var value: Bool {
        get { lock.withLock { set } }
        set { lock.withLock { set = newValue } }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}
