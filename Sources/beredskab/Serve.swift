import ArgumentParser
import BeredskabDispatch
import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabTime
import BeredskabWeb
import Foundation
import Hummingbird
import Logging

/// The wall clock, read only here at the edge; the engine gets time passed in.
@Sendable func now() -> Instant {
    Instant(seconds: Int(Date().timeIntervalSince1970))
}

/// For tests only: a clock that reads the time from a file (an RFC 3339 time such as
/// `2026-11-21T22:30:00+01:00`) whenever the server asks, so a test fixes the hour of the week
/// and moves time on by writing the file. Time stands still between writes; a file that cannot be
/// read keeps the last good time.
final class FileClock: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var last: Instant

    /// Reads the file once; throws a message when it holds no RFC 3339 time.
    init(path: String) throws {
        self.path = path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let instant = Instant(rfc3339: text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw ValidationError(
                "--test-clock \(path): the file must hold an RFC 3339 time, e.g. 2026-11-21T22:30:00+01:00")
        }
        last = instant
    }

    /// The time in the file now.
    func now() -> Instant {
        let read = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
            Instant(rfc3339: $0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return lock.withLock {
            if let read { last = read }
            return last
        }
    }
}

/// `beredskab serve`: the intake server on the embedded store, with the dispatcher.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server: report intake, acknowledgement links and the dispatcher.",
        discussion: """
            Refuses to start when the rules have errors. With no transport configured it writes each
            message it would send to outbox.jsonl in the data folder. The store is the SQLite file in
            the data folder, or the PostgreSQL database of --store (or BEREDSKAB_STORE, or `store` in
            the configuration), which several instances can share.
            """
    )

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port = 8080

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Folder for the database and the outbox file.")
    var data = "data"

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL store shared with other instances: postgres://user:password@host:5432/database.",
            discussion: "Better given as BEREDSKAB_STORE, which keeps the password out of the process list.",
            valueName: "url"))
    var store: String?

    @Option(help: "The address recipients use to reach this server, for acknowledgement links.")
    var publicURL: String?

    @Option(help: "The role told when someone cannot be reached on any channel (overrides the file).")
    var failureRole: String?

    @Option(
        help:
            "Server configuration (JSON: smtp, sms, webhook, failure_role, public_url); secrets come from the environment."
    )
    var config: String?

    @Option(name: .customLong("rules"), help: "Rule and contact files or folders (default: Rules and Contacts).")
    var rulePaths: [String] = []

    @Option(help: "The least level logged to standard error: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(
        help: "How the log is written: text (one line each, for people) or json (one object a line, for a collector).")
    var logFormat: LogFormat = .text

    @Option(
        help: ArgumentHelp(
            "For tests only: read the time from this file (RFC 3339) instead of the wall clock.",
            discussion: "Time stands still until the file is written again; never use it in production.",
            valueName: "file"))
    var testClock: String?

    func run() async throws {
        ServerLog.bootstrap(level: logLevel, format: logFormat)
        let clock: @Sendable () -> Instant
        if let testClock {
            let file = try FileClock(path: testClock)
            clock = { file.now() }
            FileHandle.standardOutput.write(Data("test clock: the time is read from \(testClock)\n".utf8))
        } else {
            clock = now
        }
        var settings: ServerConfiguration
        switch ServerConfiguration.read(try config.map(readJSON), environment: ProcessInfo.processInfo.environment) {
        case .success(let read): settings = read
        case .failure(let invalid):
            printError(invalid.problems.map { "\(config ?? "environment"): \($0)\n" }.joined())
            throw ExitCode(1)
        }
        // Without its templates every page would be a one-line notice: refuse to start instead.
        if let problem = WebTemplates.problem {
            printError(
                "error: the web pages cannot be rendered: \(problem); install the Beredskab_*.resources folders "
                    + "beside the binary (docs/operations.md, \"Running it for real\")\n")
            throw ExitCode(1)
        }
        // Before the rules are loaded: their windows, rotas and deadlines are read in this zone.
        LocalTime.zone = settings.timeZone
        let engine = try loadEngine(rulePaths)
        settings.failureRole = failureRole ?? settings.failureRole
        settings.publicURL = publicURL ?? settings.publicURL
        if let role = settings.failureRole, engine.rules.roles[role] == nil {
            printError("error: unknown role '\(role)' for the failure role\n")
            throw ExitCode(64)
        }
        let location = try sharedStore(self.store) ?? settings.store
        let store = try openStore(data, for: engine, location: location)
        let outbox = (data as NSString).appendingPathComponent("outbox.jsonl")
        let transport: any Transport
        if settings.hasTransport {
            transport = CurlTransport(settings.transportSettings)
            let channels = [
                settings.smtp.map { "email via \($0.url)" }, settings.sms.map { "sms via \($0.url)" },
                settings.webhookSecret.map { _ in "signed webhooks" + (settings.webhookURL.map { " to \($0)" } ?? "") },
            ]
            FileHandle.standardOutput.write(
                Data("delivering \(channels.compactMap { $0 }.joined(separator: ", "))\n".utf8))
        } else {
            transport = FileTransport(path: outbox)
            FileHandle.standardOutput.write(
                Data("no transport configured: messages that would be sent are written to \(outbox)\n".utf8))
        }
        let doorbell = Doorbell()
        let live = LiveEngine(engine, paths: rulePaths.isEmpty ? ["Rules", "Contacts"] : rulePaths)
        let metrics = ServerMetrics()
        var options = Routes.Options()
        settings.apply(to: &options)
        options.messages = settings.messages
        options.transport = transport
        options.publicURL = PublicURL(settings.publicURL ?? "http://\(host):\(port)")
        if let shared = store as? any SharedStore {
            options.rulesSync = RulesSync(store: shared, live: live, clock: clock)
            FileHandle.standardOutput.write(
                Data(
                    "store: PostgreSQL \(location.map { "\($0)" } ?? ""), shared as instance \(shared.instance)\n".utf8)
            )
        }
        options.rulesSync?.start()
        defer { options.rulesSync?.stop() }
        let routes = Routes(
            live: live, store: store, doorbell: doorbell, options: options, metrics: metrics, clock: clock)
        let hangup = Self.reloadOnHangup(routes)
        defer { hangup.cancel() }
        let dispatching = DispatchTask()
        let app = Application(
            router: routes.router(), server: .guarded(settings.connections),
            configuration: .guarded(
                .hostname(host, port: port), serverName: "Beredskab", limits: settings.connections),
            onServerRunning: { [settings, options] channel in
                // Start working the outbox once the real address is known, for the links in messages.
                let bound = channel.localAddress?.port ?? port
                let base = settings.publicURL ?? "http://\(host):\(bound)"
                options.publicURL.value = base
                let dispatcher = Dispatcher(
                    store: store, live: live, transport: transport, publicURL: base,
                    policy: settings.delivery, failureRole: settings.failureRole, metrics: metrics,
                    messages: settings.messages
                ).recording(through: routes.commits.recordAttempts)
                dispatching.start { await dispatcher.run(doorbell: doorbell, clock: clock) }
                let line = "listening on http://\(host):\(bound) with \(engine.rules.guidelines.count) guidelines\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            },
            // The requests' logger: errors answering carry its request id (`hb.request.id`).
            logger: Logger(label: "beredskab.http")
        )
        defer { dispatching.cancel() }
        // On SIGTERM or SIGINT: stop accepting, let requests finish briefly, stop the dispatcher, and
        // exit within 5 s (see `Shutdown`).
        let signals = Self.watchShutdownSignals()
        defer { signals.forEach { $0.cancel() } }
        try await Shutdown.run(app, dispatching: dispatching, logger: app.logger)
        FileHandle.standardOutput.write(Data("stopped\n".utf8))
    }

    /// Starts the shutdown watchdog when SIGTERM or SIGINT arrives (ServiceLifecycle handles the signal itself).
    static func watchShutdownSignals() -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Shutdown.startWatchdog() }
            source.resume()
            return source
        }
    }

    /// SIGHUP reloads the rules the same way as `POST /api/v1/admin/reload`, printing the outcome.
    static func reloadOnHangup(_ routes: Routes) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            do {
                let response = try routes.reload(actor: "signal:SIGHUP")
                FileHandle.standardOutput.write(Data("SIGHUP: rules reloaded (\(response.status.code))\n".utf8))
            } catch let error as APIError {
                let lines = error.problems.map { "  \($0.path): \($0.message)\n" }.joined()
                ServerLog.logger.error("SIGHUP: \(error.message)\n\(lines)")
            } catch {
                ServerLog.logger.error("SIGHUP: reload failed: \(error)")
            }
        }
        source.resume()
        return source
    }
}

