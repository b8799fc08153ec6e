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
    /// naming the file and the system's reason if it could not be opened, written or synced. The
    /// file is opened to append, created if missing, and never replaced: Foundation's `createFile`,
    /// used before when opening failed, writes a new empty file over the old one, so a file the
    /// server could not open (its permissions changed) lost every line in it.
    func write(_ text: String) -> SendResult {
        let fd = Glibc.open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .retry("cannot open \(path): \(Self.reason())") }
        defer { _ = Glibc.close(fd) }
        // A process killed in the middle of a write leaves a torn last line (Linux may stop a write
        // at a page boundary when a fatal signal is pending); the next line must not run on from it.
        var bytes = Array(text.utf8)
        var status = stat()
        guard fstat(fd, &status) == 0 else { return .retry("cannot read \(path): \(Self.reason())") }
        if status.st_size > 0 {
            var last: UInt8 = 0
            guard pread(fd, &last, 1, status.st_size - 1) == 1 else {
                return .retry("cannot read \(path): \(Self.reason())")
            }
            if last != UInt8(ascii: "\n") { bytes.insert(UInt8(ascii: "\n"), at: 0) }
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return .retry("cannot write \(path): \(Self.reason())")
            }
            offset += written
        }
        condition.withLock { syncCount += 1 }
        guard sync(fd) == 0 else { return .retry("cannot sync \(path): \(Self.reason())") }
        return .delivered("written to \(path)")
    }

    /// The system's text for the last error (`errno`).
    static func reason() -> String { String(cString: strerror(errno)) }
}
