import BeredskabEngine
import Foundation

/// With no transport configured: writes each message it would send as a JSON line to a file, so the
/// demo shows what would leave without any mail server.
public final class FileTransport: Transport, @unchecked Sendable {
    let path: String
    let lock = NSLock()

    /// Appends to the file at `path`, creating it if needed.
    public init(path: String) {
        self.path = path
    }

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
        return lock.withLock { write(json) }
    }

    func write(_ json: String) -> SendResult {
        guard let handle = FileHandle(forWritingAtPath: path) ?? create() else {
            return .retry("cannot open \(path)")
        }
        defer { try? handle.close() }
        do {
            let end = try handle.seekToEnd()
            // A process killed in the middle of a write leaves a torn last line (Linux may stop a write
            // at a page boundary when a fatal signal is pending); the next line must not run on from it.
            var line = json
            if end > 0, let reading = FileHandle(forReadingAtPath: path) {
                defer { try? reading.close() }
                try reading.seek(toOffset: end - 1)
                if try reading.read(upToCount: 1) != Data("\n".utf8) { line = "\n" + line }
            }
            try handle.write(contentsOf: Data(line.utf8))
            try handle.synchronize()
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
