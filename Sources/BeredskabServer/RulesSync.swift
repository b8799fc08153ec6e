import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation
import Logging

/// Keeps the rules of instances sharing a store in step (issue 17).
///
/// Each instance reloads its own rule files; what travels is the word that a reload happened.
/// A reload on purpose (the admin API or SIGHUP) defines the cluster's rules: the instance records
/// its rules' hash with the time of that reload and announces it (PostgreSQL `NOTIFY`); the others
/// reload their files on hearing it, and those that then run the same rules record the same reload
/// time, so the cluster's rules outlive the instance that reloaded them. Starting is not a reload
/// on purpose: an instance restarted with old files never makes the others look wrong. Every 10
/// seconds each instance records that it is alive and looks at the store in case it missed an
/// announcement; while its rules differ from the cluster's it reads its files again (so fixing them
/// is enough). An instance running other rules than the latest reload on purpose says so on
/// `/readyz` with 503, so a load balancer stops sending it reports.
public final class RulesSync: @unchecked Sendable {
    let store: any SharedStore
    let live: LiveEngine
    let clock: @Sendable () -> Instant
    let logger = Logger(label: "beredskab.rules-sync")
    private let lock = NSLock()
    private var loadedAt: Instant
    /// The reload on purpose whose rules this instance runs, if any.
    private var reloadedAt: Instant?
    private var listener: (any ReloadListener)?
    private var heartbeat: Task<Void, Never>?
    /// How long an instance not heard from still counts (seconds).
    static let liveWindow = 30

    /// Follows the others once started: records this instance's rules, listens.
    public init(store: any SharedStore, live: LiveEngine, clock: @escaping @Sendable () -> Instant) {
        self.store = store
        self.live = live
        self.clock = clock
        loadedAt = clock()
    }

    /// Records this instance's rules (taking the cluster's reload time when they are the
    /// cluster's rules), and starts listening and the heartbeat.
    public func start() {
        if let cluster = try? clusterRules(), cluster.digest == live.rulesHash {
            lock.withLock { reloadedAt = cluster.reloadedAt }
        }
        record()
        listener = store.listenForReloads { [weak self] digest, at in self?.heard(digest, at: at) }
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

    /// After a reload on purpose here succeeded: these are now the cluster's rules.
    func reloadedHere() {
        let now = clock()
        lock.withLock {
            loadedAt = now
            reloadedAt = now
        }
        record()
        do { try store.announceReload(digest: live.rulesHash, at: now) } catch {
            logger.warning("announcing the rules to the other instances: \(error)")
        }
    }

    private func record() {
        let (loaded, reloaded) = lock.withLock { (loadedAt, reloadedAt) }
        do {
            try store.recordRules(
                RulesInForce(
                    instance: store.instance, digest: live.rulesHash, loadedAt: loaded, reloadedAt: reloaded,
                    seenAt: clock()))
        } catch {
            logger.warning("recording the running rules in the store: \(error)")
        }
    }

    /// The latest reload on purpose among the instances heard from lately, if any.
    func clusterRules() throws -> RulesInForce? {
        Self.latestReload(in: try instances())
    }

    /// The first entry reloaded on purpose: ``SharedStore/rulesInForce(since:)`` lists the latest
    /// such reload first.
    static func latestReload(in instances: [RulesInForce]) -> RulesInForce? {
        instances.first { $0.reloadedAt != nil }
    }

    /// Another instance reloaded on purpose: reload our files too.
    func heard(_ digest: String, at: Instant) {
        follow(digest, reloadedAt: at, because: "another instance reloaded its rules (\(digest))")
    }

    /// Reads this instance's files again; when they give `digest`, this instance runs the rules of
    /// the reload at `reloadedAt` and records so.
    private func follow(_ digest: String, reloadedAt: Instant, because reason: String) {
        let before = live.rulesHash
        if before != digest {
            switch live.reload() {
            case .success(let engine):
                if live.rulesHash != before {
                    lock.withLock { loadedAt = clock() }
                    let detail = "\(engine.rules.guidelines.count) guidelines, \(before) → \(live.rulesHash): \(reason)"
                    try? store.appendAudit(
                        actor: "instance:\(store.instance)", action: "rules-reloaded", incident: nil, detail: detail,
                        at: clock())
                    logger.notice("rules reloaded: \(detail)")
                }
            case .failure(let failure):
                let problems = failure.problems.map { "\($0.path): \($0.message)" }.joined(separator: "; ")
                logger.error(
                    "\(reason), but this instance's files have errors; the running rules are kept: \(problems)")
            }
        }
        if live.rulesHash == digest {
            lock.withLock { self.reloadedAt = reloadedAt }
        } else {
            logger.error(
                "\(reason), but this instance's files give rules \(live.rulesHash): bring them in line with the others'"
            )
        }
        record()
    }

    /// Every 10 seconds: alive, and while this instance's rules differ from the cluster's, its files
    /// are read again (an announcement missed, or files fixed since).
    func beat() {
        record()
        guard let cluster = try? clusterRules(), let reloaded = cluster.reloadedAt,
            cluster.digest != live.rulesHash || lock.withLock({ reloadedAt }) != reloaded
        else { return }
        follow(cluster.digest, reloadedAt: reloaded, because: "\(cluster.instance) reloaded rules \(cluster.digest)")
    }

    /// For `/readyz`: nil when this instance runs the rules of the latest reload on purpose (or
    /// there was none among the instances alive), else that reload.
    public func disagreement() throws -> (newest: RulesInForce, instances: Int)? {
        let all = try instances()
        guard let cluster = Self.latestReload(in: all), cluster.digest != live.rulesHash else { return nil }
        return (cluster, all.count)
    }

    /// The instances heard from in the last 30 seconds (for `/readyz`), this one included.
    public func instances() throws -> [RulesInForce] {
        try store.rulesInForce(since: clock().adding(-Self.liveWindow))
    }
}
