import BeredskabEngine
import BeredskabReview
import BeredskabTime
import Foundation
import Testing

@testable import BeredskabStore

/// Text with U+0000 that reaches the store another way than the API (which refuses control
/// characters): a receiver's reply, a correction from the command line. SQLite would keep such a
/// text only up to the U+0000 and PostgreSQL refuses it outright; both stores keep it whole, with
/// U+FFFD in its place, and the audit chain, which hashes what is stored, still verifies.
@Suite struct NulTextTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    /// A webhook answering with a NUL byte: its delivery is recorded, not attempted for ever.
    @Test(arguments: StoreKind.all) func aReplyWithANulByteIsRecordedWhole(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let key = try #require(try store.dueNotificationKeys(at: at, limit: 10, after: nil, excluding: []).first)
        let attempt = DeliveryAttempt(
            notification: key.id, at: at, channel: key.channel ?? "webhook", address: key.address ?? "x",
            outcome: "delivered", detail: "HTTP 200; reply: ok\u{0}and more")
        try store.recordAttempts([(attempt, .delivered)])
        #expect(try store.notifications(ids: [key.id]).first?.status == "delivered")
        #expect(
            try store.audit(incident: "fsb:2026-000412").contains {
                $0.action == "delivered" && $0.detail.hasSuffix("reply: ok\u{FFFD}and more")
            })
        #expect(
            try fixture.count(kind, "SELECT count(*) FROM delivery_attempt WHERE detail LIKE '%and more'") == 1)
        #expect(try store.verifyAudit(notedHead: nil).problem == nil)
    }

    /// An audit line about an update whose text has a NUL byte.
    @Test(arguments: StoreKind.all) func anUpdateWithANulByteKeepsTheChainIntact(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        try store.addUpdate(
            IncidentUpdate(at: at.adding(60), actor: "politi", kind: .information, text: "still armed\u{0} seen north"),
            incident: "fsb:2026-000412", notify: [], replan: nil)
        #expect(try store.updates(incident: "fsb:2026-000412").last?.text.hasSuffix("seen north") == true)
        #expect(try store.verifyAudit(notedHead: nil).problem == nil)
    }

    /// A correction from the command line, as `recordClosure` already did for a new record.
    @Test(arguments: StoreKind.all) func aCorrectedClosureKeepsItsTextWhole(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        var record = ClosureRecord(
            id: 0, institution: "blaagaardsskolen", from: at, to: at.adding(3_600), partial: false,
            reason: .staffSafety, reasonText: "uro", decidedBy: "skoleleder", incidents: [], vital: true,
            mitigations: [], nearMiss: false)
        record.id = try store.recordClosure(record, actor: "test", at: at)
        record.reasonText = "uro\u{0} og trusler"
        #expect(try store.correctClosure(record, actor: "test", at: at.adding(60)))
        #expect(try store.closures().first?.reasonText == "uro\u{FFFD} og trusler")
        #expect(try store.verifyAudit(notedHead: nil).problem == nil)
    }
}
