import Foundation
import Testing

@testable import BeredskabWeb

@Suite struct AssetsTests {
    @Test func theScriptWritesTextOnlyAndHasNoWordsOfItsOwn() {
        let js = WebAssets.js
        #expect(!js.contains("innerHTML"))
        #expect(!js.contains("outerHTML"))
        #expect(!js.contains("insertAdjacentHTML"))
        #expect(!js.contains("document.write"))
        #expect(!js.contains("eval("))
        #expect(js.contains("textContent"))
        // What it reads from the pages.
        for hook in [
            "use-location", "dataset.finding", "dataset.found", "dataset.failed", "ack-status", "notified",
            "dataset.yes", "dataset.no", "dataset.person", "dataset.persons", "dataset.empty", "incident-state",
            "main[data-status-url]", "dataset.pollSeconds", "main[data-refresh]", "location.reload", "role_name",
        ] {
            #expect(js.contains(hook), "\(hook)")
        }
        // No Danish or English sentences: every word it shows comes from a data attribute.
        for word in ["Kvitteret", "Acknowledged", "Afventer", "personer", "people", "placering", "location found"] {
            #expect(!js.contains(word), "\(word)")
        }
    }

    @Test func theScriptParses() throws {
        let node = ["/usr/bin/node", "/usr/local/bin/node"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let node else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("beredskab-\(UUID().uuidString).js")
        try WebAssets.js.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: node)
        process.arguments = ["--check", file.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func theStylesheetServesPhonesKeyboardsAndPrinters() {
        let css = WebAssets.css
        #expect(css.contains("max-width:42rem"))
        #expect(css.contains("min-height:44px"))
        #expect(css.contains(":focus-visible{outline:3px solid"))
        #expect(css.contains("@media print"))
        #expect(!css.contains("outline:none}") || css.contains("main:focus{outline:none}"))
        #expect(!css.contains("@import"))
        #expect(!css.contains("url("), "no outside assets")
    }
}
