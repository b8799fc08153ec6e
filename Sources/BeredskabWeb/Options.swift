/// An area to choose in a form: its id and its name.
public struct AreaOption: Sendable, Equatable {
    /// The area's id.
    public var id: String
    /// The area's name.
    public var name: String

    /// Creates an option.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// An institution to choose in the closure form: id, name, and whether it is vital (samfundsvigtig).
public struct InstitutionOption: Sendable, Equatable {
    /// The institution's id.
    public var id: String
    /// The institution's name.
    public var name: String
    /// Whether it is vital (samfundsvigtig); the option says so.
    public var vital: Bool

    /// Creates an option.
    public init(id: String, name: String, vital: Bool) {
        self.id = id
        self.name = name
        self.vital = vital
    }
}
