/// A lexical token of the Beredskab language.
public struct Token: Sendable {
    /// The kinds of token.
    public enum Kind: Sendable, Equatable {
        case identifier
        case string
        case number
        case duration
        case clock
        case leftBrace, rightBrace, leftBracket, rightBracket, leftParen, rightParen
        case comma, minus
        case endOfFile

        /// How the kind is named in an error message.
        public var description: String {
            switch self {
            case .identifier: "an id"
            case .string: "a string"
            case .number: "a number"
            case .duration: "a duration such as 15m"
            case .clock: "a time such as 08:00"
            case .leftBrace: "'{'"
            case .rightBrace: "'}'"
            case .leftBracket: "'['"
            case .rightBracket: "']'"
            case .leftParen: "'('"
            case .rightParen: "')'"
            case .comma: "','"
            case .minus: "'-'"
            case .endOfFile: "the end of the file"
            }
        }
    }

    /// What kind of token this is.
    public var kind: Kind
    /// Where it was written.
    public var span: Span
    /// The identifier's text or the string's decoded value.
    public var text: String
    /// A number's value, a duration in seconds, or a clock time in minutes after midnight.
    public var number: Double
    /// Whether this is the first token on its line, used to resynchronise after an error.
    public var startsLine: Bool
    /// Whether the lexer already reported this token as malformed; the parser then abandons the
    /// statement without a second error.
    public var malformed = false

    /// How the token is named in an error message: the id itself, or its kind.
    public var description: String {
        switch kind {
        case .identifier: "'\(text)'"
        default: kind.description
        }
    }
}
