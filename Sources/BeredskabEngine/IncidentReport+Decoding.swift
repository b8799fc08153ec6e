import BeredskabRoster
import BeredskabRules
import BeredskabSyntax
import BeredskabTime

/// A report that was refused, with every problem found in it.
public struct InvalidReport: Error, Sendable, Equatable {
    /// The problems, in the order of the report's fields.
    public var problems: [ReportProblem]

    /// Creates the refusal.
    public init(problems: [ReportProblem]) {
        self.problems = problems
    }
}

extension IncidentReport {
    /// Decodes and checks a report from UTF-8 JSON, listing every problem by JSON path; the reporting
    /// organisation and the area are checked against the roster and the rules.
    public static func decode(_ bytes: [UInt8], rules: RuleSet, roster: Roster) -> Result<IncidentReport, InvalidReport>
    {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            return .failure(InvalidReport(problems: [ReportProblem("$", "not valid JSON: \(error)")]))
        }
        return decode(json, rules: rules, roster: roster)
    }

    /// Decodes and checks a report from parsed JSON.
    public static func decode(
        _ json: JSONValue, rules: RuleSet, roster: Roster
    ) -> Result<IncidentReport, InvalidReport> {
        var reader = ReportReader(rules: rules, roster: roster)
        let report = reader.report(json)
        if let report, reader.problems.isEmpty { return .success(report) }
        return .failure(InvalidReport(problems: reader.problems))
    }
}

/// Reads JSON into typed values, collecting every problem with its path.
struct JSONFields {
    var problems: [ReportProblem] = []
    /// How many "did you mean" suggestions were made; after `suggestionLimit` no more are looked for,
    /// so a report with thousands of unknown keys is refused in linear time.
    var suggestions = 0
    static let suggestionLimit = 20

    mutating func problem(_ path: String, _ message: String) {
        problems.append(ReportProblem(path, message))
    }

    /// The object's fields, reporting any key not in `keys`.
    /// Whether a field is absent; a field given as `null` counts as present (and then has the wrong type).
    mutating func absent(_ value: JSONValue?, _ path: String, required: Bool) -> Bool {
        if value == nil {
            if required { problem(path, "is required") }
            return true
        }
        return false
    }

    mutating func object(_ value: JSONValue?, _ path: String, keys: [String], required: Bool = false) -> JSONValue? {
        guard !absent(value, path, required: required), let value else { return nil }
        guard case .object(let pairs) = value else {
            problem(path, "must be an object")
            return nil
        }
        let known = Set(keys)
        for (key, _) in pairs where !known.contains(key) {
            var message = "unknown field"
            if suggestions < Self.suggestionLimit {
                suggestions += 1
                if let guess = closest(to: key, in: keys) { message += "; did you mean '\(guess)'?" }
            }
            problem("\(path).\(key)", message)
        }
        return value
    }

    /// A string of 1 to `max` characters, counted in code points (`codePointCount`), as the schema's
    /// `minLength`/`maxLength` count them.
    mutating func string(_ value: JSONValue?, _ path: String, required: Bool = false, max: Int) -> String? {
        guard !absent(value, path, required: required), let value else { return nil }
        guard case .string(let text) = value else {
            problem(path, "must be a string")
            return nil
        }
        guard !text.isEmpty, text.codePointCount <= max else {
            problem(path, "must be 1 to \(max) characters long")
            return nil
        }
        return text
    }

    mutating func number(
        _ value: JSONValue?, _ path: String, range: ClosedRange<Double>, whole: Bool = false
    ) -> Double? {
        guard !absent(value, path, required: false), let value else { return nil }
        guard case .number(let number) = value, range.contains(number), !whole || number == number.rounded() else {
            let kind = whole ? "a whole number" : "a number"
            problem(path, "must be \(kind) from \(Int(range.lowerBound)) to \(Int(range.upperBound))")
            return nil
        }
        return number
    }

