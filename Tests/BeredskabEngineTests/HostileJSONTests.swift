import BeredskabEngine
import Testing

/// Report bodies that cost the JSON parser quadratic time or were silently repaired (issue 15).
@Suite struct HostileJSONTests {
    static let demo = ReportDecodingTests.demo

    static func problems(_ text: [UInt8]) -> [String] {
        switch IncidentReport.decode(text, rules: demo.rules, roster: demo.roster) {
        case .success: return []
        case .failure(let invalid): return invalid.problems.map(\.description)
        }
    }

    @Test func twentyThousandKeysWithADuplicateAtTheEnd() {
        let keys = (0..<20_000).map { "\"k\($0)\":1" }.joined(separator: ",")
        let problems = Self.problems(Array("{\(keys),\"k0\":2}".utf8))
        #expect(problems.count == 1)
        #expect(problems.first?.contains("the key \"k0\" appears twice") == true)
    }

    @Test func twentyThousandUnknownKeysAreAllReportedFewWithASuggestion() {
        let keys = (0..<20_000).map { "\"categoryy\($0)\":1" }.joined(separator: ",")
        let problems = Self.problems(Array("{\(keys)}".utf8))
        #expect(problems.filter { $0.contains("unknown field") }.count == 20_000)
        #expect(problems.filter { $0.contains("did you mean") }.count <= 20)
    }

    @Test(arguments: [[0xFF], [0xC0, 0xA2], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] as [[UInt8]])
    func textThatIsNotUTF8IsRefusedNotRepaired(_ bad: [UInt8]) throws {
        let bytes = Array("{\"description\":\"a".utf8) + bad + Array("\"}".utf8)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(bytes) }
        let problems = Self.problems(bytes)
        #expect(problems.count == 1)
        #expect(problems.first?.contains("not UTF-8") == true)
    }
}
