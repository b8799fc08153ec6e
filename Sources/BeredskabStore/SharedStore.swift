import BeredskabTime

/// The rules one instance runs with, as it last told a shared store.
public struct RulesInForce: Sendable, Equatable {
    /// The instance (`host:pid`).
    public var instance: String
    /// The hash of its rule and contact files (`Handbook.rulesHash`).
    public var digest: String
    /// When it loaded them.
    public var loadedAt: Instant
    /// When these rules were reloaded on purpose (the admin API or SIGHUP), here or on the
    /// instance this one followed; nil for rules an instance merely started with. The rules of the
    /// latest such reload are the cluster's.
    public var reloadedAt: Instant?
    /// When it was last heard from.
    public var seenAt: Instant

    /// Creates an entry.
    public init(instance: String, digest: String, loadedAt: Instant, reloadedAt: Instant? = nil, seenAt: Instant) {
        self.instance = instance
        self.digest = digest
        self.loadedAt = loadedAt
        self.reloadedAt = reloadedAt
        self.seenAt = seenAt
    }
}

/// What a store shared by several instances adds (issue 17): which rules each instance runs, and
/// word to the others when one reloads them.
public protocol SharedStore: IncidentStore {
    /// This instance's name in the store (`host:pid`).
    var instance: String { get }
    /// Records the rules this instance runs (`rules.instance` is ignored: this one's) and that it is alive.
    func recordRules(_ rules: RulesInForce) throws
    /// The rules of every instance heard from since `since`, the latest reload on purpose first.
    func rulesInForce(since: Instant) throws -> [RulesInForce]
    /// Tells every instance listening that the rules were reloaded here on purpose at `at`
    /// (PostgreSQL's `NOTIFY`).
    func announceReload(digest: String, at: Instant) throws
    /// Calls `heard` with the digest and the time of each reload another instance announces,
    /// until the returned listener is stopped; reconnects when the connection drops.
    func listenForReloads(_ heard: @escaping @Sendable (_ digest: String, _ at: Instant) -> Void) -> ReloadListener
}

/// A running ``SharedStore/listenForReloads(_:)``.
public protocol ReloadListener: Sendable {
    /// Stops listening.
    func stop()
}
