import BeredskabTime

/// What the store holds about one incident, exercise or real: the input of an after-action report.
/// Times are instants (UTC seconds); nothing here reads a clock.
public struct AfterActionRecord: Sendable, Equatable {
    public var incident: String
    public var exercise: Bool
    public var category: String
    public var severity: String
    public var area: String?
    public var occurredAt: Instant
    /// When the report was received: the start of the response.
    public var receivedAt: Instant
    public var closedAt: Instant?
    public var notifications: [Notification] = []
    public var attempts: [Attempt] = []
    public var escalations: [Escalation] = []
    public var tasks: [Task] = []
    public var watches: [Watch] = []
    /// For an exercise limited by `only_roles`/`only_orgs`: who was left out.
    public var leftOut: [LeftOut] = []

    /// One message to one person: an alert (`notification`), an `escalation`, a `watch` request, an
    /// `update` or a `delivery-problem`.
    public struct Notification: Sendable, Equatable {
        public var id: Int64
        public var person: String
        public var name: String
        public var roles: [String]
        public var kind: String
        public var guidelines: [String]
        public var sendAt: Instant
        /// `pending`, `delivered`, `failed` or `cancelled`.
        public var status: String
        public var acknowledgedAt: Instant?
        /// `acknowledged` (responsible) or `seen` (anyone else); nil without a receipt.
        public var ackKind: String?

        /// Creates a notification.
        public init(
            id: Int64, person: String, name: String, roles: [String], kind: String, guidelines: [String] = [],
            sendAt: Instant, status: String, acknowledgedAt: Instant? = nil, ackKind: String? = nil
        ) {
            self.id = id
            self.person = person
            self.name = name
            self.roles = roles
            self.kind = kind
            self.guidelines = guidelines
            self.sendAt = sendAt
            self.status = status
            self.acknowledgedAt = acknowledgedAt
            self.ackKind = ackKind
        }
    }

    /// One delivery attempt of a notification.
    public struct Attempt: Sendable, Equatable {
        public var notification: Int64
        public var at: Instant
        /// `email`, `sms`, `webhook` or `none`.
        public var channel: String
        /// `delivered`, `retry`, `permanent`, `failed`, …
        public var outcome: String

        /// Creates an attempt.
        public init(notification: Int64, at: Instant, channel: String, outcome: String) {
            self.notification = notification
            self.at = at
            self.channel = channel
            self.outcome = outcome
        }
    }

    /// An escalation timer: `pending`, `fired` or `cancelled`.
    public struct Escalation: Sendable, Equatable {
        public var guideline: String
        public var round: Int
        public var roles: [String]
        public var dueAt: Instant
        public var status: String

        /// Creates an escalation.
        public init(guideline: String, round: Int, roles: [String], dueAt: Instant, status: String) {
            self.guideline = guideline
            self.round = round
            self.roles = roles
            self.dueAt = dueAt
            self.status = status
        }
    }

    /// A task with its deadline, and when it was done (nil while open).
    public struct Task: Sendable, Equatable {
        public var text: String
        public var role: String
        public var dueAt: Instant
        public var doneAt: Instant?

        /// Creates a task.
        public init(text: String, role: String, dueAt: Instant, doneAt: Instant?) {
            self.text = text
            self.role = role
            self.dueAt = dueAt
            self.doneAt = doneAt
        }
    }

    /// An institution asked whether it is open.
    public struct Watch: Sendable, Equatable {
        public var institution: String
        /// When its leader was asked.
        public var requestedAt: Instant
        public var confirmBy: Instant
        public var answeredAt: Instant?
        /// `open`, `reduced`, `closed`, or `requested`/`escalated` while unanswered.
        public var status: String

        /// Creates a watch.
        public init(institution: String, requestedAt: Instant, confirmBy: Instant, answeredAt: Instant?, status: String)
        {
            self.institution = institution
            self.requestedAt = requestedAt
            self.confirmBy = confirmBy
            self.answeredAt = answeredAt
            self.status = status
        }
    }

    /// A person an exercise did not alert.
    public struct LeftOut: Sendable, Equatable {
        public var person: String
        public var name: String
        public var roles: [String]

        /// Creates a left-out person.
        public init(person: String, name: String, roles: [String]) {
            self.person = person
            self.name = name
            self.roles = roles
        }
    }

    /// Creates a record.
    public init(
        incident: String, exercise: Bool, category: String, severity: String, area: String?, occurredAt: Instant,
        receivedAt: Instant, closedAt: Instant?
    ) {
        self.incident = incident
        self.exercise = exercise
        self.category = category
        self.severity = severity
        self.area = area
        self.occurredAt = occurredAt
        self.receivedAt = receivedAt
        self.closedAt = closedAt
    }
}

