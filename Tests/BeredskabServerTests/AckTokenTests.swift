import BeredskabTime
import Foundation
import GRDB
import Testing

@testable import BeredskabStore

/// Acknowledgement tokens name their notification's id (issue 16: the unique index on a random hash
/// per message made intake slow down as history grew), and links from before still work.
@Suite struct AckTokenTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test(arguments: StoreKind.all)
    func everyLinkFindsItsOwnNotificationAndATamperedOneNothing(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let notifications = try store.notifications(incident: "fsb:2026-000412")
        try #require(notifications.count >= 2)
        for n in notifications {
            let token = store.ackToken(for: n)
            #expect(try store.notification(ackToken: token)?.id == n.id)
        }
        let (first, second) = (notifications[0], notifications[1])
        let mac = String(store.ackToken(for: first).split(separator: ".")[1])
        var flipped = Array(mac)
        flipped[5] = flipped[5] == "A" ? "B" : "A"
        let tampered = [
            "\(second.id).\(mac)",  // another notification's id with this one's HMAC
            "\(first.id).\(String(flipped))",
            "\(first.id).", "\(first.id)", ".\(mac)", "99999999.\(mac)", "99999999999999999999999.\(mac)",
            "-\(first.id).\(mac)", "\(first.id).\(mac)x", mac, "",
            // The same id spelt otherwise: one link per message.
            "+\(first.id).\(mac)", "0\(first.id).\(mac)",
        ]
        for token in tampered {
            #expect(try store.notification(ackToken: token) == nil, "\(token)")
            #expect(try store.acknowledge(ackToken: token, at: at, stops: Fixture.stops) == .unknown, "\(token)")
        }
        #expect(try store.notification(ackToken: store.ackToken(for: first))?.acknowledgedAt == nil)
    }

    /// New messages add nothing to an index on a random key: each used to dirty a page of its own.
    @Test(arguments: StoreKind.all)
    func newNotificationsStoreNoHashOfTheirToken(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        _ = try fixture.accept(store, "skud-blaagaarden.json", at: at)
        let all = try fixture.count(kind, "SELECT count(*) FROM notification")
        let hashed = try fixture.count(kind, "SELECT count(*) FROM notification WHERE ack_hash IS NOT NULL")
        #expect(all > 0 && hashed == 0)
    }

    /// A store from before v15 keeps its rows, and the links already sent (the HMAC alone) still
    /// open their page and acknowledge, until they expire.
    @Test func linksSentBeforeTheMigrationStillWork() throws {
        let fixture = try Fixture()
        let queue = try DatabaseQueue(path: fixture.path)
        try SQLiteStore.migrator.migrate(
            queue, upTo: "v14: coordinators' silences of guidelines and of categories in areas")
        let secret = Data((0..<32).map { UInt8($0) })
        let keys = ["fsb:old/alert/anna", "fsb:old/alert/bo"]
        let tokens = try Self.legacyTokens(secret, keys: keys)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO secret (name, value) VALUES ('ack', ?)", arguments: [secret])
            try db.execute(
                sql: """
                    INSERT INTO incident (id, organisation, received_at, occurred_at, category, severity, area,
                        report_json, plan_json, fired)
                    VALUES ('fsb:old', 'fsb', ?, ?, 'skud', 'kritisk', 'blaagaarden', '{}', '{}', '[]')
                    """, arguments: [at.seconds, at.seconds])
            for (n, person) in ["anna", "bo"].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO notification (incident_id, person, name, roles, tier, channels, send_at,
                            idempotency_key, message, guidelines, kind, ack_hash, ack_expires_at)
                        VALUES ('fsb:old', ?, ?, '["politi-vagt"]', 'situation', '[]', ?, ?, 'besked', '[]',
                            'alert', ?, ?)
                        """,
                    arguments: [
                        person, person, at.seconds + n, keys[n], SQLiteStore.hash(tokens[n]),
                        at.seconds + 7 * 86_400,
                    ])
            }
        }
        try queue.close()

        let store = try SQLiteStore(path: fixture.path)
        let old = tokens[1]
        let found = try #require(try store.notification(ackToken: old))
        #expect(found.person == "bo" && found.idempotencyKey == "fsb:old/alert/bo")
        #expect(try store.ackToken(for: found) != old)
        #expect(try store.notification(ackToken: store.ackToken(for: found))?.id == found.id)
        guard case .acknowledged = try store.acknowledge(ackToken: old, at: at.adding(60), stops: { _ in true }) else {
            Issue.record("a link from before v15 no longer acknowledges")
            return
        }
        #expect(try store.notification(ackToken: old)?.acknowledgedAt == at.adding(60))
        #expect(try store.notifications(incident: "fsb:old").map(\.person).sorted() == ["anna", "bo"])
        // The table was made again: the hash is no longer required, and no longer unique over
        // the rows without one.
        let indexes = try DatabaseQueue(path: fixture.path).read { db in
            try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_master WHERE tbl_name = 'notification' AND sql IS NOT NULL")
        }
        #expect(!indexes.joined().contains("ack_hash TEXT NOT NULL"))
        #expect(
            indexes.contains { $0.contains("notification_legacy_ack") && $0.contains("WHERE ack_hash IS NOT NULL") })
    }

    /// A store a newer version migrated is refused with a clear error, not opened on a schema this
    /// version does not know (an older binary opened it silently and every newer link was unknown).
    @Test func aStoreMigratedByANewerVersionIsRefused() throws {
        let fixture = try Fixture()
        _ = try SQLiteStore(path: fixture.path)
        try DatabaseQueue(path: fixture.path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        }
        #expect {
            _ = try SQLiteStore(path: fixture.path)
        } throws: { error in
            "\(error)".contains("migrated by a newer version") && "\(error)".contains("v99: from the future")
        }
    }

    /// Links as made before v15: the HMAC-SHA256 of `ack:<idempotency key>`, base64url, by a store
    /// with the same secret (in a folder of its own, since opening a store migrates it).
    static func legacyTokens(_ secret: Data, keys: [String]) throws -> [String] {
        let other = try Fixture()
        let queue = try DatabaseQueue(path: other.path)
        try SQLiteStore.migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO secret (name, value) VALUES ('ack', ?)", arguments: [secret])
        }
        try queue.close()
        let store = try SQLiteStore(path: other.path)
        return keys.map { store.ackMAC(key: $0) }
    }
}
