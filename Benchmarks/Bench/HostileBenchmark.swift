import BeredskabCheck
import BeredskabEngine
import BeredskabSyntax
import Foundation

/// Times `beredskab check` (check and render) on the generated files of issue 15 that used to crash it
/// or take quadratic time, and the report decoder on 20,000 keys. Figures only; each must finish.
func runHostileBenchmark() -> Bool {
    let role = "role r \"R\" { duty \"d\" }\n"
    func guideline(_ index: Int, suppresses: Int) -> String {
        "guideline g\(index) {\n when category unrest\n notify r\n message da \"x\"\n suppresses g\(suppresses)\n}\n"
    }
    let organisation = "organisation o \"O\" { kind authority }\n"
    let cases: [(String, [(String, String)])] = [
        (
            "10,000 suppressions in a chain",
            [("a.rules", role + (0..<10_000).map { guideline($0, suppresses: $0 + 1) }.joined())]
        ),
        (
            "20,000 nested areas",
            [
                (
                    "a.rules",
                    "area a0 \"A\" {}\n" + (1..<20_000).map { "area a\($0) \"A\" { within a\($0 - 1) }\n" }.joined()
                )
            ]
        ),
        (
            "5,000 unknown parents",
            [("a.rules", (0..<5_000).map { "area a\($0) \"A\" { within a\($0 + 1)y }\n" }.joined())]
        ),
        ("1 MiB of '}' on one line", [("a.rules", "area a \"A\" " + String(repeating: "}", count: 1 << 20) + "\n")]),
        (
            "100,000 unknown rota members",
            [
                ("a.rules", role),
                (
                    "b.contacts",
                    organisation + "rota big \"B\" {\n role r\n members "
                        + (0..<100_000).map { "m\($0)" }.joined(separator: ", ")
                        + "\n handover daily 07:00\n starting \"2026-01-05\"\n}\n"
                ),
            ]
        ),
        (
            "100,000 holders of one role",
            [
                ("a.rules", role),
                (
                    "b.contacts",
                    organisation
                        + (0..<100_000).map { "person p\($0) { organisation o\n email \"p@example.org\"\n roles r }\n" }
                        .joined()
                ),
            ]
        ),
        (
            "100,000 unknown placeholders",
            [
                (
                    "a.rules",
                    role + "guideline g {\n when category unrest\n notify r\n message da \""
                        + String(repeating: "{x} ", count: 100_000) + "\"\n}\n"
                )
            ]
        ),
    ]
    let clock = ContinuousClock()
    print("hostile: generated input that crashed or stalled the parsers (issue 15); check + render, one run")
    for (name, files) in cases {
        var sources = SourceSet()
        for (path, text) in files { sources.add(SourceFile(path: path, text: text)) }
        var result: CheckResult?
        var rendered = 0
        let time = clock.measure {
            result = Checker.check(sources)
            rendered = result!.renderedText().utf8.count
        }
        print(
            "  \(name.padding(toLength: 32, withPad: " ", startingAt: 0)) \(String(format: "%8.1f", seconds(time) * 1000)) ms  \(result!.errorCount) errors, \(rendered / 1024) KiB rendered"
        )
    }
    let checked = Checker.check(SourceSet())
    for (name, text) in [
        ("20,000 keys, one twice", "{" + (0..<20_000).map { "\"k\($0)\":1" }.joined(separator: ",") + ",\"k0\":2}"),
        ("20,000 unknown keys", "{" + (0..<20_000).map { "\"categoryy\($0)\":1" }.joined(separator: ",") + "}"),
    ] {
        var problems = 0
        let time = clock.measure {
            if case .failure(let invalid) = IncidentReport.decode(
                Array(text.utf8), rules: checked.rules, roster: checked.roster)
            {
                problems = invalid.problems.count
            }
        }
        print(
            "  \(("report: " + name).padding(toLength: 32, withPad: " ", startingAt: 0)) \(String(format: "%8.1f", seconds(time) * 1000)) ms  \(problems) problems"
        )
    }
    return true
}
