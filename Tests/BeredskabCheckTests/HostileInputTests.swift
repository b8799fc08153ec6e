import BeredskabCheck
import BeredskabSyntax
import Testing

/// Generated files that crashed `beredskab check` or took it quadratic time (issue 15). No test reads
/// the clock: each just has to finish, with the right diagnostics; `scripts/bench` measures the time.
@Suite struct HostileInputTests {
    static let role = "role r \"R\" { duty \"d\" }\n"

    static func guideline(_ id: String, suppresses: String? = nil) -> String {
        "guideline \(id) {\n when category unrest\n notify r\n message da \"x\"\n"
            + (suppresses.map { " suppresses \($0)\n" } ?? "") + "}\n"
    }

    static func errors(_ result: CheckResult, containing text: String) -> [Diagnostic] {
        result.diagnostics.filter { $0.severity == .error && $0.message.contains(text) }
    }

    @Test func aChainOfFiftyThousandSuppressionsEndingInACycle() {
        let count = 50_000
        var text = Self.role
        for index in 0..<count {
            // The last three suppress each other in a circle.
            let next = index == count - 1 ? count - 3 : index + 1
            text += Self.guideline("g\(index)", suppresses: "g\(next)")
        }
        let result = check([("a.rules", text)])
        let cycles = Self.errors(result, containing: "suppression cycle")
        #expect(cycles.count == 1)
        #expect(
            cycles.first?.message.hasPrefix(
                "suppression cycle: g\(count - 3) → g\(count - 2) → g\(count - 1) → g\(count - 3);") == true)
    }

    @Test func twentyThousandNestedAreasAndACycle() {
        var text = "area a0 \"A\" {}\n"
        for index in 1..<20_000 { text += "area a\(index) \"A\" { within a\(index - 1) }\n" }
        text += "area c1 \"C\" { within c3 }\narea c2 \"C\" { within c1 }\narea c3 \"C\" { within c2 }\n"
        let result = check([("a.rules", text)])
        #expect(result.rules.areas.count == 20_003)
        let cycles = Self.errors(result, containing: "nested in itself")
        #expect(cycles.map(\.message) == ["area 'c1' is nested in itself: c1 → c3 → c2 → c1"])
        #expect(result.errorCount == 1)
    }

    @Test func fiveThousandUnknownParents() {
        var text = ""
        for index in 0..<5_000 { text += "area a\(index) \"A\" { within a\(index + 1)y }\n" }
        let result = check([("a.rules", text)])
        let unknown = Self.errors(result, containing: "unknown area")
        #expect(unknown.count == 5_000)
        // Only the first few get a "did you mean"; each costs a pass over all the areas.
        #expect(unknown.filter { !$0.notes.isEmpty }.count == Diagnostics.suggestionLimit)
    }

    @Test func aRotaOfManyUnknownMembersAndManyHolders() {
        let count = 20_000
        var rules = Self.role
        for index in 0..<count { rules += "role r\(index) \"R\" { duty \"d\" }\n" }
        var contacts = "organisation o \"O\" { kind authority }\n"
        for index in 0..<count {
            contacts += "person p\(index) { organisation o\n email \"p@example.org\"\n roles r }\n"
        }
        contacts += "person q { organisation o\n email \"q@example.org\"\n roles "
        contacts += (0..<count).map { "x\($0)" }.joined(separator: ", ") + " }\n"
        contacts += "rota big \"B\" {\n role r\n members "
        contacts += (0..<count).map { "m\($0)" }.joined(separator: ", ")
        contacts += "\n handover daily 07:00\n starting \"2026-01-05\"\n}\n"
        let result = check([("a.rules", rules), ("b.contacts", contacts)])
        #expect(result.roster.holders["r"]?.count == count)
        #expect(Self.errors(result, containing: "unknown person").count == count)
        #expect(Self.errors(result, containing: "unknown role").count == count)
    }

    @Test func aMessageWithManyUnknownPlaceholdersAndLoneBraces() {
        let count = 100_000
        let message = String(repeating: "{x} } ", count: count)
        let text = Self.role + "guideline g {\n when category unrest\n notify r\n message da \"\(message)\"\n}\n"
        let result = check([("a.rules", text)])
        #expect(Self.errors(result, containing: "unknown placeholder").count == count)
        #expect(Self.errors(result, containing: "lone '}'").count == count)
        let first = result.diagnostics.first.map { $0.rendered(in: result.sources) } ?? ""
        #expect(first.utf8.count < 2000)
    }

    @Test func aLongChainOfOverridesAndOneCircle() {
        let count = 20_000
        var contacts = "organisation o \"O\" { kind authority }\n"
        for index in 0..<count { contacts += "person p\(index) { organisation o\n email \"p@example.org\" }\n" }
        let period = "from \"2026-12-23 08:00\" to \"2027-01-02 08:00\""
        for index in 0..<(count - 4) { contacts += "override p\(index + 1) covers p\(index) \(period)\n" }
        // The last three cover each other in a circle.
        let (a, b, c) = (count - 3, count - 2, count - 1)
        contacts += "override p\(a) covers p\(b) \(period)\noverride p\(b) covers p\(c) \(period)\n"
        contacts += "override p\(c) covers p\(a) \(period)\n"
        let result = check([("a.contacts", contacts)])
        let circles = Self.errors(result, containing: "in a circle")
        #expect(circles.count == 1)
        #expect(result.errorCount == 1)
    }
}
