import Testing

@testable import BeredskabSyntax

private func lex(_ text: String) -> ([Token], [Diagnostic]) {
    var lexer = Lexer(SourceFile(path: "t.rules", text: text), file: 0)
    let tokens = lexer.tokenize()
    return (tokens, lexer.diagnostics.all)
}

@Suite struct LexerTests {
    @Test func durationsAreSeconds() {
        let (tokens, problems) = lex("90s 15m 15min 24h 7d 2w 1h30m")
        #expect(problems.isEmpty)
        #expect(tokens.dropLast().map(\.kind) == Array(repeating: .duration, count: 7))
        #expect(tokens.dropLast().map { Int($0.number) } == [90, 900, 900, 86_400, 604_800, 1_209_600, 5400])
    }

    @Test func clockTimesAreMinutesAfterMidnight() {
        let (tokens, problems) = lex("08:00-24:00")
        #expect(problems.isEmpty)
        #expect(tokens.map(\.kind) == [.clock, .minus, .clock, .endOfFile])
        #expect(tokens[0].number == 480)
        #expect(tokens[2].number == 1440)
    }

    /// A typo with a huge hour or minute crashed `check`, and a reload with it killed the server
    /// (arithmetic overflow); now it is an ordinary error.
    @Test(arguments: [
        "999999999999999999:00", "1:9223372036854775807", "99999999999999999999999999:99999999999999999999",
        "9223372036854775807:00",
    ])
    func hugeClockTimesAreAnErrorNotACrash(_ text: String) {
        let (tokens, problems) = lex("mon \(text)-10:00")
        #expect(problems.map(\.message) == ["invalid time of day; write it as HH:MM from 00:00 to 24:00"])
        #expect(tokens.contains { $0.kind == .clock && $0.malformed })
    }

    @Test(arguments: ["25:00", "24:30", "8:7", "12:60"])
    func invalidClockTimesAreReported(_ text: String) {
        let (_, problems) = lex(text)
        #expect(problems.map(\.message) == ["invalid time of day; write it as HH:MM from 00:00 to 24:00"])
    }

    @Test func identifiersKeepInnerHyphensAndTheLexerSplitsTrailingOnes() {
        let (tokens, _) = lex("mon-fri indre-norrebro x- 3")
        #expect(tokens.map(\.kind) == [.identifier, .identifier, .identifier, .minus, .number, .endOfFile])
        #expect(tokens.prefix(3).map(\.text) == ["mon-fri", "indre-norrebro", "x"])
    }

    @Test func stringsDecodeEscapesAndKeepDanishLetters() {
        let (tokens, problems) = lex(#""Blågårds Plads \"1\"\n\\ øst""#)
        #expect(problems.isEmpty)
        #expect(tokens[0].text == "Blågårds Plads \"1\"\n\\ øst")
    }

    @Test func unterminatedStringIsReportedAtItsQuote() {
        let (tokens, problems) = lex("duty \"Samler\nrole")
        #expect(problems.map(\.message) == ["unterminated string; close it with '\"' on the same line"])
        #expect(problems[0].span.start == 5)
        #expect(tokens.map(\.kind) == [.identifier, .string, .identifier, .endOfFile])
    }

    @Test func commentsAndByteOrderMarkAreSkippedAndLineStartsTracked() {
        let (tokens, problems) = lex("\u{FEFF}# kommentar\narea x # mere\n  role")
        #expect(problems.isEmpty)
        #expect(tokens.map(\.text) == ["area", "x", "role", ""])
        #expect(tokens.map(\.startsLine) == [true, false, true, false])
    }

    @Test func nonASCIIIdentifierPointsAtTheLetter() {
        let (tokens, problems) = lex("area nørrebro")
        #expect(problems.count == 1)
        #expect(problems[0].span.start == 6)
        #expect(tokens[1].text == "nørrebro")
    }

    @Test func unknownDurationUnit() {
        let (_, problems) = lex("15x")
        #expect(problems.map(\.message) == ["unknown unit 'x' in duration; use s, m, min, h, d or w"])
    }
}
