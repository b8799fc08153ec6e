import BeredskabRules
import BeredskabTime

/// The texts Beredskab writes itself (escalations, unanswered watches, overdue tasks, delivery
/// problems, watch requests, updates, the acknowledgement line), by key, in Danish and English,
/// with named placeholders such as `{incident}`. Each recipient gets the text in their language
/// (`language` of a person in Contacts). A deployment may replace any text with a file named in the
/// server's configuration (`messages`, see docs/messages.md). Pure: the file's text is an input.
///
/// `{link}` may stand in any text; it is left for the delivery step, which puts the person's
/// acknowledgement link there.
public struct MessageCatalogue: Sendable, Equatable {
    /// A system message.
    public enum Key: String, CaseIterable, Sendable {
        /// Nobody acknowledged a guideline's alert in time: `title`, `incident`.
        case escalation
        /// An institution's leader did not answer whether it stays open: `institution`, `incident`.
        case watchUnanswered = "watch.unanswered"
        /// A task passed its deadline: `task`, `role`, `deadline`, `incident`.
        case taskOverdue = "task.overdue"
        /// Every address of a person refused a message: `person`, `incident`.
        case deliveryFailed = "delivery.failed"
        /// A person cannot be reached on any channel yet: `person`, `incident`.
        case deliveryPending = "delivery.pending"
        /// The question to an institution's leader: `incident`, `deadline` (HH:MM), `institution`.
        case watchRequest = "watch.request"
        /// The line added to a message whose text has no `{link}`: `link`.
        case acknowledge
        /// An update with information: `incident`, `via`, `text`.
        case updateInformation = "update.information"
        /// An update that changes the severity: `severity`, `incident`, `via`, `text`.
        case updateSeverity = "update.severity"
        /// The all clear: `incident`, `via`, `text`.
        case updateAllClear = "update.all-clear"
        /// What `{via}` of an update says when it came in about a report merged into the incident: `report`.
        case updateVia = "update.via"
        /// Another report joined an incident those alerted follow: `incident`, `facts` (who reports
        /// what, how serious, the raised flags, in the recipient's language) and `description`
        /// (`: ` and the reporter's text, or nothing).
        case reportJoined = "report.joined"

        /// The placeholders the key's text may use besides `{link}`.
        public var placeholders: [String] {
            switch self {
            case .escalation: ["title", "incident"]
            case .watchUnanswered: ["institution", "incident"]
            case .taskOverdue: ["task", "role", "deadline", "incident"]
            case .deliveryFailed, .deliveryPending: ["person", "incident"]
            case .watchRequest: ["incident", "deadline", "institution"]
            case .acknowledge: []
            case .updateInformation, .updateAllClear: ["incident", "via", "text"]
            case .updateSeverity: ["severity", "incident", "via", "text"]
            case .updateVia: ["report"]
            case .reportJoined: ["incident", "facts", "description"]
            }
        }
    }

    var templates: [Language: [Key: String]]

    /// The texts Beredskab ships with.
    public static let standard = MessageCatalogue(templates: [
        .da: [
            .escalation: "ESKALERING: ingen har kvitteret for \"{title}\" (hændelse {incident}). Kvittér her: {link}",
            .watchUnanswered:
                "INTET SVAR: {institution} har ikke bekræftet, om den holder åbent (hændelse {incident}). Kontakt lederen. Kvittér: {link}",
            .taskOverdue:
                "OPGAVE OVERSKREDET: \"{task}\" ({role}) skulle være løst {deadline} (hændelse {incident}). Følg op: {link}",
            .deliveryFailed:
                "LEVERING MISLYKKEDES: {person} kunne ikke nås om hændelse {incident}: alle adresser afviste beskeden. Ring til personen eller en stedfortræder. Kvittér: {link}",
            .deliveryPending:
                "LEVERING VENTER: {person} kan ikke nås på nogen kanal om hændelse {incident}. Beredskab bliver ved med at prøve. Ring til personen eller en stedfortræder. Kvittér: {link}",
            .watchRequest:
                "Hændelse {incident}: bekræft inden kl. {deadline}, om {institution} holder åbent, har nedsat service eller er lukket: {link}",
            .acknowledge: "Kvittér: {link}",
            .updateInformation: "OPDATERING – hændelse {incident}{via}: {text} {link}",
            .updateSeverity: "ALVOR ÆNDRET til {severity} – hændelse {incident}{via}: {text} {link}",
            .updateAllClear: "AFBLÆST – hændelse {incident}{via}: {text} {link}",
            .updateVia: " (om anmeldelse {report})",
            .reportJoined: "NY ANMELDELSE – hændelse {incident}: {facts}{description} {link}",
        ],
        .en: [
            .escalation:
                "ESCALATION: nobody has acknowledged \"{title}\" (incident {incident}). Acknowledge here: {link}",
            .watchUnanswered:
                "NO ANSWER: {institution} has not confirmed whether it stays open (incident {incident}). Contact its leader. Acknowledge: {link}",
            .taskOverdue:
                "TASK OVERDUE: \"{task}\" ({role}) was due {deadline} (incident {incident}). Follow up: {link}",
            .deliveryFailed:
                "DELIVERY FAILED: {person} could not be reached about incident {incident}: every address refused the message. Call the person or a deputy. Acknowledge: {link}",
            .deliveryPending:
                "DELIVERY PENDING: {person} cannot be reached on any channel about incident {incident}. Beredskab keeps trying. Call the person or a deputy. Acknowledge: {link}",
            .watchRequest:
                "Incident {incident}: confirm by {deadline} whether {institution} is open, has reduced service or is closed: {link}",
            .acknowledge: "Acknowledge: {link}",
            .updateInformation: "UPDATE – incident {incident}{via}: {text} {link}",
            .updateSeverity: "SEVERITY CHANGED to {severity} – incident {incident}{via}: {text} {link}",
            .updateAllClear: "ALL CLEAR – incident {incident}{via}: {text} {link}",
            .updateVia: " (about report {report})",
            .reportJoined: "NEW REPORT – incident {incident}: {facts}{description} {link}",
        ],
    ])

