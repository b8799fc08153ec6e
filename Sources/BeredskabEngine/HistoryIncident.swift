import BeredskabRules
import BeredskabTime

/// An incident that happened before the one being evaluated: what correlation, duplicates and
/// suppression look back on. The store keeps these; tests and `simulate --history` give them as JSON.
public struct HistoryIncident: Sendable, Equatable {
    public var id: String
    public var category: Category
    /// The area it was placed in, if any.
    public var area: String?
    public var occurredAt: Instant
    /// Guidelines that fired for it.
    public var fired: [String]
    /// Whether it has been closed (all clear); a closed incident keeps nothing active.
    public var closed: Bool
    /// Its current severity, if known: what a merged report is compared with.
    public var severity: IncidentSeverity?
    /// Its current flags (`injured`, `weapons`, `minors`), if known.
    public var flags: Set<IncidentFlag>
    /// Whether it was an exercise: exercises and real incidents never see each other (no merging,
    /// correlation or suppression across).
    public var exercise: Bool = false

    /// Creates a history entry.
    public init(
        id: String, category: Category, area: String?, occurredAt: Instant, fired: [String] = [], closed: Bool = false,
        severity: IncidentSeverity? = nil, flags: Set<IncidentFlag> = []
    ) {
        self.id = id
        self.category = category
        self.area = area
        self.occurredAt = occurredAt
        self.fired = fired
        self.closed = closed
        self.severity = severity
        self.flags = flags
    }

    /// Decodes a JSON list of `{"id", "category", "area", "occurred_at", "fired", "closed", "severity",
    /// "flags", "exercise"}` (`severity`, `flags` and `exercise`, as in a report, are optional).
    public static func decodeList(_ json: JSONValue, path: String = "$") -> Result<[HistoryIncident], InvalidReport> {
        var fields = JSONFields()
        guard case .array(let items) = json else {
            return .failure(InvalidReport(problems: [ReportProblem(path, "must be a list of incidents")]))
        }
        var history: [HistoryIncident] = []
        for (index, item) in items.enumerated() {
            let at = "\(path)[\(index)]"
            let keys = ["id", "category", "area", "occurred_at", "fired", "closed", "severity", "flags", "exercise"]
            guard let object = fields.object(item, at, keys: keys, required: true) else { continue }
            let id = fields.string(object["id"], "\(at).id", required: true, max: 200)
            let category = fields.word(Category.self, object["category"], "\(at).category")
            let area = fields.string(object["area"], "\(at).area", max: 100)
            let occurredAt = fields.time(object["occurred_at"], "\(at).occurred_at")
            var fired: [String] = []
            if let list = object["fired"], list != .null {
                if case .array(let names) = list {
                    for (n, name) in names.enumerated() {
                        if let text = fields.string(name, "\(at).fired[\(n)]", required: true, max: 200) {
                            fired.append(text)
                        }
                    }
                } else {
                    fields.problem("\(at).fired", "must be a list of guideline ids")
                }
            }
            var closed = false
            if let value = object["closed"], value != .null {
                if case .bool(let flag) = value {
                    closed = flag
                } else {
                    fields.problem("\(at).closed", "must be true or false")
                }
            }
            var severity: IncidentSeverity?
            if let value = object["severity"], value != .null {
                severity = fields.word(IncidentSeverity.self, value, "\(at).severity")
            }
            var flags: Set<IncidentFlag> = []
            if let value = object["flags"], value != .null {
                if case .object(let members) = value {
                    for (name, set) in members {
                        guard let flag = IncidentFlag(rawValue: name) else {
                            fields.problem("\(at).flags.\(name)", "unknown flag")
                            continue
                        }
                        if set == .bool(true) { flags.insert(flag) }
                    }
                } else {
                    fields.problem("\(at).flags", "must be an object of flags, as in a report")
                }
            }
            var exercise = false
            if let value = object["exercise"], value != .null {
                if case .bool(let flag) = value {
                    exercise = flag
                } else {
                    fields.problem("\(at).exercise", "must be true or false")
                }
            }
            if let id, let category, let occurredAt {
                var incident = HistoryIncident(
                    id: id, category: category, area: area, occurredAt: occurredAt, fired: fired, closed: closed,
                    severity: severity, flags: flags)
                incident.exercise = exercise
                history.append(incident)
            }
        }
        return fields.problems.isEmpty ? .success(history) : .failure(InvalidReport(problems: fields.problems))
    }
}