/// How an organisation responded to one incident: who was alerted when and through which channel,
/// delivery times, time to first acknowledgement per role, who never acknowledged, the escalations
/// that fired, tasks on time or late, and the watches' answers (docs/after-action.md). All
/// durations are whole seconds.
public struct AfterAction: Sendable, Equatable {
    public var incident: String
    public var exercise: Bool
    public var category: String
    public var severity: String
    public var area: String?
    public var occurredAt: Instant
    public var receivedAt: Instant
    public var closedAt: Instant?
    /// Every message, in send order.
    public var alerts: [Alert]
    /// Per role alerted (kinds `notification` and `escalation`), sorted by role id.
    public var roles: [RoleFigures]
    /// Alerts and escalation messages nobody answered (not cancelled), in send order.
    public var neverAcknowledged: [Alert]
    /// Escalations that fired, by due time.
    public var escalationsFired: [AfterActionRecord.Escalation]
    public var tasks: [TaskFigures]
    public var watches: [WatchFigures]
    public var leftOut: [AfterActionRecord.LeftOut]
    /// The median and worst delivery time over delivered messages; nil when none was delivered.
    public var medianDeliverySeconds: Int?
    public var worstDeliverySeconds: Int?

    /// One message and how it went.
    public struct Alert: Sendable, Equatable {
        public var person: String
        public var name: String
        public var roles: [String]
        public var kind: String
        public var sendAt: Instant
        /// The channel it was delivered through, else the last one tried; nil if never tried.
        public var channel: String?
        public var deliveredAt: Instant?
        /// From its send time to delivery.
        public var deliverySeconds: Int?
        public var acknowledgedAt: Instant?
        public var ackKind: String?
        /// From its send time to the receipt.
        public var acknowledgeSeconds: Int?
        /// `pending`, `delivered`, `failed` or `cancelled`.
        public var status: String
    }

    /// How one role responded.
    public struct RoleFigures: Sendable, Equatable {
        public var role: String
        /// Persons alerted in the role.
        public var alerted: Int
        /// The role's first alert.
        public var firstAlertAt: Instant
        /// The first receipt by anyone alerted in the role, who, and how long after the role's first alert.
        public var firstAcknowledgedAt: Instant?
        public var firstAcknowledgedBy: String?
        public var secondsToFirstAcknowledgement: Int?
        /// Names of those alerted in the role who never answered.
        public var neverAcknowledged: [String]
    }

    /// A task's outcome: `on time`, `late` or `not done`.
    public struct TaskFigures: Sendable, Equatable {
        public var text: String
        public var role: String
        public var dueAt: Instant
        public var doneAt: Instant?
        public var outcome: String
        /// Done after the deadline by this much (negative: early); nil when not done.
        public var secondsLate: Int?
    }

    /// A watch's answer and how long the institution took.
    public struct WatchFigures: Sendable, Equatable {
        public var institution: String
        public var requestedAt: Instant
        public var confirmBy: Instant
        public var answeredAt: Instant?
        public var answer: String?
        public var secondsToAnswer: Int?
        /// Whether the answer came by the deadline; false when none came.
        public var onTime: Bool
    }

