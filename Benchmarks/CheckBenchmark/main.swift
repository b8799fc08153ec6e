import BeredskabCheck
import BeredskabSyntax
import Foundation

// Parse-and-check benchmark: generates a rule set, then times lexing+parsing and the whole check.
// Usage: swift run -c release beredskab-bench [--guidelines N] [--persons N] [--runs N]
// It prints figures; it never passes or fails on time.

var options: [String: Int] = ["guidelines": 10_000, "persons": 5_000, "runs": 7]
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard flag.hasPrefix("--"), let key = Optional(String(flag.dropFirst(2))), options[key] != nil,
        let value = arguments.popFirst().flatMap(Int.init), value > 0
    else {
        FileHandle.standardError.write(Data("usage: beredskab-bench [--guidelines N] [--persons N] [--runs N]\n".utf8))
        exit(64)
    }
    options[key] = value
}

var generator = Generator(guidelines: options["guidelines"]!, persons: options["persons"]!)
let files = generator.files()
var sources = SourceSet()
for (path, text) in files { sources.add(SourceFile(path: path, text: text)) }
let bytes = sources.files.reduce(0) { $0 + $1.bytes.count }
let lines = sources.files.reduce(0) { $0 + $1.lineStarts.count }

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func measure(_ runs: Int, _ body: () -> Void) -> [Double] {
    body()  // warm-up
    let clock = ContinuousClock()
    return (0..<runs).map { _ in seconds(clock.measure(body)) }.sorted()
}

let runs = options["runs"]!
var last: CheckResult?
let parseTimes = measure(runs) {
    for (index, file) in sources.files.enumerated() { _ = Parser.parse(file, file: UInt32(index)) }
}
let checkTimes = measure(runs) { last = Checker.check(sources) }
let result = last!

func row(_ name: String, _ times: [Double]) -> String {
    let ms = times.map { String(format: "%8.1f", $0 * 1000) }
    return
        "\(name.padding(toLength: 22, withPad: " ", startingAt: 0)) min \(ms.first!) ms  median \(ms[times.count / 2]) ms  max \(ms.last!) ms"
}

print("beredskab-bench: parse and check a generated rule set (\(runs) runs after a warm-up)")
print(
    "input: \(result.rules.guidelines.count) guidelines, \(result.roster.persons.count) persons, \(result.roster.rotas.count) rotas, \(result.roster.institutions.count) institutions; \(lines) lines, \(bytes / 1024) KiB"
)
print(row("lex + parse", parseTimes))
print(row("parse + full check", checkTimes))
print("goal: full check under 1000 ms; diagnostics: \(result.errorCount) errors, \(result.warningCount) warnings")
if result.errorCount + result.warningCount > 0 {
    // A benchmark of a broken rule set measures the wrong thing.
    for diagnostic in result.diagnostics.prefix(5) { print(diagnostic.rendered(in: result.sources)) }
    exit(1)
}
