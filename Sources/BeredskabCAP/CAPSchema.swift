import BeredskabEngine
import BeredskabSyntax

/// The structure of a CAP 1.2 alert as OASIS's schema (schemas/cap/cap12.xsd) gives it: which
/// elements, in which order, how often, and what their text may be.
struct CAPSchema {
    /// What an element holds.
    indirect enum Content: Sendable {
        /// Text of a kind.
        case text(TextKind)
        /// Child elements in this order.
        case elements([Particle])
    }

    /// The kinds of text the schema distinguishes.
    enum TextKind: Sendable {
        case string
        case enumeration([String])
        case dateTime
        case language
        case decimal
        case integer
    }

    /// One element in a sequence: its name, how often it may occur (nil: unbounded), its content.
    struct Particle: Sendable {
        var name: String
        var min = 1
        var max: Int? = 1
        var content: Content = .text(.string)
    }

    static func optional(_ name: String, _ content: Content = .text(.string)) -> Particle {
        Particle(name: name, min: 0, max: 1, content: content)
    }

    static func many(_ name: String, min: Int = 0, _ content: Content = .text(.string)) -> Particle {
        Particle(name: name, min: min, max: nil, content: content)
    }

    static let pair: Content = .elements([Particle(name: "valueName"), Particle(name: "value")])

    static let statuses = ["Actual", "Exercise", "System", "Test", "Draft"]
    static let messageTypes = ["Alert", "Update", "Cancel", "Ack", "Error"]
    static let scopes = ["Public", "Restricted", "Private"]
    static let categories = [
        "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other",
    ]
    static let responseTypes = [
        "Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None",
    ]
    static let urgencies = ["Immediate", "Expected", "Future", "Past", "Unknown"]
    static let severities = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
    static let certainties = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"]

    static let area: Content = .elements([
        Particle(name: "areaDesc"), many("polygon"), many("circle"), many("geocode", pair),
        optional("altitude", .text(.decimal)), optional("ceiling", .text(.decimal)),
    ])

    static let resource: Content = .elements([
        Particle(name: "resourceDesc"), Particle(name: "mimeType"), optional("size", .text(.integer)),
        optional("uri"), optional("derefUri"), optional("digest"),
    ])

    static let info: Content = .elements([
        optional("language", .text(.language)),
        many("category", min: 1, .text(.enumeration(categories))),
        Particle(name: "event"),
        many("responseType", .text(.enumeration(responseTypes))),
        Particle(name: "urgency", content: .text(.enumeration(urgencies))),
        Particle(name: "severity", content: .text(.enumeration(severities))),
        Particle(name: "certainty", content: .text(.enumeration(certainties))),
        optional("audience"), many("eventCode", pair), optional("effective", .text(.dateTime)),
        optional("onset", .text(.dateTime)), optional("expires", .text(.dateTime)), optional("senderName"),
        optional("headline"), optional("description"), optional("instruction"), optional("web"), optional("contact"),
        many("parameter", pair), many("resource", resource), many("area", area),
    ])

    static let alert: [Particle] = [
        Particle(name: "identifier"), Particle(name: "sender"), Particle(name: "sent", content: .text(.dateTime)),
        Particle(name: "status", content: .text(.enumeration(statuses))),
        Particle(name: "msgType", content: .text(.enumeration(messageTypes))), optional("source"),
        Particle(name: "scope", content: .text(.enumeration(scopes))), optional("restriction"), optional("addresses"),
        many("code"), optional("note"), optional("references"), optional("incidents"), many("info", info),
    ]

    /// Every way the alert's elements differ from the schema, by path.
    static func check(alert: XMLElementTree) -> [ReportProblem] {
        var problems: [ReportProblem] = []
        check(alert, path: "/alert", particles: Self.alert, allowSignature: true, into: &problems)
        return problems
    }

