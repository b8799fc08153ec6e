import Foundation
import Testing

@testable import BeredskabDelivery

/// The multi handle itself: responses, cancellation and shutdown.
@Suite struct CurlMultiTests {
    @Test func responseCarriesStatusHeadersAndBody() async throws {
        let sink = try await SinkProcess.start("http_sink.py")
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let response = await multi.perform(
            CurlRequest(url: "http://127.0.0.1:\(sink.port)/x", headers: ["X-Test: ja"], body: Data("{}".utf8)))
        #expect(response.code == .ok)
        #expect(response.errorText == "")
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json")
        #expect(response.headerLines.first?.hasPrefix("HTTP/1") == true)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"status": 200, "request": 1}"#)
        #expect(response.totalTime > .zero)
        #expect((try sink.records().first?["headers"] as? [String: String])?["x-test"] == "ja")
    }

    @Test func responseBodiesAreCapped() async throws {
        let sink = try await SinkProcess.start("http_sink.py")
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let response = await multi.perform(CurlRequest(url: "http://127.0.0.1:\(sink.port)/", maxResponseBytes: 5))
        #expect(response.code == .ok)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"sta"#)
    }

    @Test func cancellingATaskAbortsItsTransfer() async throws {
        let sink = try await SinkProcess.start("http_sink.py", ["--behaviour", "hang", "--hang", "90"])
        defer { sink.stop() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task {
            await multi.perform(CurlRequest(url: "http://127.0.0.1:\(sink.port)/", timeout: .seconds(90)))
        }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let response = await task.value
        #expect(response.code == .abortedByCallback)
        #expect(response.errorText == "the transfer was cancelled")
        // Far sooner than the transfer's own 90 s timeout; the margin is for a loaded machine (a
        // build beside the suite once made this take 8 s).
        #expect(clock.now - start < .seconds(45))
    }

    @Test func shutdownAbortsTransfersInFlightAndRefusesNewOnes() async throws {
        let sink = try await SinkProcess.start("http_sink.py", ["--behaviour", "hang", "--hang", "30"])
        defer { sink.stop() }
        let multi = CurlMulti()
        let url = "http://127.0.0.1:\(sink.port)/"
        async let inFlight = multi.perform(CurlRequest(url: url, timeout: .seconds(30)))
        try await Task.sleep(for: .milliseconds(300))
        multi.shutdown()
        let aborted = await inFlight
        #expect(aborted.code == .abortedByCallback)
        #expect(aborted.errorText == "the curl multi handle was shut down")
        let refused = await multi.perform(CurlRequest(url: url))
        #expect(refused.code == .abortedByCallback)
        #expect(
            DeliveryOutcome.classify(refused, channel: .webhook)
                == .retry(
                    detail:
                        "curl error 42 (Operation was aborted by an application callback): the curl multi handle was shut down"
                ))
    }

    @Test func malformedURLsFailAtOnce() async throws {
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let response = await multi.perform(CurlRequest(url: "http://[::1:bad/"))
        #expect(response.code == .urlMalformat)
        #expect(!response.errorText.isEmpty)
    }

    @Test func connectTimeoutIsSeparateFromTheTotal() async throws {
        // A listener that never accepts, with its backlog filled: Linux drops further SYNs, so the next
        // connection attempt hangs until the connect timeout, long before the total timeout.
        let listener = try Listener()
        defer { listener.close() }
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let response = await multi.perform(
            CurlRequest(
                url: "http://127.0.0.1:\(listener.port)/", connectTimeout: .milliseconds(500), timeout: .seconds(20)))
        #expect(response.code == .operationTimedOut, "\(response.code): \(response.errorText)")
        #expect(response.errorText.contains("onnect"), "\(response.errorText)")
        // curl says after how long it gave up, timed on its own thread: the connect timeout, not the
        // total (the test's own clock would also count how long a busy machine took to resume it).
        let words = response.errorText.split(whereSeparator: { !$0.isNumber && $0 != " " }).joined()
        let milliseconds = words.split(separator: " ").compactMap { Int($0) }.last
        #expect(milliseconds.map { $0 >= 450 && $0 < 15_000 } == true, "\(response.errorText)")
    }

    @Test func protocolsOutsideTheListAreRefused() async throws {
        let multi = CurlMulti()
        defer { multi.shutdown() }
        let response = await multi.perform(CurlRequest(url: "file:///etc/passwd"))
        #expect(response.code == .unsupportedProtocol)
        #expect(response.body.isEmpty)
    }

    @Test func manyMultiHandlesComeAndGo() async {
        for _ in 0..<20 {
            let multi = CurlMulti()
            multi.shutdown()
        }
        var multi: CurlMulti? = CurlMulti()
        multi = nil
        #expect(multi == nil)
    }
}
