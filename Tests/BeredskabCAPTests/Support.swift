import BeredskabCAP
import BeredskabCheck
import BeredskabEngine
import Foundation
import Testing

/// The package's root folder, found from this file's place.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The demo Rules/ and Contacts/.
let demo = Checker.check(
    try! SourceLoader.load([
        packageRoot.appendingPathComponent("Rules").path, packageRoot.appendingPathComponent("Contacts").path,
    ]))

/// A fixture's bytes.
func fixture(_ name: String) throws -> [UInt8] {
    let url = packageRoot.appendingPathComponent("Tests/BeredskabCAPTests/Fixtures").appendingPathComponent(name)
    return [UInt8](try Data(contentsOf: url))
}

/// Parses CAP bytes as the demo's police would send them.
func parse(_ bytes: [UInt8], organisation: String = "politi") -> Result<CAPAlert, CAPError> {
    CAPAlert.parse(bytes, organisation: organisation, rules: demo.rules)
}

/// Parses a fixture that must be accepted.
func accepted(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CAPAlert {
    switch parse(try fixture(name)) {
    case .success(let alert): return alert
    case .failure(let error):
        Issue.record("\(name) was refused: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// Parses a fixture that must be refused.
func refused(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CAPError {
    let result = parse(try fixture(name))
    guard case .failure(let error) = result else {
        Issue.record("\(name) was accepted", sourceLocation: sourceLocation)
        throw CAPError(kind: .invalid, message: "accepted", problems: [])
    }
    return error
}

/// The report a CAP alert maps to, decoded and checked as any report is.
func decodedReport(_ alert: CAPAlert, sourceLocation: SourceLocation = #_sourceLocation) throws -> IncidentReport {
    let json = try #require(alert.report, sourceLocation: sourceLocation)
    switch IncidentReport.decode(json, rules: demo.rules, roster: demo.roster) {
    case .success(let report): return report
    case .failure(let invalid):
        Issue.record("the report does not decode: \(invalid.problems)", sourceLocation: sourceLocation)
        throw invalid
    }
}

/// What xmllint says of an XML text against OASIS's CAP 1.2 schema: whether it validates, and its output.
func xmllint(_ xml: String) throws -> (valid: Bool, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    let schema = packageRoot.appendingPathComponent("schemas/cap/cap12.xsd").path
    process.arguments = ["xmllint", "--noout", "--nonet", "--schema", schema, "-"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    try process.run()
    input.fileHandleForWriting.write(Data(xml.utf8))
    try input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus == 0, text)
}
