import BeredskabEngine

/// Why a CAP message was refused, with every problem found in it.
public struct CAPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether the text was not XML at all or was XML but not an alert Beredskab can take.
    public enum Kind: String, Sendable, Equatable {
        /// Not well-formed XML (HTTP 400); `line` and `column` say where it stopped making sense.
        case malformed
        /// Well-formed XML, but not valid CAP 1.2 or not mappable to a report (HTTP 422).
        case invalid
    }

    /// Whether the XML was malformed or the alert invalid.
    public var kind: Kind
    /// One sentence for a person.
    public var message: String
    /// Each problem, its path an XPath into the XML such as `/alert/info[1]/severity`.
    public var problems: [ReportProblem]
    /// For malformed XML: the 1-based line where parsing stopped.
    public var line: Int?
    /// For malformed XML: the 1-based column where parsing stopped.
    public var column: Int?

    /// Creates the refusal.
    public init(kind: Kind, message: String, problems: [ReportProblem], line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.problems = problems
        self.line = line
        self.column = column
    }

    /// The message, then one problem a line.
    public var description: String {
        ([message] + problems.map(\.description)).joined(separator: "\n")
    }
}
