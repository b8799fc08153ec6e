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
/// 0.02 s; every 5 ms cost a quarter more CPU per report.
///
/// Should the log's content still pass `restartBytes` (readers and the writer always at work, so
/// the writer never finds it all copied and starts it over), one RESTART checkpoint waits for them,
/// at most `restartWait`, so that the log starts over from its beginning; then PASSIVE again. The
/// content is what the last checkpoint found, never the file's size: SQLite does not shrink the
/// file, so one burst past the mark would otherwise make every later checkpoint a RESTART that
/// holds up intake (at 1,000 reports/s the file passed 64 MiB within 5 s; end-to-end p99 15 ms
/// against 7 ms, median of four runs).
final class Checkpointer: @unchecked Sendable {
    /// How a checkpoint treats readers and the writer (SQLite's `wal_checkpoint` modes).
    enum Mode: String {
        /// Copies what no reader still needs and never waits.
        case passive = "PASSIVE"
        /// Waits for the writer and for every reader of the log, copies all of it, and has the
        /// writer start the log over.
        case restart = "RESTART"
    }

    private let connection: DatabaseQueue
    private let timer: DispatchSourceTimer
    /// How large the log's content may grow before a checkpoint waits for readers, in bytes.
    let restartBytes: Int
    /// The database's page size, in bytes: a frame of the log holds one page.
    let pageSize: Int
    private let lock = NSLock()
    // Guarded by `lock`: the pages of log the last checkpoint found.
    private var lastLogPages = 0

    /// Checkpoints the database at `path` (already in WAL mode) every `interval` seconds until
    /// released; a RESTART once the log holds more than `restartBytes` (64 MiB), which waits at most
    /// `restartWait` seconds for the writer and readers.
    init(path: String, interval: Double = 0.02, restartBytes: Int = 64 << 20, restartWait: Double = 0.1) throws {
        var configuration = Configuration()
        // A RESTART waits for the writer and then for readers while it holds the writer back: at
        // most this long, after which it gives up and the next checkpoint is PASSIVE again. With
        // ten seconds, sustained intake kept a RESTART waiting for the writer's lock, copying nothing,
        // while the log grew past 200 MiB.
        configuration.busyMode = .timeout(restartWait)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        pageSize = try connection.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } ?? 4096
        self.restartBytes = restartBytes
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in _ = try? self?.checkpoint() }
        timer.resume()
    }

    deinit {
        timer.cancel()
    }

    /// The mode of the next checkpoint: RESTART only when the log held more than `restartBytes`
    /// at the last one.
    var nextMode: Mode {
        lock.withLock { lastLogPages * pageSize > restartBytes ? .restart : .passive }
    }

    /// One checkpoint now: the pages of log it found and the pages it copied back.
    @discardableResult
    func checkpoint() throws -> (logPages: Int, copiedPages: Int) {
        let mode = nextMode
        let log: Int
        let copied: Int
        do {
            (log, copied) = try connection.inDatabase { db in
                let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(\(mode.rawValue))")
                return (row?[1] ?? 0, row?[2] ?? 0)
            }
        } catch {
            // A RESTART that waited `restartWait` in vain: PASSIVE next, and again when one finds the
            // log still full.
            lock.withLock { lastLogPages = 0 }
            throw error
        }
        // After a RESTART, SQLite reports the old log until the writer starts it over, which it does
        // at its next commit: PASSIVE next, or every checkpoint would be another RESTART.
        // -1 when the database is not in WAL mode (never here): nothing to wait for.
        lock.withLock { lastLogPages = mode == .restart ? 0 : max(0, log) }
        return (log, copied)
    }
}
