/// Turns the bytes of a source file into tokens, reporting malformed ones and going on.
public struct Lexer {
    private let bytes: [UInt8]
    private let file: UInt32
    private var index = 0
    private var sawNewline = true
    /// Problems found while lexing.
    public private(set) var diagnostics = Diagnostics()

    /// Creates a lexer over a file registered at `file` in its source set.
    public init(_ source: SourceFile, file: UInt32) {
        self.bytes = source.bytes
        self.file = file
    }

    /// Lexes the whole file; the last token is always `.endOfFile`.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 5)
        while true {
            let token = next()
            tokens.append(token)
            if token.kind == .endOfFile { return tokens }
        }
    }

    private func span(_ start: Int) -> Span { Span(file: file, start: start, end: index) }

    private func make(_ kind: Token.Kind, _ start: Int, text: String = "", number: Double = 0) -> Token {
        Token(kind: kind, span: span(start), text: text, number: number, startsLine: false)
    }

    private mutating func next() -> Token {
        while true {
            skipTrivia()
            let first = sawNewline
            if var token = lexToken() {
                sawNewline = false
                token.startsLine = first
                return token
            }
        }
    }

    private mutating func skipTrivia() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "\n"):
                sawNewline = true
                index += 1
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            default:
                return
            }
        }
    }

    /// The next token, or nil after skipping (and reporting) a character that starts none.
    private mutating func lexToken() -> Token? {
        let start = index
        guard index < bytes.count else { return make(.endOfFile, start) }
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "{"): index += 1; return make(.leftBrace, start)
        case UInt8(ascii: "}"): index += 1; return make(.rightBrace, start)
        case UInt8(ascii: "["): index += 1; return make(.leftBracket, start)
        case UInt8(ascii: "]"): index += 1; return make(.rightBracket, start)
        case UInt8(ascii: "("): index += 1; return make(.leftParen, start)
        case UInt8(ascii: ")"): index += 1; return make(.rightParen, start)
        case UInt8(ascii: ","): index += 1; return make(.comma, start)
        case UInt8(ascii: "-"): index += 1; return make(.minus, start)
        case UInt8(ascii: "\""): return lexString()
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return lexNumeric()
        default:
            if Self.isLetter(byte) || (byte >= 0x80 && character(at: index).isLetter) { return lexIdentifier() }
            // An unexpected character: report it once (a whole UTF-8 sequence) and skip it.
            // Report a run of such characters once.
            let character = character(at: index)
            index += max(1, String(character).utf8.count)
            while index < bytes.count, startsNoToken(index) {
                index += max(1, String(self.character(at: index)).utf8.count)
            }
            let shown =
                character.isASCII && character.asciiValue! < 0x20
                ? "U+" + String(character.asciiValue!, radix: 16, uppercase: true) : "'\(character)'"
            let more = index - start > String(character).utf8.count ? " (and the characters after it)" : ""
            diagnostics.error("unexpected character \(shown)\(more)", at: span(start))
            return nil
        }
    }

    /// Whether the character at an offset can start no token and is not white space or a comment.
    private func startsNoToken(_ offset: Int) -> Bool {
        let byte = bytes[offset]
        if byte >= 0x80 { return !character(at: offset).isLetter }
        return !(Self.isLetter(byte) || Self.isDigit(byte) || Self.tokenStarts.contains(byte))
    }

    static let tokenStarts = Set(" \t\r\n#{}[](),-\"".utf8)

    /// The character starting at a byte offset.
    private func character(at offset: Int) -> Character {
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self).first ?? "\u{FFFD}"
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func lexIdentifier() -> Token {
        let start = index
        var firstNonASCII: Int?
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isLetter(byte) || Self.isDigit(byte) || byte == UInt8(ascii: "_") {
                index += 1
            } else if byte >= 0x80 {
                // Read the whole word so one mistake gives one error, not a trail of them.
                if firstNonASCII == nil { firstNonASCII = index }
                index += 1
            } else if byte == UInt8(ascii: "-"), index + 1 < bytes.count,
                Self.isLetter(bytes[index + 1]) || Self.isDigit(bytes[index + 1]) || bytes[index + 1] >= 0x80
            {
                index += 1
            } else {
                break
            }
        }
        var token = make(.identifier, start, text: String(decoding: bytes[start..<index], as: UTF8.self))
        if let bad = firstNonASCII {
            let letter = character(at: bad)
            diagnostics.error(
                "ids may only use ASCII letters, digits, '-' and '_'; '\(letter)' is not allowed here",
                at: Span(file: file, start: bad, end: bad + String(letter).utf8.count),
                notes: [.init("write æ as ae, ø as oe and å as aa in ids; names in quotes may use any letter")])
            token.malformed = true
        }
        return token
    }

    /// The value of the digits here, held at `digitsCap` so that what is computed from it (a clock's
    /// minutes, a duration's seconds) cannot overflow however many digits a typo has.
    private mutating func readDigits() -> Int {
        var value = 0
        while index < bytes.count, Self.isDigit(bytes[index]) {
            value = min(value * 10 + Int(bytes[index] - UInt8(ascii: "0")), Self.digitsCap)
            index += 1
        }
        return value
    }

    /// Far above any number the language takes, far below where arithmetic on it could overflow.
    static let digitsCap = 1_000_000_000_000

    /// The longest duration accepted: 100 years.
    static let maximumSeconds = 100 * 366 * 86_400

    private mutating func lexNumeric() -> Token {
        let start = index
        let whole = readDigits()
        // Clock time HH:MM.
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            index += 1
            let minuteStart = index
            let minutes = readDigits()
            var token = make(.clock, start, number: Double(whole * 60 + minutes))
            if minuteStart - start != 3 || index - minuteStart != 2 || minutes > 59 || whole > 24
                || (whole == 24 && minutes != 0)
            {
                diagnostics.error("invalid time of day; write it as HH:MM from 00:00 to 24:00", at: span(start))
                token.malformed = true
                token.number = 0
            }
            return token
        }
        // Decimal number.
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), Self.isDigit(bytes[index + 1]) {
            index += 1
            _ = readDigits()
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            return make(.number, start, number: Double(text) ?? 0)
        }
        guard index < bytes.count, Self.isLetter(bytes[index]) else {
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            return make(.number, start, number: Double(text) ?? 0)
        }
        // Duration: number-unit pairs with no spaces, such as 1h30m.
        var seconds = 0
        var amount = Double(String(decoding: bytes[start..<index], as: UTF8.self)) ?? 0
        var problem: (String, Span)?
        while true {
            let unitStart = index
            while index < bytes.count, Self.isLetter(bytes[index]) { index += 1 }
            let unit = String(decoding: bytes[unitStart..<index], as: UTF8.self)
            if let factor = Self.unitSeconds[unit] {
                let added = amount * Double(factor)
                if added > Double(Self.maximumSeconds) || seconds + Int(added) > Self.maximumSeconds {
                    problem = problem ?? ("this duration is too long; the longest is 100 years", span(start))
                } else {
                    seconds += Int(added)
                }
            } else {
                problem =
                    problem
                    ?? (
                        "unknown unit '\(unit)' in duration; use s, m, min, h, d or w",
                        Span(file: file, start: unitStart, end: index)
                    )
            }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { break }
            let amountStart = index
            _ = readDigits()
            amount = Double(String(decoding: bytes[amountStart..<index], as: UTF8.self)) ?? 0
            if index >= bytes.count || !Self.isLetter(bytes[index]) {
                problem = problem ?? ("a duration's last number needs a unit: s, m, min, h, d or w", span(start))
                break
            }
        }
        var token = make(.duration, start, number: Double(seconds))
        if let (message, at) = problem {
            diagnostics.error(message, at: at)
            token.malformed = true
        }
        return token
    }

    static let unitSeconds: [String: Int] = [
        "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400, "w": 604_800,
    ]

    private mutating func lexString() -> Token {
        let start = index
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return make(.string, start, text: String(decoding: value, as: UTF8.self))
            }
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "\n") {
                let escape = bytes[index + 1]
                var length = 2
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): value.append(escape)
                case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
                default:
                    let escaped = character(at: index + 1)
                    length = 1 + String(escaped).utf8.count
                    diagnostics.error(
                        "unknown escape '\\\(escaped)' in string; use \\\" \\\\ \\n or \\t",
                        at: Span(file: file, start: index, end: index + length))
                }
                index += length
                continue
            }
            value.append(byte)
            index += 1
        }
        diagnostics.error(
            "unterminated string; close it with '\"' on the same line",
            at: Span(file: file, start: start, end: start + 1))
        return make(.string, start, text: String(decoding: value, as: UTF8.self))
    }
}
