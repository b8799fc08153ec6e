import BeredskabCheck
import BeredskabRules
import BeredskabSyntax
import Foundation
import Testing

/// docs/language.md lets a guideline's statements come in any order. For every guideline of the demo,
/// these tests write its statements in many other orders and check that the rule set still checks
/// with no errors and builds the same guideline.
@Suite struct StatementOrderTests {
    /// A guideline in a demo file: its id and the lines of its body that hold statements.
    struct Block {
        var id: String
        /// Index of the `guideline …{` line in the file's lines.
        var head: Int
        /// Indices of the body's statement lines (not blank, not comments), in file order.
        var statements: [Int]
    }

    static func blocks(in lines: [String]) -> [Block] {
        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.hasPrefix("guideline "), line.hasSuffix("{") else {
                index += 1
                continue
            }
            let id = String(line.dropFirst("guideline ".count).prefix { $0 != " " && $0 != "{" })
            var block = Block(id: id, head: index, statements: [])
            index += 1
            while index < lines.count, lines[index] != "}" {
                let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty && !trimmed.hasPrefix("#") { block.statements.append(index) }
                index += 1
            }
            blocks.append(block)
        }
        return blocks
    }

    /// The orders to try for `count` statements, as permutations of 0..<count, the original excluded.
    ///
    /// Every order when there are at most five; otherwise every rotation of the original and of its
    /// reverse, and for each ordered pair (i, j) the original with j moved to just after i, so that
    /// every statement comes directly before every other at least once. Deterministic.
    static func orders(_ count: Int) -> [[Int]] {
        let identity = Array(0..<count)
        var orders: [[Int]] = []
        func add(_ order: [Int]) {
            if order != identity && !orders.contains(order) { orders.append(order) }
        }
        if count <= 5 {
            func permute(_ prefix: [Int], _ rest: [Int]) {
                if rest.isEmpty { return add(prefix) }
                for (index, next) in rest.enumerated() {
                    var remaining = rest
                    remaining.remove(at: index)
                    permute(prefix + [next], remaining)
                }
            }
            permute([], identity)
            return orders
        }
        let reversed = Array(identity.reversed())
        for shift in 0..<count {
            add(Array(identity[shift...] + identity[..<shift]))
            add(Array(reversed[shift...] + reversed[..<shift]))
        }
        for i in identity {
            for j in identity where j != i {
                var order = identity.filter { $0 != j }
                order.insert(j, at: order.firstIndex(of: i)! + 1)
                add(order)
            }
        }
        return orders
    }

    /// The canonical printing of a guideline as a sorted list of lines, its id line left out: the same
    /// statements, whatever order statements of one kind come in.
    static func canonical(_ guideline: GuidelineSyntax) -> [String] {
        SyntaxPrinter.print(.guideline(guideline)).split(separator: "\n").dropFirst().map(String.init).sorted()
    }

    static func guidelines(_ declarations: [Declaration]) -> [String: GuidelineSyntax] {
        var byID: [String: GuidelineSyntax] = [:]
        for case .guideline(let guideline) in declarations { byID[guideline.id.value] = guideline }
        return byID
    }

    @Test func ordersAreDeterministicAndCoverEveryPairForLongGuidelines() {
        #expect(Self.orders(3).count == 5)
        #expect(Self.orders(5).count == 119)
        #expect(Self.orders(9) == Self.orders(9))
        var adjacent = Set<[Int]>()
        for order in Self.orders(9) {
            for k in 1..<order.count { adjacent.insert([order[k - 1], order[k]]) }
        }
        #expect(adjacent.count == 9 * 8)
    }

    /// One check per rules file: each guideline is added again in every other order under a new id
    /// (`<id>-order-<n>`), beside the untouched original.
    @Test func everyDemoGuidelineChecksTheSameInEveryStatementOrder() throws {
        let demo = try checkDemo()
        #expect(demo.diagnostics.isEmpty)
        var tried = 0
        for (fileIndex, file) in demo.sources.files.enumerated() where file.path.hasSuffix(".rules") {
            let text = String(decoding: file.bytes, as: UTF8.self)
            let lines = text.components(separatedBy: "\n")
            let originals = Self.guidelines(Parser.parse(file, file: UInt32(fileIndex)).declarations)
            var added = ""
            var expected: [String: (original: String, statements: [String])] = [:]
            for block in Self.blocks(in: lines) {
                #expect(originals[block.id] != nil, "\(file.path): guideline \(block.id)")
                for (number, order) in Self.orders(block.statements.count).enumerated() {
                    let id = "\(block.id)-order-\(number)"
                    let head = lines[block.head].replacingOccurrences(
                        of: "guideline \(block.id) ", with: "guideline \(id) ")
                    let body = order.map { lines[block.statements[$0]] }
                    added += "\n" + ([head] + body + ["}"]).joined(separator: "\n") + "\n"
                    expected[id] = (block.id, body)
                }
            }
            tried += expected.count
            var sources = SourceSet()
            for (index, other) in demo.sources.files.enumerated() {
                sources.add(index == fileIndex ? SourceFile(path: file.path, text: text + added) : other)
            }
            let result = Checker.check(sources)
            #expect(
                result.errorCount == 0,
                "\(file.path): \(result.diagnostics.prefix(3).map { $0.rendered(in: result.sources) })")
            #expect(result.warningCount == 0)

            let reparsed = Self.guidelines(Parser.parse(sources.files[fileIndex], file: UInt32(fileIndex)).declarations)
            for (id, (originalID, body)) in expected.sorted(by: { $0.key < $1.key }) {
                guard let copy = reparsed[id], let original = originals[originalID] else {
                    Issue.record("\(file.path): \(id) did not parse; its statements:\n\(body.joined(separator: "\n"))")
                    continue
                }
                #expect(
                    Self.canonical(copy) == Self.canonical(original),
                    "\(file.path): \(originalID) changes in this order:\n\(body.joined(separator: "\n"))")
                let built = try #require(result.rules.guidelineIndex[id].map { result.rules.guidelines[$0] })
                let builtOriginal = try #require(
                    result.rules.guidelineIndex[originalID].map { result.rules.guidelines[$0] })
                #expect(built.priority == builtOriginal.priority)
                #expect(built.mergeWithin == builtOriginal.mergeWithin)
                #expect(built.activeFor == builtOriginal.activeFor)
                #expect(built.suppresses.map(\.value).sorted() == builtOriginal.suppresses.map(\.value).sorted())
                #expect(built.notifications.count == builtOriginal.notifications.count)
                #expect(built.escalations.count == builtOriginal.escalations.count)
                #expect(
                    built.tasks.map(\.escalateTo.count).sorted() == builtOriginal.tasks.map(\.escalateTo.count).sorted()
                )
                #expect(built.watches.count == builtOriginal.watches.count)
                #expect(built.messages == builtOriginal.messages)
            }
        }
        #expect(tried > 100)
    }

    @Test func optionalClausesStayOnTheirStatementsLine() throws {
        let rules = """
            role vagt "Vagt" { duty "Tager imod alarmer" authority only }
            role chef "Chef" { duty "Leder" authority only }
            guideline g "G" {
              when category unrest
              task "Ring op" for vagt within 1h
              escalate to chef if unacknowledged for 30m
              notify vagt
              watch school in incident area for 1h
              message da "x"
            }
            guideline h "H" {
              when category unrest
              task "Ring op" for vagt within 1h escalate to chef if unacknowledged for 30m
              notify vagt
              message da "x"
            }
            guideline i "I" {
              when category unrest
              task "Ring op" for vagt within 1h escalate to chef if overdue
              escalate to chef if unacknowledged for 30m repeat 2 times with personal details
              notify vagt after 10m with personal details
              message da "x"
            }
            """
        let (declarations, diagnostics) = Parser.parse(SourceFile(path: "r.rules", text: rules), file: 0)
        #expect(diagnostics.all.isEmpty, "\(diagnostics.all.map(\.message))")
        let byID = Self.guidelines(declarations)
        for id in ["g", "h"] {
            let guideline = try #require(byID[id])
            #expect(guideline.tasks.count == 1 && guideline.tasks[0].escalateTo.isEmpty, "\(id)")
            #expect(guideline.escalations.count == 1, "\(id)")
        }
        let i = try #require(byID["i"])
        #expect(i.tasks[0].escalateTo.map(\.value) == ["chef"])
        #expect(i.escalations[0].repeats?.value == 2 && i.escalations[0].personalDetails != nil)
        #expect(i.notifications[0].after?.value == 600 && i.notifications[0].personalDetails != nil)
    }

    /// (source with an optional part moved to the next line, the first message the parser gives)
    @Test(arguments: [
        ("guideline g {\n  when always\n  notify vagt\n    after 10m\n}", "unknown statement 'after' in guideline 'g'"),
        (
            "guideline g {\n  when always\n  notify vagt\n    with personal details\n}",
            "unknown statement 'with' in guideline 'g'"
        ),
        (
            "guideline g {\n  when always\n  escalate to chef if unacknowledged for 30m\n    repeat 2 times\n}",
            "unknown statement 'repeat' in guideline 'g'"
        ),
        (
            "guideline g {\n  when always\n  task \"T\" for vagt within 1h\n    escalate to chef if overdue\n}",
            "expected 'unacknowledged' after 'if', found 'overdue'"
        ),
        (
            "guideline g {\n  when always\n  watch school in incident area for 1d\n    confirm within 1h\n}",
            "unknown statement 'confirm' in guideline 'g'"
        ),
        (
            "guideline g {\n  when at least 3 incidents of unrest\n    in same area within 1d\n}",
            "expected 'within' after the incidents, found 'in'"
        ),
        (
            "override a covers b from \"2026-12-23 08:00\" to \"2027-01-02 08:00\"\n  because \"Ferie\"",
            "expected a declaration (area, role, window, guideline, organisation, person, rota, override, institution, holidays), found 'because'"
        ),
        (
            "window w {\n  mon-fri\n    08:00-17:00\n}",
            "expected days such as mon-fri, daily or weekends, holidays, or a date after the previous line, found a time such as 08:00"
        ),
    ])
    func anOptionalPartOnTheNextLineIsNotReadIntoTheStatement(_ source: String, _ message: String) {
        let (_, diagnostics) = Parser.parse(SourceFile(path: "r.rules", text: source), file: 0)
        #expect(diagnostics.all.first?.message == message, "\(diagnostics.all.map(\.message))")
    }

    @Test func aConditionStillGoesOnToALineStartingWithAndOrOr() throws {
        let rules = """
            guideline g "G" {
              when category unrest
                and flag minors
                or at least 3 incidents of unrest in same area within 24h
              notify vagt
              message da "x"
            }
            """
        let (declarations, diagnostics) = Parser.parse(SourceFile(path: "r.rules", text: rules), file: 0)
        #expect(diagnostics.all.isEmpty)
        let guideline = try #require(Self.guidelines(declarations)["g"])
        #expect(
            guideline.when.map(SyntaxPrinter.condition)
                == "category unrest and flag minors or at least 3 incidents of unrest in same area within 1d")
    }
}
