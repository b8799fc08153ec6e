import BeredskabCAP
import BeredskabCheck
import BeredskabEngine
import BeredskabRoster
import BeredskabRules
import BeredskabSyntax
import Foundation

/// The entry points the libFuzzer targets (Fuzz/Package.swift, `scripts/fuzz`) and the corpus replay
/// test share: each takes any bytes, must return without trapping, and must not take more than linear time.
public enum FuzzEntries {
    /// The names `scripts/fuzz` accepts, each a folder under Fuzz/corpus and Fuzz/regressions.
    public static let targets = ["rules", "roster", "report", "cap"]

    /// Runs the named target on one input.
    public static func run(_ target: String, _ bytes: [UInt8]) {
        switch target {
        case "rules": rules(bytes)
        case "roster": roster(bytes)
        case "report": report(bytes)
        case "cap": cap(bytes)
        default: preconditionFailure("unknown fuzz target \(target)")
        }
    }

    /// The demo rules and contacts, read once; the report and CAP targets check against them.
    static let demo: CheckResult = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let sources = try? SourceLoader.load([
            root.appendingPathComponent("Rules").path, root.appendingPathComponent("Contacts").path,
        ])
        return Checker.check(sources ?? SourceSet())
    }()

    /// Checks bytes as a rules file on its own, and renders every diagnostic (text and JSON).
    public static func rules(_ bytes: [UInt8]) {
        var sources = SourceSet()
        sources.add(SourceFile(path: "fuzz.rules", bytes: bytes))
        let result = Checker.check(sources)
        _ = result.renderedText()
        _ = result.renderedJSON()
    }

    /// Checks bytes as a contacts file next to the demo rules, and renders every diagnostic.
    public static func roster(_ bytes: [UInt8]) {
        var sources = demo.sources
        sources.add(SourceFile(path: "fuzz.contacts", bytes: bytes))
        _ = Checker.check(sources).renderedText()
    }

    /// Parses bytes as JSON and decodes them as a report against the demo rules and roster.
    public static func report(_ bytes: [UInt8]) {
        if let value = try? JSONValue.parse(bytes) {
            _ = value.prettyText
        }
        _ = IncidentReport.decode(bytes, rules: demo.rules, roster: demo.roster)
    }

    /// Reads bytes as a CAP alert from the demo's police.
    public static func cap(_ bytes: [UInt8]) {
        _ = CAPAlert.parse(bytes, organisation: "politi", rules: demo.rules)
    }
}
