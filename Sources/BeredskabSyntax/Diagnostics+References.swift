extension Diagnostics {
    /// Reports a reference to an id that is not declared, suggesting a near miss.
    ///
    /// A suggestion looks at every candidate, so only the first `suggestionLimit` unknown names of a
    /// collection get one: a generated file with thousands of unknown names is still checked in linear time.
    /// The candidates are only evaluated when a suggestion is made.
    public mutating func unknown<Candidates: Sequence<String>>(
        _ kind: String, _ name: Name, among candidates: @autoclosure () -> Candidates
    ) {
        var notes: [Diagnostic.Note] = []
        if let guess = suggestion(for: name.value, among: candidates()) {
            notes.append(.init("did you mean '\(guess)'?"))
        }
        error("unknown \(kind) '\(name.value)'", at: name.span, notes: notes)
    }

    /// The candidate closest to a misspelt word, while this collection has made fewer than
    /// `suggestionLimit` suggestions; nil after that, so thousands of misspellings cost linear time.
    /// The candidates are only evaluated when a suggestion is made.
    public mutating func suggestion<Candidates: Sequence<String>>(
        for word: String, among candidates: @autoclosure () -> Candidates
    ) -> String? {
        guard suggestionsMade < Self.suggestionLimit else { return nil }
        suggestionsMade += 1
        return closest(to: word, in: candidates())
    }

    /// Reports an id declared twice.
    public mutating func duplicate(_ kind: String, _ name: Name, first: Span) {
        error(
            "\(kind) '\(name.value)' is declared more than once", at: name.span,
            notes: [.init("first declared here", at: first)])
    }
}

/// Declarations of one kind by id, reporting duplicates as they are added.
public struct SymbolTable<Value> {
    /// The declarations by id.
    public private(set) var byID: [String: Value] = [:]
    /// Ids in declaration order.
    public private(set) var order: [String] = []
    private var spans: [String: Span] = [:]
    private let kind: String

    /// Creates an empty table for declarations named `kind` in messages.
    public init(kind: String) {
        self.kind = kind
    }

    /// Adds a declaration; a duplicate is reported and dropped.
    public mutating func add(_ id: Name, _ value: Value, diagnostics: inout Diagnostics) {
        if let first = spans[id.value] {
            diagnostics.duplicate(kind, id, first: first)
            return
        }
        spans[id.value] = id.span
        byID[id.value] = value
        order.append(id.value)
    }
}
