import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import GRDB
import Testing

/// Sign-in links, sessions and tokens in the store.
@Suite struct AccessStoreTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test func aSignInLinkWorksOnceAndOnlyWithinFifteenMinutes() throws {
        let store = try SQLiteStore(path: try Fixture().path)
        let link = try store.startSignIn(person: "bent-iversen", at: at)
        #expect(try store.signInPerson(token: link, at: at) == "bent-iversen")
        guard case .signedIn(let secret, let session) = try store.finishSignIn(token: link, at: at) else {
            Issue.record("no session")
            return
        }
        #expect(session.person == "bent-iversen" && !session.csrf.isEmpty)
        #expect(try store.session(secret: secret, at: at)?.person == "bent-iversen")
        #expect(try store.finishSignIn(token: link, at: at) == .expired, "a second use")
        #expect(try store.finishSignIn(token: "made-up", at: at) == .unknown)

        let late = try store.startSignIn(person: "bent-iversen", at: at)
        #expect(try store.finishSignIn(token: late, at: Instant(seconds: at.seconds + 15 * 60 + 1)) == .expired)

        #expect(try store.session(secret: secret, at: Instant(seconds: at.seconds + 12 * 3600 + 1)) == nil)
        try store.endSession(secret: secret, at: at)
        #expect(try store.session(secret: secret, at: at) == nil)
    }

    @Test func tokensKeepTheirRoleAndPersonAndAPlainTokenIsAReporters() throws {
        let store = try SQLiteStore(path: try Fixture().path)
        let (record, secret) = try store.createToken(
            organisation: "politi", role: .responder, person: "jens-kragh", label: "vagtcentral", actor: "t", at: at)
        #expect(try store.token(secret: secret) == record)
        #expect(record.id.hasPrefix("tok_") && !secret.contains(record.id.dropFirst(4)))
        #expect(try store.token(secret: store.createToken(organisation: "fsb", at: at))?.role == .reporter)
        #expect(try store.revokeToken(id: record.id, actor: "t", at: at))
        #expect(try store.token(secret: secret) == nil)
        #expect(try store.tokens().first { $0.id == record.id }?.revokedAt == at)
    }

    /// A role this version does not know (written by a newer one) opens nothing: it used to be
    /// read as a reporter's.
    @Test func aTokenWithAnUnknownRoleIsRefusedNotTakenForAReporter() throws {
        let fixture = try Fixture()
        let store = try SQLiteStore(path: fixture.path)
        let (record, secret) = try store.createToken(organisation: "fsb", role: .reviewer, at: at)
        #expect(try store.token(secret: secret)?.role == .reviewer)
        let other = try DatabaseQueue(path: fixture.path)
        try other.write { db in
            try db.execute(sql: "UPDATE token SET role = 'superuser' WHERE id = ?", arguments: [record.id])
        }
        #expect(try store.token(secret: secret) == nil)
        #expect(try store.tokens().allSatisfy { $0.id != record.id })
    }

    /// Tokens are checked from memory, yet a revocation counts at once: by this store, and by
    /// another process with the same file open (`beredskab token revoke` beside the server).
    @Test func aRevokedTokenIsRefusedAtOnceWhoeverRevokedIt() throws {
        let path = try Fixture().path
        let store = try SQLiteStore(path: path)
        let (first, firstSecret) = try store.createToken(organisation: "fsb", role: .reporter, at: at)
        let (second, secondSecret) = try store.createToken(organisation: "akb", role: .responder, at: at)
        #expect(try store.token(secret: firstSecret)?.id == first.id)
        #expect(try store.token(secret: secondSecret)?.role == .responder)
        #expect(try store.token(secret: "bsk_made-up") == nil)
        // Other writes (here by the other kind of writer, an audit line) leave the tokens known.
        try SQLiteStore(path: path).appendAudit(actor: "test", action: "noted", incident: nil, detail: "", at: at)
        #expect(try store.token(secret: firstSecret)?.id == first.id)

        #expect(try store.revokeToken(id: first.id, at: at))
        #expect(try store.token(secret: firstSecret) == nil)

        let other = try SQLiteStore(path: path)
        #expect(try other.revokeToken(id: second.id, at: at))
        #expect(try store.token(secret: secondSecret) == nil)
        // A token made by the other process is known at once, too.
        let (_, thirdSecret) = try other.createToken(organisation: "fsb", role: .admin, at: at)
        #expect(try store.token(secret: thirdSecret)?.role == .admin)
    }

    @Test func theRateLimiterRefillsOverTime() {
        let limiter = RateLimiter(burst: 2, perSecond: 1)
        #expect(limiter.take("a", now: 0) == nil)
        #expect(limiter.take("a", now: 0) == nil)
        #expect(limiter.take("a", now: 0) == 1)
        #expect(limiter.take("b", now: 0) == nil)
        #expect(limiter.take("a", now: 1.5) == nil)
    }
}
