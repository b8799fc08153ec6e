import BeredskabRules
import BeredskabSyntax
import BeredskabTime

/// An organisation taking part in crisis work.
public struct Organisation: Sendable {
    public var id: Name
    public var name: String
    public var kind: OrganisationKind

    /// Whether its persons may receive personal details (§115).
    public var isAuthority: Bool { kind.isAuthority }
}

/// How a notification can reach a person.
public enum ChannelKind: String, Sendable, Codable {
    case email, sms, webhook
}

/// One way to reach a person.
public struct Channel: Sendable {
    public var kind: ChannelKind
    public var address: String
}

/// A key person: who they are, how to reach them, what roles they hold.
public struct Person: Sendable {
    public var id: Name
    public var name: String
    public var organisation: Name
    /// In order of preference.
    public var channels: [Channel]
    public var language: Language
    public var roles: [Name]
    /// One of the organisation's key persons, told by `notify reporter`.
    public var keyPerson: Bool
}

/// When a rota passes to its next member.
public enum Handover: Sendable, Equatable {
    /// Every week on this day at this many minutes after midnight.
    case weekly(Weekday, Int)
    /// Every day at this many minutes after midnight.
    case daily(Int)
}

/// An on-call rota for a role.
public struct Rota: Sendable {
    public var id: Name
    public var name: String
    public var role: Name
    /// Members in turn order.
    public var members: [Name]
    /// Nil for a single member.
    public var handover: Handover?
    /// When the rota is on call.
    public var coverage: TimeWindow
    /// The first member is on duty from the first handover on or after this.
    public var starting: LocalDateTime
}

/// One person covering for another for a period.
public struct Override: Sendable {
    public var substitute: Name
    public var absent: Name
    public var from: LocalDateTime
    public var to: LocalDateTime
    public var reason: String?
    public var span: Span
}

/// An institution that may close during unrest.
public struct Institution: Sendable {
    public var id: Name
    public var name: String
    public var kind: InstitutionKind
    /// The owning organisation.
    public var administration: Name
    public var area: Name
    /// Samfundsvigtig.
    public var vital: Bool
    public var leader: Name?
}

/// The checked roster: organisations, persons, rotas, overrides and institutions.
public struct Roster: Sendable {
    public var organisations: [String: Organisation] = [:]
    public var persons: [String: Person] = [:]
    /// Person ids in declaration order.
    public var personOrder: [String] = []
    public var rotas: [Rota] = []
    public var overrides: [Override] = []
    public var institutions: [String: Institution] = [:]
    /// For each role, the persons who hold it (directly or as rota members), in declaration order.
    public var holders: [String: [String]] = [:]
    /// For each role, the indices of its rotas.
    public var rotasByRole: [String: [Int]] = [:]

    /// Creates an empty roster.
    public init() {}

    /// The weekly times someone is on call for a role in an ordinary week (no holidays, no dates):
    /// always if it has holders and no rota, else its rotas' weekly coverage.
    public func weeklyCoverage(of role: String) -> WeeklyWindow {
        guard let rotas = rotasByRole[role], !rotas.isEmpty else {
            return holders[role, default: []].isEmpty ? .never : .always
        }
        return rotas.reduce(WeeklyWindow.never) { coverage, index in
            self.rotas[index].members.isEmpty ? coverage : coverage.union(self.rotas[index].coverage.weekly)
        }
    }

    /// The minutes of one day (days since 1970-01-01) when someone is on call for a role, sorted and
    /// merged within `0..<1440`: the whole day if it has holders and no rota, else its rotas' coverage
    /// that day, holidays and dates included.
    public func coverage(of role: String, onDay day: Int) -> [Range<Int>] {
        guard let rotas = rotasByRole[role], !rotas.isEmpty else {
            return holders[role, default: []].isEmpty ? [] : [0..<1440]
        }
        var pieces: [Range<Int>] = []
        for index in rotas where !self.rotas[index].members.isEmpty {
            pieces += self.rotas[index].coverage.intervals(onDay: day)
        }
        return TimeWindow.merged(pieces)
    }
}