    mutating func word<E: RawRepresentable & CaseIterable>(
        _ type: E.Type, _ value: JSONValue?, _ path: String, required: Bool = true
    ) -> E? where E.RawValue == String {
        guard !absent(value, path, required: required), let value else { return nil }
        guard case .string(let text) = value, let word = E(rawValue: text) else {
            problem(path, "must be one of: \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return word
    }

    mutating func time(_ value: JSONValue?, _ path: String, required: Bool = true) -> Instant? {
        guard let text = string(value, path, required: required, max: 40) else { return nil }
        guard let instant = Instant(rfc3339: text) else {
            problem(path, "must be an RFC 3339 time with an offset, such as 2026-11-21T22:30:00+01:00")
            return nil
        }
        return instant
    }

    static func matches(_ text: String, _ allowed: (UInt8) -> Bool, first: (UInt8) -> Bool) -> Bool {
        guard let head = text.utf8.first, first(head) else { return false }
        return text.utf8.allSatisfy(allowed)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
    }

    static func isLowerID(_ text: String) -> Bool {
        matches(
            text, { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 },
            first: { $0 >= 97 && $0 <= 122 })
    }
}

enum InvolvedRole: String, CaseIterable {
    case suspect, victim, witness, relative, other
}

struct ReportReader {
    let rules: RuleSet
    let roster: Roster
    var fields = JSONFields()
    var problems: [ReportProblem] { fields.problems }

    static let keys = [
        "id", "reporter", "occurred_at", "category", "severity", "location", "flags", "description", "persons",
        "exercise", "only_roles", "only_orgs",
    ]

    mutating func report(_ json: JSONValue) -> IncidentReport? {
        guard let root = fields.object(json, "$", keys: Self.keys, required: true) else { return nil }
        let id = fields.string(root["id"], "$.id", required: true, max: 200)
        if let id,
            !JSONFields.matches(
                id, { JSONFields.isAlphanumeric($0) || [46, 95, 58, 45].contains($0) },
                first: JSONFields.isAlphanumeric)
        {
            fields.problem(
                "$.id", "may only use letters, digits, '.', '_', ':' and '-', starting with a letter or digit")
        }
        let reporter = readReporter(root["reporter"])
        let occurredAt = fields.time(root["occurred_at"], "$.occurred_at")
        let category = fields.word(Category.self, root["category"], "$.category")
        let severity = fields.word(IncidentSeverity.self, root["severity"], "$.severity")
        let location = readLocation(root["location"])
        var flags: Set<IncidentFlag> = []
        if let object = fields.object(root["flags"], "$.flags", keys: IncidentFlag.allCases.map(\.rawValue)) {
            for flag in IncidentFlag.allCases {
                guard let value = object[flag.rawValue] else { continue }
                guard case .bool(let set) = value else {
                    fields.problem("$.flags.\(flag.rawValue)", "must be true or false")
                    continue
                }
                if set { flags.insert(flag) }
            }
        }
        let description = fields.string(root["description"], "$.description", max: 4000)
        let persons = readPersons(root["persons"])
        var exercise = false
        if let value = root["exercise"] {
            if case .bool(let flag) = value {
                exercise = flag
            } else {
                fields.problem("$.exercise", "must be true or false")
            }
        }
        let roster = self.roster
        let onlyRoles = readLimit(root["only_roles"], "$.only_roles", exercise: exercise) { role in
            // `reporter`: the reporting organisation's key persons, told through `notify reporter`.
            role == "reporter" || roster.holders[role] != nil || roster.rotasByRole[role] != nil
                ? nil : "unknown role '\(role)'"
        }
        let onlyOrganisations = readLimit(root["only_orgs"], "$.only_orgs", exercise: exercise) { organisation in
            roster.organisations[organisation] == nil ? "unknown organisation '\(organisation)'" : nil
        }
        guard let id, let reporter, let occurredAt, let category, let severity, let location else { return nil }
        var report = IncidentReport(
            id: id, reporter: reporter, occurredAt: occurredAt, category: category, severity: severity,
            location: location, flags: flags, description: description, persons: persons)
        report.exercise = exercise
        report.onlyRoles = onlyRoles
        report.onlyOrganisations = onlyOrganisations
        return report
    }

    /// `only_roles` or `only_orgs`: a non-empty list of known ids, allowed only on an exercise.
    mutating func readLimit(
        _ value: JSONValue?, _ path: String, exercise: Bool, unknown: (String) -> String?
    ) -> [String]? {
        guard let value else { return nil }
        guard case .array(let items) = value, !items.isEmpty, items.count <= 100 else {
            fields.problem(path, "must be a list of 1 to 100 ids")
            return nil
        }
        if !exercise {
            fields.problem(path, "limits who is alerted only in an exercise; add \"exercise\": true")
        }
        var ids: [String] = []
        for (index, item) in items.enumerated() {
            guard let id = fields.string(item, "\(path)[\(index)]", required: true, max: 100) else { continue }
            if let problem = unknown(id) { fields.problem("\(path)[\(index)]", problem) } else { ids.append(id) }
        }
        return ids
    }

    mutating func readReporter(_ value: JSONValue?) -> IncidentReport.Reporter? {
        guard
            let object = fields.object(value, "$.reporter", keys: ["organisation", "person", "phone"], required: true)
        else { return nil }
        let organisation = fields.string(object["organisation"], "$.reporter.organisation", required: true, max: 100)
        if let organisation, roster.organisations[organisation] == nil {
            var message = "unknown organisation '\(organisation)'"
            if let guess = closest(to: organisation, in: roster.organisations.keys.sorted()) {
                message += "; did you mean '\(guess)'?"
            }
            fields.problem("$.reporter.organisation", message)
        }
        let person = fields.string(object["person"], "$.reporter.person", max: 200)
        let phone = fields.string(object["phone"], "$.reporter.phone", max: 21)
        let phoneRest = phone.map { Array($0.utf8.dropFirst()) } ?? []
        if let phone,
            !phone.hasPrefix("+") || !(8...20).contains(phoneRest.count)
                || !phoneRest.allSatisfy({ $0 == 32 || ($0 >= 48 && $0 <= 57) })
        {
            fields.problem("$.reporter.phone", "must be a phone number in international form, such as +45 01 00 00 01")
        }
        guard let organisation else { return nil }
        return IncidentReport.Reporter(organisation: organisation, person: person, phone: phone)
    }

    mutating func readLocation(_ value: JSONValue?) -> IncidentReport.Location? {
        guard let object = fields.object(value, "$.location", keys: ["area", "address", "lat", "lon"], required: true)
        else { return nil }
        let area = fields.string(object["area"], "$.location.area", max: 100)
        if let area, !JSONFields.isLowerID(area) {
            fields.problem("$.location.area", "must be an area id: lowercase letters, digits, '-' and '_'")
        } else if let area, rules.areas[area] == nil {
            var message = "unknown area '\(area)'"
            if let guess = closest(to: area, in: rules.areas.keys.sorted()) { message += "; did you mean '\(guess)'?" }
            fields.problem("$.location.area", message)
        }
        let address = fields.string(object["address"], "$.location.address", max: 300)
        let lat = fields.number(object["lat"], "$.location.lat", range: -90...90)
        let lon = fields.number(object["lon"], "$.location.lon", range: -180...180)
        let hasLat = object["lat"] != nil
        let hasLon = object["lon"] != nil
        if hasLat != hasLon {
            fields.problem(hasLat ? "$.location.lon" : "$.location.lat", "is required with \(hasLat ? "lat" : "lon")")
        }
        let given = ["area", "address", "lat"].contains { object[$0] != nil }
        if !given {
            fields.problem("$.location", "needs at least one of area, address, or lat and lon")
        }
        var coordinate: Coordinate?
        if let lat, let lon { coordinate = Coordinate(lat: lat, lon: lon) }
        return IncidentReport.Location(area: area, address: address, coordinate: coordinate)
    }

    mutating func readPersons(_ value: JSONValue?) -> [IncidentReport.InvolvedPerson] {
        guard let value else { return [] }
        guard case .array(let items) = value, items.count <= 50 else {
            fields.problem("$.persons", "must be a list of at most 50 persons")
            return []
        }
        var persons: [IncidentReport.InvolvedPerson] = []
        for (index, item) in items.enumerated() {
            let path = "$.persons[\(index)]"
            guard
                let object = fields.object(
                    item, path, keys: ["name", "age", "involvement", "reference"], required: true)
            else { continue }
            let name = fields.string(object["name"], "\(path).name", required: true, max: 200)
            let age = fields.number(object["age"], "\(path).age", range: 0...130, whole: true).map { Int($0) }
            let involvement = fields.word(
                InvolvedRole.self, object["involvement"], "\(path).involvement", required: false)
            let reference = fields.string(object["reference"], "\(path).reference", max: 200)
            if let name {
                persons.append(.init(name: name, age: age, involvement: involvement?.rawValue, reference: reference))
            }
        }
        return persons
    }
}
