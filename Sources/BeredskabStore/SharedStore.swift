import BeredskabTime

/// The rules one instance runs with, as it last told a shared store.
public struct RulesInForce: Sendable, Equatable {
    /// The instance (`host:pid`).
    public var instance: String
    /// The hash of its rule and contact files (`Handbook.rulesHash`).
    public var digest: String
    /// When it loaded them.
    public var loadedAt: Instant
    /// When it was last heard from.
    public var seenAt: Instant

    /// Creates an entry.
    public init(instance: String, digest: String, loadedAt: Instant, seenAt: Instant) {
        self.instance = instance
        self.digest = digest
        self.loadedAt = loadedAt
        self.seenAt = seenAt
    }
}

/// What a store shared by several instances adds (issue 17): which rules each instance runs, and
/// word to the others when one reloads them.
public protocol SharedStore: IncidentStore {
    /// This instance's name in the store (`host:pid`).
    var instance: String { get }
    /// Records that this instance runs rules with `digest`, loaded at `loadedAt`, and is alive at `at`.
    func recordRules(digest: String, loadedAt: Instant, at: Instant) throws
    /// The rules of every instance heard from since `since`, newest load first.
    func rulesInForce(since: Instant) throws -> [RulesInForce]
    /// Tells every instance listening that the rules were reloaded here (PostgreSQL's `NOTIFY`).
    func announceReload(digest: String) throws
    /// Calls `heard` with the digest each time another instance announces a reload, until the
    /// returned listener is stopped; reconnects when the connection drops.
    func listenForReloads(_ heard: @escaping @Sendable (_ digest: String) -> Void) -> ReloadListener
}

/// A running ``SharedStore/listenForReloads(_:)``.
public protocol ReloadListener: Sendable {
    /// Stops listening.
    func stop()
}
