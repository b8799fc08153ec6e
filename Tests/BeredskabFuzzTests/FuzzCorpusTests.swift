import BeredskabFuzz
import Foundation
import Testing

/// Every seed in Fuzz/corpus and every crash the fuzzers found (Fuzz/regressions), run through the same
/// entry points as the libFuzzer targets: none may trap. This is what CI runs instead of the fuzzers.
@Suite struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// (target, file) for every file of the corpus and the regressions.
    static let inputs: [String] = FuzzEntries.targets.flatMap { target in
        ["corpus", "regressions"].flatMap { folder in
            let url = root.appendingPathComponent(folder).appendingPathComponent(target)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(folder)/\(target)/\($0)" }
        }
    }

    @Test func everyTargetHasASeedCorpus() {
        for target in FuzzEntries.targets {
            #expect(Self.inputs.contains { $0.hasPrefix("corpus/\(target)/") }, "no seeds for \(target)")
        }
    }

    @Test(arguments: inputs)
    func replays(_ input: String) throws {
        let target = input.split(separator: "/")[1]
        let bytes = [UInt8](try Data(contentsOf: Self.root.appendingPathComponent(input)))
        FuzzEntries.run(String(target), bytes)
    }
}