/// The PostgreSQL store named by `BEREDSKAB_STORE`, if any: every command that works on the
/// store (`serve`, `token`, `closures`, `silences`, `report`, `audit verify`) then uses it
/// instead of the SQLite file in its data folder. Exits with 64 for a value that is not a URL.
func sharedStore(_ explicit: String? = nil) throws -> PostgresLocation? {
    guard let url = explicit ?? ProcessInfo.processInfo.environment["BEREDSKAB_STORE"], !url.isEmpty else {
        return nil
    }
    guard let location = PostgresLocation(url: url) else {
        printError(
            "error: the store must be a PostgreSQL URL, postgres://user:password@host:5432/database, with "
                + "?sslmode= disable, require, verify-ca or verify-full if any\n")
        throw ExitCode(64)
    }
    return location
}

/// Opens the store a command works on: the shared PostgreSQL store (``sharedStore(_:)``, or
/// `location`), or the SQLite file in a data folder, creating the folder. It reads as much history
/// as the rules can see (all defaults without an engine).
func openStore(_ folder: String, for engine: Engine?, location: PostgresLocation? = nil) throws -> any IncidentStore {
    let lookback = engine?.lookback ?? 90 * 86_400
    let lookahead = engine?.lookahead ?? 86_400
    // Also on PostgreSQL: the data folder holds the file transport's outbox.
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    if let location = try location ?? sharedStore() {
        return try PostgresStore(location, lookback: lookback, lookahead: lookahead)
    }
    return try SQLiteStore(
        path: (folder as NSString).appendingPathComponent("beredskab.sqlite"), lookback: lookback,
        lookahead: lookahead)
}

