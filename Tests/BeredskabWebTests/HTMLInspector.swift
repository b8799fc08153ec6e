import Foundation

/// A small reader of the pages' HTML for tests: the tags with their attributes, in order.
struct HTMLInspector {
    struct Tag {
        var name: String
        var closing: Bool
        var attributes: [String: String]
        /// The HTML between this start tag and the next tag.
        var following: String
    }

    static let voidElements: Set = ["meta", "link", "input", "br", "hr", "img"]

    let html: String
    let tags: [Tag]

    init(_ html: String) {
        self.html = html
        let tagPattern = try! NSRegularExpression(pattern: #"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s>]+)*)\s*>"#)
        let attributePattern = try! NSRegularExpression(pattern: #"([a-zA-Z_:][a-zA-Z0-9_:.-]*)(?:="([^"]*)")?"#)
        let ns = html as NSString
        let matches = tagPattern.matches(in: html, range: NSRange(location: 0, length: ns.length))
        var tags: [Tag] = []
        for (index, match) in matches.enumerated() {
            let attributesText = ns.substring(with: match.range(at: 3))
            var attributes: [String: String] = [:]
            let a = attributesText as NSString
            for m in attributePattern.matches(in: attributesText, range: NSRange(location: 0, length: a.length)) {
                let name = a.substring(with: m.range(at: 1)).lowercased()
                attributes[name] = m.range(at: 2).location == NSNotFound ? "" : a.substring(with: m.range(at: 2))
            }
            let end = match.range.location + match.range.length
            let next = index + 1 < matches.count ? matches[index + 1].range.location : ns.length
            tags.append(
                Tag(
                    name: ns.substring(with: match.range(at: 2)).lowercased(),
                    closing: match.range(at: 1).length == 1, attributes: attributes,
                    following: ns.substring(with: NSRange(location: end, length: next - end))))
        }
        self.tags = tags
    }

    /// Start tags of these names.
    func elements(_ names: String...) -> [Tag] { tags.filter { !$0.closing && names.contains($0.name) } }

    /// The first start tag with this id.
    func element(id: String) -> Tag? { tags.first { !$0.closing && $0.attributes["id"] == id } }

    /// The text of the element with this id up to its first child tag.
    func text(id: String) -> String? { element(id: id)?.following }

    /// Problems with nesting: an end tag that does not match, or an element left open.
    func nestingProblems() -> [String] {
        var stack: [String] = []
        var problems: [String] = []
        for tag in tags where !Self.voidElements.contains(tag.name) {
            if tag.closing {
                if stack.last == tag.name {
                    stack.removeLast()
                } else {
                    problems.append("</\(tag.name)> closes <\(stack.last ?? "nothing")>")
                }
            } else {
                stack.append(tag.name)
            }
        }
        return problems + stack.map { "<\($0)> not closed" }
    }

    /// Ids used more than once.
    func duplicateIDs() -> [String] {
        var seen: [String: Int] = [:]
        for tag in tags where !tag.closing { if let id = tag.attributes["id"] { seen[id, default: 0] += 1 } }
        return seen.filter { $0.value > 1 }.map(\.key).sorted()
    }

    /// Controls (input other than hidden, select, textarea) with no `<label for>` pointing at them.
    func unlabelledControls() -> [String] {
        let labelled = Set(elements("label").compactMap { $0.attributes["for"] })
        return elements("input", "select", "textarea").compactMap { tag in
            if tag.name == "input", tag.attributes["type"] == "hidden" { return nil }
            guard let id = tag.attributes["id"], labelled.contains(id) else {
                return "<\(tag.name) name=\(tag.attributes["name"] ?? "?")>"
            }
            return nil
        }
    }

    /// Labels whose `for` names no element.
    func danglingLabels() -> [String] {
        let ids = Set(tags.compactMap { $0.closing ? nil : $0.attributes["id"] })
        return elements("label").compactMap { $0.attributes["for"] }.filter { !ids.contains($0) }
    }

    /// `aria-describedby` ids that name no element.
    func danglingDescriptions() -> [String] {
        let ids = Set(tags.compactMap { $0.closing ? nil : $0.attributes["id"] })
        return tags.flatMap { ($0.attributes["aria-describedby"] ?? "").split(separator: " ").map(String.init) }
            .filter { !ids.contains($0) }
    }

    /// Whether a form holds a hidden field of this name.
    func forms() -> [(action: String, fields: [Tag])] {
        var result: [(String, [Tag])] = []
        var current: (String, [Tag])?
        for tag in tags {
            if tag.name == "form" {
                if tag.closing {
                    if let current { result.append(current) }
                    current = nil
                } else {
                    current = (tag.attributes["action"] ?? "", [])
                }
            } else if !tag.closing, ["input", "select", "textarea", "button"].contains(tag.name) {
                current?.1.append(tag)
            }
        }
        return result
    }
}
