import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation
import Testing

/// `beredskab migrate-store` (issue 17): an SQLite store copied into PostgreSQL keeps every row,
/// its ids, the links already sent and the audit chain.
@Suite(.enabled(if: StoreKind.server != nil, "needs BEREDSKAB_TEST_POSTGRES")) struct StoreCopyTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test func aCopiedStoreKeepsItsIncidentsLinksAndAuditChain() throws {
        let fixture = try Fixture()
        // The server that wrote it has stopped (migrate-store refuses a store still open).
        let (alert, link, head, before) = try {
            let sqlite = try SQLiteStore(path: fixture.path)
            _ = try fixture.accept(sqlite, "skud-blaagaarden.json", at: at)
            _ = try fixture.accept(sqlite, "skud-blaagaarden-akb.json", as: "akb", at: at.adding(240))
            let alert = try #require(try sqlite.notifications(incident: "fsb:2026-000412").first)
            return (
                alert, sqlite.ackToken(for: alert), try sqlite.verifyAudit(notedHead: nil).head,
                try sqlite.incident(id: "fsb:2026-000412")
            )
        }()
        let summary = try StoreCopy.copy(sqlite: fixture.path, to: try fixture.database)

        #expect(summary.rows.first { $0.table == "incident" }?.count == 2)
        #expect(summary.audit.problem == nil)
        #expect(summary.audit.head?.hash == head?.hash)
        let postgres = try fixture.open(.postgres)
        // The same incidents, the merge kept, and a link sent before the move still opens its alert.
        #expect(try postgres.incident(id: "fsb:2026-000412") == before)
        #expect(try postgres.mergedReports(into: "fsb:2026-000412").count == 1)
        #expect(try postgres.notification(ackToken: link)?.id == alert.id)
        // New rows take ids after the copied ones.
        try postgres.appendAudit(actor: "test", action: "noted", incident: nil, detail: "after the move", at: at)
        let after = try postgres.verifyAudit(notedHead: head?.hash)
        #expect(after.problem == nil)
        #expect(after.entries == summary.audit.entries + 1)
    }

    @Test func aStoreThatHoldsDataIsNotCopiedInto() throws {
        let fixture = try Fixture()
        _ = try fixture.accept(try SQLiteStore(path: fixture.path), "skud-blaagaarden.json", at: at)
        _ = try StoreCopy.copy(sqlite: fixture.path, to: try fixture.database)
        #expect(throws: StoreFileError.self) { try StoreCopy.copy(sqlite: fixture.path, to: try fixture.database) }
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM incident") == 1)
    }

    @Test func aStoreStillOpenIsNotCopied() throws {
        let fixture = try Fixture()
        let sqlite = try SQLiteStore(path: fixture.path)
        _ = try fixture.accept(sqlite, "skud-blaagaarden.json", at: at)
        #expect(throws: StoreFileError.self) { try StoreCopy.copy(sqlite: fixture.path, to: try fixture.database) }
        withExtendedLifetime(sqlite) {}
    }

    /// A store that never took a report (no audit entry, so no head) copies too.
    @Test func anEmptyStoreIsCopied() throws {
        let fixture = try Fixture()
        _ = try SQLiteStore(path: fixture.path)
        let summary = try StoreCopy.copy(sqlite: fixture.path, to: try fixture.database)
        #expect(summary.audit.problem == nil)
        #expect(summary.audit.entries == 0)
    }
}
