import BeredskabEngine
import BeredskabRules
import BeredskabStore

/// Who is asking: an API token or a signed-in person, with what they may do.
public struct Principal: Sendable {
    public var roles: Set<AccessRole>
    public var organisation: String
    /// The person acting, for sessions and person-bound tokens.
    public var person: String?
    /// How the audit log names them: `token:tok_…` or `person:…`.
    public var actor: String
    /// The form token of a web session; nil for API tokens.
    public var csrf: String?

    /// Whether the principal has any of these roles.
    public func can(_ any: AccessRole...) -> Bool { can(any) }

    /// Whether the principal has any of these roles.
    public func can(_ any: [AccessRole]) -> Bool { !roles.isDisjoint(with: any) }

    /// Sees every incident (in the situation tier).
    var seesAll: Bool { can(.reviewer, .admin) }

    /// The persons whose notifications count as this principal's: itself, or everyone of its organisation.
    func notifiedPersons(in engine: Engine) -> [String] {
        if let person { return [person] }
        return engine.roster.persons.values.filter { $0.organisation.value == organisation }.map { $0.id.value }
    }

    /// The filter that limits a listing to what this principal may see.
    func restrict(_ filter: IncidentFilter, engine: Engine) -> IncidentFilter {
        var filter = filter
        if seesAll { return filter }
        filter.organisations = can(.reporter) ? [organisation] : nil
        filter.notifiedPersons = can(.responder) ? notifiedPersons(in: engine) : nil
        if filter.organisations == nil && filter.notifiedPersons == nil { filter.organisations = [] }
        return filter
    }

    /// What this principal may see of an incident: nil (not at all), the situation, or also the
    /// personal details (only as a responder whose own notification was personal tier).
    func tier(
        of incident: IncidentRecord, notifications: [StoredNotification], engine: Engine
    ) -> ContentTier? {
        var tier: ContentTier? = nil
        if seesAll || (can(.reporter) && incident.organisation == organisation) { tier = .situation }
        if can(.responder) {
            let persons = Set(notifiedPersons(in: engine))
            let mine = notifications.filter { persons.contains($0.person) }
            if mine.contains(where: { $0.tier == .personal }) {
                tier = .personal
            } else if !mine.isEmpty {
                tier = tier ?? .situation
            }
        }
        return tier
    }

    /// Whether it may add updates to an incident: an admin, a reporter of the reporting
    /// organisation, or a responder alerted about it. Seeing everything (a reviewer) is not enough.
    func mayUpdate(_ incident: IncidentRecord, notifications: [StoredNotification], engine: Engine) -> Bool {
        if can(.admin) || (can(.reporter) && incident.organisation == organisation) { return true }
        return wasAlerted(notifications, engine: engine)
    }

    /// Whether it is a responder one of whose persons was alerted about the incident.
    func wasAlerted(_ notifications: [StoredNotification], engine: Engine) -> Bool {
        guard can(.responder) else { return false }
        let persons = Set(notifiedPersons(in: engine))
        return notifications.contains { persons.contains($0.person) }
    }
}
