import BeredskabRules
import Foundation
import Testing

@testable import BeredskabWeb

/// What every page must be: a whole document in its language, with the shared assets, no inline
/// script or style (CSP `default-src 'self'`), every control labelled, ids unique, tags nested.
@Suite struct PageStructureTests {
    @Test(arguments: Language.allCases) func everyPageIsAWholeAccessibleDocument(lang: Language) {
        for (name, html) in allPages(lang) {
            let page = HTMLInspector(html)
            #expect(html.hasPrefix("<!doctype html>\n<html lang=\"\(lang.rawValue)\">"), "\(name)")
            #expect(
                html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), "\(name)")
            #expect(html.contains("<link rel=\"stylesheet\" href=\"/assets/beredskab.css\">"), "\(name)")
            #expect(html.contains("<script src=\"/assets/beredskab.js\" defer></script>"), "\(name)")
            #expect(html.contains("<a class=\"skip-link\" href=\"#main\">"), "\(name)")
            #expect(page.element(id: "main")?.name == "main", "\(name)")
            #expect(page.elements("h1").count == 1, "\(name): one h1")
            #expect(page.nestingProblems() == [], "\(name)")
            #expect(page.duplicateIDs() == [], "\(name)")
            #expect(page.unlabelledControls() == [], "\(name)")
            #expect(page.danglingLabels() == [], "\(name)")
            #expect(page.danglingDescriptions() == [], "\(name)")
        }
    }

    @Test(arguments: Language.allCases) func noInlineScriptOrStyle(lang: Language) {
        for (name, html) in allPages(lang) {
            let page = HTMLInspector(html)
            for script in page.elements("script") {
                #expect(script.attributes["src"] != nil, "\(name): inline <script>")
                #expect(script.following.isEmpty, "\(name): script with content")
            }
            #expect(page.elements("style").isEmpty, "\(name): <style>")
            #expect(!html.lowercased().contains("style="), "\(name): style attribute")
            #expect(!page.tags.contains { $0.attributes.keys.contains { $0.hasPrefix("on") } }, "\(name): on… handler")
            #expect(!html.contains("javascript:"), "\(name)")
        }
    }

    @Test(arguments: Language.allCases) func buttonsAreButtonsAndFormsPostWithCSRF(lang: Language) {
        for (name, html) in allPages(lang) {
            let page = HTMLInspector(html)
            #expect(
                !page.elements("input").contains {
                    ["submit", "button", "image", "reset"].contains($0.attributes["type"] ?? "")
                },
                "\(name)")
            for form in page.elements("form") {
                #expect(form.attributes["method"] == "post", "\(name): form \(form.attributes["action"] ?? "")")
                #expect(form.attributes["action"]?.hasPrefix("/") == true, "\(name)")
            }
            for form in page.forms() {
                #expect(form.fields.contains { $0.name == "button" && $0.attributes["type"] == "submit" }, "\(name)")
            }
        }
    }

    @Test func signedInFormsCarryTheCSRFToken() {
        for (name, html) in allPages(.da) {
            for form in HTMLInspector(html).forms() {
                let csrf = form.fields.first { $0.attributes["name"] == "csrf" }
                // The pages for anonymous links get no token in these samples; signed-in ones always do.
                if html.contains("Logget ind som") {
                    #expect(csrf?.attributes["type"] == "hidden", "\(name): \(form.action)")
                    #expect(csrf?.attributes["value"] == "csrf-token-123", "\(name): \(form.action)")
                } else {
                    #expect(csrf == nil, "\(name): \(form.action)")
                }
            }
        }
    }

    @Test func choiceGroupsAreFieldsetsWithLegends() {
        for (name, html) in allPages(.da) {
            let page = HTMLInspector(html)
            var open = 0
            var legends = 0
            for tag in page.tags {
                if tag.name == "fieldset" { open += tag.closing ? -1 : 1 }
                if tag.name == "legend", !tag.closing { legends += 1 }
                if tag.name == "input", !tag.closing, ["radio"].contains(tag.attributes["type"] ?? "") {
                    #expect(open > 0, "\(name): radio outside a fieldset")
                }
            }
            #expect(legends == page.elements("fieldset").count, "\(name): every fieldset has a legend")
        }
    }
}

@Suite struct InspectorTests {
    /// The checks above are only worth something if the inspector sees faults.
    @Test func theInspectorSeesFaults() {
        let bad = HTMLInspector(
            "<div><p id=\"a\"><input id=\"x\" name=\"x\"><label for=\"y\">Y</label></div><span id=\"a\" aria-describedby=\"z\">"
        )
        #expect(
            bad.nestingProblems() == ["</div> closes <p>", "<div> not closed", "<p> not closed", "<span> not closed"])
        #expect(bad.duplicateIDs() == ["a"])
        #expect(bad.unlabelledControls() == ["<input name=x>"])
        #expect(bad.danglingLabels() == ["y"])
        #expect(bad.danglingDescriptions() == ["z"])
        let good = HTMLInspector("<form action=\"/f\"><label for=\"x\">X</label><input type=\"text\" id=\"x\"></form>")
        #expect(good.unlabelledControls() == [])
        #expect(good.forms().first?.fields.count == 1)
    }
}

/// Writes every page and the assets to the directory in `BEREDSKAB_WEB_DUMP`, to look at them in a
/// browser (`python3 -m http.server` there, then `/report.html`); does nothing without it.
@Suite struct PageDump {
    @Test func dumpPages() throws {
        guard let directory = ProcessInfo.processInfo.environment["BEREDSKAB_WEB_DUMP"] else { return }
        let root = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("assets"), withIntermediateDirectories: true)
        try WebAssets.css.write(
            to: root.appendingPathComponent("assets/beredskab.css"), atomically: true, encoding: .utf8)
        try WebAssets.js.write(
            to: root.appendingPathComponent("assets/beredskab.js"), atomically: true, encoding: .utf8)
        for lang in Language.allCases {
            for (name, html) in allPages(lang) {
                let file = name.replacingOccurrences(of: " ", with: "-").filter {
                    $0.isLetter || $0.isNumber || $0 == "-"
                }
                try html.write(
                    to: root.appendingPathComponent("\(file)-\(lang.rawValue).html"), atomically: true, encoding: .utf8)
            }
        }
    }
}
