import ArgumentParser
import BeredskabCheck
import BeredskabEngine
import BeredskabRoster
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import Foundation

/// Writes text to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Reads a file's bytes, or stops with exit status 64 naming the file.
func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        printError("error: cannot read file: \(path)\n")
        throw ExitCode(64)
    }
    return [UInt8](data)
}

/// Makes `name` (a tz database zone such as Europe/London) the zone every local time is read and
/// shown in; nil keeps Europe/Copenhagen. Stops with exit status 64 naming an unknown zone.
func useTimeZone(_ name: String?) throws {
    guard let name else { return }
    do {
        LocalTime.zone = try LocalZone(identifier: name)
    } catch {
        printError("error: --time-zone: \(error)\n")
        throw ExitCode(64)
    }
}

/// Loads and checks rules and contacts; stops with the diagnostics if there are errors.
func loadEngine(_ paths: [String]) throws -> Engine {
    let (_, result) = try loadChecked(paths, doing: "nothing was evaluated")
    return Engine(rules: result.rules, roster: result.roster)
}

/// The rule and contact files and what checking them found; stops (exit 64) when they cannot be
/// read and (exit 1, saying `doing`) with the diagnostics when they have errors.
func loadChecked(_ paths: [String], doing: String) throws -> (SourceSet, CheckResult) {
    let sources: SourceSet
    do {
        sources = try SourceLoader.load(paths.isEmpty ? ["Rules", "Contacts"] : paths)
    } catch let error as LoadError {
        printError("error: \(error.description)\n")
        throw ExitCode(64)
    }
    let result = Checker.check(sources)
    guard result.errorCount == 0 else {
        printError(result.renderedText())
        printError("error: the rules have errors; \(doing)\n")
        throw ExitCode(1)
    }
    return (sources, result)
}

/// Parses a JSON file, or stops naming the file and where the JSON broke.
func readJSON(_ path: String) throws -> JSONValue {
    do {
        return try JSONValue.parse(try readFile(path))
    } catch let error as JSONSyntaxError {
        printError("\(path): not valid JSON: \(error)\n")
        throw ExitCode(1)
    }
}
