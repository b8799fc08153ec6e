import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// How `serve` stops on SIGTERM or SIGINT, within `limit` (5 s) even under load:
/// 1. the HTTP server stops accepting and closes idle keep-alive connections; requests in progress
///    get up to `drain` (2 s) to finish, then they are cancelled;
/// 2. the dispatcher stops: deliveries in flight are cancelled and stay pending, so they go after
///    the restart (their idempotency keys let receivers spot a repeat); results already in are
///    recorded;
/// 3. should anything still hold the process at `limit` (a client that never finishes its
///    request body), it exits anyway: every answered report is committed, and SQLite's journal
///    makes an unfinished write roll back on the next open.
enum Shutdown {
    /// The time requests in progress get to finish.
    static let drain: Duration = .seconds(2)
    /// The time from the signal to the process's exit, at most.
    static let limit: Duration = .milliseconds(4_000)

    /// Runs the server and the dispatcher until a signal asks them to stop, then stops them in that order.
    static func run(_ app: some Service, dispatching: DispatchTask, logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: DispatcherService(dispatching: dispatching), serviceName: "dispatcher"),
                .init(service: app, serviceName: "http"),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = drain
        try await ServiceGroup(configuration: configuration).run()
    }

    /// Exits the process `limit` after the signal if it is still running then.
    static func startWatchdog() {
        let limit = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: limit)
            Logger(label: "beredskab").warning(
                "shutdown: still busy after \(limit) s; exiting (answered reports are stored, deliveries stay pending)")
            _exit(0)
        }
    }
}

/// The dispatcher as a service: it works until the server has shut down (services stop in reverse
/// order), then cancels it and waits for its loop to end.
struct DispatcherService: Service {
    let dispatching: DispatchTask

    func run() async throws {
        // Returns when shutdown reaches this service, throws if the group is cancelled instead.
        try? await gracefulShutdown()
        dispatching.cancel()
        await dispatching.finished()
    }
}
