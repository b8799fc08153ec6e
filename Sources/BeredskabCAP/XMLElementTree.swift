import BeredskabSyntax
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
    static func parse(_ bytes: [UInt8], maximumBytes: Int = maximumBytes) -> Result<XMLElementTree, SyntaxError> {
        if let line = doctypeLine(bytes) {
            return .failure(SyntaxError(line: line, column: 1, message: "a document type declaration is not allowed"))
        }
        // FoundationXML traps (killing the process) on some hostile input, such as invalid UTF-8 in a
        // comment or a name, so nothing reaches it that `screen` has not passed.
        if let refusal = screen(bytes, maximumBytes: maximumBytes) { return .failure(refusal) }
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

    /// The most bytes a document may have by default (1 MiB): a CAP alert is a few kilobytes, but one
    /// with an embedded `<resource>` (a photo, a map) may be hundreds.
    static let maximumBytes = 1 << 20
    /// The most processing instructions (`<?…?>`, the XML declaration included) a document may have.
    static let maximumInstructions = 8
    /// The most levels elements may nest; CAP 1.2 needs five (alert, info, area, geocode, value).
    static let maximumDepth = 32

    /// Why a document is refused before any XML parser sees it, or nil if it may be parsed.
    ///
    /// Refuses, each with its line and column: more than `maximumBytes`; any encoding but UTF-8 (a
    /// UTF-16 or UTF-32 byte order mark, NUL bytes, an XML declaration naming another encoding); bytes
    /// that are not valid UTF-8 (RFC 3629: no overlong forms, surrogates or code points past U+10FFFF);
    /// any markup declaration (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`, `<!ATTLIST`, `<!NOTATION`) anywhere;
    /// element and attribute names that are not XML names (with at most one `:` between a prefix and a
    /// local name); elements nested deeper than `maximumDepth`; and a processing instruction without data
    /// or more than `maximumInstructions` of them.
    static func screen(_ bytes: [UInt8], maximumBytes: Int = maximumBytes) -> SyntaxError? {
        func at(_ offset: Int, _ message: String) -> SyntaxError {
            let line = 1 + bytes[..<offset].count { $0 == 10 }
            let lineStart = bytes[..<offset].lastIndex(of: 10).map { $0 + 1 } ?? 0
            let column = 1 + String(decoding: bytes[lineStart..<offset], as: UTF8.self).count
            return SyntaxError(line: line, column: column, message: message)
        }
        if bytes.count > maximumBytes {
            return SyntaxError(
                line: 1, column: 1, message: "the document is larger than \(maximumBytes / 1024) KiB")
        }
        let boms: [([UInt8], String)] = [
            ([0x00, 0x00, 0xFE, 0xFF], "UTF-32"), ([0xFF, 0xFE, 0x00, 0x00], "UTF-32"), ([0xFE, 0xFF], "UTF-16"),
            ([0xFF, 0xFE], "UTF-16"),
        ]
        for (bom, name) in boms where bytes.starts(with: bom) {
            return SyntaxError(line: 1, column: 1, message: "the document is \(name); send it as UTF-8")
        }
        if let nul = bytes.firstIndex(of: 0) {
            return at(nul, "a NUL byte, which XML does not allow (UTF-16 or UTF-32 text?); send the document as UTF-8")
        }
        if let bad = SourceFile.firstInvalidUTF8Offset(bytes) {
            let byte = String(bytes[bad], radix: 16, uppercase: true)
            return at(bad, "byte 0x\(byte) is not UTF-8; send the document as UTF-8")
        }
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if bytes[index...].starts(with: Array("<?xml".utf8)), let encoding = declaredEncoding(bytes[index...]),
            !["utf-8", "utf8"].contains(encoding.lowercased())
        {
            return at(index, "the document declares encoding '\(encoding)'; Beredskab takes UTF-8 only")
        }
        // Markup declarations anywhere, even where a parser would not look for them.
        for declaration in ["<!DOCTYPE", "<!ENTITY", "<!ELEMENT", "<!ATTLIST", "<!NOTATION"] {
            if let found = find(Array(declaration.utf8), in: bytes, from: 0) {
                return at(found, "a document type or entity declaration (\(declaration)) is not allowed")
            }
        }
        // FoundationXML reads a processing instruction's data as a C string, which is NULL when there is
        // none: `<?target?>` crashed the process (found by scripts/fuzz cap). Every `<?` is checked, not
        // only those the walk below sees as markup, as libxml2 may recover from an error and read on
        // where the walk would not.
        var question = 0
        var instructions = 0
        while let found = find(Array("<?".utf8), in: bytes, from: question) {
            // A document has one or two; the bound keeps this linear however many `<?` there are.
            instructions += 1
            if instructions > maximumInstructions {
                return at(found, "more than \(maximumInstructions) processing instructions")
            }
            guard let close = find(Array("?>".utf8), in: bytes, from: found + 2), hasData(bytes[(found + 2)..<close])
            else {
                return at(found, "a processing instruction needs data after its target, as in <?target data?>")
            }
            question = found + 2
        }
        // Walk the markup: names and depth. Text, comments, CDATA and processing instructions are skipped.
        var depth = 0
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "<")) {
            index = open
            let rest = bytes[index...]
            for (start, end) in [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")]
            where rest.starts(with: Array(start.utf8)) {
                guard let close = find(Array(end.utf8), in: bytes, from: index + start.utf8.count) else {
                    return nil  // unfinished: the parser says so
                }
                index = close + end.utf8.count
                break
            }
            if index != open { continue }
            let closing = rest.dropFirst().first == UInt8(ascii: "/")
            index += closing ? 2 : 1
            guard let name = qualifiedName(bytes, &index) else {
                return at(index, "expected an element name ('&' and '<' in text must be written &amp; and &lt;)")
            }
            if let problem = name { return at(index, problem) }
            if closing {
                depth -= 1
                continue
            }
            // Attributes, up to the end of the tag; quoted values may hold '>'.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ">") {
                    depth += 1
                    if depth > maximumDepth { return at(open, "elements nest more than \(maximumDepth) levels deep") }
                    break
                } else if byte == UInt8(ascii: "/") {
                    index += 1
                    break
                } else if [32, 9, 10, 13, UInt8(ascii: "=")].contains(byte) {
                    index += 1
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    guard let close = bytes[(index + 1)...].firstIndex(of: byte) else { return nil }
                    index = close + 1
                } else {
                    let start = index
                    guard let name = qualifiedName(bytes, &index), index > start else { return nil }
                    if let problem = name { return at(index, problem) }
                }
            }
        }
        return nil
    }

    /// Reads an XML qualified name at `index`: nil if no name starts there, `.some(problem)` if the
    /// name is not well-formed, `.some(nil)` if it is. `index` ends after the name.
    static func qualifiedName(_ bytes: [UInt8], _ index: inout Int) -> String?? {
        func isStart(_ byte: UInt8) -> Bool {
            byte >= 0x80 || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
                || byte == UInt8(ascii: "_")
        }
        func isName(_ byte: UInt8) -> Bool {
            isStart(byte) || (48...57).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        guard index < bytes.count, isStart(bytes[index]) else { return nil }
        var colons = 0
        var afterColon = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") {
                colons += 1
                afterColon = true
            } else if isName(byte) {
                if afterColon, !isStart(byte) { return .some("a local name after ':' must start with a letter or '_'") }
                afterColon = false
            } else if [32, 9, 10, 13, UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "=")].contains(byte) {
                break
            } else {
                return .some(
                    "a name may hold letters, digits, '-', '.', '_' and one ':', not '\(Unicode.Scalar(byte))'")
            }
            index += 1
        }
        if colons > 1 || afterColon { return .some("a name may hold one ':', between a prefix and a local name") }
        return .some(nil)
    }

    /// Whether the inside of a processing instruction has a target, white space and then data.
    static func hasData(_ inside: ArraySlice<UInt8>) -> Bool {
        guard let space = inside.firstIndex(where: { [32, 9, 10, 13].contains($0) }), space > inside.startIndex
        else { return false }
        return inside[space...].contains { ![32, 9, 10, 13].contains($0) }
    }

    /// The offset of the first occurrence of `needle` in `bytes` at or after `from`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, from < bytes.count else { return nil }
        var index = from
        while let candidate = bytes[index...].firstIndex(of: first) {
            if bytes[candidate...].starts(with: needle) { return candidate }
            index = candidate + 1
        }
        return nil
    }

    /// The `encoding` named in an XML declaration at the start of `bytes`, if it names one.
    static func declaredEncoding(_ bytes: ArraySlice<UInt8>) -> String? {
        guard let end = find(Array("?>".utf8), in: Array(bytes), from: 0) else { return nil }
        let declaration = String(decoding: bytes.prefix(end), as: UTF8.self)
        guard let range = declaration.range(of: "encoding") else { return nil }
        let after = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = after.first, quote == "\"" || quote == "'" else { return nil }
        return String(after.dropFirst().prefix { $0 != quote })
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