    /// The text of `key` in `language` with each `{name}` of `values` filled in; `{link}` and any
    /// name not given stay as written.
    public func text(_ key: Key, in language: Language, _ values: [String: String] = [:]) -> String {
        let template = templates[language]?[key] ?? Self.standard.templates[language]![key]!
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}"), let value = values[String(after[..<close])] else {
                out += "{"
                rest = after
                continue
            }
            out += value
            rest = after[after.index(after: close)...]
        }
        return out + rest
    }

    /// The names in `{…}` in a template, in order.
    static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            names.append(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return names
    }

    /// This catalogue with the texts of an override file replaced.
    ///
    /// The file has one text a line, `LANGUAGE.KEY = TEXT` (`en.escalation = ESCALATION: …`);
    /// blank lines and lines starting with `#` are skipped; the text is taken as written after `= `,
    /// with `\n` for a line break.
    /// - Throws: `MessageCatalogueError` naming `file:line` for a line without `=`, an unknown
    ///   language or key, or a placeholder the key does not have; every such line is listed.
    public func overriding(with text: String, file: String) throws(MessageCatalogueError) -> MessageCatalogue {
        var catalogue = self
        var problems: [String] = []
        // Swift counts "\r\n" as one character, so a file saved on Windows is split on it too; a
        // byte order mark at the start is no part of the first line.
        let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        let lines = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (index, line) in lines.enumerated() {
            let where_ = "\(file):\(index + 1)"
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                problems.append("\(where_): expected LANGUAGE.KEY = TEXT, e.g. en.escalation = ESCALATION: …")
                continue
            }
            let name = line[..<equals].trimmingSpaces
            var value = line[line.index(after: equals)...]
            if value.first == " " { value = value.dropFirst() }
            let parts = name.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, let language = Language(rawValue: String(parts[0])) else {
                let languages = Language.allCases.map(\.rawValue).joined(separator: ", ")
                problems.append("\(where_): unknown language in \"\(name)\": begin the key with one of \(languages)")
                continue
            }
            guard let key = Key(rawValue: String(parts[1])) else {
                let keys = Key.allCases.map(\.rawValue).joined(separator: ", ")
                problems.append("\(where_): unknown key \"\(parts[1])\" (known keys: \(keys))")
                continue
            }
            let template = String(value).replacing("\\n", with: "\n")
            let allowed = key.placeholders + ["link"]
            let unknown = Self.placeholders(in: template).filter { !allowed.contains($0) }
            if !unknown.isEmpty {
                let names = unknown.map { "{\($0)}" }.joined(separator: ", ")
                let known = allowed.map { "{\($0)}" }.joined(separator: ", ")
                problems.append("\(where_): unknown placeholder \(names) in \(name) (it has \(known))")
                continue
            }
            catalogue.templates[language, default: [:]][key] = template
        }
        if !problems.isEmpty { throw MessageCatalogueError(problems: problems) }
        return catalogue
    }
}

/// Lines of a message override file that cannot be taken, each as `file:line: what is wrong`.
public struct MessageCatalogueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One `file:line: message` per bad line.
    public var problems: [String]

    public var description: String { problems.joined(separator: "\n") }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension Engine {
    /// Notifications for whoever is on duty in `roles`, like `notifications(roles:…message:)`, each
    /// with its text made in the recipient's language.
    public func notifications(
        roles: [String], tier: ContentTier, at time: Instant, guideline id: String,
        message: (Language) -> String
    ) -> (notifications: [PlannedNotification], problems: [PlanProblem]) {
        var result = notifications(roles: roles, tier: tier, at: time, guideline: id, message: "")
        for index in result.notifications.indices {
            result.notifications[index].message = message(result.notifications[index].language)
        }
        return result
    }

    /// A situation-tier notification to one named person, like `notification(to:…message:)`, with
    /// its text made in the person's language.
    public func notification(
        to person: String, as role: String, at time: Instant, guideline id: String, message: (Language) -> String
    ) -> PlannedNotification? {
        guard var planned = notification(to: person, as: role, at: time, guideline: id, message: "") else {
            return nil
        }
        planned.message = message(planned.language)
        return planned
    }
}
