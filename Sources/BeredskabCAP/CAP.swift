import BeredskabRules
import BeredskabTime

/// CAP 1.2 (OASIS Common Alerting Protocol) vocabulary shared by the reader and the writer.
enum CAP {
    /// The CAP 1.2 XML namespace.
    static let namespace = "urn:oasis:names:tc:emergency:cap:1.2"
    /// XML Signature's namespace: the only foreign elements CAP allows, at the end of `alert`.
    static let signatureNamespace = "http://www.w3.org/2000/09/xmldsig#"
    /// The prefix of our own `valueName`s in eventCode, parameter and geocode.
    static let prefix = "beredskab:"

    /// Danish words accepted in `event` (and written by us), by category.
    static let danishWords: [Category: [String]] = [
        .shooting: ["skyderi"], .weapons: ["våben"], .gang: ["bandehændelse", "bande"],
        .unrest: ["uro", "uroligheder"], .vandalism: ["hærværk"], .violence: ["vold"], .threat: ["trusler", "trussel"],
        .burglary: ["indbrud"], .theft: ["tyveri"], .drugs: ["narkotika", "narko"], .harassment: ["chikane"],
        .discrimination: ["diskrimination"], .fire: ["brand"], .release: ["løsladelse"], .insecurity: ["utryghed"],
        .other: ["andet"],
    ]

    /// English event labels, by category.
    static let englishLabels: [Category: String] = [
        .shooting: "Shooting", .weapons: "Weapons", .gang: "Gang incident", .unrest: "Unrest",
        .vandalism: "Vandalism", .violence: "Violence", .threat: "Threats", .burglary: "Burglary", .theft: "Theft",
        .drugs: "Drugs", .harassment: "Harassment", .discrimination: "Discrimination", .fire: "Fire",
        .release: "Release from prison", .insecurity: "Insecurity", .other: "Other",
    ]

    /// Danish event labels, by category.
    static func danishLabel(_ category: Category) -> String {
        let word = danishWords[category]![0]
        return word.prefix(1).uppercased() + word.dropFirst()
    }

    /// The category an `event` text names, by our id, a Danish word or our English label (any case).
    static func category(event: String) -> Category? {
        let text = event.trimmingWhitespace().lowercased()
        return Category.allCases.first { category in
            category.rawValue == text || danishWords[category]!.contains(text)
                || englishLabels[category]!.lowercased() == text
        }
    }

    /// Our category for a CAP category when nothing better is given: fire is fire, the rest is other.
    /// (Our `release` is a release from prison, not a CBRNE release, so CBRNE and Env map to other.)
    static func category(capCategory: String) -> Category {
        capCategory == "Fire" ? .fire : .other
    }

    /// The CAP category for ours: Fire, Other, or Security for the crime-prevention categories.
    static func capCategory(_ category: Category) -> String {
        switch category {
        case .fire: "Fire"
        case .other: "Other"
        default: "Security"
        }
    }

    /// CAP severities and ours.
    static let severities: [(cap: String, ours: IncidentSeverity)] = [
        ("Extreme", .extreme), ("Severe", .severe), ("Moderate", .moderate), ("Minor", .minor),
    ]

    /// A CAP date-time (`2026-11-21T22:15:00+01:00`: seconds, a numeric offset, no `Z`, no fraction).
    static func instant(_ text: String) -> Instant? {
        let b = Array(text.utf8)
        guard b.count == 25 else { return nil }
        for (index, byte) in b.enumerated() {
            let ok: Bool =
                switch index {
                case 4, 7: byte == 45
                case 10: byte == 84
                case 13, 16, 22: byte == 58
                case 19: byte == 43 || byte == 45
                default: byte >= 48 && byte <= 57
                }
            if !ok { return nil }
        }
        return Instant(rfc3339: text)
    }

    /// A CAP date-time in Copenhagen's offset.
    static func dateTime(_ instant: Instant) -> String { Copenhagen.format(instant) }

    /// Whether a CAP identifier or sender is usable: not empty, and no white space, commas, `<` or `&`.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && !text.unicodeScalars.contains { $0 == "," || $0 == "<" || $0 == "&" || isSpaceOrControl($0) }
    }

    /// The text with everything CAP forbids in identifiers and senders replaced by `_`.
    static func token(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let bad = scalar == "," || scalar == "<" || scalar == "&" || isSpaceOrControl(scalar)
            out.unicodeScalars.append(bad ? "_" : scalar)
        }
        return out.isEmpty ? "_" : out
    }

    static func isSpaceOrControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

extension String {
    /// The text without leading and trailing white space (spaces, tabs, line breaks).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