    /// The figures for a record. Time to acknowledge counts from each alert's send time (delayed
    /// alerts are not held against the recipient), per role from the role's first alert.
    public static func compute(_ record: AfterActionRecord) -> AfterAction {
        var attemptsBy: [Int64: [AfterActionRecord.Attempt]] = [:]
        for attempt in record.attempts { attemptsBy[attempt.notification, default: []].append(attempt) }
        let sorted = record.notifications.enumerated().sorted {
            ($0.element.sendAt, $0.offset) < ($1.element.sendAt, $1.offset)
        }.map(\.element)
        let alerts = sorted.map { n -> Alert in
            let tried = (attemptsBy[n.id] ?? []).sorted { $0.at < $1.at }
            let delivered = tried.first { $0.outcome == "delivered" }
            return Alert(
                person: n.person, name: n.name, roles: n.roles, kind: n.kind, sendAt: n.sendAt,
                channel: delivered?.channel ?? tried.last?.channel, deliveredAt: delivered?.at,
                deliverySeconds: delivered.map { $0.at.seconds - n.sendAt.seconds }, acknowledgedAt: n.acknowledgedAt,
                ackKind: n.ackKind, acknowledgeSeconds: n.acknowledgedAt.map { $0.seconds - n.sendAt.seconds },
                status: n.status)
        }
        let responding = alerts.filter { ["notification", "escalation"].contains($0.kind) && $0.status != "cancelled" }
        var byRole: [String: [Alert]] = [:]
        for alert in responding {
            for role in alert.roles { byRole[role, default: []].append(alert) }
        }
        let roles = byRole.keys.sorted().map { role -> RoleFigures in
            let list = byRole[role]!
            let first = list.map(\.sendAt).min()!
            let answered = list.filter { $0.acknowledgedAt != nil }.min { $0.acknowledgedAt! < $1.acknowledgedAt! }
            var silent: [String] = []
            for alert in list where alert.acknowledgedAt == nil && !silent.contains(alert.name) {
                silent.append(alert.name)
            }
            return RoleFigures(
                role: role, alerted: Set(list.map(\.person)).count, firstAlertAt: first,
                firstAcknowledgedAt: answered?.acknowledgedAt, firstAcknowledgedBy: answered?.name,
                secondsToFirstAcknowledgement: answered?.acknowledgedAt.map { $0.seconds - first.seconds },
                neverAcknowledged: silent)
        }
        let tasks = record.tasks.sorted { ($0.dueAt, $0.text) < ($1.dueAt, $1.text) }.map { task in
            TaskFigures(
                text: task.text, role: task.role, dueAt: task.dueAt, doneAt: task.doneAt,
                outcome: task.doneAt.map { $0 <= task.dueAt ? "on time" : "late" } ?? "not done",
                secondsLate: task.doneAt.map { $0.seconds - task.dueAt.seconds })
        }
        let watches = record.watches.sorted { $0.institution < $1.institution }.map { watch in
            let answered = watch.answeredAt != nil
            return WatchFigures(
                institution: watch.institution, requestedAt: watch.requestedAt, confirmBy: watch.confirmBy,
                answeredAt: watch.answeredAt, answer: answered ? watch.status : nil,
                secondsToAnswer: watch.answeredAt.map { $0.seconds - watch.requestedAt.seconds },
                onTime: watch.answeredAt.map { $0 <= watch.confirmBy } ?? false)
        }
        let deliveries = alerts.compactMap(\.deliverySeconds).sorted()
        return AfterAction(
            incident: record.incident, exercise: record.exercise, category: record.category,
            severity: record.severity, area: record.area, occurredAt: record.occurredAt,
            receivedAt: record.receivedAt, closedAt: record.closedAt, alerts: alerts, roles: roles,
            neverAcknowledged: responding.filter { $0.acknowledgedAt == nil },
            escalationsFired: record.escalations.filter { $0.status == "fired" }.sorted {
                ($0.dueAt, $0.guideline, $0.round) < ($1.dueAt, $1.guideline, $1.round)
            },
            tasks: tasks, watches: watches, leftOut: record.leftOut, medianDeliverySeconds: median(deliveries),
            worstDeliverySeconds: deliveries.last)
    }

    /// The median of sorted whole seconds (the mean of the middle two, rounded down, for an even count).
    static func median(_ sorted: [Int]) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// Drill statistics over a period: per role, the median and worst time to the first acknowledgement
/// across the drills that alerted it, and the roles and persons that never answered.
public struct DrillStatistics: Sendable, Equatable {
    /// The exercises counted, oldest first.
    public var drills: [String]
    public var roles: [Role]

    /// One role across drills.
    public struct Role: Sendable, Equatable {
        public var role: String
        /// Drills that alerted the role.
        public var drills: Int
        /// Drills in which nobody in the role answered.
        public var unanswered: Int
        public var medianSecondsToAcknowledge: Int?
        public var worstSecondsToAcknowledge: Int?
        /// Persons alerted in the role who never answered, with in how many drills; sorted by name.
        public var silentPersons: [String: Int]
    }

    /// The statistics of the exercises among `reports` (real incidents are left out).
    public static func compute(_ reports: [AfterAction]) -> DrillStatistics {
        let drills = reports.filter(\.exercise).sorted { ($0.receivedAt, $0.incident) < ($1.receivedAt, $1.incident) }
        var figures: [String: [AfterAction.RoleFigures]] = [:]
        for drill in drills {
            for role in drill.roles { figures[role.role, default: []].append(role) }
        }
        let roles = figures.keys.sorted().map { role -> Role in
            let list = figures[role]!
            let times = list.compactMap(\.secondsToFirstAcknowledgement).sorted()
            var silent: [String: Int] = [:]
            for figure in list {
                for name in figure.neverAcknowledged { silent[name, default: 0] += 1 }
            }
            return Role(
                role: role, drills: list.count, unanswered: list.filter { $0.firstAcknowledgedAt == nil }.count,
                medianSecondsToAcknowledge: AfterAction.median(times), worstSecondsToAcknowledge: times.last,
                silentPersons: silent)
        }
        return DrillStatistics(drills: drills.map(\.incident), roles: roles)
    }
}
