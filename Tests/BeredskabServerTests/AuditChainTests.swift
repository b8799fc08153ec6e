import BeredskabTime
import Foundation
import GRDB
import Testing

@testable import BeredskabStore

/// The audit log's hash chain, checked after editing the store behind the server's back: the
/// SQLite file with a plain GRDB connection (the append-only triggers dropped first, as someone
/// with the file would), the PostgreSQL database as its owner (the triggers disabled first).
@Suite struct AuditChainTests {
    let at = Instant(rfc3339: "2026-03-14T21:48:00+01:00")!

    /// A store with five audit entries, closed again; returns the head hash it had.
    func fiveEntries(_ fixture: Fixture, _ kind: StoreKind) throws -> String {
        let store = try fixture.open(kind)
        for n in 1...5 {
            try store.appendAudit(
                actor: "person:p\(n)", action: "details-read", incident: n == 2 ? nil : "fsb:\(n)",
                detail: "entry \(n)", at: Instant(seconds: at.seconds + n))
        }
        let report = try verify(fixture, kind)
        #expect(report.problem == nil && report.entries == 5 && report.head?.seq == 5)
        return try #require(report.head?.hash)
    }

    /// Edits the store as someone with access to it would: without the triggers. `statements` are
    /// SQL both stores speak, run one by one.
    func tamper(_ fixture: Fixture, _ kind: StoreKind, _ statements: String...) throws {
        switch kind {
        case .sqlite:
            let queue = try DatabaseQueue(path: fixture.path)
            try queue.write { db in
                try db.execute(
                    sql: """
                        DROP TRIGGER IF EXISTS audit_append_only_update; DROP TRIGGER IF EXISTS audit_append_only_delete;
                        DROP TRIGGER IF EXISTS audit_chained;
                        """)
                for sql in statements { try db.execute(sql: sql) }
            }
            try queue.close()
        case .postgres:
            try fixture.execute(kind, "ALTER TABLE audit DISABLE TRIGGER USER")
            for sql in statements { try fixture.execute(kind, sql) }
            try fixture.execute(kind, "ALTER TABLE audit ENABLE TRIGGER USER")
        }
    }

    /// The chain as the store of `kind` walks it (`beredskab audit verify`).
    func verify(_ fixture: Fixture, _ kind: StoreKind, notedHead: String? = nil) throws -> AuditChainReport {
        switch try fixture.open(kind) {
        case let store as SQLiteStore: try store.verifyAudit(notedHead: notedHead)
        case let store as PostgresStore: try store.verifyAudit(notedHead: notedHead)
        case let store: throw StoreFileError("no verifyAudit for \(type(of: store))")
        }
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

    @Test(arguments: StoreKind.all)
    func everyKindOfStoreWriteIsChained(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        #expect(try fixture.accept(store, "skud-blaagaarden.json", at: at).isAccepted)
        _ = try store.createToken(organisation: "fsb", at: at)
        let report = try verify(fixture, kind)
        #expect(report.problem == nil, "\(String(describing: report.problem))")
        #expect(report.entries >= 2 && report.head?.seq == report.entries)
    }

    @Test(arguments: StoreKind.all)
    func aChangedFieldNamesTheEntry(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture, kind)
        try tamper(fixture, kind, "UPDATE audit SET detail = 'nothing happened' WHERE seq = 3")
        #expect(try verify(fixture, kind).problem == .altered(seq: 3))
    }

    @Test(arguments: StoreKind.all)
    func aChangedTimeOrAMissingIncidentNamesTheEntry(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture, kind)
        try tamper(fixture, kind, "UPDATE audit SET incident_id = NULL WHERE seq = 4")
        #expect(try verify(fixture, kind).problem == .altered(seq: 4))

