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

    /// The most bytes of a line an excerpt shows; a longer line is shown as a window around the span.
    static let excerptLimit = 240

    /// The source line of a span with a caret under its start and tildes under the rest of it.
    ///
    /// Works on byte offsets, so invalid UTF-8 (shown as U+FFFD) cannot move the caret past the line; a
    /// line longer than `excerptLimit` bytes is cut to a window around the span, marked with `…`.
    static func excerpt(_ span: Span, in sources: SourceSet) -> String {
        let file = sources[span]
        let bytes = file.bytes
        let offset = min(Int(span.start), bytes.count)
        let line = file.line(of: offset)
        let lineStart = file.lineStarts[line - 1]
        var lineEnd = line < file.lineStarts.count ? file.lineStarts[line] - 1 : bytes.count
        if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        lineEnd = max(lineStart, lineEnd)
        // Move an offset forward to the start of a character, so a window never splits one.
        func boundary(_ index: Int) -> Int {
            var index = min(index, lineEnd)
            while index < lineEnd, bytes[index] & 0xC0 == 0x80 { index += 1 }
            return index
        }
        var shownStart = lineStart
        if offset - lineStart > excerptLimit / 2 { shownStart = boundary(offset - excerptLimit / 2) }
        let shownEnd = lineEnd - shownStart > excerptLimit ? boundary(shownStart + excerptLimit) : lineEnd
        let start = min(max(offset, shownStart), shownEnd)
        // Control characters would garble the terminal; show them as U+FFFD, keeping tabs for alignment.
        let visible = String(decoding: bytes[shownStart..<shownEnd], as: UTF8.self).map {
            $0.isASCII && $0.asciiValue! < 0x20 && $0 != "\t" ? "\u{FFFD}" : $0
        }
        let text = (shownStart > lineStart ? "…" : "") + String(visible) + (shownEnd < lineEnd ? "…" : "")
        let prefix = (shownStart > lineStart ? " " : "") + String(decoding: bytes[shownStart..<start], as: UTF8.self)
        let spanEnd = min(max(Int(span.end), start), shownEnd)
        let width = spanEnd > start ? String(decoding: bytes[start..<spanEnd], as: UTF8.self).count : 1
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        // Keep tabs in the indentation so the caret lines up in any terminal.
        let indent = String(prefix.map { $0 == "\t" ? "\t" : " " })
        let marker = "^" + String(repeating: "~", count: max(0, width - 1))
        return " \(gutter) | \(text)\n \(pad) | \(indent)\(marker)\n"
    }
}
