import BeredskabCheck
import BeredskabDelivery
import BeredskabDispatch
import BeredskabEngine
import BeredskabServer
import BeredskabStore
import BeredskabSyntax
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Arrival times at the webhook receiver, by idempotency key.
final class Arrivals: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [String: ContinuousClock.Instant] = [:]
    func record(_ key: String) { lock.withLock { if times[key] == nil { times[key] = .now } } }
    func time(_ key: String) -> ContinuousClock.Instant? { lock.withLock { times[key] } }
    var count: Int { lock.withLock { times.count } }
}

/// A port once a server is listening.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    func set(_ value: Int) { lock.withLock { port = value } }
    func get() async -> Int {
        while true {
            if let port = lock.withLock({ port }) { return port }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// A logger that says nothing, so the figures stand alone.
let quiet: Logger = {
    var logger = Logger(label: "beredskab-bench")
    logger.logLevel = .critical
    return logger
}()

/// The engine of generated rules, or nil with their diagnostics printed.
func checkedEngine(_ text: String, path: String) -> Engine? {
    var sources = SourceSet()
    sources.add(SourceFile(path: path, text: text))
    let checked = Checker.check(sources)
    guard checked.errorCount == 0 else {
        print(checked.renderedText())
        return nil
    }
    return Engine(rules: checked.rules, roster: checked.roster)
}

/// A store in a new temporary folder (the caller removes it) with a reporter token of `kommune`.
func temporaryStore(for engine: Engine) -> (folder: URL, store: SQLiteStore, token: String)? {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beredskab-bench-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    guard
        let store = try? SQLiteStore(
            path: folder.appendingPathComponent("bench.sqlite").path, lookback: engine.lookback,
            lookahead: engine.lookahead),
        let token = try? store.createToken(
            organisation: "kommune", at: Instant(seconds: Int(Date().timeIntervalSince1970)))
    else {
        print("cannot open the store")
        try? FileManager.default.removeItem(at: folder)
        return nil
    }
    return (folder, store, token)
}

/// Posts a report of `kommune` in area `by`, occurred now, to the server on `port`; returns the
/// HTTP status.
func postReport(_ id: String, category: String, port: Int, token: String, via client: CurlMulti) async -> Int {
    let occurred = Copenhagen.format(Instant(seconds: Int(Date().timeIntervalSince1970)))
    let body =
        #"{"id": "\#(id)", "reporter": {"organisation": "kommune"}, "occurred_at": "\#(occurred)", "category": "\#(category)", "severity": "moderate", "location": {"area": "by"}}"#
    let response = await client.perform(
        CurlRequest(
            url: "http://127.0.0.1:\(port)/api/v1/incidents", method: "POST",
            headers: ["Authorization: Bearer \(token)", "Content-Type: application/json"], body: Data(body.utf8)))
    return response.status
}

func startApp(_ router: Router<BasicRequestContext>) async -> Int {
    let box = PortBox()
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { box.set($0.localAddress?.port ?? 0) }, logger: quiet)
    Task { try await app.runService(gracefulShutdownSignals: []) }
    return await box.get()
}

/// Measures the server end to end on loopback: report accepted → webhook received, durable intake
/// throughput, and a fan-out of 1,000 webhooks from one report.
func runDeliveryBenchmark(reports: Int) async -> Bool {
    var text = """
        area by "Byen" { }
        role vagt "Vagt" { duty "Modtager alarmer" authority only }
        role alle "Alle" { duty "Alle modtagere" authority only }
        organisation kommune "Kommunen" { kind authority }
        person v0 "Vagt 0" { organisation kommune webhook "http://127.0.0.1/v0" roles vagt }
        guideline enkelt "En modtager" { when category unrest notify vagt message da "Uro i {area} kl. {time}" }
        guideline mange "Tusind modtagere" { when category fire notify alle message da "Brand i {area} kl. {time}" }

        """
    for n in 0..<1000 {
        text +=
            "person a\(n) \"Modtager \(n)\" { organisation kommune webhook \"http://127.0.0.1/a\(n)\" roles alle }\n"
    }
    guard let engine = checkedEngine(text, path: "bench.rules"),
        let (folder, store, token) = temporaryStore(for: engine)
    else { return false }
    defer { try? FileManager.default.removeItem(at: folder) }

    // The receiver.
    let arrivals = Arrivals()
    let receiver = Router()
    receiver.post("hook") { request, _ -> HTTPResponse.Status in
        if let key = request.headers[HTTPField.Name("Idempotency-Key")!] { arrivals.record(key) }
        return .ok
    }
    let receiverPort = await startApp(receiver)

    // The server, with its dispatcher delivering through libcurl.
    let clock: @Sendable () -> Instant = { Instant(seconds: Int(Date().timeIntervalSince1970)) }
    let doorbell = Doorbell()
    var settings = ServerConfiguration()
    settings.webhookSecret = "bench"
    settings.webhookURL = "http://127.0.0.1:\(receiverPort)/hook"
    let dispatcher = Dispatcher(
        store: store, engine: engine, transport: CurlTransport(settings.transportSettings),
        publicURL: "http://127.0.0.1")
    let dispatching = Task { await dispatcher.run(doorbell: doorbell, clock: clock) }
    defer { dispatching.cancel() }
    // One token sends every report here, far beyond the per-token limit meant for a real client.
    var options = Routes.Options()
    options.rateBurst = 1_000_000
    options.ratePerSecond = 1_000_000
    let routes = Routes(live: LiveEngine(engine), store: store, doorbell: doorbell, options: options, clock: clock)
    let serverPort = await startApp(routes.router())

    let client = CurlMulti()
    defer { client.shutdown() }
    func post(_ id: String, _ category: String) async -> Int {
        await postReport(id, category: category, port: serverPort, token: token, via: client)
    }
    func waitFor(_ keys: [String], seconds: Double = 30) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if keys.allSatisfy({ arrivals.time($0) != nil }) { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return false
    }
    func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    print(
        "delivery: the server and a webhook receiver on 127.0.0.1, through HTTP and libcurl, SQLite with synchronous=FULL"
    )
    var ok = true

    // 1. Latency: one report at a time, from sending the POST to the webhook's arrival.
    var latencies: [Double] = []
    for n in 0..<reports {
        let id = "kommune-lat-\(n)"
        let start = ContinuousClock.now
        guard await post(id, "unrest") == 201, await waitFor(["\(id)/notify/v0"]),
            let arrived = arrivals.time("\(id)/notify/v0")
        else {
            print("  report \(id) was not delivered")
            ok = false
            break
        }
        latencies.append(milliseconds(arrived - start))
    }
    latencies.sort()
    if !latencies.isEmpty {
        let p50 = latencies[latencies.count / 2]
        let p99 = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]
        print(
            String(
                format:
                    "  report posted → webhook received: p50 %.1f ms, p99 %.1f ms over %d reports (goal: p99 under 50 ms)",
                p50, p99, latencies.count))
    }

    // 2. Throughput: reports posted 32 at a time, each committed durably before its 201.
    let total = max(reports * 2, 1000)
    let started = ContinuousClock.now
    let accepted = await withTaskGroup(of: Int.self) { group -> Int in
        var next = 0
        var done = 0
        for _ in 0..<32 where next < total {
            let id = next
            group.addTask { await post("kommune-tp-\(id)", "unrest") == 201 ? 1 : 0 }
            next += 1
        }
        while let result = await group.next() {
            done += result
            if next < total {
                let id = next
                group.addTask { await post("kommune-tp-\(id)", "unrest") == 201 ? 1 : 0 }
                next += 1
            }
        }
        return done
    }
    let elapsed = milliseconds(ContinuousClock.now - started) / 1000
    print(
        String(
            format: "  intake: %d reports accepted in %.2f s = %.0f reports/s, 32 clients (goal: at least 1000/s)",
            accepted, elapsed, Double(accepted) / elapsed))
    if accepted != total { ok = false }
    _ = await waitFor((0..<total).map { "kommune-tp-\($0)/notify/v0" }, seconds: 60)

    // 3. Fan-out: one report to 1,000 recipients.
    let fanStart = ContinuousClock.now
    guard await post("kommune-fan-0", "fire") == 201 else {
        print("  the fan-out report was refused")
        return false
    }
    let keys = (0..<1000).map { "kommune-fan-0/notify/a\($0)" }
    let delivered = await waitFor(keys, seconds: 60)
    let last = keys.compactMap { arrivals.time($0) }.max() ?? .now
    print(
        String(
            format: "  fan-out: %d of 1000 webhooks received %.0f ms after the report was posted (goal: under 2000 ms)",
            keys.filter { arrivals.time($0) != nil }.count, milliseconds(last - fanStart)))
    return ok && delivered
}
