import BeredskabEngine
import Foundation
import Logging

/// How `serve` writes its log to standard error (`--log-format`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's `StreamLogHandler`: `2026-03-14T21:48:00+0100 warning beredskab.dispatch: key=value message`.
    case text
    /// One JSON object a line (``JSONLogHandler``), for a log collector.
    case json
}

/// The server's logging: swift-log with levels and metadata, never personal details.
///
/// What may be logged: ids the system makes (incident, notification, request and token ids), channel
/// kinds, outcomes, counts, file paths and errors of the store or the rules. What never is: names,
/// person ids, phone numbers, e-mail or webhook addresses, message texts and report texts, secrets
/// and the tokens in links (a request's path is logged as its route, e.g. `/ack/{token}`). The
/// store's audit log and delivery attempts keep the details, behind access control.
public enum ServerLog {
    /// The server's own logger (label `beredskab`); the dispatcher's is `beredskab.dispatch`.
    public static var logger: Logger { Logger(label: "beredskab") }

    /// Sets up swift-log for the whole process: every `Logger` writes to standard error from
    /// `level` up, in `format`. Call once, before any logger is made (swift-log allows one bootstrap).
    public static func bootstrap(level: Logger.Level, format: LogFormat) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                switch format {
                case .text: StreamLogHandler.standardError(label: label)
                case .json: JSONLogHandler(label: label)
                }
            handler.logLevel = level
            return handler
        }
    }

    /// A request's path for the log: the segment after `/ack/` and `/login/` (tokens that act as
    /// credentials) replaced by `{token}`. The query is never part of it.
    public static func path(_ path: String) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for index in segments.indices.dropLast() where ["ack", "login"].contains(segments[index]) {
            if !segments[index + 1].isEmpty { segments[index + 1] = "{token}" }
        }
        return segments.joined(separator: "/")
    }
}

/// A swift-log handler writing one JSON object a line:
/// `{"timestamp":"2026-03-14T20:48:00.123Z","level":"warning","label":"beredskab.dispatch","message":"…","metadata":{…}}`
/// (`timestamp` in UTC, RFC 3339 with milliseconds; `metadata` only when there is any; an event's
/// error under `metadata.error`). Lines are written whole, one write each under a lock, so lines
/// from several threads never interleave.
public struct JSONLogHandler: LogHandler {
    /// The logger's label, e.g. `beredskab.dispatch`.
    public let label: String
    /// The least level written (`serve --log-level`).
    public var logLevel: Logger.Level = .info
    /// Metadata on every line of this handler's logger.
    public var metadata: Logger.Metadata = [:]
    /// Metadata added at each line (swift-log's, e.g. from task-locals).
    public var metadataProvider: Logger.MetadataProvider?
    /// One line at a time on standard error, whichever thread logs.
    private static let output = NSLock()
    private let write: @Sendable (String) -> Void
    private let clock: @Sendable () -> Date

    /// A handler writing to standard error, stamping lines with the wall clock.
    public init(label: String) {
        self.init(label: label, clock: { Date() }) { line in
            JSONLogHandler.output.withLock { FileHandle.standardError.write(Data(line.utf8)) }
        }
    }

    /// A handler writing each line (with its newline) through `write`, stamped by `clock` (tests).
    public init(label: String, clock: @escaping @Sendable () -> Date, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.clock = clock
        self.write = write
        metadataProvider = LoggingSystem.metadataProvider
    }

    /// One metadata value of this handler's logger.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the event as one JSON line: the provider's, the logger's and the event's metadata
    /// (later ones win), and the event's error as `metadata.error`.
    public func log(event: LogEvent) {
        var merged = metadataProvider?.get() ?? [:]
        merged.merge(metadata) { $1 }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let error = event.error { merged["error"] = .string("\(error)") }
        var object: [(String, JSONValue)] = [
            ("timestamp", .string(Self.timestamp(clock()))), ("level", .string(event.level.rawValue)),
            ("label", .string(label)), ("message", .string(event.message.description)),
        ]
        if !merged.isEmpty { object.append(("metadata", Self.json(merged))) }
        write(JSONValue.object(object).text + "\n")
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-03-14T20:48:00.123Z`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = milliseconds.quotientAndRemainder(dividingBy: 1000)
        if seconds.remainder < 0 { seconds = (seconds.quotient - 1, seconds.remainder + 1000) }
        var time = time_t(seconds.quotient)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let fraction = String(seconds.remainder + 1000).dropFirst()
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
            + "\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }

    static func json(_ metadata: Logger.Metadata) -> JSONValue {
        .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let items): .array(items.map(json))
        case .dictionary(let pairs): json(pairs)
        }
    }
}
