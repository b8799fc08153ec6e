import BeredskabCheck
import BeredskabSyntax
import Foundation
import Testing

/// Each folder under Fixtures/diagnostics holds a broken rule set and `expected.txt`, the exact output of
/// `beredskab check` on its files in name order. Regenerate one by running that command in the folder.
@Suite struct GoldenDiagnosticsTests {
    static let root = packageRoot.appendingPathComponent("Tests/BeredskabCheckTests/Fixtures/diagnostics")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
    }

    @Test func thereAreGoldenCases() {
        #expect(Self.cases.count >= 30)
    }

    @Test(arguments: cases)
    func renderedDiagnosticsMatch(_ name: String) throws {
        let folder = Self.root.appendingPathComponent(name)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".rules") || $0.hasSuffix(".contacts") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var sources = SourceSet()
        for file in names {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            sources.add(SourceFile(path: file, bytes: [UInt8](data)))
        }
        let expected = try String(contentsOf: folder.appendingPathComponent("expected.txt"), encoding: .utf8)
        let result = Checker.check(sources)
        #expect(!result.diagnostics.isEmpty, "a golden case must report something")
        #expect(result.renderedText() == expected)
    }
}
