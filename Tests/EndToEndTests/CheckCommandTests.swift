import Foundation
import Testing

/// Runs the built `beredskab` binary, as a user would, and captures its output and exit status.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The binary beside the test runner, where `swift build` and `swift test` put it.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["BEREDSKAB_BIN"] { return URL(fileURLWithPath: path) }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if folder.pathExtension == "xctest" || folder.path.contains(".xctest/") {
            folder = Bundle.main.bundleURL.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("beredskab")
    }

    init(_ arguments: [String], in directory: URL = Run.root, executable: URL? = nil, prefix: [String] = []) throws {
        let process = Process()
        process.executableURL = executable ?? Self.binary
        process.arguments = prefix + arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        stdout = String(decoding: outData, as: UTF8.self)
        stderr = String(decoding: errData, as: UTF8.self)
    }
}

func temporaryFolder(_ files: [String: String]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beredskab-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, text) in files {
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return folder
}

@Suite struct CheckCommandTests {
    @Test func demoIsCleanWithDefaultPaths() throws {
        let run = try Run(["check", "--year", "2026"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.hasPrefix("checked "))
        #expect(run.stdout.hasSuffix(": 0 errors, 0 warnings\n"))
        #expect(run.stderr.isEmpty)
    }

    @Test func demoIsCleanEvenWhenStrict() throws {
        let run = try Run(["check", "--year", "2026", "--strict", "--format", "json", "Rules", "Contacts"])
        #expect(run.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(json["ok"] as? Bool == true)
        #expect((json["diagnostics"] as! [Any]).isEmpty)
    }

    @Test func errorsExitOneWithCompilerStyleOutput() throws {
        let folder = try temporaryFolder([
            "a.rules":
                "role r \"R\" { duty \"d\" }\nguideline g \"Tæt\" { when category shootng notify r message da \"x\" }\n"
        ])
        let run = try Run(["check", "--year", "2026", "a.rules"], in: folder)
        #expect(run.status == 1)
        #expect(
            run.stdout == """
                a.rules:2:35: error: unknown category 'shootng'
                 2 | guideline g "Tæt" { when category shootng notify r message da "x" }
                   |                                   ^~~~~~~
                note: did you mean 'shooting'?
                note: category is one of: shooting, weapons, gang, unrest, vandalism, violence, threat, burglary, theft, drugs, harassment, discrimination, fire, release, insecurity, other

                a.rules:2:50: error: nobody holds role 'r', so this notification reaches nobody
                 2 | guideline g "Tæt" { when category shootng notify r message da "x" }
                   |                                                  ^
                note: give the role to a person with roles … or put it on a rota

                checked 1 file, 0 areas, 1 role, 0 windows, 1 guideline, 0 organisations, 0 persons, 0 rotas, 0 overrides, 0 institutions: 2 errors, 0 warnings

                """)
    }

    @Test func theYearsHolidaysAreCheckedForRotaGapsAndABadYearIsMisuse() throws {
        // Office hours close on holidays and nobody else covers them: a gap on each weekday holiday.
        let folder = try temporaryFolder([
            "r.rules": """
            role vagt "Vagt" { duty "Tager imod alarmer" authority only }
            window kontor { weekdays 08:00-17:00 except holidays }
            window ellers { mon-thu 17:00-08:00 fri 17:00-24:00 weekends mon 00:00-08:00 }
            guideline g { priority critical when category unrest notify vagt message da "Uro" }
            """,
            "c.contacts": """
            organisation kommune { kind authority }
            person a { organisation kommune email "a@example.org" }
            person b { organisation kommune email "b@example.org" }
            rota dag { role vagt members a covers kontor }
            rota nat { role vagt members b covers ellers }
            """,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Run(["check", "--year", "2027", "r.rules", "c.contacts"], in: folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(
            run.stdout.contains(
                "c.contacts:4:6: warning: no one on duty in role vagt on 2027-05-06 (Kristi himmelfartsdag) 08:00–17:00"
            ),
            "\(run.stdout)")
        #expect(run.stdout.hasSuffix(": 0 errors, 6 warnings\n"))
        let strict = try Run(["check", "--strict", "--year", "2027", "r.rules", "c.contacts"], in: folder)
        #expect(strict.status == 1)
        let misuse = try Run(["check", "--year", "1200", "r.rules"], in: folder)
        #expect(misuse.status == 64)
    }

    @Test func warningsPassUnlessStrict() throws {
        let folder = try temporaryFolder([
            "c.contacts": "organisation o \"O\" { kind authority }\nperson p \"P\" { organisation o }\n"
        ])
        let relaxed = try Run(["check", "--year", "2026", "."], in: folder)
        #expect(relaxed.status == 0)
        #expect(relaxed.stdout.contains("./c.contacts:2:8: warning: person 'p' has no channel"))
        let strict = try Run(["check", "--year", "2026", "--strict", "."], in: folder)
        #expect(strict.status == 1)
    }

    @Test func misuseExitsSixtyFour() throws {
        let missing = try Run(["check", "no-such-folder"])
        #expect(missing.status == 64)
        #expect(missing.stderr == "error: no such file or directory: no-such-folder\n")
        let badFormat = try Run(["check", "--format", "yaml"])
        #expect(badFormat.status == 64)
        #expect(badFormat.stderr.contains("yaml"))
        let unknownOption = try Run(["check", "--frobnicate"])
        #expect(unknownOption.status == 64)
    }

    @Test func helpListsCheck() throws {
        let run = try Run(["--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("check"))
    }
}
