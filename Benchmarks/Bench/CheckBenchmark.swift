import BeredskabCheck
import BeredskabSyntax
import Foundation

/// Times lexing and parsing, and the whole check, of a generated rule set.
func runCheckBenchmark(guidelines: Int, persons: Int, runs: Int) -> Bool {
    var generator = Generator(guidelines: guidelines, persons: persons)
    var sources = SourceSet()
    for (path, text) in generator.files() { sources.add(SourceFile(path: path, text: text)) }
    let bytes = sources.files.reduce(0) { $0 + $1.bytes.count }
    let lines = sources.files.reduce(0) { $0 + $1.lineStarts.count }

    func measure(_ body: () -> Void) -> [Double] {
        body()  // warm-up
        let clock = ContinuousClock()
        return (0..<runs).map { _ in seconds(clock.measure(body)) }.sorted()
    }
    var last: CheckResult?
    let parseTimes = measure {
        for (index, file) in sources.files.enumerated() { _ = Parser.parse(file, file: UInt32(index)) }
    }
    let checkTimes = measure { last = Checker.check(sources) }
    let result = last!

    func row(_ name: String, _ times: [Double]) -> String {
        let ms = times.map { String(format: "%8.1f", $0 * 1000) }
        return
            "  \(name.padding(toLength: 20, withPad: " ", startingAt: 0)) min \(ms.first!) ms  median \(ms[times.count / 2]) ms  max \(ms.last!) ms"
    }
    print("check: parse and check a generated rule set (\(runs) runs after a warm-up)")
    print(
        "  input: \(result.rules.guidelines.count) guidelines, \(result.roster.persons.count) persons, \(result.roster.rotas.count) rotas, \(result.roster.institutions.count) institutions; \(lines) lines, \(bytes / 1024) KiB"
    )
    print(row("lex + parse", parseTimes))
    print(row("parse + full check", checkTimes))
    print("  goal: full check under 1000 ms; diagnostics: \(result.errorCount) errors, \(result.warningCount) warnings")
    if result.errorCount + result.warningCount > 0 {
        // A benchmark of a broken rule set measures the wrong thing.
        for diagnostic in result.diagnostics.prefix(5) { print(diagnostic.rendered(in: result.sources)) }
        return false
    }
    return true
}
