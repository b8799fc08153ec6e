/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable, Codable {
    case warning
    case error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs == .warning && rhs == .error
    }
}

/// A problem found in a source file, with where it is and optional notes.
public struct Diagnostic: Sendable {
    /// Error or warning.
    public var severity: Severity
    /// What is wrong, in one sentence.
    public var message: String
    /// Where it is.
    public var span: Span
    /// Further remarks, each optionally pointing somewhere else.
    public var notes: [Note]

    /// A remark attached to a diagnostic.
    public struct Note: Sendable {
        /// The remark.
        public var message: String
        /// Where it points, if anywhere.
        public var span: Span?

        /// Creates a note.
        public init(_ message: String, at span: Span? = nil) {
            self.message = message
            self.span = span
        }
    }

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ message: String, at span: Span, notes: [Note] = []) {
        self.severity = severity
        self.message = message
        self.span = span
        self.notes = notes
    }

    /// An error.
    public static func error(_ message: String, at span: Span, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, message, at: span, notes: notes)
    }

    /// A warning.
    public static func warning(_ message: String, at span: Span, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: span, notes: notes)
    }
}

/// Collects diagnostics while parsing and checking.
public struct Diagnostics: Sendable {
    /// Everything reported, in order.
    public private(set) var all: [Diagnostic] = []
    /// How many "did you mean" suggestions `unknown(_:_:among:)` has computed so far.
    var suggestionsMade = 0
    /// The most "did you mean" suggestions one collection computes (each compares a name with every candidate).
    public static let suggestionLimit = 50

    /// Creates an empty collection.
    public init() {}

    /// Reports a diagnostic.
    public mutating func report(_ diagnostic: Diagnostic) {
        all.append(diagnostic)
    }

    /// Reports an error.
    public mutating func error(_ message: String, at span: Span, notes: [Diagnostic.Note] = []) {
        all.append(.error(message, at: span, notes: notes))
    }

    /// Reports a warning.
    public mutating func warning(_ message: String, at span: Span, notes: [Diagnostic.Note] = []) {
        all.append(.warning(message, at: span, notes: notes))
    }

    /// Appends everything from another collection.
    public mutating func append(contentsOf other: Diagnostics) {
        all.append(contentsOf: other.all)
        suggestionsMade += other.suggestionsMade
    }

    /// The number of errors.
    public var errorCount: Int { all.reduce(0) { $0 + ($1.severity == .error ? 1 : 0) } }
    /// The number of warnings.
    public var warningCount: Int { all.reduce(0) { $0 + ($1.severity == .warning ? 1 : 0) } }
}
