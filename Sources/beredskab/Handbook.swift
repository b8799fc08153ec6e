import ArgumentParser
import BeredskabCheck
import BeredskabHandbook
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import BeredskabWeb
import Foundation

/// `beredskab handbook`: an organisation's written crisis guidelines (issue 13; Indsats 3.4) as a printable
/// HTML document, a PDF (through headless Chromium) or Markdown.
struct HandbookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handbook",
        abstract: "Write an organisation's crisis handbook: its guidelines, roles and key persons.",
        discussion: """
            For every kind of crisis a report of the organisation can raise: what to do first, which guideline \
            applies and when, who is told and how fast, the tasks, what escalates, which institutions are watched, \
            and the organisation's own key persons. Other organisations' people are named by role only. \
            The PDF is printed by headless Chromium (Debian's chromium package; --chromium or $CHROMIUM for \
            another). Exit status: 0, 1 when the rules have errors or Chromium fails, 64 on misuse.
            """)

    @Option(help: "The organisation (an id from Contacts/).")
    var org: String

    @Option(help: "Language: da or en.")
    var lang: String = "da"

    @Option(help: "Output format: html (a standalone printable A4 document), pdf or md.")
    var format: Format = .html

    @Option(
        name: [.customShort("o"), .long],
        help: "Write to this file (default: standard output; for pdf, handbook-ORG.pdf).")
    var output: String?

    @Option(help: "The date printed on it, YYYY-MM-DD (default: today in Copenhagen).")
    var date: String?

    @Option(help: "The server's public address; the report form is its /report.")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "A telephone number that takes reports, if there is one.")
    var phone: String?

    @Option(help: "The Chromium binary for --format pdf (default: $CHROMIUM or /usr/bin/chromium).")
    var chromium: String?

    @Option(name: .customLong("rules"), help: "Rule and contact files or folders (default: Rules and Contacts).")
    var rulePaths: [String] = []

    enum Format: String, ExpressibleByArgument { case html, pdf, md }

    func run() throws {
        guard let language = Language(rawValue: lang) else {
            printError("error: --lang must be da or en\n")
            throw ExitCode(64)
        }
        let day: LocalDateTime
        if let date {
            guard let parsed = LocalDateTime(parsing: date), parsed.minutes == 0, date.count == 10 else {
                printError("error: --date '\(date)' is not YYYY-MM-DD\n")
                throw ExitCode(64)
            }
            day = parsed
        } else {
            day = Copenhagen.local(now())
        }
        let (sources, result) = try loadChecked(rulePaths, doing: "no handbook was written")
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard
            let handbook = Handbook(
                organisation: org, rules: result.rules, roster: result.roster, language: language, date: day,
                rulesHash: Handbook.rulesHash(sources), intake: Handbook.Intake(formURL: base + "/report", phone: phone)
            )
        else {
            let known = result.roster.organisations.keys.sorted().joined(separator: ", ")
            printError("error: unknown organisation '\(org)' (known: \(known))\n")
            throw ExitCode(64)
        }
        switch format {
        case .html: try write(Array(handbook.document().utf8))
        case .md: try write(Array(handbook.markdown().utf8))
        case .pdf: try printPDF(handbook.document(), to: output ?? "handbook-\(org).pdf")
        }
    }

    func write(_ bytes: [UInt8]) throws {
        guard let output else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
            printError("error: cannot write \(output)\n")
            throw ExitCode(1)
        }
    }

    /// Prints the document to a PDF with headless Chromium, from a temporary folder it removes again.
    func printPDF(_ html: String, to path: String) throws {
        let binary = chromium ?? ProcessInfo.processInfo.environment["CHROMIUM"] ?? "/usr/bin/chromium"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beredskab-handbook-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("handbook.html")
        try Data(html.utf8).write(to: page)
        let target = URL(fileURLWithPath: path).standardizedFileURL
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
            "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
            "--print-to-pdf=\(target.path)", page.absoluteString,
        ]
        let log = folder.appendingPathComponent("chromium.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        do {
            try process.run()
        } catch {
            printError("error: cannot start \(binary): \(error)\n")
            throw ExitCode(1)
        }
        process.waitUntilExit()
        let written = FileManager.default.contents(atPath: target.path) ?? Data()
        guard process.terminationStatus == 0, written.starts(with: Array("%PDF".utf8)) else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            printError(
                "error: \(binary) did not print a PDF (status \(process.terminationStatus)):\n\(text.suffix(2000))\n")
            throw ExitCode(1)
        }
        printError("wrote \(target.path) (\(written.count) bytes)\n")
    }
}
