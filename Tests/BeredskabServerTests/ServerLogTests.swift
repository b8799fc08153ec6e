import Foundation
import Logging
import Testing

@testable import BeredskabServer

/// The JSON log lines a collector reads, and the paths they may name.
@Suite struct ServerLogTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    @Test func aLineIsOneJSONObjectWithTimestampLevelLabelMessageAndMetadata() throws {
        let lines = Lines()
        let at = Date(timeIntervalSince1970: 1_773_521_283.4125)  // 2026-03-14T20:48:03.412Z
        var logger = Logger(label: "beredskab.dispatch") { label in
            JSONLogHandler(label: label, clock: { at }, write: lines.append)
        }
        logger.logLevel = .info
        logger[metadataKey: "incident"] = "fsb:2026-000412"
        logger.warning("delivery attempt failed", metadata: ["notification": "17", "line": "a\nb \"c\""])
        logger.debug("not written below the level")
        #expect(lines.all.count == 1)
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        #expect(
            line
                == #"{"timestamp":"2026-03-14T20:48:03.412Z","level":"warning","label":"beredskab.dispatch","message":"delivery attempt failed","metadata":{"incident":"fsb:2026-000412","line":"a\nb \"c\"","notification":"17"}}"#
                + "\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
    }

    @Test func noMetadataNoMetadataKey() {
        let lines = Lines()
        let logger = Logger(label: "beredskab") { label in
            JSONLogHandler(label: label, clock: { Date(timeIntervalSince1970: 0) }, write: lines.append)
        }
        logger.error("stopped")
        #expect(
            lines.all == [
                #"{"timestamp":"1970-01-01T00:00:00.000Z","level":"error","label":"beredskab","message":"stopped"}"#
                    + "\n"
            ])
    }

    @Test func tokensInPathsAreNotLogged() {
        #expect(ServerLog.path("/ack/Zm9vYmFy") == "/ack/{token}")
        #expect(ServerLog.path("/ack/Zm9vYmFy/tasks/2") == "/ack/{token}/tasks/2")
        #expect(ServerLog.path("/login/abc") == "/login/{token}")
        #expect(ServerLog.path("/api/v1/incidents/fsb:1") == "/api/v1/incidents/fsb:1")
        #expect(ServerLog.path("/ack/") == "/ack/")
    }
}
