import BeredskabEngine
import Foundation
import GRDB
import Testing

@testable import BeredskabStore

/// The store cannot write (the disk full, the file read-only): reports are refused with 503, a JSON
/// body naming the problem and `Retry-After`, nothing is half-written, and intake works again by
/// itself once the store can write.
@Suite struct StoreFaultTests {
    /// Its description (7,800 bytes) needs new pages, so a store that may not grow cannot take it.
    static let report = """
        {"id": "fsb:fault-1", "reporter": {"organisation": "fsb"}, "occurred_at": "2026-03-13T21:40:00+01:00",
         "category": "vandalism", "severity": "minor", "location": {"area": "blaagaarden"},
         "description": "\(String(repeating: "æ", count: 3900))"}
        """

    /// Makes the store's writer fail as a full disk (no page may be added) or a read-only file does.
    static func fail(_ store: SQLiteStore, _ fault: String) throws {
        try store.pool.writeWithoutTransaction { db in
            if fault == "full" {
                // No free page left inside the file, and the file may not grow.
                try db.execute(sql: "VACUUM")
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
                _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)")
            } else {
                try db.execute(sql: "PRAGMA query_only = ON")
            }
        }
    }

    static func recover(_ store: SQLiteStore) throws {
        try store.pool.writeWithoutTransaction { db in
            _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = 1073741823")
            try db.execute(sql: "PRAGMA query_only = OFF")
        }
    }

    @Test(arguments: ["full", "read-only"])
    func aReportTheStoreCannotTakeIsA503AndIsTakenOnceTheStoreRecovers(_ fault: String) async throws {
        let fixture = try APIFixture()
        let before = try fixture.store.notifications(incident: APIFixture.incident).count
        try Self.fail(fixture.store, fault)
        let refused = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: Self.report)
        #expect(refused.status == 503, "\(refused.text)")
        let message = refused.json["error"]?["message"]?.text ?? ""
        #expect(message.contains("the store cannot record this now"), "\(refused.text)")
        #expect(message.contains(fault == "full" ? "the disk is full" : "read-only"), "\(refused.text)")
        // Nothing half-written: no incident, no notification.
        #expect(try fixture.store.incident(id: "fsb:fault-1") == nil)
        #expect(try fixture.store.notifications(incident: APIFixture.incident).count == before)

        try Self.recover(fixture.store)
        let accepted = try await fixture.call(.post, "/api/v1/incidents", as: "reporter", body: Self.report)
        #expect(accepted.status == 201, "\(accepted.text)")
        #expect(try fixture.store.incident(id: "fsb:fault-1") != nil)
    }

    @Test func onlyPassingStoreErrorsCountAsUnavailable() {
        #expect(storeUnavailableReason(DatabaseError(resultCode: .SQLITE_FULL)) == "the disk is full")
        #expect(storeUnavailableReason(DatabaseError(resultCode: .SQLITE_IOERR_WRITE)) != nil)
        #expect(storeUnavailableReason(DatabaseError(resultCode: .SQLITE_CONSTRAINT)) == nil)
        #expect(storeUnavailableReason(CancellationError()) == nil)
    }
}
