import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation
import Logging

/// Keeps the rules of instances sharing a store in step (issue 17).
///
/// Each instance reloads its own rule files; what travels is the word that a reload happened.
/// When one instance reloads (the admin API or SIGHUP) it records its rules' hash in the store and
/// announces it (PostgreSQL `NOTIFY`); the others reload their files on hearing it. Every 10
/// seconds each instance also records that it is alive and looks at the store itself, in case it
/// missed an announcement (the listener's connection dropped): a newer load elsewhere with other
/// rules makes it reload once. The rules last loaded anywhere are the cluster's; an instance
/// running others, because its files are older or have errors, says so on `/readyz` with 503, so a
/// load balancer stops sending it reports.
public final class RulesSync: @unchecked Sendable {
    let store: any SharedStore
    let live: LiveEngine
    let clock: @Sendable () -> Instant
    let logger = Logger(label: "beredskab.rules-sync")
    private let lock = NSLock()
    private var loadedAt: Instant
    private var lastTriedDigest: String?
    private var listener: (any ReloadListener)?
    private var heartbeat: Task<Void, Never>?
    /// How long an instance not heard from still counts (seconds).
    static let liveWindow = 30

    /// Starts following the others: records this instance's rules, announces them, listens.
    public init(store: any SharedStore, live: LiveEngine, clock: @escaping @Sendable () -> Instant) {
        self.store = store
        self.live = live
        self.clock = clock
        loadedAt = clock()
    }

    /// Records this instance's rules, announces them and starts listening and the heartbeat.
    public func start() {
        record()
        announce()
        listener = store.listenForReloads { [weak self] digest in self?.heard(digest) }
        heartbeat = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                self?.beat()
            }
        }
    }

    /// Stops listening and the heartbeat.
    public func stop() {
        listener?.stop()
        heartbeat?.cancel()
    }

    /// After a reload here succeeded: record the new rules and tell the others.
    func reloadedHere() {
        lock.withLock { loadedAt = clock() }
        record()
        announce()
    }

    private func record() {
        do {
            try store.recordRules(digest: live.rulesHash, loadedAt: lock.withLock { loadedAt }, at: clock())
        } catch {
            logger.warning("recording the running rules in the store: \(error)")
        }
    }

    private func announce() {
        do { try store.announceReload(digest: live.rulesHash) } catch {
            logger.warning("announcing the rules to the other instances: \(error)")
        }
    }

    /// Another instance reloaded: reload our files too (unless they give what we run already).
    func heard(_ digest: String) {
        guard digest != live.rulesHash else { return }
        reloadFromFiles(because: "another instance reloaded its rules (\(digest))")
    }

    private func reloadFromFiles(because reason: String) {
        let before = live.rulesHash
        switch live.reload() {
        case .success(let engine):
            lock.withLock { loadedAt = clock() }
            record()
            let detail = "\(engine.rules.guidelines.count) guidelines, \(before) → \(live.rulesHash): \(reason)"
            try? store.appendAudit(
                actor: "instance:\(store.instance)", action: "rules-reloaded", incident: nil, detail: detail,
                at: clock())
            logger.notice("rules reloaded: \(detail)")
        case .failure(let failure):
            let problems = failure.problems.map { "\($0.path): \($0.message)" }.joined(separator: "; ")
            logger.error("\(reason), but this instance's files have errors; the running rules are kept: \(problems)")
        }
    }

    /// Every 10 seconds: alive, and a newer load elsewhere not yet followed is followed once.
    func beat() {
        record()
        let now = clock()
        guard let newest = try? store.rulesInForce(since: now.adding(-Self.liveWindow)).first,
            newest.instance != store.instance, newest.digest != live.rulesHash,
            newest.loadedAt > lock.withLock({ loadedAt })
        else { return }
        let first = lock.withLock {
            defer { lastTriedDigest = newest.digest }
            return lastTriedDigest != newest.digest
        }
        if first { reloadFromFiles(because: "\(newest.instance) runs newer rules (\(newest.digest))") }
    }

    /// For `/readyz`: nil when this instance runs the rules last loaded anywhere, else why not.
    public func disagreement() throws -> (newest: RulesInForce, instances: Int)? {
        let now = clock()
        let all = try store.rulesInForce(since: now.adding(-Self.liveWindow))
        guard let newest = all.first, newest.digest != live.rulesHash else { return nil }
        return (newest, all.count)
    }

    /// The instances heard from lately (for `/readyz`).
    public func instances() throws -> [RulesInForce] {
        try store.rulesInForce(since: clock().adding(-Self.liveWindow))
    }
}
