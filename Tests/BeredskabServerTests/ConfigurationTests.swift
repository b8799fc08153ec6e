import BeredskabDelivery
import BeredskabEngine
import Foundation
import Testing

@testable import BeredskabServer

/// The server's JSON configuration: the SMS gateway's segment limit.
@Suite struct ConfigurationTests {
    static func read(_ json: String) -> Result<ServerConfiguration, InvalidReport> {
        ServerConfiguration.read(try! JSONValue.parse(Array(json.utf8)), environment: [:])
    }

    @Test func smsMaxSegmentsDefaultsToThreeAndIsRead() throws {
        let plain = try Self.read(#"{"sms": {"url": "http://127.0.0.1:9/sms"}}"#).get()
        #expect(plain.sms?.maxSegments == 3)
        let five = try Self.read(#"{"sms": {"url": "http://127.0.0.1:9/sms", "max_segments": 5}}"#).get()
        #expect(five.sms?.maxSegments == 5)
    }

    @Test(arguments: ["0", "2.5", "\"3\"", "1000"])
    func aBadMaxSegmentsIsAProblem(_ value: String) {
        guard case .failure(let invalid) = Self.read(#"{"sms": {"url": "http://x/", "max_segments": "# + value + "}}")
        else {
            Issue.record("max_segments \(value) was taken")
            return
        }
        #expect(invalid.problems.map(\.path) == ["$.sms.max_segments"])
    }

    /// The example docs/operations.md installs is one the server takes.
    @Test func theDeployExampleIsAValidConfiguration() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("deploy/config.example.json"))
        let read = ServerConfiguration.read(
            try JSONValue.parse([UInt8](data)),
            environment: ["BEREDSKAB_SMS_TOKEN": "t", "BEREDSKAB_WEBHOOK_SECRET": "s", "BEREDSKAB_SMTP_PASSWORD": "p"])
        let configuration = try read.get()
        #expect(configuration.publicURL == "https://beredskab.example.org" && configuration.smtp != nil)
    }

    /// A typo must not leave a default in force without a word, and no value may crash the server.
    @Test func unknownSettingsAndSectionsThatAreNotObjectsAreProblems() {
        guard
            case .failure(let invalid) = Self.read(
                #"{"limts": {"requests_burst": 5}, "limits": {"burst": 5}, "delivery": 5, "http": {"max_connections": 10}}"#
            )
        else {
            Issue.record("taken")
            return
        }
        #expect(invalid.problems.map(\.path) == ["$.limts", "$.limits.burst", "$.delivery"])
        #expect(invalid.problems[0].message.contains("known: cap, delivery"))
    }

    @Test(arguments: ["1e17", "1e10", "86401", "0", "-1"])
    func aTimeoutOutOfRangeIsAProblemNotACrash(_ value: String) {
        for key in ["http.header_timeout_seconds", "http.idle_timeout_seconds"] {
            let parts = key.split(separator: ".")
            guard case .failure(let invalid) = Self.read(#"{"\#(parts[0])": {"\#(parts[1])": \#(value)}}"#) else {
                Issue.record("\(key) = \(value) was taken")
                continue
            }
            #expect(invalid.problems.map(\.path) == ["$.\(key)"])
        }
        #expect((try? Self.read(#"{"http": {"header_timeout_seconds": 86400}}"#).get()) != nil)
    }

    @Test func timeZoneDefaultsToCopenhagenAndIsReadFromTheZoneDatabase() throws {
        #expect(try Self.read("{}").get().timeZone.identifier == "Europe/Copenhagen")
        #expect(try Self.read(#"{"time_zone": "Europe/London"}"#).get().timeZone.identifier == "Europe/London")
        guard case .failure(let invalid) = Self.read(#"{"time_zone": "Europe/Kobenhavn"}"#) else {
            Issue.record("a zone the tz database does not know was taken")
            return
        }
        #expect(invalid.problems.map(\.path) == ["$.time_zone"])
        #expect(
            invalid.problems.map(\.message) == [
                #"unknown time zone "Europe/Kobenhavn": give a tz database name such as Europe/Copenhagen or Europe/London"#
            ])
        guard case .failure(let number) = Self.read(#"{"time_zone": 1}"#) else {
            Issue.record("a number was taken as a zone")
            return
        }
        #expect(number.problems.map(\.path) == ["$.time_zone"])
    }

    @Test func capUnknownSeverityDefaultsToModerateAndIsRead() throws {
        #expect(try Self.read("{}").get().capUnknownSeverity == .moderate)
        #expect(try Self.read(#"{"cap": {"unknown_severity": "severe"}}"#).get().capUnknownSeverity == .severe)
        guard case .failure(let invalid) = Self.read(#"{"cap": {"unknown_severity": "Unknown"}}"#) else {
            Issue.record("a severity that is not ours was taken")
            return
        }
        #expect(invalid.problems.map(\.path) == ["$.cap.unknown_severity"])
    }

    @Test func capMaxBytesDefaultsToOneMebibyteAndIsBounded() throws {
        #expect(try Self.read("{}").get().capMaximumBytes == 1 << 20)
        #expect(try Self.read(#"{"cap": {"max_bytes": 4194304}}"#).get().capMaximumBytes == 4 << 20)
        for bad in ["0", "1.5", "\"1MB\"", "999999999"] {
            guard case .failure(let invalid) = Self.read(#"{"cap": {"max_bytes": "# + bad + "}}") else {
                Issue.record("max_bytes \(bad) was taken")
                continue
            }
            #expect(invalid.problems.map(\.path) == ["$.cap.max_bytes"])
        }
    }
}
