import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An XML element read into memory: its namespace and local name, its child elements and its text.
struct XMLElementTree: Sendable {
    var name: String
    var namespace: String?
    var children: [XMLElementTree] = []
    /// The character data directly inside this element (CDATA included), in order.
    var text = ""

    /// The child elements with a local name, in order.
    func children(_ name: String) -> [XMLElementTree] { children.filter { $0.name == name } }

    /// The first child element with a local name.
    func child(_ name: String) -> XMLElementTree? { children.first { $0.name == name } }

    /// The trimmed text of the first child element with a local name.
    func value(_ name: String) -> String? { child(name)?.text.trimmingWhitespace() }

    /// Where and why a text is not well-formed XML.
    struct SyntaxError: Error {
        var line: Int
        var column: Int
        var message: String
    }

    /// Reads a document; the error says where it stopped being well-formed XML. No DTD is read,
    /// no entity is fetched: a document type declaration is refused before the parser sees it.
    static func parse(_ bytes: [UInt8]) -> Result<XMLElementTree, SyntaxError> {
        if let line = doctypeLine(bytes) {
            return .failure(SyntaxError(line: line, column: 1, message: "a document type declaration is not allowed"))
        }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let builder = TreeBuilder()
        parser.delegate = builder
        let ok = parser.parse()
        if !ok || builder.error != nil || builder.root == nil {
            let error = builder.error ?? (parser.lineNumber, parser.columnNumber, "not well-formed")
            return .failure(SyntaxError(line: max(1, error.0), column: max(1, error.1), message: error.2))
        }
        return .success(builder.root!)
    }

    /// The line of a `<!DOCTYPE` in the prolog (after the XML declaration, comments and processing
    /// instructions), if there is one.
    static func doctypeLine(_ bytes: [UInt8]) -> Int? {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func starts(_ text: String) -> Bool { bytes[index...].starts(with: Array(text.utf8)) }
        func skip(past end: String) {
            let end = Array(end.utf8)
            while index < bytes.count, !bytes[index...].starts(with: end) { index += 1 }
            index += end.count
        }
        while index < bytes.count {
            if [32, 9, 10, 13].contains(bytes[index]) {
                index += 1
            } else if starts("<?") {
                skip(past: "?>")
            } else if starts("<!--") {
                skip(past: "-->")
            } else if starts("<!DOCTYPE") {
                return 1 + bytes[..<index].count { $0 == 10 }
            } else {
                return nil
            }
        }
        return nil
    }
}

/// Builds the element tree from the parser's callbacks.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLElementTree] = []
    var root: XMLElementTree?
    var error: (Int, Int, String)?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let namespace = namespaceURI.flatMap { $0.isEmpty ? nil : $0 }
        stack.append(XMLElementTree(name: elementName, namespace: namespace))
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        guard let element = stack.popLast() else { return }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: block, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        guard error == nil else { return }
        error = (parser.lineNumber, parser.columnNumber, Self.describe(parseError))
    }

    /// A short English reason for a parser error. FoundationXML passes on libxml2's error numbers.
    static func describe(_ error: Error) -> String {
        let code = (error as NSError).code
        return reasons[code] ?? "not well-formed (libxml2 error \(code))"
    }

    /// libxml2's `xmlParserErrors` that a sender is likely to meet.
    static let reasons: [Int: String] = [
        4: "the document is empty",
        5: "the document ends before its root element does, or has content after it",
        6: "invalid character reference", 7: "invalid character reference", 8: "invalid character reference",
        9: "a character XML does not allow",
        22: "'&' must start an entity reference (write &amp; for '&')",
        23: "entity reference without ';'",
        26: "undeclared entity (XML knows only &amp; &lt; &gt; &quot; &apos;)",
        31: "unknown encoding", 32: "unsupported encoding",
        34: "unterminated attribute value",
        38: "'<' in an attribute value (write &lt;)",
        39: "attribute value not in quotes",
        41: "attribute without a value",
        42: "attribute given twice",
        45: "unfinished comment",
        57: "unfinished XML declaration",
        63: "unfinished CDATA section",
        64: "names starting with 'xml' are reserved (a misplaced XML declaration?)",
        65: "a space is required here",
        68: "expected a name ('&' and '<' in text must be written &amp; and &lt;)",
        73: "expected '>'",
        74: "expected an end tag",
        76: "an end tag does not match its start tag",
        77: "unfinished tag",
        81: "the text is not in the encoding it declares",
        85: "elements not properly nested",
        86: "content after the root element",
        201: "undeclared namespace prefix",
        202: "bad qualified name",
    ]
}
