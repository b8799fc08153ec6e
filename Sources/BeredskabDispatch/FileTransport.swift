import BeredskabEngine
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// With no transport configured: writes each message it would send as a JSON line to a file, so the
/// demo shows what would leave without any mail server.
///
/// A message counts as sent once its line is on disk (`fsync`). Lines are written by a thread of
/// the transport's own, which takes every message waiting, writes their lines at once and syncs
/// once for all of them; it ends after a second without messages. One sync per message, on Swift
/// concurrency's threads, was an eighth of the server's CPU at 100 reports/s with the demo rules
/// (each sync rings the virtual disk's doorbell) and competed with intake's own syncs (issue 16).
public final class FileTransport: Transport, @unchecked Sendable {
    let path: String
    /// Makes what was written to a file descriptor durable: `fsync`, or a test's stand-in.
    let sync: @Sendable (Int32) -> Int32
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [(line: String, done: CheckedContinuation<SendResult, Never>)] = []
    private var writerRunning = false
    private var syncCount = 0

    /// Appends to the file at `path`, creating it if needed.
    public convenience init(path: String) {
        self.init(path: path, sync: { fsync($0) })
    }

    init(path: String, sync: @escaping @Sendable (Int32) -> Int32) {
        self.path = path
        self.sync = sync
    }

    /// Syncs made so far: messages sent together share one.
    var syncs: Int { condition.withLock { syncCount } }
    /// Messages waiting for the writer.
    var waiting: Int { condition.withLock { pending.count } }

    public func send(_ message: Outgoing) async -> SendResult {
        let n = message.notification
        let line: JSONValue = .object(
            [
                ("idempotency_key", .string(n.idempotencyKey)), ("incident", .string(n.incident)),
                ("person", .string(n.person)), ("name", .string(n.name)), ("channel", .string(message.channel)),
                ("address", .string(message.address)), ("tier", .string(n.tier.rawValue)),
                ("roles", .array(n.roles.map(JSONValue.string))), ("text", .string(message.text)),
                ("ack_link", .string(message.ackLink)), ("kind", .string(n.kind)),
            ] + (n.exercise ? [("exercise", .bool(true))] : []))
        let json = line.text + "\n"
        return await withCheckedContinuation { continuation in
            condition.lock()
            pending.append((json, continuation))
            let start = !writerRunning
            if start { writerRunning = true } else { condition.signal() }
            condition.unlock()
            if start { Thread.detachNewThread { self.drain() } }
        }
    }

    /// Writes what is waiting, batch after batch, until nothing has come for a second.
    private func drain() {
        while true {
            condition.lock()
            if pending.isEmpty {
                let until = Date(timeIntervalSinceNow: 1)
                while pending.isEmpty, condition.wait(until: until) {}
                if pending.isEmpty {
                    writerRunning = false
                    condition.unlock()
                    return
                }
            }
            let batch = pending
            pending.removeAll()
            condition.unlock()
            let result = write(batch.map(\.line).joined())
            for item in batch { item.done.resume(returning: result) }
        }
    }

    /// Appends `text` (whole lines) and syncs the file: `.delivered` once it is on disk, `.retry`
    /// naming the file and the fault if it could not be opened, written or synced.
    func write(_ text: String) -> SendResult {
        guard let handle = FileHandle(forWritingAtPath: path) ?? create() else {
            return .retry("cannot open \(path)")
        }
        defer { try? handle.close() }
        do {
            let end = try handle.seekToEnd()
            // A process killed in the middle of a write leaves a torn last line (Linux may stop a write
            // at a page boundary when a fatal signal is pending); the next line must not run on from it.
            var lines = text
            if end > 0, let reading = FileHandle(forReadingAtPath: path) {
                defer { try? reading.close() }
                try reading.seek(toOffset: end - 1)
                if try reading.read(upToCount: 1) != Data("\n".utf8) { lines = "\n" + lines }
            }
            try handle.write(contentsOf: Data(lines.utf8))
            condition.withLock { syncCount += 1 }
            guard sync(handle.fileDescriptor) == 0 else {
                return .retry("cannot sync \(path): \(String(cString: strerror(errno)))")
            }
            return .delivered("written to \(path)")
        } catch {
            return .retry("cannot write \(path): \(error)")
        }
    }

    func create() -> FileHandle? {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        return FileHandle(forWritingAtPath: path)
    }
}
