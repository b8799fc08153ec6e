/// The kinds of incident a report may name.
public enum Category: String, CaseIterable, Sendable, Codable {
    case shooting, weapons, gang, unrest, vandalism, violence, threat, burglary, theft, drugs
    case harassment, discrimination, fire, release, insecurity, other
}

/// How severe an incident is, in increasing order.
public enum IncidentSeverity: String, CaseIterable, Sendable, Codable, Comparable {
    case minor, moderate, severe, extreme

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The yes/no facts a report may flag.
public enum IncidentFlag: String, CaseIterable, Sendable, Codable {
    case injured, weapons, minors
}

/// What kind of organisation someone belongs to; only `authority` may receive personal details (§115).
public enum OrganisationKind: String, CaseIterable, Sendable, Codable {
    case authority
    case emergencyService = "emergency-service"
    case housingAssociation = "housing-association"
    case masterPlan = "master-plan"
    case volunteer
    case privateSchool = "private-school"
    case other

    /// Whether persons of this kind of organisation may receive personal details under §115.
    public var isAuthority: Bool { self == .authority }
}

/// The kinds of institution that may close during unrest.
public enum InstitutionKind: String, CaseIterable, Sendable, Codable {
    case school
    case privateSchool = "private-school"
    case afterSchoolCentre = "after-school-centre"
    case youthClub = "youth-club"
    case daycare
    case jobcentre
    case activityCentre = "activity-centre"
    case citizenService = "citizen-service"
}

/// How urgent a guideline is; roles of critical guidelines are checked for rota gaps.
public enum Priority: String, CaseIterable, Sendable, Codable, Comparable {
    case low, normal, high, critical

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The languages messages are written in; Danish is the default.
public enum Language: String, CaseIterable, Sendable, Codable {
    case da, en
}

/// How much of an incident a recipient is told.
public enum ContentTier: String, Sendable, Codable {
    /// What, where, when, which institutions and tasks: for everyone.
    case situation
    /// The situation plus personal details: only for authorities (§115).
    case personal
}

/// The placeholders a message may use.
public let messagePlaceholders = [
    "title", "area", "address", "coordinates", "map", "geo", "category", "severity", "date", "time", "description",
    "reporter", "link",
]
