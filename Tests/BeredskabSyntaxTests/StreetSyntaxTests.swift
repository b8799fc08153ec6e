import Testing

@testable import BeredskabSyntax

@Suite struct StreetSyntaxTests {
    @Test func streetsWithRangesAndSidesParseOverSeveralLines() throws {
        let (declarations, problems) = parse(
            """
            area indre "Indre Nørrebro" {
              within kobenhavn
              streets "Nørrebrogade" 1-69 odd, "Blågårdsgade",
                      "Jagtvej" 2-70 even
              polygon [0 0, 0 1, 1 1]
              streets "Ågade" even, "Stengade" 4
            }
            """)
        #expect(problems.isEmpty)
        guard case .area(let area) = try #require(declarations.first) else { return }
        #expect(area.streets.map(\.name.value) == ["Nørrebrogade", "Blågårdsgade", "Jagtvej", "Ågade", "Stengade"])
        #expect(area.streets.map { $0.from?.value } == [1, nil, 2, nil, 4])
        #expect(area.streets.map { $0.to?.value } == [69, nil, 70, nil, 4])
        #expect(area.streets.map { $0.side?.value } == ["odd", nil, "even", "even", nil])
        #expect(area.polygon?.value.count == 3)
        let printed = SyntaxPrinter.print(declarations)
        #expect(
            printed.contains(
                #"streets "Nørrebrogade" 1-69 odd, "Blågårdsgade", "Jagtvej" 2-70 even, "Ågade" even, "Stengade" 4"#))
        let (again, reparsed) = parse(printed)
        #expect(reparsed.isEmpty)
        #expect(SyntaxPrinter.print(again) == printed)
    }

    @Test func oneLineAreasStillParse() throws {
        let (declarations, problems) = parse(#"area a { within b streets "X" 1-3 polygon [0 0, 0 1, 1 1] }"#)
        #expect(problems.isEmpty)
        guard case .area(let area) = try #require(declarations.first) else { return }
        #expect(area.streets.count == 1)
        #expect(area.polygon != nil)
    }

    @Test(arguments: [
        (#"area a { streets "X" 1- }"#, "1:25: expected a number after '-' (write a range as 1-69), found '}'"),
        (
            #"area a { streets "X" "Y" }"#,
            "1:22: expected ',' before the next street after 'X' and its house numbers, found a string"
        ),
        (#"area a { streets X }"#, "1:18: expected a string after 'streets', found 'X'"),
        (#"area a { streets "X", }"#, "1:23: expected a string after ',', found '}'"),
    ])
    func mistakesAreReportedWhereTheyAre(_ text: String, _ expected: String) {
        let (_, problems) = parse(text)
        #expect(problems.count == 1)
        let rendered = problems.first.map { "1:\($0.span.start + 1): \($0.message)" }
        #expect(rendered == expected)
    }
}
