import Testing

@testable import BeredskabSyntax

@Suite struct DiagnosticRenderingTests {
    @Test func columnsCountCharactersSoTheCaretLandsUnderDanishText() {
        var sources = SourceSet()
        let text = "area blaa \"Blågården\" { within ø }"
        let file = sources.add(SourceFile(path: "Rules/a.rules", text: text))
        let offset = Array(text.utf8).firstIndex(of: UInt8(ascii: "{"))!
        let diagnostic = Diagnostic.error("here", at: Span(file: file, start: offset, end: offset + 1))
        #expect(diagnostic.position(in: sources) == .init(path: "Rules/a.rules", line: 1, column: 23))
        #expect(
            diagnostic.rendered(in: sources) == """
                Rules/a.rules:1:23: error: here
                 1 | area blaa "Blågården" { within ø }
                   |                       ^

                """)
    }

    @Test func caretLineKeepsTabsAndUnderlinesTheWholeToken() {
        var sources = SourceSet()
        let file = sources.add(SourceFile(path: "x.rules", text: "a\n\tnotify ssp\r\n"))
        let diagnostic = Diagnostic.warning("w", at: Span(file: file, start: 10, end: 13))
        #expect(diagnostic.rendered(in: sources) == "x.rules:2:9: warning: w\n 2 | \tnotify ssp\n   | \t       ^~~\n")
    }

    @Test func notesWithAndWithoutPlaces() {
        var sources = SourceSet()
        let file = sources.add(SourceFile(path: "x.rules", text: "one\ntwo"))
        let diagnostic = Diagnostic.error(
            "e", at: Span(file: file, start: 4, end: 7),
            notes: [.init("first", at: Span(file: file, start: 0, end: 3)), .init("plain")])
        #expect(
            diagnostic.rendered(in: sources) == """
                x.rules:2:1: error: e
                 2 | two
                   | ^~~
                x.rules:1:1: note: first
                 1 | one
                   | ^~~
                note: plain

                """)
    }

    @Test func closestSuggestsOnlyLikelyTypos() {
        #expect(closest(to: "hotspotchf", in: ["hotspotchef", "politi-vagt"]) == "hotspotchef")
        #expect(closest(to: "xyz", in: ["hotspotchef", "politi-vagt"]) == nil)
    }
}
