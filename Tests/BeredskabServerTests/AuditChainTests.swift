import BeredskabTime
import Foundation
import GRDB
import Testing

@testable import BeredskabStore

/// The audit log's hash chain, checked after editing the SQLite file behind a stopped store's back
/// with a plain GRDB connection (the append-only triggers dropped first, as someone with the file would).
@Suite struct AuditChainTests {
    let at = Instant(rfc3339: "2026-03-14T21:48:00+01:00")!

    /// A store with five audit entries, closed again; returns the head hash it had.
    func fiveEntries(_ fixture: Fixture) throws -> String {
        let store = try SQLiteStore(path: fixture.path)
        for n in 1...5 {
            try store.appendAudit(
                actor: "person:p\(n)", action: "details-read", incident: n == 2 ? nil : "fsb:\(n)",
                detail: "entry \(n)", at: Instant(seconds: at.seconds + n))
        }
        let report = try store.verifyAudit()
        #expect(report.problem == nil && report.entries == 5 && report.head?.seq == 5)
        return try #require(report.head?.hash)
    }

    /// Edits the file as someone with access to it would: without the triggers.
    func tamper(_ fixture: Fixture, _ sql: String) throws {
        let queue = try DatabaseQueue(path: fixture.path)
        try queue.write { db in
            try db.execute(
                sql: """
                    DROP TRIGGER IF EXISTS audit_append_only_update; DROP TRIGGER IF EXISTS audit_append_only_delete;
                    DROP TRIGGER IF EXISTS audit_chained;
                    """)
            try db.execute(sql: sql)
        }
        try queue.close()
    }

    func verify(_ fixture: Fixture, notedHead: String? = nil) throws -> AuditChainReport {
        try SQLiteStore(path: fixture.path).verifyAudit(notedHead: notedHead)
    }

