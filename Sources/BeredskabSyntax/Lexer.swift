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
        // Skip a UTF-8 byte order mark.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
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
        skipTrivia()
        let first = sawNewline
        sawNewline = false
        var token = lexToken()
        token.startsLine = first
        return token
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

    private mutating func lexToken() -> Token {
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
            if Self.isLetter(byte) { return lexIdentifier() }
            // An unexpected character: report it once (a whole UTF-8 sequence) and skip it.
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            diagnostics.error("unexpected character '\(text)'", at: span(start))
            return lexToken()
        }
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
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isLetter(byte) || Self.isDigit(byte) || byte == UInt8(ascii: "_") {
                index += 1
            } else if byte == UInt8(ascii: "-"), index + 1 < bytes.count,
                Self.isLetter(bytes[index + 1]) || Self.isDigit(bytes[index + 1])
            {
                index += 1
            } else {
                break
            }
        }
        if index < bytes.count, bytes[index] >= 0x80 {
            // Ids are ASCII so they can be typed anywhere; point at the letter that is not.
            let bad = index
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            let letter = String(decoding: bytes[bad..<index], as: UTF8.self)
            diagnostics.error(
                "ids may only use the letters a–z, digits, '-' and '_'; '\(letter)' is not allowed here",
                at: Span(file: file, start: bad, end: index),
                notes: [.init("write æ as ae, ø as oe and å as aa in ids; names in quotes may use any letter")])
            while index < bytes.count, bytes[index] >= 0x80 || Self.isLetter(bytes[index]) || Self.isDigit(bytes[index])
            {
                index += 1
            }
        }
        return make(.identifier, start, text: String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func readDigits() -> Int {
        var value = 0
        while index < bytes.count, Self.isDigit(bytes[index]) {
            value = value &* 10 &+ Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        return value
    }

    private mutating func lexNumeric() -> Token {
        let start = index
        let whole = readDigits()
        // Clock time HH:MM.
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            index += 1
            let minuteStart = index
            let minutes = readDigits()
            if index - minuteStart != 2 || minutes > 59 || whole > 24 || (whole == 24 && minutes != 0) {
                diagnostics.error("invalid time of day; write it as HH:MM from 00:00 to 24:00", at: span(start))
            }
            return make(.clock, start, number: Double(whole * 60 + minutes))
        }
        // Decimal number.
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), Self.isDigit(bytes[index + 1]) {
            index += 1
            _ = readDigits()
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            return make(.number, start, number: Double(text) ?? 0)
        }
        // Duration: number-unit pairs with no spaces, such as 1h30m.
        if index < bytes.count, Self.isLetter(bytes[index]) {
            var seconds = 0
            var amount = whole
            while true {
                let unitStart = index
                while index < bytes.count, Self.isLetter(bytes[index]) { index += 1 }
                let unit = String(decoding: bytes[unitStart..<index], as: UTF8.self)
                guard let factor = Self.unitSeconds[unit] else {
                    diagnostics.error(
                        "unknown unit '\(unit)' in duration; use s, m, min, h, d or w",
                        at: Span(file: file, start: unitStart, end: index))
                    return make(.duration, start, number: Double(seconds))
                }
                seconds += amount * factor
                guard index < bytes.count, Self.isDigit(bytes[index]) else { break }
                amount = readDigits()
                if index >= bytes.count || !Self.isLetter(bytes[index]) {
                    diagnostics.error("a duration's last number needs a unit (s, m, h, d or w)", at: span(start))
                    break
                }
            }
            return make(.duration, start, number: Double(seconds))
        }
        return make(.number, start, number: Double(whole))
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
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                let escape = bytes[index + 1]
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): value.append(escape)
                case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
                default:
                    diagnostics.error(
                        "unknown escape '\\\(Character(Unicode.Scalar(escape)))' in string; use \\\" \\\\ \\n or \\t",
                        at: Span(file: file, start: index, end: index + 2))
                }
                index += 2
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
