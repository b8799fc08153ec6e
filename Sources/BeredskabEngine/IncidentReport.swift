import BeredskabRules
import BeredskabTime

/// An incident as a housing association or another system reports it (see docs/report.md).
public struct IncidentReport: Sendable, Equatable {
    /// The client's idempotency key.
    public var id: String
    public var reporter: Reporter
    public var occurredAt: Instant
    public var category: Category
    public var severity: IncidentSeverity
    public var location: Location
    public var flags: Set<IncidentFlag>
    public var description: String?
    /// The personal-details tier: only ever shown to authorities (§115).
    public var persons: [InvolvedPerson]
    /// Whether this is an exercise (a drill): it goes through the same guidelines, but every message
    /// says so, and it never meets a real incident in history (docs/report.md, `exercise`).
    public var exercise: Bool = false
    /// For an exercise: only persons notified in one of these roles are alerted; nil for no limit.
    public var onlyRoles: [String]? = nil
    /// For an exercise: only persons of these organisations are alerted; nil for no limit.
    public var onlyOrganisations: [String]? = nil

    /// Who reported.
    public struct Reporter: Sendable, Equatable {
        /// An organisation id from Contacts/.
        public var organisation: String
        public var person: String?
        public var phone: String?

        /// Creates a reporter.
        public init(organisation: String, person: String? = nil, phone: String? = nil) {
            self.organisation = organisation
            self.person = person
            self.phone = phone
        }
    }

    /// Where it happened: at least one of area, address, or coordinates.
    public struct Location: Sendable, Equatable {
        public var area: String?
        public var address: String?
        public var coordinate: Coordinate?

        /// Creates a location; at least one of the three should be given.
        public init(area: String? = nil, address: String? = nil, coordinate: Coordinate? = nil) {
            self.area = area
            self.address = address
            self.coordinate = coordinate
        }
    }

    /// A person involved: personal details.
    public struct InvolvedPerson: Sendable, Equatable {
        public var name: String
        public var age: Int?
        public var involvement: String?
        public var reference: String?

        /// Creates an involved person.
        public init(name: String, age: Int? = nil, involvement: String? = nil, reference: String? = nil) {
            self.name = name
            self.age = age
            self.involvement = involvement
            self.reference = reference
        }
    }

    /// Creates a report.
    public init(
        id: String, reporter: Reporter, occurredAt: Instant, category: Category, severity: IncidentSeverity,
        location: Location, flags: Set<IncidentFlag> = [], description: String? = nil, persons: [InvolvedPerson] = []
    ) {
        self.id = id
        self.reporter = reporter
        self.occurredAt = occurredAt
        self.category = category
        self.severity = severity
        self.location = location
        self.flags = flags
        self.description = description
        self.persons = persons
    }
}

/// One thing wrong with a report, named by its JSON path.
public struct ReportProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// A JSON path such as `$.location.lat`.
    public var path: String
    /// What is wrong.
    public var message: String

    /// Creates a problem.
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `$.location.lat: must be a number from -90 to 90`
    public var description: String { "\(path): \(message)" }
}
