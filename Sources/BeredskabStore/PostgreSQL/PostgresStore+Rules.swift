import BeredskabTime
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Which rules each instance runs, and reloads announced with `LISTEN`/`NOTIFY` on the channel
/// `beredskab_rules` (issue 17).
extension PostgresStore: SharedStore {
    static let rulesChannel = "beredskab_rules"

    /// Upserts this instance's row of `rules_version`.
    public func recordRules(_ rules: RulesInForce) throws {
        try pool.write(audits: false) { db in
            try db.execute(
                """
                INSERT INTO rules_version (instance, digest, loaded_at, reloaded_at, seen_at)
                VALUES (\(instance), \(rules.digest), \(rules.loadedAt.seconds), \(rules.reloadedAt?.seconds),
                    \(rules.seenAt.seconds))
                ON CONFLICT (instance) DO UPDATE
                    SET digest = excluded.digest, loaded_at = excluded.loaded_at, reloaded_at = excluded.reloaded_at,
                        seen_at = excluded.seen_at
                """)
            // Instances gone for a day are forgotten.
            try db.execute("DELETE FROM rules_version WHERE seen_at < \(rules.seenAt.seconds - 86_400)")
        }
    }

    /// Every instance heard from since `since`, the latest reload on purpose first, then the others.
    public func rulesInForce(since: Instant) throws -> [RulesInForce] {
        try pool.read { db in
            try db.query(
                """
                SELECT instance, digest, loaded_at, reloaded_at, seen_at FROM rules_version
                WHERE seen_at >= \(since.seconds)
                ORDER BY reloaded_at DESC NULLS LAST, digest, instance
                """
            ).map { row in
                RulesInForce(
                    instance: row["instance"], digest: row["digest"], loadedAt: Instant(seconds: row["loaded_at"]),
                    reloadedAt: (row["reloaded_at"] as Int?).map(Instant.init(seconds:)),
                    seenAt: Instant(seconds: row["seen_at"]))
            }
        }
    }

    /// `NOTIFY beredskab_rules` with the digest, the reload's time and this instance's name.
    public func announceReload(digest: String, at: Instant) throws {
        try pool.read { db in
            try db.execute("SELECT pg_notify(\(Self.rulesChannel), \(digest + " \(at.seconds) " + instance))")
        }
    }

    /// Listens on a connection of its own; when it drops, connects again after a second. Our own
    /// announcements are not passed on; `heard` is called on a global dispatch queue.
    public func listenForReloads(
        _ heard: @escaping @Sendable (_ digest: String, _ at: Instant) -> Void
    ) -> any ReloadListener {
        let listener = PostgresReloadListener()
        let me = instance
        let thread = Thread { [pool] in
            while !listener.isStopped {
                do {
                    let connection = try pool.connect()
                    listener.attach(connection)
                    connection.addListener(channel: Self.rulesChannel) { _, notification in
                        let parts = notification.payload.split(separator: " ", maxSplits: 2).map(String.init)
                        guard parts.count == 3, parts[2] != me, let seconds = Int(parts[1]) else { return }
                        // Not on the connection's event loop: a reload waits on the store, whose
                        // connections that loop serves.
                        DispatchQueue.global().async { heard(parts[0], Instant(seconds: seconds)) }
                    }
                    _ = try connection.query("LISTEN beredskab_rules", logger: pool.logger).wait()
                    try connection.closeFuture.wait()
                } catch {
                    pool.logger.warning("listening for rule reloads: \(error)")
                }
                if !listener.isStopped { Thread.sleep(forTimeInterval: 1) }
            }
        }
        thread.name = "beredskab-reload-listener"
        thread.start()
        return listener
    }
}

/// The connection a reload listener waits on, closed by `stop`.
final class PostgresReloadListener: ReloadListener, @unchecked Sendable {
    private let lock = NSLock()
    private var connection: PostgresConnection?
    private var stopped = false

    var isStopped: Bool { lock.withLock { stopped } }

    func attach(_ connection: PostgresConnection) {
        let stopNow = lock.withLock {
            self.connection = connection
            return stopped
        }
        if stopNow { _ = connection.close() as EventLoopFuture<Void> }
    }

    func stop() {
        let connection = lock.withLock {
            stopped = true
            return self.connection
        }
        if let connection { _ = connection.close() as EventLoopFuture<Void> }
    }
}
