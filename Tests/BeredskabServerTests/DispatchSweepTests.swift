import BeredskabCheck
import BeredskabEngine
import BeredskabStore
import BeredskabSyntax
import BeredskabTime
import Foundation
import Testing

@testable import BeredskabDispatch

/// A backlog for one full destination (a receiver that hangs, or one outrun by intake) costs each
/// dispatcher pass a bounded read, and what waits behind it for other destinations still leaves.
/// Each pass used to read up to 5,000 due rows from the front: at 2,000 reports/s against one
/// receiver, every pass read 5,000 rows to start a few, and the dispatcher fell further behind the
/// more it was behind (issue 16).
@Suite struct DispatchSweepTests {
    static let engine = Fixture.engine(
        rules: """
            area by "Byen" { polygon [0 0, 0 10, 10 10, 10 0] }
            role ra "A" { duty "Tager imod alarmer" }
            role rb "B" { duty "Tager imod alarmer" }
            organisation kommune "Kommunen" { kind authority }
            organisation fsb "fsb" { kind housing-association }
            person a "A" { organisation kommune webhook "http://a.test/hook" roles ra }
            person b "B" { organisation kommune webhook "http://b.test/hook" roles rb }
            guideline ga "Tyveri" { when category theft notify ra message da "{title}" }
            guideline gb "Brand" { when category fire notify rb message da "{title}" }

            """)

    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    /// Holds every message to a.test until cancelled (a receiver that never answers); delivers the
    /// others at once, remembering to whom.
    final class HoldingTransport: Transport, @unchecked Sendable {
        let lock = NSLock()
        var delivered: [String] = []
        func destination(channel: String, address: String) -> String { URL(string: address)?.host ?? address }
        func send(_ message: Outgoing) async -> SendResult {
            if message.address.contains("a.test") {
                try? await Task.sleep(for: .seconds(3600))
                return .retry("held")
            }
            lock.withLock { delivered.append(message.notification.person) }
            return .delivered("200")
        }
        var people: [String] { lock.withLock { delivered } }
    }

    func request(_ id: String, _ category: String) throws -> AcceptRequest {
        let raw = """
            {"id": "\(id)", "reporter": {"organisation": "fsb"}, "occurred_at": "2026-03-13T21:40:00+01:00",
             "category": "\(category)", "severity": "moderate", "location": {"area": "by"}}
            """
        guard
            case .success(let report) = IncidentReport.decode(
                Array(raw.utf8), rules: Self.engine.rules, roster: Self.engine.roster)
        else { throw CancellationError() }
        let at = at
        return AcceptRequest(report: report, raw: raw, organisation: "fsb", at: at) { history in
            Self.engine.evaluate(report, history: history, at: at)
        }
    }

    @Test func aBacklogForAFullDestinationCostsEachPassABoundedReadAndWhatWaitsBehindItLeaves() async throws {
        let fixture = try Fixture()
        let store = try fixture.open(.sqlite)
        // 3,000 messages due for a.test, then one for b.test.
        _ = try store.acceptBatch((0..<3_000).map { try request("fsb:a-\($0)", "theft") })
        _ = try store.acceptBatch([try request("fsb:b-0", "fire")])
        let transport = HoldingTransport()
        var policy = DeliveryPolicy()
        policy.perDestinationLimit = 4
        let dispatcher = Dispatcher(
            store: store, engine: Self.engine, transport: transport, publicURL: "http://x", policy: policy)
        defer { dispatcher.pipeline.cancelAll() }
        var passes = 0
        var reads: [Int] = []
        while !dispatcher.pipeline.counts.byDestination.keys.contains("b.test"), transport.people.isEmpty,
            passes < 10
        {
            _ = try dispatcher.startDue(now: at, limit: policy.inFlightLimit, clock: { [at] in at }, wake: nil)
            reads.append(dispatcher.pipeline.lastPassRead)
            passes += 1
        }
        // Each pass read its first page and at most 1,000 rows more, never the whole backlog.
        #expect(reads.allSatisfy { $0 <= 1_200 }, "rows read per pass: \(reads)")
        // The message for b.test, behind 3,000 for a.test, left within backlog / 1,000 passes.
        #expect(passes <= 4, "passes: \(passes), rows read: \(reads)")
        for _ in 0..<5_000 where transport.people.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
        #expect(transport.people == ["b"])
        // a.test has its four places, and no more.
        #expect(dispatcher.pipeline.counts.byDestination["a.test"] == 4)
    }
}
