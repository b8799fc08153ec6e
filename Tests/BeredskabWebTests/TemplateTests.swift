import BeredskabRules
import Foundation
import Testing

@testable import BeredskabWeb

/// The templates themselves: they load, every `{{{…}}}` (Mustache's unescaped output) is one we
/// meant and says why, and every `{{t.name}}` names a text that exists.
@Suite struct TemplateTests {
    /// The only unescaped outputs allowed: template name and variable. Each needs a
    /// `{{! unescaped: reason }}` comment on its own line or the line before.
    static let unescapedAllowed: Set<String> = [
        "review/style", "review/charts", "after-action/style", "after-action/timeline", "handbook-document/style",
    ]

    @Test func theTemplatesLoadFromTheBundle() throws {
        #expect(Templates.problem == nil)
        let names = try Templates.sources().map(\.name)
        for page in [
            "layout", "sign-in", "report-form", "incident-status", "responder", "responder-message", "watch-request",
            "board", "closure-form", "error", "silences",
        ] {
            #expect(names.contains(page), "no template \(page)")
        }
    }

    /// Lists every `{{{x}}}` and `{{&x}}` in the templates; each must be on the allow-list and carry a reason.
    @Test func everyUnescapedOutputIsAllowedAndExplained() throws {
        var found: [String] = []
        for (name, text) in try Templates.sources() {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (index, line) in lines.enumerated() {
                for variable in Self.unescaped(in: line) {
                    let key = "\(name)/\(variable)"
                    found.append(key)
                    #expect(
                        Self.unescapedAllowed.contains(key),
                        "\(name).mustache:\(index + 1): {{{\(variable)}}} is not on the allow-list")
                    let reason = line + (index > 0 ? lines[index - 1] : "")
                    #expect(
                        reason.contains("{{! unescaped:"),
                        "\(name).mustache:\(index + 1): {{{\(variable)}}} has no `{{! unescaped: reason }}` comment")
                }
            }
        }
        #expect(Set(found) == Self.unescapedAllowed, "allow-list entries no template uses any more")
    }

    /// The check itself: it sees both spellings of unescaped output, and not a comment or escaped output.
    @Test func theUnescapedScannerSeesBothSpellings() {
        #expect(Self.unescaped(in: "<p>{{{a}}} {{& b }} {{c}} {{! not {d} }}{{#e}}{{/e}}</p>") == ["a", "b"])
    }

    /// Every `{{t.name}}` is a `WebText` case: a misspelt one would render as nothing.
    @Test func everyTextInATemplateExists() throws {
        for (name, text) in try Templates.sources() {
            var rest = Substring(text)
            while let range = rest.range(of: "{{t.") {
                let tail = rest[range.upperBound...]
                let key = String(tail.prefix { $0 != "}" })
                #expect(WebText(rawValue: key) != nil, "\(name).mustache: {{t.\(key)}} is not a text")
                rest = tail
            }
        }
    }

    /// The variables shown unescaped on a line: `{{{x}}}` and `{{& x}}`, outside comments (which
    /// run to the first `}}`).
    static func unescaped(in line: String) -> [String] {
        var out: [String] = []
        var rest = Substring(line)
        while let open = rest.range(of: "{{") {
            var tag = rest[open.upperBound...]
            let triple = tag.hasPrefix("{")
            let ampersand = tag.hasPrefix("&")
            if triple || ampersand { tag = tag.dropFirst() }
            guard let close = tag.range(of: triple ? "}}}" : "}}") else { break }
            if triple || ampersand { out.append(tag[..<close.lowerBound].trimmingCharacters(in: .whitespaces)) }
            rest = tag[close.upperBound...]
        }
        return out
    }
}
