import ArgumentParser
import BeredskabEngine
import Foundation

/// `beredskab test`: run the rule tests kept beside the rules.
struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the rule tests in Rules/tests (a report, a time, and what the plan must contain).",
        discussion: "Exit status: 0 when every test passes, 1 when any fails or cannot be read, 64 on misuse."
    )

    @Argument(help: "Test files or folders of *.json tests (default: Rules/tests).")
    var paths: [String] = []

    @Option(name: .customLong("rules"), help: "Rule and contact files or folders (default: Rules and Contacts).")
    var rulePaths: [String] = []

    @Option(help: "The zone of the rules' local times (tz database name; default Europe/Copenhagen).")
    var timeZone: String?

    func run() throws {
        try useTimeZone(timeZone)
        let engine = try loadEngine(rulePaths)
        var files: [String] = []
        let manager = FileManager.default
        for path in paths.isEmpty ? ["Rules/tests"] : paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                printError("error: no such file or directory: \(path)\n")
                throw ExitCode(64)
            }
            if isDirectory.boolValue {
                let names = (manager.enumerator(atPath: path)?.allObjects as? [String]) ?? []
                files += names.filter { $0.hasSuffix(".json") }.sorted().map {
                    (path as NSString).appendingPathComponent($0)
                }
            } else {
                files.append(path)
            }
        }
        var passed = 0
        var failed = 0
        var exercised: Set<String> = []
        for file in files {
            let json: JSONValue
            do {
                json = try JSONValue.parse(try readFile(file))
            } catch let error as JSONSyntaxError {
                print("FAIL \(file): not valid JSON: \(error)")
                failed += 1
                continue
            }
            switch RuleTest.decode(json, engine: engine) {
            case .failure(let invalid):
                print("FAIL \(file): the test cannot be read")
                for problem in invalid.problems { print("  \(problem)") }
                failed += 1
            case .success(let test):
                let (plan, failures) = test.run(engine)
                exercised.formUnion(plan.fired)
                exercised.formUnion(plan.suppressed.map(\.guideline))
                if failures.isEmpty {
                    print("ok   \(file): \(test.name)")
                    passed += 1
                } else {
                    print("FAIL \(file): \(test.name)")
                    for failure in failures {
                        print(
                            failure.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(
                                separator: "\n"))
                    }
                    failed += 1
                }
            }
        }
        let untested = engine.rules.guidelines.map(\.id.value).filter { !exercised.contains($0) }
        if !untested.isEmpty {
            print("guidelines no test exercises (none fired or was suppressed): \(untested.joined(separator: ", "))")
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 || files.isEmpty { throw ExitCode(1) }
    }
}
