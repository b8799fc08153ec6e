import BeredskabEngine
import BeredskabRoster
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import Crypto

/// One organisation's crisis handbook (issue 13; Indsats 3.4: the task, the distribution of roles and the
/// key persons for acute crises): for every guideline a report of the organisation can fire, what
/// happens and who does what, and the organisation's own key persons with their contact details.
///
/// A pure value built from the checked rules, the roster, the organisation, a language and a date;
/// rendered to HTML and Markdown by `BeredskabWeb`. Persons of other organisations appear only as the
/// roles they hold, never by name or contact details.
public struct Handbook: Sendable {
    /// The organisation the handbook is for.
    public var organisation: OrganisationInfo
    /// The language of every text in the handbook.
    public var language: Language
    /// The date it was made (Copenhagen local), `YYYY-MM-DD`.
    public var date: String
    /// The short hash of the rule and contact files it was made from (``rulesHash(_:)``).
    public var rulesHash: String
    /// How to report to Beredskab.
    public var intake: Intake
    /// The guidelines a report of this organisation can fire, in declaration order.
    public var guidelines: [Entry]
    /// The organisation's own persons: key persons first, then anyone holding a role.
    public var keyPersons: [KeyPerson]
    /// The roles the organisation's own persons hold, with their duties.
    public var ownRoles: [RoleInfo]

    /// The organisation as the handbook names it.
    public struct OrganisationInfo: Sendable, Equatable {
        /// Its id in `Contacts/`.
        public var id: String
        /// Its display name.
        public var name: String
        /// Its kind (`housing-association`, `authority`, …).
        public var kind: OrganisationKind
    }

    /// Where and how reports reach Beredskab.
    public struct Intake: Sendable, Equatable {
        /// The report form's address, e.g. `https://beredskab.example.org/report`.
        public var formURL: String
        /// A telephone number that takes reports, if there is one.
        public var phone: String?

        /// Creates the intake description.
        public init(formURL: String, phone: String? = nil) {
            self.formURL = formURL
            self.phone = phone
        }
    }

    /// A role as the handbook shows it: its name and its duty (the role's `duty` text).
    public struct RoleInfo: Sendable, Equatable {
        /// The role's id in `Rules/`.
        public var id: String
        /// Its display name.
        public var name: String
        /// Its duty, as written in the rules.
        public var duty: String
        /// Whether the organisation's own persons hold it.
        public var ours: Bool
    }

    /// One person of the organisation, with the ways to reach them.
    public struct KeyPerson: Sendable, Equatable {
        /// The person's name.
        public var name: String
        /// Whether they are a key person (told by `notify reporter`).
        public var keyPerson: Bool
        /// E-mail addresses, in order of preference.
        public var emails: [String]
        /// Phone numbers (SMS), in order of preference.
        public var phones: [String]
        /// The names of the roles they hold.
        public var roles: [String]
    }

    /// Who is told, and when.
    public struct Notified: Sendable, Equatable {
        /// The role, or nil for the organisation's own key persons (`notify reporter` when it reports).
        public var role: RoleInfo?
        /// Seconds after the report.
        public var delay: Int
        /// Whether personal details go with it (authorities only, §115).
        public var personal: Bool
    }

    /// A task with a deadline.
    public struct Task: Sendable, Equatable {
        /// What is to be done.
        public var text: String
        /// Who does it.
        public var role: RoleInfo
        /// Seconds from the report to the deadline.
        public var within: Int
        /// Who is told when it is overdue.
        public var escalateTo: [RoleInfo]
    }

    /// An escalation of unacknowledged notifications.
    public struct Escalation: Sendable, Equatable {
        /// Who is told.
        public var roles: [RoleInfo]
        /// Seconds without acknowledgement before it, and between repeats.
        public var after: Int
        /// How many more times it repeats.
        public var repeats: Int
    }

    /// Institutions watched for closures.
    public struct Watch: Sendable, Equatable {
        /// The kinds of institution.
        public var kinds: [InstitutionKind]
        /// The area's name, or nil for the incident's own area.
        public var areaName: String?
        /// Seconds the watch lasts.
        public var duration: Int
        /// Seconds the leaders have to confirm whether they are open.
        public var confirmWithin: Int
        /// For a named area: the institutions of those kinds in it (names, `vital` marked), by name.
        public var institutions: [String]
    }

    /// One guideline as it concerns the organisation.
    public struct Entry: Sendable, Equatable {
        /// The guideline's id in `Rules/`.
        public var id: String
        /// Its title.
        public var title: String
        /// `critical`, `high`, `normal` or `low`.
        public var priority: Priority
        /// When it applies to a report of this organisation, in words (reporter tests already decided).
        public var when: String
        /// Who is told, and how fast.
        public var notified: [Notified]
        /// Who is told when nobody acknowledges.
        public var escalations: [Escalation]
        /// The tasks with deadlines.
        public var tasks: [Task]
        /// What the organisation itself must do: its tasks and the notifications its people receive.
        public var ownDuties: [String]
        /// Institutions watched for closures.
        public var watches: [Watch]
        /// The titles of the guidelines it keeps silent in the same area while it is active.
        public var suppresses: [String]
        /// Seconds within which reports of the same kind in the same area become one incident.
        public var mergeWithin: Int?
        /// Seconds it stays active for its area.
        public var activeFor: Int
    }

