import BeredskabEngine
import BeredskabStore
import Foundation
import Testing

@testable import BeredskabServer

/// A clock for the rate limiters that moves only when the test says so.
final class ManualSeconds: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double

    init(_ seconds: Double) { self.seconds = seconds }

    var now: Double { lock.withLock { seconds } }

    func advance(_ by: Double) { lock.withLock { seconds += by } }
}

/// Rate and body limits from the configuration file (`limits`), as `serve` applies them.
@Suite struct ConfiguredLimitsTests {
    static func options(_ json: String, clock: ManualSeconds? = nil) throws -> Routes.Options {
        let configuration = try ServerConfiguration.read(try JSONValue.parse(Array(json.utf8)), environment: [:]).get()
        var options = Routes.Options()
        configuration.apply(to: &options)
        if let clock { options.rateClock = { clock.now } }
        return options
    }

    /// Sends `perSecond` CAP alerts from the police's one token in each of `seconds` seconds;
    /// returns the statuses.
    static func policeFeed(_ json: String, seconds: Int, perSecond: Int) async throws -> [Int] {
        let clock = ManualSeconds(1_000_000)
        var fixture = try APIFixture(options: try options(json, clock: clock))
        fixture.tokens["police"] = try fixture.store.createToken(
            organisation: "politi", role: .reporter, person: nil, label: "", actor: "t", at: APIFixture.at
        ).secret
        let alert = try CAPRouteTests.fixture("alert-geocode.xml")
        var statuses: [Int] = []
        for second in 0..<seconds {
            for n in 0..<perSecond {
                let body = alert.replacingOccurrences(
                    of: "<identifier>politi-2026-004711</identifier>",
                    with: "<identifier>politi-feed-\(second)-\(n)</identifier>")
                statuses.append(
                    try await fixture.call(
                        .post, "/api/v1/incidents", as: "police", body: body, type: "application/cap+xml"
                    ).status)
            }
            clock.advance(1)
        }
        return statuses
    }

