import BeredskabEngine
import BeredskabRules
import BeredskabTime

/// What Beredskab tells the outside world about an incident in a CAP alert: the situation only.
/// It has no fields for persons, the reporter's person or phone, or anything else personal.
public struct CAPIncident: Sendable, Equatable {
    /// Whether the incident is still open.
    public enum Status: Sendable, Equatable {
        /// Open: rendered as an Alert.
        case open
        /// Closed or all clear at a time: rendered as a Cancel of the Alert.
        case closed(at: Instant)
    }

    /// The incident's area from the rules.
    public struct Area: Sendable, Equatable {
        /// The area id in Rules/.
        public var id: String
        /// The area's name.
        public var name: String
        /// The area's polygon, if the rules give one (open or closed).
        public var polygon: [Coordinate]

        /// Creates an area.
        public init(id: String, name: String, polygon: [Coordinate] = []) {
            self.id = id
            self.name = name
            self.polygon = polygon
        }
    }

    /// A later word on the incident.
    public struct Update: Sendable, Equatable {
        /// When it was given.
        public var at: Instant
        /// What it says (situation only).
        public var text: String

        /// Creates an update.
        public init(at: Instant, text: String) {
            self.at = at
            self.text = text
        }
    }

    /// The incident id (the report's id).
    public var id: String
    /// This Beredskab's CAP sender id, e.g. `beredskab@kk.dk`.
    public var sender: String
    /// The sender's name for people, e.g. `Københavns Kommune, Beredskab`.
    public var senderName: String
    /// When the Alert was sent: the incident's received time, so the Alert stays the same when fetched again.
    public var sent: Instant
    /// Open, or closed at a time.
    public var status: Status
    /// CAP's `status` of the alert it came from, in lower case (`actual`, `test`, `exercise`,
    /// `system`, `draft`); the export keeps it, so a Test never comes back out as Actual.
    public var capStatus: String = "actual"
    /// What kind of incident.
    public var category: Category
    /// How severe, as last given.
    public var severity: IncidentSeverity
    /// When it happened.
    public var occurredAt: Instant
    /// The area it lies in, if any.
    public var area: Area?
    /// The address as reported.
    public var address: String?
    /// The position as reported (WGS 84), rendered as a `circle` of radius 0.
    public var coordinate: Coordinate?
    /// The yes/no facts.
    public var flags: Set<IncidentFlag>
    /// The situation's free text.
    public var description: String?
    /// Later words on the incident, oldest first.
    public var updates: [Update]

    /// Creates an incident for CAP.
    public init(
        id: String, sender: String, senderName: String = "Beredskab", sent: Instant, status: Status = .open,
        category: Category, severity: IncidentSeverity, occurredAt: Instant, area: Area? = nil, address: String? = nil,
        coordinate: Coordinate? = nil, flags: Set<IncidentFlag> = [], description: String? = nil, updates: [Update] = []
    ) {
        self.id = id
        self.sender = sender
        self.senderName = senderName
        self.sent = sent
        self.status = status
        self.category = category
        self.severity = severity
        self.occurredAt = occurredAt
        self.area = area
        self.address = address
        self.coordinate = coordinate
        self.flags = flags
        self.description = description
        self.updates = updates
    }

    /// The situation of a report, with the area it was placed in (by default its own) looked up in
    /// `rules`; the reporter's person and phone and the persons involved are left behind.
    public init(
        report: IncidentReport, area: String? = nil, rules: RuleSet, sender: String, senderName: String = "Beredskab",
        sent: Instant, status: Status = .open, updates: [Update] = []
    ) {
        var place: Area?
        if let id = area ?? report.location.area, let found = rules.areas[id] {
            place = Area(id: id, name: found.name, polygon: found.polygon)
        }
        self.init(
            id: report.id, sender: sender, senderName: senderName, sent: sent, status: status,
            category: report.category, severity: report.severity, occurredAt: report.occurredAt, area: place,
            address: report.location.address, coordinate: report.location.coordinate, flags: report.flags,
            description: report.description, updates: updates)
    }
}