    /// The handbook of an organisation; nil when the roster has no such organisation.
    ///
    /// - Parameters:
    ///   - date: the date printed on it (the caller's today; the model reads no clock).
    ///   - rulesHash: ``rulesHash(_:)`` of the files the rules and roster were checked from.
    public init?(
        organisation id: String, rules: RuleSet, roster: Roster, language: Language, date: LocalDateTime,
        rulesHash: String, intake: Intake
    ) {
        guard let org = roster.organisations[id] else { return nil }
        organisation = OrganisationInfo(id: id, name: org.name, kind: org.kind)
        self.language = language
        self.date = date.dateText
        self.rulesHash = rulesHash
        self.intake = intake
        let text = HandbookWords(language: language, rules: rules)
        // The roles held by the organisation's own persons (directly or in a rota).
        let ownPersons = roster.personOrder.compactMap { roster.persons[$0] }.filter { $0.organisation.value == id }
        let ownPersonIDs = Set(ownPersons.map(\.id.value))
        var ownRoleIDs = Set<String>()
        for (role, holders) in roster.holders where holders.contains(where: ownPersonIDs.contains) {
            ownRoleIDs.insert(role)
        }
        func role(_ id: String) -> RoleInfo {
            let role = rules.roles[id]
            return RoleInfo(id: id, name: role?.name ?? id, duty: role?.duty ?? "", ours: ownRoleIDs.contains(id))
        }
        func role(_ name: Name) -> RoleInfo { role(name.value) }
        ownRoles = ownRoleIDs.sorted().map { role($0) }
        let keyFirst = ownPersons.filter(\.keyPerson) + ownPersons.filter { !$0.keyPerson && !$0.roles.isEmpty }
        keyPersons = keyFirst.map { person in
            KeyPerson(
                name: person.name, keyPerson: person.keyPerson,
                emails: person.channels.filter { $0.kind == .email }.map(\.address),
                phones: person.channels.filter { $0.kind == .sms }.map(\.address),
                roles: person.roles.map { rules.roles[$0.value]?.name ?? $0.value })
        }
        var entries: [Entry] = []
        for guideline in rules.guidelines {
            let specialised = HandbookConditions.specialise(guideline.condition, reporter: org.kind)
            guard HandbookConditions.canFire(specialised, rules: rules) else { continue }
            var entry = Entry(
                id: guideline.id.value, title: guideline.title, priority: guideline.priority,
                when: text.condition(specialised), notified: [], escalations: [], tasks: [], ownDuties: [], watches: [],
                suppresses: guideline.suppresses.compactMap { rules.guideline($0.value)?.title },
                mergeWithin: guideline.mergeWithin, activeFor: guideline.activeFor)
            for notify in guideline.notifications {
                switch notify.recipients {
                case .reporter:
                    entry.notified.append(Notified(role: nil, delay: notify.delay, personal: false))
                    entry.ownDuties.append(text.toldAsReporter(delay: notify.delay))
                case .roles(let names):
                    for name in names {
                        let info = role(name)
                        entry.notified.append(
                            Notified(role: info, delay: notify.delay, personal: notify.tier == .personal))
                        if info.ours { entry.ownDuties.append(text.toldInRole(info.name, delay: notify.delay)) }
                    }
                }
            }
            for escalation in guideline.escalations {
                let roles = escalation.roles.map(role)
                entry.escalations.append(Escalation(roles: roles, after: escalation.after, repeats: escalation.repeats))
                for info in roles where info.ours {
                    entry.ownDuties.append(text.toldOnEscalation(info.name, after: escalation.after))
                }
            }
            for task in guideline.tasks {
                let info = role(task.role)
                entry.tasks.append(
                    Task(text: task.text, role: info, within: task.within, escalateTo: task.escalateTo.map(role)))
                if info.ours { entry.ownDuties.append(text.ownTask(task.text, role: info.name, within: task.within)) }
            }
            for watch in guideline.watches {
                let kinds = InstitutionKind.allCases.filter(watch.kinds.contains)
                var names: [String] = []
                if let area = watch.area?.value {
                    names = roster.institutions.values
                        .filter { watch.kinds.contains($0.kind) && rules.area($0.area.value, isWithin: area) }
                        .map { $0.name + ($0.vital ? text.vitalMark : "") }.sorted()
                }
                for institution in roster.institutions.values
                where institution.leader.map({ ownPersonIDs.contains($0.value) }) == true
                    && watch.kinds.contains(institution.kind)
                    && (watch.area.map { rules.area(institution.area.value, isWithin: $0.value) } ?? true)
                {
                    entry.ownDuties.append(text.confirmOpen(institution.name, within: watch.confirmWithin))
                }
                entry.watches.append(
                    Watch(
                        kinds: kinds, areaName: watch.area.map { rules.areas[$0.value]?.name ?? $0.value },
                        duration: watch.duration, confirmWithin: watch.confirmWithin, institutions: names))
            }
            entries.append(entry)
        }
        guidelines = entries
    }

    /// The first 12 hex digits of SHA-256 over the rule and contact files, in the order they were read:
    /// each file's name (its last path component), its length and its bytes. The same files give the
    /// same hash wherever they lie; any changed byte gives another.
    public static func rulesHash(_ sources: SourceSet) -> String {
        var hasher = Crypto.SHA256()
        for file in sources.files {
            let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
            hasher.update(data: Array("\(name)\n\(file.bytes.count)\n".utf8))
            hasher.update(data: file.bytes)
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined().prefix(12).description
    }
}