    /// Hashes (audit chain, token and link hashes) are lower-case hex SHA-256, as before the faster
    /// hex encoder: FIPS 180-2's example "abc", and a byte of each half.
    @Test func hashesAreLowerCaseHexSHA256() {
        #expect(SQLiteStore.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SQLiteStore.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }

    /// Links and tokens are base64url without padding, as Foundation's encoder made them: RFC 4648's
    /// test vectors and the two characters that differ from base64.
    @Test func base64urlIsRFC4648WithoutPadding() {
        let vectors = [
            "": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy",
        ]
        for (text, encoded) in vectors { #expect(SQLiteStore.base64url(Array(text.utf8)) == encoded) }
        #expect(SQLiteStore.base64url([0xfb, 0xff, 0xbf]) == "-_-_")
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + length) % 256) }
            let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(SQLiteStore.base64url(bytes) == foundation)
        }
    }

    @Test func everyKindOfStoreWriteIsChained() throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path)
        #expect(try fixture.accept(store, "skud-blaagaarden.json", at: at).isAccepted)
        _ = try store.createToken(organisation: "fsb", at: at)
        let report = try store.verifyAudit()
        #expect(report.problem == nil, "\(String(describing: report.problem))")
        #expect(report.entries >= 2 && report.head?.seq == report.entries)
    }

    @Test func aChangedFieldNamesTheEntry() throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture)
        try tamper(fixture, "UPDATE audit SET detail = 'nothing happened' WHERE seq = 3")
        #expect(try verify(fixture).problem == .altered(seq: 3))
    }

    @Test func aChangedTimeOrAMissingIncidentNamesTheEntry() throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture)
        try tamper(fixture, "UPDATE audit SET incident_id = NULL WHERE seq = 4")
        #expect(try verify(fixture).problem == .altered(seq: 4))

        let other = try Fixture()
        _ = try fiveEntries(other)
        try tamper(other, "UPDATE audit SET at = at - 3600 WHERE seq = 1")
        #expect(try verify(other).problem == .altered(seq: 1))
    }

    @Test func anEntryRemovedInTheMiddleIsNamed() throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture)
        try tamper(fixture, "DELETE FROM audit WHERE seq = 3")
        let report = try verify(fixture)
        #expect(report.problem == .removed(seq: 3, through: 3))
        #expect(report.problem?.description.contains("entry 3 was removed") == true)
        #expect(report.entries == 4)
    }

    @Test func anEntryRemovedAndTheRestRenumberedStillBreaksTheChain() throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture)
        try tamper(fixture, "DELETE FROM audit WHERE seq = 3; UPDATE audit SET seq = seq - 1 WHERE seq > 3")
        #expect(try verify(fixture).problem == .altered(seq: 3))
    }

    @Test func theLastEntryRemovedIsCaughtByTheRecordedHead() throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture)
        try tamper(fixture, "DELETE FROM audit WHERE seq = 5")
        #expect(try verify(fixture).problem == .removedAtEnd(seq: 5, through: 5))
    }

    /// Whoever also rewrites `audit_head` leaves a chain that checks out on its own: only a head
    /// noted outside the file shows that the end is missing. This is the documented limit.
    @Test func theLastEntryRemovedWithTheHeadRewrittenIsCaughtOnlyByANotedHead() throws {
        let fixture = try Fixture()
        let noted = try fiveEntries(fixture)
        try tamper(
            fixture,
            """
            DELETE FROM audit WHERE seq = 5;
            UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit WHERE seq = 4);
            """)
        #expect(try verify(fixture).problem == nil)
        #expect(try verify(fixture, notedHead: noted).problem == .notedHeadMissing(noted))
    }

    @Test func aRowAddedBehindTheLogsBackIsNamed() throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture)
        // With the triggers in place a row without its place in the chain is refused outright.
        let queue = try DatabaseQueue(path: fixture.path)
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO audit (at, actor, action, detail) VALUES (1, 'x', 'signed-in', '')")
            }
        }
        try queue.close()
        try tamper(
            fixture,
            "INSERT INTO audit (at, actor, action, detail, seq, hash) VALUES (1, 'x', 'signed-in', '', 6, 'ab')")
        #expect(try verify(fixture).problem == .inserted(rowID: 6))

        let other = try Fixture()
        _ = try fiveEntries(other)
        try tamper(other, "INSERT INTO audit (at, actor, action, detail) VALUES (1, 'x', 'signed-in', '')")
        #expect(try verify(other).problem == .inserted(rowID: 6))
    }

    /// A store from before v9 gets its entries chained in the order they were written, and new
    /// entries go on from there.
    @Test func theMigrationChainsTheEntriesThereAre() throws {
        let fixture = try Fixture()
        let queue = try DatabaseQueue(path: fixture.path)
        try SQLiteStore.migrator.migrate(
            queue, upTo: "v8: CAP Test, Exercise, System and Draft messages are recorded, not dispatched")
        try queue.write { db in
            for n in 1...3 {
                try db.execute(
                    sql:
                        "INSERT INTO audit (at, actor, action, incident_id, detail) VALUES (?, 'engine', 'x', NULL, ?)",
                    arguments: [n, "old \(n)"])
            }
        }
        try queue.close()
        let store = try SQLiteStore(path: fixture.path)
        var report = try store.verifyAudit()
        #expect(report.problem == nil && report.entries == 3 && report.head?.seq == 3)
        var previous = SQLiteStore.auditGenesis
        for n in 1...3 {
            previous = SQLiteStore.auditHash(
                previous: previous, seq: n, at: n, actor: "engine", action: "x", incident: nil, detail: "old \(n)")
        }
        #expect(report.head?.hash == previous)
        try store.appendAudit(actor: "cli", action: "y", incident: nil, detail: "", at: at)
        report = try store.verifyAudit()
        #expect(report.problem == nil && report.head?.seq == 4)
    }
}

extension AcceptOutcome {
    var isAccepted: Bool { if case .accepted = self { true } else { false } }
}