    /// The path of the n-th (1-based) element of a particle: indexed when it may repeat.
    static func path(_ parent: String, _ particle: Particle, _ occurrence: Int) -> String {
        particle.max == 1 && occurrence == 1
            ? "\(parent)/\(particle.name)" : "\(parent)/\(particle.name)[\(occurrence)]"
    }

    static func check(
        _ element: XMLElementTree, path: String, particles: [Particle], allowSignature: Bool = false,
        into problems: inout [ReportProblem]
    ) {
        if !element.text.trimmingWhitespace().isEmpty {
            problems.append(ReportProblem(path, "must hold elements only, not text"))
        }
        var counts = Array(repeating: 0, count: particles.count)
        var position = 0
        var signatureSeen = false
        for child in element.children {
            if allowSignature, child.namespace == CAP.signatureNamespace {
                signatureSeen = true
                continue
            }
            guard child.namespace == CAP.namespace, let index = particles.firstIndex(where: { $0.name == child.name })
            else {
                var message: String
                if child.namespace == CAP.namespace {
                    message = "unknown element '\(child.name)'"
                    if let guess = closest(to: child.name, in: particles.map(\.name)) {
                        message += "; did you mean '\(guess)'?"
                    }
                } else {
                    message = "element '\(child.name)' is not in the CAP 1.2 namespace \(CAP.namespace)"
                }
                problems.append(ReportProblem("\(path)/\(child.name)", message))
                continue
            }
            let particle = particles[index]
            counts[index] += 1
            let childPath = Self.path(path, particle, counts[index])
            if signatureSeen {
                problems.append(ReportProblem(childPath, "must come before the signature"))
            } else if index < position {
                problems.append(
                    ReportProblem(childPath, "is out of order: CAP 1.2 puts it before '\(particles[position].name)'"))
            }
            position = max(position, index)
            if let max = particle.max, counts[index] > max {
                problems.append(ReportProblem(childPath, "may appear only once"))
                continue
            }
            switch particle.content {
            case .elements(let inner):
                check(child, path: childPath, particles: inner, into: &problems)
            case .text(let kind):
                if !child.children.isEmpty {
                    problems.append(ReportProblem(childPath, "must hold text only, not elements"))
                } else if let message = check(child.text.trimmingWhitespace(), kind) {
                    problems.append(ReportProblem(childPath, message))
                }
            }
        }
        for (index, particle) in particles.enumerated() where counts[index] < particle.min {
            problems.append(ReportProblem("\(path)/\(particle.name)", "is required"))
        }
    }

    /// What is wrong with a text of a kind, if anything.
    static func check(_ text: String, _ kind: TextKind) -> String? {
        switch kind {
        case .string:
            return nil
        case .enumeration(let values):
            if values.contains(text) { return nil }
            var message = "must be one of: \(values.joined(separator: ", "))"
            if let guess = values.first(where: { $0.lowercased() == text.lowercased() })
                ?? closest(to: text, in: values)
            {
                message += "; did you mean '\(guess)'?"
            }
            return message
        case .dateTime:
            return CAP.instant(text) == nil
                ? "must be a CAP date and time with seconds and an offset, such as 2026-11-21T22:15:00+01:00" : nil
        case .language:
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            let ok =
                !parts.isEmpty
                && parts.enumerated().allSatisfy { index, part in
                    (1...8).contains(part.count)
                        && part.unicodeScalars.allSatisfy {
                            $0.isASCII && ($0.properties.isAlphabetic || (index > 0 && ("0"..."9").contains($0)))
                        }
                }
            return ok ? nil : "must be a language code such as da-DK or en-US"
        case .decimal:
            return Double(text) != nil
                && text.unicodeScalars.allSatisfy({ "+-.0123456789".unicodeScalars.contains($0) })
                ? nil : "must be a decimal number"
        case .integer:
            let digits = text.hasPrefix("-") || text.hasPrefix("+") ? String(text.dropFirst()) : text
            return !digits.isEmpty && digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) })
                ? nil : "must be a whole number"
        }
    }
}
