import Testing

@testable import BeredskabSyntax

/// Input a mutation run found to crash or stall the parser and the diagnostic renderer (issue 15).
@Suite struct HostileSourceTests {
    /// Parses bytes and renders every diagnostic, as `beredskab check` does.
    static func parseAndRender(_ bytes: [UInt8]) -> (messages: [String], rendered: String) {
        var sources = SourceSet()
        let file = sources.add(SourceFile(path: "x.rules", bytes: bytes))
        let parsed = Parser.parse(sources.files[Int(file)], file: file)
        return (parsed.diagnostics.all.map(\.message), parsed.diagnostics.all.map { $0.rendered(in: sources) }.joined())
    }

    @Test(
        arguments: [
            [0xFF],  // never UTF-8
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            [0xF5, 0x80, 0x80, 0x80],  // past U+10FFFF
            [0xC0, 0xAF],  // overlong '/'
            [0xE0, 0x80, 0xAF],  // overlong '/'
            [0xF0, 0x80, 0x80, 0xAF],  // overlong '/'
            [0xED, 0xA0, 0x80],  // a surrogate
            [0xE2, 0x82],  // cut short by the end of the file
        ] as [[UInt8]])
    func invalidUTF8AtTheEndOfAFileIsReportedAndRendered(_ bad: [UInt8]) {
        // Not in a comment: the lexer, not the UTF-8 check, met the bytes past U+10FFFF and trapped.
        let bytes = Array("area a \"A\" {\n}\nx ".utf8) + bad
        let (messages, rendered) = Self.parseAndRender(bytes)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("is not UTF-8") == true)
        #expect(rendered.hasPrefix("x.rules:3:"))
    }

    @Test func controlCharactersBeforeASpanAtTheEndDoNotMoveTheCaretPastTheLine() {
        var sources = SourceSet()
        let file = sources.add(SourceFile(path: "x.rules", text: "a\n\u{1}\u{1}\u{1}\u{1}b"))
        let diagnostic = Diagnostic.error("here", at: Span(file: file, start: 6, end: 7))
        #expect(
            diagnostic.rendered(in: sources)
                == "x.rules:2:5: error: here\n 2 | \u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}b\n   |     ^\n")
    }

    @Test func aVeryLongLineIsShownAsAWindowAroundTheSpan() {
        var sources = SourceSet()
        let text = String(repeating: "x", count: 100_000) + "!" + String(repeating: "y", count: 100_000)
        let file = sources.add(SourceFile(path: "x.rules", text: text))
        let diagnostic = Diagnostic.error("here", at: Span(file: file, start: 100_000, end: 100_001))
        let rendered = diagnostic.rendered(in: sources)
        #expect(rendered.hasPrefix("x.rules:1:100001: error: here\n"))
        #expect(rendered.utf8.count < 1000)
        let lines = rendered.split(separator: "\n")
        let bang = lines[1].firstIndex(of: "!").map { lines[1].distance(from: lines[1].startIndex, to: $0) }
        let caret = lines[2].firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) }
        #expect(bang != nil && bang == caret)
    }

    @Test func aMegabyteOfUnmatchedBracesOnOneLineIsParsed() {
        for brace in ["{", "}"] {
            let text = "area a \"A\" " + String(repeating: brace, count: 1 << 20) + "\n"
            let (messages, rendered) = Self.parseAndRender(Array(text.utf8))
            #expect(!messages.isEmpty)
            #expect(rendered.utf8.count < 1 << 20)
        }
    }

    @Test func strictUTF8Validation() {
        let valid: [[UInt8]] = [
            Array("æøå ÆØÅ €𝄞".utf8), [0xF4, 0x8F, 0xBF, 0xBF], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
        ]
        for bytes in valid { #expect(SourceFile.firstInvalidUTF8Offset(bytes) == nil) }
        #expect(SourceFile.firstInvalidUTF8Offset(Array("ab".utf8) + [0xC1, 0xBF]) == 2)
        #expect(SourceFile.firstInvalidUTF8Offset(Array("é".utf8) + [0xE0, 0x9F, 0xBF]) == 2)
    }
}
