/// Words of the language that can never be ids.
let reservedWords: Set<String> = [
    "and", "or", "not", "after", "with", "if", "within", "for", "in", "of", "repeat", "to", "from", "because",
]

/// A hand-written recursive-descent parser for the Beredskab language.
///
/// It reports every syntax error it can find in one pass: after an error it skips to the next word
/// that starts a line (or the end of the block) and goes on.
public struct Parser {
    var tokens: [Token]
    var position = 0
    /// How deeply conditions nest, to refuse input that would exhaust the stack.
    var depth = 0
    static let maximumDepth = 100
    /// The statement keywords of the block being parsed.
    var statementKeywords: Set<String> = []
    /// Problems found while lexing and parsing.
    public internal(set) var diagnostics: Diagnostics

    /// Thrown to abandon a statement after its error has been reported.
    struct Abandon: Error {}

    /// Parses one file of a source set into declarations and diagnostics.
    public static func parse(
        _ source: SourceFile, file: UInt32
    ) -> (declarations: [Declaration], diagnostics: Diagnostics) {
        if let bad = source.firstInvalidUTF8Offset {
            var diagnostics = Diagnostics()
            let utf16 = source.bytes.starts(with: [0xFF, 0xFE]) || source.bytes.starts(with: [0xFE, 0xFF])
            let byte = String(source.bytes[bad], radix: 16, uppercase: true)
            diagnostics.error(
                utf16
                    ? "this file is UTF-16; save it as UTF-8"
                    : "this file is not UTF-8 (byte 0x\(byte) at offset \(bad)); save it as UTF-8",
                at: Span(file: file, start: utf16 ? 0 : bad, end: utf16 ? 0 : bad + 1),
                notes: utf16 ? [] : [.init("Danish letters saved as Latin-1 or Windows-1252 cannot be read as UTF-8")])
            return ([], diagnostics)
        }
        var lexer = Lexer(source, file: file)
        let tokens = lexer.tokenize()
        var parser = Parser(tokens: tokens, diagnostics: lexer.diagnostics)
        let declarations = parser.parseFile()
        return (declarations, parser.diagnostics)
    }

    init(tokens: [Token], diagnostics: Diagnostics) {
        self.tokens = tokens
        self.diagnostics = diagnostics
    }

    // MARK: Tokens

    var current: Token { tokens[position] }
    var previous: Token { tokens[max(0, position - 1)] }

