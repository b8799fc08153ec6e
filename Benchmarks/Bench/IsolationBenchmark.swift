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

/// One bad receiver must not delay the others (issue 14): reports arrive at a steady `rate` per
/// second for `seconds`, each alerting a person on a healthy webhook receiver and, in the second
/// run, also one whose receiver accepts the connection and never answers. Prints report → healthy
/// receiver p50/p99 for both runs; the goal is p99 with the hanging receiver within 2× of without.
func runIsolationBenchmark(seconds: Int, rate: Int) async -> Bool {
    print("isolation: \(rate) reports/s for \(seconds) s, each to a healthy webhook receiver, on 127.0.0.1")
    guard let without = await isolationRun(hanging: false, seconds: seconds, rate: rate),
        let with = await isolationRun(hanging: true, seconds: seconds, rate: rate)
    else { return false }
    func line(_ label: String, _ run: IsolationRun) -> String {
        String(
            format: "  %@: p50 %.1f ms, p99 %.1f ms, %d of %d healthy deliveries arrived", label,
            run.percentile(0.5), run.percentile(0.99), run.latencies.count, run.expected)
    }
    print(line("without a hanging receiver", without))
    print(line("with one hanging receiver ", with))
    print(
        String(
            format: "  p99 with / without: %.2f× (goal: at most 2×)",
            with.percentile(0.99) / max(without.percentile(0.99), 0.001)))
    return with.latencies.count == with.expected && without.latencies.count == without.expected
}

struct IsolationRun {
    var latencies: [Double]
    var expected: Int

    func percentile(_ p: Double) -> Double {
        let sorted = latencies.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}

func isolationRun(hanging: Bool, seconds: Int, rate: Int) async -> IsolationRun? {
    let arrivals = Arrivals()
    let healthy = Router()
    healthy.post("ok") { request, _ -> HTTPResponse.Status in
        if let key = request.headers[HTTPField.Name("Idempotency-Key")!] { arrivals.record(key) }
        return .ok
    }
    let healthyPort = await startApp(healthy)
    let hang = Router()
    hang.post("hang") { _, _ -> HTTPResponse.Status in
        try await Task.sleep(for: .seconds(3600))
        return .ok
    }
    let hangPort = await startApp(hang)

    var text = """
        area by "Byen" { }
        role vagt "Vagt" { duty "Modtager alarmer" authority only }
        organisation kommune "Kommunen" { kind authority }
        person sund "Sund modtager" { organisation kommune webhook "http://127.0.0.1:\(healthyPort)/ok" roles vagt }
        guideline uro "Uro" { when category unrest notify vagt message da "Uro i {area} kl. {time}" }

        """
    if hanging {
        text +=
            "person haenger \"Hængende modtager\" { organisation kommune webhook \"http://127.0.0.1:\(hangPort)/hang\" roles vagt }\n"
    }
    guard let engine = checkedEngine(text, path: "isolation.rules"),
        let (folder, store, token) = temporaryStore(for: engine)
    else { return nil }
    defer { try? FileManager.default.removeItem(at: folder) }
    let now: @Sendable () -> Instant = { Instant(seconds: Int(Date().timeIntervalSince1970)) }
    var settings = ServerConfiguration()
    settings.webhookSecret = "bench"
    let doorbell = Doorbell()
    let dispatcher = Dispatcher(
        store: store, live: LiveEngine(engine), transport: CurlTransport(settings.transportSettings),
        publicURL: "http://127.0.0.1",
        metrics: nil)
    let dispatching = Task { await dispatcher.run(doorbell: doorbell, clock: now) }
    defer { dispatching.cancel() }
    var options = Routes.Options()
    options.rateBurst = 1_000_000
    options.ratePerSecond = 1_000_000
    let routes = Routes(live: LiveEngine(engine), store: store, doorbell: doorbell, options: options, clock: now)
    let serverPort = await startApp(routes.router())

    let client = CurlMulti()
    defer { client.shutdown() }
    let total = seconds * rate
    var posted: [String: ContinuousClock.Instant] = [:]
    let start = ContinuousClock.now
    await withTaskGroup(of: Void.self) { group in
        for n in 0..<total {
            let due = start + .milliseconds(n * 1000 / rate)
            let pause = due - ContinuousClock.now
            if pause > .zero { try? await Task.sleep(for: pause) }
            let id = "kommune-iso-\(hanging ? "h" : "n")-\(n)"
            posted[id] = ContinuousClock.now
            group.addTask {
                _ = await postReport(id, category: "unrest", port: serverPort, token: token, via: client)
            }
        }
    }
    // Ten seconds more for the last reports' deliveries.
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline, arrivals.count < total {
        try? await Task.sleep(for: .milliseconds(20))
    }
    var latencies: [Double] = []
    for (id, sent) in posted {
        guard let arrived = arrivals.time("\(id)/notify/sund") else { continue }
        let d = arrived - sent
        latencies.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }
    return IsolationRun(latencies: latencies, expected: total)
}
