import BeredskabRoster
import BeredskabRules
import BeredskabTime

/// What must happen for one incident report: the engine's whole answer.
public struct Plan: Sendable, Equatable {
    /// The report's id.
    public var incidentID: String
    public var category: Category
    public var severity: IncidentSeverity
    public var occurredAt: Instant
    /// When the plan was made; delays and deadlines count from here.
    public var at: Instant
    /// The area the incident was placed in, if any.
    public var area: String?
    /// The earlier incident this report duplicates, if any. The report then adds to that incident:
    /// `fired` and everything planned belong to it, and `merge` says what the report changes.
    public var mergedInto: String?
    /// What a merged report adds to the incident it joins; nil when not merged.
    public var merge: Merge?
    /// Guidelines that fired, in declaration order (for a merged report: those the incident had
    /// not fired yet, which fire now for it).
    public var fired: [String] = []
    /// For a merged report: guidelines it fires that the incident already fired (not planned again).
    public var alreadyFired: [String] = []
    /// Guidelines that matched but were silenced, and by which guideline.
    public var suppressed: [Suppression] = []
    /// Guidelines that matched but that an active ``Silence`` covers: nothing is planned for them, and
    /// they do not count as fired for the incident (a later report after the silence fires them).
    public var silenced: [SilencedGuideline] = []
    public var notifications: [PlannedNotification] = []
    public var tasks: [PlannedTask] = []
    public var watches: [PlannedWatch] = []
    public var escalations: [PlannedEscalation] = []
    /// What the duty officer must see: nobody on duty, no channel, and the like.
    public var problems: [PlanProblem] = []
    /// Whether the incident is an exercise: every message is marked, and it never meets a real incident.
    public var exercise = false
    /// For an exercise limited by `only_roles` or `only_orgs`: the persons the guidelines would have
    /// alerted who were left out.
    public var leftOut: [LeftOut] = []

    /// A person an exercise did not alert, because of its `only_roles` or `only_orgs`.
    public struct LeftOut: Sendable, Equatable {
        public var person: String
        public var name: String
        public var organisation: String
        /// The roles the person would have been alerted in.
        public var roles: [String]
    }

    /// What a report merged into an earlier incident adds to it.
    public struct Merge: Sendable, Equatable {
        /// The incident's severity before the report (nil when the history did not say) and after:
        /// the worse of the two.
        public var severityBefore: IncidentSeverity?
        public var severityAfter: IncidentSeverity
        /// Flags the report raises that the incident did not have (`injured`, `weapons`, …), sorted.
        public var flagsAdded: [String]
        /// How many persons the report names (personal details, for entitled responders only).
        public var personsAdded: Int

        /// Creates a merge summary.
        public init(
            severityBefore: IncidentSeverity?, severityAfter: IncidentSeverity, flagsAdded: [String], personsAdded: Int
        ) {
            self.severityBefore = severityBefore
            self.severityAfter = severityAfter
            self.flagsAdded = flagsAdded
            self.personsAdded = personsAdded
        }
    }

    /// A silenced guideline.
    public struct Suppression: Sendable, Equatable {
        public var guideline: String
        public var by: String
    }
}

/// One person to notify.
public struct PlannedNotification: Sendable, Equatable {
    public var person: String
    public var name: String
    public var organisation: String
    /// The roles (or `reporter`) through which the person is told; the first is the main one.
    public var roles: [String]
    /// Channels in order of preference.
    public var channels: [Channel]
    public var sendAt: Instant
    /// Personal details only ever for persons of authority organisations.
    public var tier: ContentTier
    public var language: Language
    /// The guidelines behind it.
    public var guidelines: [String]
    /// The message in the person's language (Danish when the guideline has none in it): the situation.
    public var message: String
    /// The personal details (§115) for a personal-tier recipient; nil for everyone else.
    public var details: String? = nil

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.person == rhs.person && lhs.roles == rhs.roles && lhs.sendAt == rhs.sendAt && lhs.tier == rhs.tier
            && lhs.guidelines == rhs.guidelines && lhs.message == rhs.message && lhs.details == rhs.details
            && lhs.channels.map(\.address) == rhs.channels.map(\.address)
    }
}

/// A task with its deadline.
public struct PlannedTask: Sendable, Equatable {
    public var guideline: String
    public var text: String
    public var role: String
    public var due: Instant
    /// Who is on duty in the role now.
    public var assignees: [String]
    public var escalateTo: [String]
}

/// Institutions whose leaders must confirm they are open.
public struct PlannedWatch: Sendable, Equatable {
    public var guideline: String
    public var institutions: [String]
    public var leaders: [String]
    public var confirmBy: Instant
    public var until: Instant
}

/// An escalation timer: if nobody has acknowledged by `after`, tell these roles.
public struct PlannedEscalation: Sendable, Equatable {
    public var guideline: String
    public var after: Instant
    public var to: [String]
    /// 0 for the first escalation, then 1, 2, … for repeats.
    public var round: Int
    public var tier: ContentTier
}

/// Something the duty officer must see.
public struct PlanProblem: Sendable, Equatable {
    /// `unplaced`, `nobody-on-duty`, `no-channel`, `no-key-persons`, `no-leader`, or `cap` (how a CAP
    /// alert was read other than as written).
    public var kind: String
    public var message: String

    /// Creates a problem.
    public init(kind: String, message: String) {
        self.kind = kind
        self.message = message
    }
}