    func peek(_ offset: Int = 0) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if token.kind != .endOfFile { position += 1 }
        return token
    }

    func at(_ kind: Token.Kind) -> Bool { current.kind == kind }

    func atKeyword(_ word: String) -> Bool { current.kind == .identifier && current.text == word }

    mutating func accept(_ kind: Token.Kind) -> Token? {
        at(kind) ? advance() : nil
    }

    mutating func acceptKeyword(_ word: String) -> Token? {
        atKeyword(word) ? advance() : nil
    }

    /// The keyword of an optional clause, taken only on the line the statement has reached so far.
    ///
    /// A statement ends at the end of its line, so a word starting the next line is never read as an
    /// optional part of the statement before it (a task's `escalate to … if overdue` must not swallow
    /// the `escalate` statement on the next line). See "Lexical rules" in docs/language.md.
    mutating func acceptClause(_ word: String) -> Token? {
        current.startsLine ? nil : acceptKeyword(word)
    }

    /// Reports "expected …, found …" and abandons the statement.
    ///
    /// When the token found starts a new line, the error points just after the previous token: at the
    /// end of the line where something is missing. A token the lexer already reported is not reported again.
    mutating func expected(_ what: String, after context: String) -> Abandon {
        if current.malformed { return Abandon() }
        var at = current.span
        if current.startsLine, position > 0 {
            at = Span(file: previous.span.file, start: Int(previous.span.end), end: Int(previous.span.end))
        }
        diagnostics.error("expected \(what) after \(context), found \(current.description)", at: at)
        return Abandon()
    }

    mutating func expect(_ kind: Token.Kind, after context: String) throws -> Token {
        if let token = accept(kind) { return token }
        throw expected(kind.description, after: context)
    }

    mutating func expectKeyword(_ word: String, after context: String) throws -> Token {
        if let token = acceptKeyword(word) { return token }
        throw expected("'\(word)'", after: context)
    }

    /// An id. A reserved word, or a statement keyword starting the next line, is never taken for one.
    mutating func name(after context: String, expecting what: String = "an id") throws -> Name {
        guard at(.identifier), !reservedWords.contains(current.text),
            !(current.startsLine && statementKeywords.contains(current.text))
        else { throw expected(what, after: context) }
        let token = advance()
        return Name(token.text, token.span)
    }

    mutating func string(after context: String) throws -> Located<String> {
        let token = try expect(.string, after: context)
        return Located(token.text, token.span)
    }

    mutating func duration(after context: String) throws -> Located<Int> {
        if at(.number) {
            let whole = current.number == current.number.rounded() && current.number < 1e6
            let example = whole ? String(Int(current.number)) : "15"
            diagnostics.error("a duration needs a unit, such as \(example)m or \(example)h", at: current.span)
            advance()
            throw Abandon()
        }
        let token = try expect(.duration, after: context)
        if token.malformed { throw Abandon() }
        return Located(Int(token.number), token.span)
    }

    mutating func wholeNumber(after context: String) throws -> Located<Int> {
        let token = try expect(.number, after: context)
        guard token.number == token.number.rounded(), token.number >= 0, token.number <= 1_000_000 else {
            diagnostics.error("expected a whole number from 0 to 1000000 after \(context)", at: token.span)
            throw Abandon()
        }
        return Located(Int(token.number), token.span)
    }

    mutating func clock(after context: String) throws -> Located<Int> {
        let token = try expect(.clock, after: context)
        if token.malformed { throw Abandon() }
        return Located(Int(token.number), token.span)
    }

    mutating func signedNumber(after context: String) throws -> Located<Double> {
        let minus = accept(.minus)
        let token = try expect(.number, after: minus == nil ? context : "'-'")
        let span = (minus?.span ?? token.span).through(token.span)
        return Located(minus == nil ? token.number : -token.number, span)
    }

    /// `a, b, c` or `[a, b, c]`.
    mutating func nameList(after context: String) throws -> [Name] {
        if let open = accept(.leftBracket) {
            var names: [Name] = []
            if at(.rightBracket) {
                diagnostics.error("the list after \(context) is empty", at: open.span.through(current.span))
                advance()
                throw Abandon()
            }
            repeat {
                names.append(try name(after: names.isEmpty ? "'['" : "','"))
            } while accept(.comma) != nil
            _ = try expect(.rightBracket, after: "the list")
            return names
        }
        var names = [try name(after: context)]
        while accept(.comma) != nil {
            names.append(try name(after: "','"))
        }
        return names
    }

    // MARK: Recovery

    /// Skips to the end of the block, or to the next word starting a line (bar `and`, `or`, `not`,
    /// which continue a condition), so that each line's mistake is reported.
    mutating func synchronize(statements: Set<String>) {
        while !at(.endOfFile) && !at(.rightBrace) {
            if current.startsLine, current.kind == .identifier, !["and", "or", "not"].contains(current.text) {
                return
            }
            advance()
        }
    }

    /// Whether the current token starts a declaration: a declaration keyword, then an id.
    /// `holidays {` has no id; `holidays` on a window's line is no declaration.
    func looksLikeDeclaration() -> Bool {
        if current.kind == .identifier, current.text == "holidays" {
            return current.startsLine && peek(1).kind == .leftBrace
        }
        return current.kind == .identifier && declarationKeywords.contains(current.text) && current.startsLine
            && peek(1).kind == .identifier
            && (peek(2).kind == .string || peek(2).kind == .leftBrace || current.text == "override")
    }

    // MARK: File

    mutating func parseFile() -> [Declaration] {
        var declarations: [Declaration] = []
        while !at(.endOfFile) {
            let token = current
            if token.kind == .rightBrace {
                diagnostics.error("unmatched '}'", at: token.span)
                advance()
                continue
            }
            guard token.kind == .identifier, declarationKeywords.contains(token.text) else {
                var notes: [Diagnostic.Note] = []
                if token.kind == .identifier, let guess = closest(to: token.text, in: declarationKeywords) {
                    notes.append(.init("did you mean '\(guess)'?"))
                }
                if !token.malformed {
                    let expected = declarationKeywords.joined(separator: ", ")
                    diagnostics.error(
                        "expected a declaration (\(expected)), found \(token.description)", at: token.span, notes: notes
                    )
                }
                advance()
                skipToDeclaration()
                continue
            }
            advance()
            do {
                declarations.append(try parseDeclaration(token))
            } catch {
                skipToDeclaration()
            }
        }
        return declarations
    }

    mutating func skipToDeclaration() {
        var depth = 0
        while !at(.endOfFile) {
            if depth <= 0, current.startsLine, current.kind == .identifier, declarationKeywords.contains(current.text) {
                return
            }
            if at(.leftBrace) { depth += 1 }
            if at(.rightBrace) { depth -= 1 }
            advance()
        }
    }

    mutating func parseDeclaration(_ keyword: Token) throws -> Declaration {
        switch keyword.text {
        case "area": .area(try parseArea())
        case "role": .role(try parseRole())
        case "window": .window(try parseWindow(keyword))
        case "guideline": .guideline(try parseGuideline())
        case "organisation": .organisation(try parseOrganisation())
        case "person": .person(try parsePerson())
        case "rota": .rota(try parseRota())
        case "override": .override(try parseOverride(keyword))
        case "holidays": .holidays(try parseHolidays(keyword))
        default: .institution(try parseInstitution())
        }
    }

    /// `id "Title"?` after a declaration keyword.
    mutating func header(_ kind: String) throws -> (Name, Located<String>?) {
        let id = try name(after: "'\(kind)'")
        let title = accept(.string).map { Located($0.text, $0.span) }
        return (id, title)
    }

    /// Parses `{ statements }`, handing each statement keyword to `handle`.
    ///
    /// Returns whether any statement in it had a syntax error, so that checks for a missing statement
    /// stay quiet about one that is there but broken.
    mutating func block(
        _ what: String, statements: [String],
        _ handle: (inout Parser, Token) throws -> Void
    ) throws -> Bool {
        let open = try expect(.leftBrace, after: what)
        let keywords = Set(statements)
        let outer = statementKeywords
        statementKeywords = keywords
        defer { statementKeywords = outer }
        var broken = false
        while !at(.rightBrace) && !at(.endOfFile) {
            // `organisation x "Name" {` starts a declaration even inside a person, whose statement
            // `organisation x` is never followed by a string or a brace.
            if looksLikeDeclaration() {
                diagnostics.error(
                    "expected '}' to close \(what) before this \(current.text)", at: current.span,
                    notes: [.init("the block opened here", at: open.span)])
                return true
            }
            let token = current
            guard token.kind == .identifier, keywords.contains(token.text) else {
                broken = true
                var notes = [Diagnostic.Note("\(what) takes: \(statements.joined(separator: ", "))")]
                if token.kind == .identifier, let guess = closest(to: token.text, in: statements) {
                    notes.insert(.init("did you mean '\(guess)'?"), at: 0)
                }
                if token.malformed {
                    // The lexer has said what is wrong with it.
                } else if token.kind == .identifier {
                    diagnostics.error("unknown statement '\(token.text)' in \(what)", at: token.span, notes: notes)
                } else {
                    diagnostics.error(
                        "expected a statement in \(what), found \(token.description)", at: token.span, notes: notes)
                }
                advance()
                synchronize(statements: keywords)
                continue
            }
            advance()
            do {
                try handle(&self, token)
            } catch {
                broken = true
                synchronize(statements: keywords)
            }
        }
        if accept(.rightBrace) == nil {
            diagnostics.error(
                "expected '}' to close \(what), found the end of the file", at: current.span,
                notes: [.init("the block opened here", at: open.span)])
            return true
        }
        return broken
    }

    /// Records a statement that may appear only once; reports a repeat and returns false for it.
    mutating func single(_ keyword: Token, _ seen: inout [String: Span], in what: String) -> Bool {
        if let first = seen[keyword.text] {
            diagnostics.error(
                "'\(keyword.text)' is given twice in \(what)", at: keyword.span,
                notes: [.init("first given here", at: first)])
            return false
        }
        seen[keyword.text] = keyword.span
        return true
    }
}
