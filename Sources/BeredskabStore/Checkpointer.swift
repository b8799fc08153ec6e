import Foundation
import GRDB

/// Copies the write-ahead log back into the database file on a connection and a thread of its
/// own, so that intake never does it.
///
/// SQLite's default checkpoints every 1,000 pages of log inside the commit that crosses the
/// mark, on the writer: at a few hundred reports a second that was a commit every half second
/// that also wrote back and synced the whole database file, which made the slowest answers three
/// times slower (issue 16). The store's writer has automatic checkpoints switched off
/// (`wal_autocheckpoint = 0`) and this checkpoints every `interval` instead, PASSIVE: it never
/// waits for readers or the writer. Often, because a checkpoint's sync of the database file still
/// delays the writer's sync of the log on the same disk, in proportion to what it copies: at 500
/// reports/s the p99 answer was 70 ms checkpointing every 2 s, 21 ms every 0.2 s, 6 ms every
/// 0.02 s; every 5 ms cost a quarter more CPU per report. Should the log still pass `restartBytes` (readers always at
/// work), a RESTART checkpoint waits for them once so the log starts over from its beginning.
final class Checkpointer: @unchecked Sendable {
    private let connection: DatabaseQueue
    private let walPath: String
    private let timer: DispatchSourceTimer
    /// How large the log may grow before a checkpoint waits for readers, in bytes.
    let restartBytes: UInt64 = 64 << 20

    /// Checkpoints the database at `path` (already in WAL mode) every `interval` seconds until
    /// released.
    init(path: String, interval: Double = 0.02) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        walPath = path + "-wal"
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in _ = try? self?.checkpoint() }
        timer.resume()
    }

    deinit {
        timer.cancel()
    }

    /// One checkpoint now: the pages of log it found and the pages it copied back.
    @discardableResult
    func checkpoint() throws -> (logPages: Int, copiedPages: Int) {
        let size = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? UInt64) ?? 0
        let mode = size > restartBytes ? "RESTART" : "PASSIVE"
        return try connection.inDatabase { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(\(mode))")
            return (row?[1] ?? 0, row?[2] ?? 0)
        }
    }
}