    @Test func aConfiguredRateOfFiftyASecondTakesAPoliceFeedTheDefaultRefuses() async throws {
        // Fifty alerts a second for five seconds: 250 in all.
        let configured = try await Self.policeFeed(
            #"{"limits": {"requests_burst": 50, "requests_per_second": 50}}"#, seconds: 5, perSecond: 50)
        #expect(configured.count == 250)
        #expect(configured.allSatisfy { (200..<300).contains($0) }, "\(Set(configured))")
        // The default (bursts of 200, then 10 a second) runs dry in the fifth second.
        let standard = try await Self.policeFeed("{}", seconds: 5, perSecond: 50)
        #expect(standard.filter { $0 == 429 }.count == 10, "\(standard.filter { $0 == 429 }.count)")
        #expect(standard.filter { (200..<300).contains($0) }.count == 240, "\(Set(standard))")
    }

    @Test func aConfiguredBodyLimitIsA413WithAJSONError() async throws {
        let limited = try APIFixture(
            options: try Self.options(#"{"limits": {"body_bytes": 2048, "small_body_bytes": 1024}}"#))
        let standard = try APIFixture()
        // A report of about 3 KiB: taken by default, refused over a 2 KiB limit.
        let report = APITests.newReport.replacingOccurrences(
            of: #""severity": "minor","#,
            with: #""severity": "minor", "description": ""# + String(repeating: "x", count: 3000) + #"","#)
        #expect(report.utf8.count > 3000)
        let refused = try await limited.call(.post, "/api/v1/incidents", as: "reporter", body: report)
        #expect(refused.status == 413, "\(refused.text)")
        #expect(refused.json["error"]?["status"] == .number(413))
        #expect(refused.text.contains("larger than 2 KiB"))
        #expect(try await standard.call(.post, "/api/v1/incidents", as: "reporter", body: report).status == 201)
        // An update of about 2 KiB: over the small-body limit of 1 KiB, not over the default 64 KiB.
        let update = #"{"kind": "information", "text": ""# + String(repeating: "y", count: 2000) + #""}"#
        let path = "/api/v1/incidents/\(APITests.id)/updates"
        let tooLarge = try await limited.call(.post, path, as: "reporter", body: update)
        #expect(tooLarge.status == 413, "\(tooLarge.text)")
        #expect(tooLarge.json["error"]?["status"] == .number(413))
        #expect(try await standard.call(.post, path, as: "reporter", body: update).status != 413)
    }

    @Test func defaultsAreTodaysValues() throws {
        let configuration = try ServerConfiguration.read(try JSONValue.parse(Array("{}".utf8)), environment: [:]).get()
        #expect(configuration.rateBurst == 200 && configuration.ratePerSecond == 10)
        #expect(configuration.signInBurst == 3 && configuration.signInPerMinute == 1)
        #expect(configuration.bodyLimits.report == 256 * 1024 && configuration.bodyLimits.small == 64 * 1024)
        #expect(configuration.delivery.attemptsPerChannel == 5 && configuration.delivery.channelTimeLimit == 600)
        #expect(configuration.delivery.baseDelay == 2 && configuration.delivery.maximumDelay == 60)
        #expect(configuration.delivery.perDestinationLimit == 64 && configuration.delivery.inFlightLimit == 512)
        let options = try Self.options("{}")
        #expect(options.rateBurst == 200 && options.ratePerSecond == 10 && options.bodyLimits.report == 256 * 1024)
    }

    @Test func configuredValuesAreRead() throws {
        let configuration = try ServerConfiguration.read(
            try JSONValue.parse(
                Array(
                    #"""
                    {"limits": {"requests_burst": 50, "requests_per_second": 50, "sign_in_burst": 5,
                                "sign_in_per_minute": 2, "body_bytes": 1048576, "small_body_bytes": 131072},
                     "delivery": {"attempts_per_channel": 3, "channel_time_limit_seconds": 300, "base_delay_seconds": 5,
                                  "max_delay_seconds": 120, "per_destination_limit": 8, "in_flight_limit": 100}}
                    """#.utf8)), environment: [:]
        ).get()
        #expect(configuration.rateBurst == 50 && configuration.ratePerSecond == 50)
        #expect(configuration.signInBurst == 5 && configuration.signInPerMinute == 2)
        #expect(configuration.bodyLimits.report == 1 << 20 && configuration.bodyLimits.small == 128 << 10)
        let policy = configuration.delivery
        #expect(policy.attemptsPerChannel == 3 && policy.channelTimeLimit == 300)
        #expect(policy.baseDelay == 5 && policy.maximumDelay == 120)
        #expect(policy.perDestinationLimit == 8 && policy.inFlightLimit == 100)
    }

    @Test func invalidValuesAreEachReportedWithTheirPath() {
        let json = #"""
            {"limits": {"requests_burst": 0, "requests_per_second": -1, "sign_in_burst": 2.5,
                        "sign_in_per_minute": "1", "body_bytes": 100, "small_body_bytes": 999999999},
             "delivery": {"attempts_per_channel": 0, "channel_time_limit_seconds": 1e9, "base_delay_seconds": 10,
                          "max_delay_seconds": 5, "per_destination_limit": -3, "in_flight_limit": "many"}}
            """#
        guard
            case .failure(let invalid) = ServerConfiguration.read(
                try! JSONValue.parse(Array(json.utf8)), environment: [:])
        else {
            Issue.record("invalid limits were taken")
            return
        }
        #expect(
            invalid.problems.map(\.path) == [
                "$.limits.requests_burst", "$.limits.requests_per_second", "$.limits.sign_in_burst",
                "$.limits.sign_in_per_minute", "$.limits.body_bytes", "$.limits.small_body_bytes",
                "$.delivery.attempts_per_channel", "$.delivery.channel_time_limit_seconds",
                "$.delivery.max_delay_seconds", "$.delivery.per_destination_limit", "$.delivery.in_flight_limit",
            ])
        #expect(invalid.problems.allSatisfy { $0.message.hasPrefix("must be") })
    }
}