        let other = try Fixture()
        _ = try fiveEntries(other, kind)
        try tamper(other, kind, "UPDATE audit SET at = at - 3600 WHERE seq = 1")
        #expect(try verify(other, kind).problem == .altered(seq: 1))
    }

    @Test(arguments: StoreKind.all)
    func anEntryRemovedInTheMiddleIsNamed(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture, kind)
        try tamper(fixture, kind, "DELETE FROM audit WHERE seq = 3")
        let report = try verify(fixture, kind)
        #expect(report.problem == .removed(seq: 3, through: 3))
        #expect(report.problem?.description.contains("entry 3 was removed") == true)
        #expect(report.entries == 4)
    }

    @Test(arguments: StoreKind.all)
    func anEntryRemovedAndTheRestRenumberedStillBreaksTheChain(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture, kind)
        try tamper(
            fixture, kind, "DELETE FROM audit WHERE seq = 3", "UPDATE audit SET seq = seq - 1 WHERE seq > 3")
        #expect(try verify(fixture, kind).problem == .altered(seq: 3))
    }

    @Test(arguments: StoreKind.all)
    func theLastEntryRemovedIsCaughtByTheRecordedHead(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture, kind)
        try tamper(fixture, kind, "DELETE FROM audit WHERE seq = 5")
        #expect(try verify(fixture, kind).problem == .removedAtEnd(seq: 5, through: 5))
    }

    /// Whoever also rewrites `audit_head` leaves a chain that checks out on its own: only a head
    /// noted outside the file shows that the end is missing. This is the documented limit.
    @Test(arguments: StoreKind.all)
    func theLastEntryRemovedWithTheHeadRewrittenIsCaughtOnlyByANotedHead(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let noted = try fiveEntries(fixture, kind)
        try tamper(
            fixture, kind, "DELETE FROM audit WHERE seq = 5",
            "UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit WHERE seq = 4)")
        #expect(try verify(fixture, kind).problem == nil)
        #expect(try verify(fixture, kind, notedHead: noted).problem == .notedHeadMissing(noted))
    }

    @Test(arguments: StoreKind.all)
    func aRowAddedBehindTheLogsBackIsNamed(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        _ = try fiveEntries(fixture, kind)
        // With the triggers in place a row without its place in the chain is refused outright.
        #expect(throws: (any Error).self) {
            try fixture.execute(kind, "INSERT INTO audit (at, actor, action, detail) VALUES (1, 'x', 'signed-in', '')")
        }
        #expect(try fixture.count(kind, "SELECT count(*) FROM audit") == 5)
        try tamper(
            fixture, kind,
            "INSERT INTO audit (at, actor, action, detail, seq, hash) VALUES (1, 'x', 'signed-in', '', 6, 'ab')")
        // The refused row took an id on PostgreSQL (a sequence is not rolled back): the added row's own.
        let added = try fixture.count(kind, "SELECT max(id) FROM audit")
        #expect(try verify(fixture, kind).problem == .inserted(rowID: added))

        let other = try Fixture()
        _ = try fiveEntries(other, kind)
        try tamper(other, kind, "INSERT INTO audit (at, actor, action, detail) VALUES (1, 'x', 'signed-in', '')")
        #expect(try verify(other, kind).problem == .inserted(rowID: 6))
    }

    /// Instances sharing one PostgreSQL database append to one chain: entries written at the same
    /// moment by two stores take their turns on the chain's head, so none forks it or is lost.
    @Test(.enabled(if: StoreKind.all.contains(.postgres)))
    func appendsFromTwoInstancesAtOnceMakeOneChain() throws {
        let fixture = try Fixture()
        let stores = [try fixture.open(.postgres), try fixture.open(.postgres)]
        let at = self.at
        let failures = Simultaneously.run(4) { n in
            (0..<25).compactMap { k -> String? in
                do {
                    try stores[n % 2].appendAudit(
                        actor: "instance-\(n)", action: "noted", incident: nil, detail: "\(k)", at: at)
                    return nil
                } catch {
                    return "\(error)"
                }
            }
        }
        #expect(failures.joined().isEmpty, "\(failures)")
        let report = try verify(fixture, .postgres)
        #expect(report.problem == nil && report.entries == 100 && report.head?.seq == 100)
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