/// `beredskab token`: API tokens with a role, for organisations' systems.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API tokens.", subcommands: [Create.self, List.self, Revoke.self])

    /// `beredskab token create --org ID [--role ROLE] [--person ID] [--label TEXT]`
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; it is printed once and only its hash is stored.")

        @Option(help: "The organisation id from Contacts/ (default: the --person's organisation).")
        var org: String?

        @Option(help: "reporter, responder, reviewer, admin or calendar (reads only the on-call feeds).")
        var role: AccessRole = .reporter

        @Option(help: "The person (of that organisation) the token acts for; responders need one to acknowledge.")
        var person: String?

        @Option(help: "A note saying what the token is for, shown by token list.")
        var label = ""

        @Option(help: "Folder for the database.")
        var data = "data"

        @Option(name: .customLong("rules"), help: "Rule and contact files or folders (default: Rules and Contacts).")
        var rulePaths: [String] = []

        func run() throws {
            let engine = try loadEngine(rulePaths)
            guard let org = org ?? person.flatMap({ engine.roster.persons[$0]?.organisation.value }) else {
                printError("error: give --org, or a known --person whose organisation the token is for\n")
                throw ExitCode(64)
            }
            guard engine.roster.organisations[org] != nil else {
                printError("error: unknown organisation '\(org)'\n")
                throw ExitCode(64)
            }
            if let person, engine.roster.persons[person]?.organisation.value != org {
                printError("error: '\(person)' is not a person of '\(org)'\n")
                throw ExitCode(64)
            }
            let store = try openStore(data, for: engine)
            let (record, secret) = try store.createToken(
                organisation: org, role: role, person: person, label: label, actor: "cli", at: now())
            printError("created \(record.id) (\(role.rawValue) for \(org)); the token is shown only now:\n")
            print(secret)
        }
    }

    /// `beredskab token list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        @Option(help: "Folder for the database.")
        var data = "data"

        func run() throws {
            let tokens = try openStore(data, for: nil).tokens()
            if tokens.isEmpty { print("no tokens") }
            for t in tokens {
                let state = t.revokedAt.map { "revoked \(Copenhagen.format($0))" } ?? "live"
                print(
                    [
                        t.id, t.role.rawValue, t.organisation, t.person ?? "-", Copenhagen.format(t.createdAt), state,
                        t.label,
                    ]
                    .joined(separator: "\t"))
            }
        }
    }

    /// `beredskab token revoke ID`
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token by its id (tok_…); it stops working at once.")

        @Argument(help: "The token's id, as token list shows it.")
        var id: String

        @Option(help: "Folder for the database.")
        var data = "data"

        func run() throws {
            guard try openStore(data, for: nil).revokeToken(id: id, actor: "cli", at: now()) else {
                printError("error: no live token '\(id)'\n")
                throw ExitCode(1)
            }
            print("revoked \(id)")
        }
    }
}

extension AccessRole: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}

/// Holds the dispatcher's task so the server can stop it on shutdown.
final class DispatchTask: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    func start(_ work: @escaping @Sendable () async -> Void) {
        lock.withLock { task = task ?? Task { await work() } }
    }

    func cancel() {
        lock.withLock { task?.cancel() }
    }

    /// Returns once the dispatcher's loop has ended (at once if it never started).
    func finished() async {
        await lock.withLock { task }?.value
    }
}
