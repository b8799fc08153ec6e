import BeredskabServer
import BeredskabStore
import BeredskabTime
import Foundation
import Testing

/// Sign-in links, sessions and tokens in the store.
@Suite struct AccessStoreTests {
    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    @Test(arguments: StoreKind.all)
    func aSignInLinkWorksOnceAndOnlyWithinFifteenMinutes(_ kind: StoreKind) throws {
        let store = try Fixture().open(kind)
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

    @Test(arguments: StoreKind.all)
    func tokensKeepTheirRoleAndPersonAndAPlainTokenIsAReporters(_ kind: StoreKind) throws {
        let store = try Fixture().open(kind)
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
    @Test(arguments: StoreKind.all)
    func aTokenWithAnUnknownRoleIsRefusedNotTakenForAReporter(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        let (record, secret) = try store.createToken(
            organisation: "fsb", role: .reviewer, person: nil, label: "", actor: "admin", at: at)
        #expect(try store.token(secret: secret)?.role == .reviewer)
        try fixture.execute(kind, "UPDATE token SET role = 'superuser' WHERE id = '\(record.id)'")
        #expect(try store.token(secret: secret) == nil)
        #expect(try store.tokens().allSatisfy { $0.id != record.id })
    }

    /// Tokens are checked from memory (SQLite) or the shared database (PostgreSQL), yet a revocation
    /// counts at once: by this store, and by another process or instance with the same store open
    /// (`beredskab token revoke` beside the server, another `beredskab serve` on PostgreSQL).
    @Test(arguments: StoreKind.all)
    func aRevokedTokenIsRefusedAtOnceWhoeverRevokedIt(_ kind: StoreKind) throws {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        let (first, firstSecret) = try store.createToken(
            organisation: "fsb", role: .reporter, person: nil, label: "", actor: "admin", at: at)
        let (second, secondSecret) = try store.createToken(
            organisation: "akb", role: .responder, person: nil, label: "", actor: "admin", at: at)
        #expect(try store.token(secret: firstSecret)?.id == first.id)
        #expect(try store.token(secret: secondSecret)?.role == .responder)
        #expect(try store.token(secret: "bsk_made-up") == nil)
        // Other writes (here by the other kind of writer, an audit line) leave the tokens known.
        try fixture.open(kind).appendAudit(actor: "test", action: "noted", incident: nil, detail: "", at: at)
        #expect(try store.token(secret: firstSecret)?.id == first.id)

        #expect(try store.revokeToken(id: first.id, actor: "admin", at: at))
        #expect(try store.token(secret: firstSecret) == nil)

        let other = try fixture.open(kind)
        #expect(try other.revokeToken(id: second.id, actor: "admin", at: at))
        #expect(try store.token(secret: secondSecret) == nil)
        #expect(try !store.revokeToken(id: second.id, actor: "admin", at: at), "revoked already")
        // A token made by the other process is known at once, too.
        let (_, thirdSecret) = try other.createToken(
            organisation: "fsb", role: .admin, person: nil, label: "", actor: "admin", at: at)
        #expect(try store.token(secret: thirdSecret)?.role == .admin)
    }

    /// A sign-in link opened on two instances sharing one PostgreSQL database at the same moment
    /// (a mail scanner's preview and the person's click, say) starts one session: the link is used
    /// once, and every other opening finds it used.
    @Test(.enabled(if: StoreKind.all.contains(.postgres)))
    func aSignInLinkOpenedOnTwoInstancesAtOnceStartsOneSession() throws {
        let fixture = try Fixture()
        let stores = [try fixture.open(.postgres), try fixture.open(.postgres)]
        let links = try (0..<20).map { try stores[0].startSignIn(person: "person-\($0)", at: at) }
        for link in links {
            let outcomes = Simultaneously.run(4) { n in
                Result { try stores[n % 2].finishSignIn(token: link, at: at) }
            }
            let sessions = outcomes.filter { if case .success(.signedIn) = $0 { true } else { false } }
            let refused = outcomes.filter { if case .success(.expired) = $0 { true } else { false } }
            #expect(sessions.count == 1 && refused.count == outcomes.count - 1, "\(outcomes)")
        }
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM session") == links.count)
        #expect(try fixture.count(.postgres, "SELECT count(*) FROM audit WHERE action = 'signed-in'") == links.count)
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

/// Runs a body on several threads that start at the same moment (once all are ready), for tests
/// of what two instances do at once; returns each thread's result, in thread order.
final class Simultaneously<T: Sendable>: @unchecked Sendable {
    private let gate = NSCondition()
    private var ready = 0
    private var slots: [T?]
    private let count: Int

    private init(_ count: Int) {
        self.count = count
        slots = Array(repeating: nil, count: count)
    }

    static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let state = Simultaneously(count)
        let done = DispatchGroup()
        let threads = (0..<count).map { n in
            done.enter()
            return Thread {
                state.arrive()
                let value = body(n)
                state.gate.withLock { state.slots[n] = value }
                done.leave()
            }
        }
        for thread in threads { thread.start() }
        done.wait()
        return state.gate.withLock { state.slots.compactMap { $0 } }
    }

    private func arrive() {
        gate.lock()
        ready += 1
        if ready == count { gate.broadcast() }
        while ready < count { gate.wait() }
        gate.unlock()
    }
}
