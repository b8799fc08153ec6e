extension Diagnostic {
    /// A resolved position: path, 1-based line and column.
    public struct Position: Sendable, Equatable {
        /// The file's path.
        public var path: String
        /// 1-based line.
        public var line: Int
        /// 1-based column, in characters.
        public var column: Int
    }

    /// Where the diagnostic starts.
    public func position(in sources: SourceSet) -> Position {
        Self.position(of: span, in: sources)
    }

    static func position(of span: Span, in sources: SourceSet) -> Position {
        let file = sources[span]
        let offset = Int(span.start)
        return Position(path: file.path, line: file.line(of: offset), column: file.column(of: offset))
    }

    /// Renders compiler style: `path:line:column: error: message`, the source line, and a caret.
    public func rendered(in sources: SourceSet) -> String {
        var out = ""
        let pos = position(in: sources)
        out += "\(pos.path):\(pos.line):\(pos.column): \(severity.rawValue): \(message)\n"
        out += Self.excerpt(span, in: sources)
        for note in notes {
            if let span = note.span {
                let notePos = Self.position(of: span, in: sources)
                out += "\(notePos.path):\(notePos.line):\(notePos.column): note: \(note.message)\n"
                out += Self.excerpt(span, in: sources)
            } else {
                out += "note: \(note.message)\n"
            }
        }
        return out
    }

    /// The source line of a span with a caret under its start and tildes under the rest of it.
    static func excerpt(_ span: Span, in sources: SourceSet) -> String {
        let file = sources[span]
        let offset = Int(span.start)
        let line = file.line(of: offset)
        // Control characters would garble the terminal; show them as U+FFFD, keeping tabs for alignment.
        let text = String(
            file.lineText(line).map { $0.isASCII && $0.asciiValue! < 0x20 && $0 != "\t" ? "\u{FFFD}" : $0 })
        let lineStart = file.lineStarts[line - 1]
        let prefix = String(decoding: file.bytes[lineStart..<min(offset, file.bytes.count)], as: UTF8.self)
        let lineEnd = lineStart + text.utf8.count
        let spanEnd = min(Int(span.end), lineEnd)
        let width =
            spanEnd > offset
            ? String(decoding: file.bytes[offset..<spanEnd], as: UTF8.self).count : 1
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        // Keep tabs in the indentation so the caret lines up in any terminal.
        let indent = String(prefix.map { $0 == "\t" ? "\t" : " " })
        let marker = "^" + String(repeating: "~", count: max(0, width - 1))
        return " \(gutter) | \(text)\n \(pad) | \(indent)\(marker)\n"
    }
}
