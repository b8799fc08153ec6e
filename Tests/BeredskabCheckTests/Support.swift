import BeredskabCheck
import BeredskabSyntax
import Foundation

/// The package's root folder, found from this file's place.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Checks files given as (path, text) pairs, in that order.
func check(_ files: [(String, String)]) -> CheckResult {
    var sources = SourceSet()
    for (path, text) in files { sources.add(SourceFile(path: path, text: text)) }
    return Checker.check(sources)
}

/// The demo Rules/ and Contacts/ as checked by `beredskab check` with no arguments.
func checkDemo() throws -> CheckResult {
    let sources = try SourceLoader.load([
        packageRoot.appendingPathComponent("Rules").path, packageRoot.appendingPathComponent("Contacts").path,
    ])
    return Checker.check(sources)
}
