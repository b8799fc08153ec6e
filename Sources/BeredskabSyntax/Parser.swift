/// A hand-written recursive-descent parser for the Beredskab language.
///
/// It reports every syntax error it can find in one pass: after an error it skips to the next
/// statement keyword that starts a line (or the end of the block) and goes on.
public struct Parser {
    var tokens: [Token]
    var position = 0
    /// Problems found while lexing and parsing.
    public internal(set) var diagnostics: Diagnostics

    /// Thrown to abandon a statement after its error has been reported.
    struct Abandon: Error {}

    /// Parses one file of a source set into declarations and diagnostics.
    public static func parse(
        _ source: SourceFile, file: UInt32
    ) -> (declarations: [Declaration], diagnostics: Diagnostics) {
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

    /// Reports "expected …, found …" at the current token and abandons the statement.
    mutating func expected(_ what: String, after context: String) -> Abandon {
        diagnostics.error("expected \(what) after \(context), found \(current.description)", at: current.span)
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

    mutating func name(after context: String) throws -> Name {
        let token = try expect(.identifier, after: context)
        return Name(token.text, token.span)
    }

    mutating func string(after context: String) throws -> Located<String> {
        let token = try expect(.string, after: context)
        return Located(token.text, token.span)
    }

    mutating func duration(after context: String) throws -> Located<Int> {
        if at(.number) {
            diagnostics.error(
                "a duration needs a unit, such as \(Int(current.number))m or \(Int(current.number))h", at: current.span)
            advance()
            throw Abandon()
        }
        let token = try expect(.duration, after: context)
        return Located(Int(token.number), token.span)
    }

    mutating func wholeNumber(after context: String) throws -> Located<Int> {
        let token = try expect(.number, after: context)
        guard token.number == token.number.rounded(), token.number >= 0 else {
            diagnostics.error("expected a whole number after \(context)", at: token.span)
            throw Abandon()
        }
        return Located(Int(token.number), token.span)
    }

    mutating func clock(after context: String) throws -> Located<Int> {
        let token = try expect(.clock, after: context)
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

    /// Skips to the end of the block, or to a token at the start of a line that starts a statement.
    mutating func synchronize(statements: Set<String>) {
        while !at(.endOfFile) && !at(.rightBrace) {
            if current.startsLine, current.kind == .identifier,
                statements.contains(current.text) || looksLikeDeclaration()
            {
                return
            }
            advance()
        }
    }

    /// Whether the current token starts a declaration: a declaration keyword, then an id.
    func looksLikeDeclaration() -> Bool {
        current.kind == .identifier && declarationKeywords.contains(current.text) && current.startsLine
            && peek(1).kind == .identifier
            && (peek(2).kind == .string || peek(2).kind == .leftBrace || current.text == "override")
    }

    // MARK: File

    mutating func parseFile() -> [Declaration] {
        var declarations: [Declaration] = []
        while !at(.endOfFile) {
            let token = current
            guard token.kind == .identifier, declarationKeywords.contains(token.text) else {
                var notes: [Diagnostic.Note] = []
                if token.kind == .identifier, let guess = closest(to: token.text, in: declarationKeywords) {
                    notes.append(.init("did you mean '\(guess)'?"))
                }
                diagnostics.error(
                    "expected a declaration (\(declarationKeywords.joined(separator: ", "))), found \(token.description)",
                    at: token.span, notes: notes)
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
    mutating func block(
        _ what: String, statements: [String],
        _ handle: (inout Parser, Token) throws -> Void
    ) throws {
        let open = try expect(.leftBrace, after: what)
        let keywords = Set(statements)
        while !at(.rightBrace) && !at(.endOfFile) {
            if looksLikeDeclaration() && !keywords.contains(current.text) {
                diagnostics.error(
                    "expected '}' to close \(what) before this \(current.text)", at: current.span,
                    notes: [.init("the block opened here", at: open.span)])
                return
            }
            let token = current
            guard token.kind == .identifier, keywords.contains(token.text) else {
                var notes = [Diagnostic.Note("\(what) takes: \(statements.joined(separator: ", "))")]
                if token.kind == .identifier, let guess = closest(to: token.text, in: statements) {
                    notes.insert(.init("did you mean '\(guess)'?"), at: 0)
                }
                diagnostics.error("unexpected \(token.description) in \(what)", at: token.span, notes: notes)
                advance()
                synchronize(statements: keywords)
                continue
            }
            advance()
            do {
                try handle(&self, token)
            } catch {
                synchronize(statements: keywords)
            }
        }
        if accept(.rightBrace) == nil {
            diagnostics.error(
                "expected '}' to close \(what), found the end of the file", at: current.span,
                notes: [.init("the block opened here", at: open.span)])
        }
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
