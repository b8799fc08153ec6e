import Testing

@testable import BeredskabEngine

@Suite struct JSONValueTests {
    @Test func parsesAllKindsAndKeepsBooleansApartFromNumbers() throws {
        let value = try JSONValue.parse(
            Array(#"{"a": [1, 2.5, -3e2], "b": true, "c": null, "d": "Blågården \"x\" \u00e6 \ud83d\ude00"}"#.utf8))
        #expect(value["a"] == .array([.number(1), .number(2.5), .number(-300)]))
        #expect(value["b"] == .bool(true))
        #expect(value["c"] == .null)
        #expect(value["d"] == .string("Blågården \"x\" æ 😀"))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "line 1, column 9: expected a key in quotes"),
        ("{\n  \"a\": tru\n}", "line 2, column 8: unexpected word"),
        ("[1 2]", "line 1, column 4: expected ',' or ']'"),
        ("{\"a\": 1, \"a\": 2}", "line 1, column 13: the key \"a\" appears twice"),
        ("\"abc", "line 1, column 5: unterminated string"),
        ("01", "line 1, column 3: numbers may not start with 0"),
        ("{} x", "line 1, column 4: unexpected text after the JSON value"),
    ])
    func reportsWhereItStopped(_ text: String, _ message: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(text.utf8)) }
        do {
            _ = try JSONValue.parse(Array(text.utf8))
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func textRoundTrips() throws {
        let source = #"{"x":[1,2.5,"tab\there"],"y":{"z":false}}"#
        #expect(try JSONValue.parse(Array(source.utf8)).text == source)
    }
}
