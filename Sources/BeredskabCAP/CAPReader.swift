import BeredskabEngine
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import Crypto
import Foundation

/// Reads a CAP 1.2 alert, already parsed as XML, into a `CAPAlert` with its report, collecting every
/// problem by its path in the XML.
struct CAPReader {
    let organisation: String
    let rules: RuleSet
    /// What `<severity>Unknown</severity>` becomes.
    var unknownSeverity: IncidentSeverity = .moderate
    var problems: [ReportProblem] = []
    /// What was read other than as written, for the plan's problems.
    var notes: [String] = []

    static let flagNames = IncidentFlag.allCases.map { CAP.prefix + $0.rawValue }
    static let maxDescription = 4000
    static let maxAddress = 300
    static let maxID = 200

    mutating func problem(_ path: String, _ message: String) {
        problems.append(ReportProblem(path, message))
    }

    /// The alert, or nil with the problems listed.
    mutating func read(_ root: XMLElementTree) -> CAPAlert? {
        guard root.name == "alert", root.namespace == CAP.namespace else {
            let found = root.namespace.map { " in namespace \($0)" } ?? " in no namespace"
            problem(
                "/\(root.name)",
                "not a CAP 1.2 alert: " + (Self.recognised(root).map { $0 + "; " } ?? "")
                    + "the root element must be 'alert' in namespace \(CAP.namespace), not '\(root.name)'" + found)
            return nil
        }
        problems += CAPSchema.check(alert: root)

        let identifier = root.value("identifier") ?? ""
        if root.child("identifier") != nil { checkIdentifier(identifier) }
        let sender = root.value("sender") ?? ""
        if root.child("sender") != nil, !CAP.isToken(sender) {
            problem("/alert/sender", "must not be empty or contain white space, commas, '<' or '&'")
        }
        let sent = root.value("sent").flatMap(CAP.instant)
        let status = root.value("status").flatMap { CAPAlert.Status(rawValue: $0.lowercased()) }
        let type = root.value("msgType").flatMap { CAPAlert.MessageType(rawValue: $0.lowercased()) }
        if root.value("scope") == "Private", (root.value("addresses") ?? "").isEmpty {
            problem("/alert/addresses", "is required when scope is Private")
        }

        var references: [CAPAlert.Reference] = []
        // An empty <references/> is as good as none.
        if let text = root.value("references"), text.contains(where: { !$0.isWhitespace }) {
            references = readReferences(text)
        } else if type == .update || type == .cancel {
            let kind = type == .update ? "an Update" : "a Cancel"
            problem("/alert/references", "is required for \(kind): it names the alert it changes")
        }

        let infos = root.children("info")
        for (index, info) in infos.enumerated() { checkGeometry(info, path: "/alert/info[\(index + 1)]") }
        var language: String?
        var report: JSONValue?
        if type == .alert || type == .update {
            if infos.isEmpty {
                problem("/alert/info", "is required for an Alert or Update: it says what happened")
            } else if let sent {
                let index = Self.chosenInfo(infos)
                language = infos[index].value("language") ?? "en-US"
                report = self.report(
                    infos[index], path: "/alert/info[\(index + 1)]", identifier: identifier, sent: sent)
            }
        }
        guard problems.isEmpty, let sent, let status, let type else { return nil }
        var alert = CAPAlert(
            identifier: identifier, sender: sender, sent: sent, messageType: type, status: status,
            references: references, language: language, report: report)
        alert.notes = notes
        return alert
    }

    /// A `<resource>` as the plan keeps it: its description, type, size in bytes and SHA-256 digest
    /// (of the embedded `derefUri` content, decoded from base64), or the `size` and `digest` (SHA-1,
    /// as CAP gives it) the sender declared, and its `uri`. The content itself is never kept.
    static func describe(resource: XMLElementTree) -> String {
        let name = resource.value("resourceDesc") ?? "resource"
        var facts = [resource.value("mimeType") ?? "unknown type"]
        if let embedded = resource.value("derefUri") {
            guard let content = Data(base64Encoded: embedded, options: .ignoreUnknownCharacters) else {
                facts.append("derefUri is not base64")
                return "CAP resource '\(name)' (\(facts.joined(separator: ", "))): nothing of it is kept"
            }
            facts.append("\(content.count) bytes")
            facts.append("sha256 " + SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined())
        } else {
            if let size = resource.value("size") { facts.append("\(size) bytes declared") }
            if let digest = resource.value("digest") { facts.append("sha1 \(digest) declared") }
        }
        if let uri = resource.value("uri") { facts.append(uri) }
        return "CAP resource '\(name)' (\(facts.joined(separator: ", "))): only its size and digest are kept"
    }

    /// What a root that is not a CAP 1.2 alert is, when it is something alerting systems send: an
    /// older CAP version, or a wrapper around alerts (Atom, RSS, EDXL-DE).
    static func recognised(_ root: XMLElementTree) -> String? {
        let namespace = root.namespace ?? ""
        switch (root.name, namespace) {
        case ("alert", "urn:oasis:names:tc:emergency:cap:1.1"):
            return "this is a CAP 1.1 alert; Beredskab takes CAP 1.2 only (send it as 1.2)"
        case ("alert", "http://www.incident.com/cap/1.0"), ("alert", "urn:oasis:names:tc:emergency:cap:1.0"):
            return "this is a CAP 1.0 alert; Beredskab takes CAP 1.2 only (send it as 1.2)"
        case ("feed", "http://www.w3.org/2005/Atom"):
            return "this is an Atom feed; post each entry's CAP 1.2 alert on its own"
        case ("rss", _):
            return "this is an RSS feed; post each item's CAP 1.2 alert on its own"
        case ("EDXLDistribution", _):
            return "this is an EDXL-DE envelope; post the CAP 1.2 alert from its contentObject on its own"
        default:
            return nil
        }
    }

    /// The info block to read: the first in Danish (`da`, `da-DK`), else the first.
    static func chosenInfo(_ infos: [XMLElementTree]) -> Int {
        infos.firstIndex {
            let language = ($0.value("language") ?? "en-US").lowercased()
            return language == "da" || language.hasPrefix("da-")
        } ?? 0
    }

    mutating func checkIdentifier(_ identifier: String) {
        let first = identifier.utf8.first
        let ok =
            identifier.codePointCount <= Self.maxID && first.map(Self.isAlphanumeric) == true
            && identifier.utf8.allSatisfy { Self.isAlphanumeric($0) || [46, 95, 58, 45].contains($0) }
        if !ok {
            problem(
                "/alert/identifier",
                "must be usable as a report id: 1 to 200 letters, digits, '.', '_', ':' and '-', "
                    + "starting with a letter or digit")
        }
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
    }

    /// `sender,identifier,sent` triples separated by white space.
    mutating func readReferences(_ text: String) -> [CAPAlert.Reference] {
        var references: [CAPAlert.Reference] = []
        let triples = text.split(whereSeparator: { $0.isWhitespace })
        if triples.isEmpty { problem("/alert/references", "must not be empty") }
        for (index, triple) in triples.enumerated() {
            let parts = triple.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, CAP.isToken(parts[0]), CAP.isToken(parts[1]), let sent = CAP.instant(parts[2])
            else {
                problem(
                    "/alert/references",
                    "reference \(index + 1) ('\(triple)') must be sender,identifier,sent such as "
                        + "beredskab@kk.dk,fsb-2026-000412,2026-11-21T22:15:00+01:00; references are separated by spaces"
                )
                continue
            }
            references.append(CAPAlert.Reference(sender: parts[0], identifier: parts[1], sent: sent))
        }
        return references
    }

    /// Checks every polygon and circle of an info block.
    mutating func checkGeometry(_ info: XMLElementTree, path: String) {
        for (a, area) in info.children("area").enumerated() {
            for (p, polygon) in area.children("polygon").enumerated() {
                if case .failure(let error) = Self.polygon(polygon.text) {
                    problem("\(path)/area[\(a + 1)]/polygon[\(p + 1)]", error.message)
                }
            }
            for (c, circle) in area.children("circle").enumerated() {
                if case .failure(let error) = Self.circle(circle.text) {
                    problem("\(path)/area[\(a + 1)]/circle[\(c + 1)]", error.message)
                }
            }
        }
    }

    struct GeometryError: Error {
        var message: String
    }

    /// A `lat,lon` point in WGS84.
    static func point(_ text: Substring) -> Coordinate? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let lat = number(parts[0]), let lon = number(parts[1]), (-90...90).contains(lat),
            (-180...180).contains(lon)
        else { return nil }
        return Coordinate(lat: lat, lon: lon)
    }

    /// A plain decimal number (no exponent, no `nan` or `inf`).
    static func number(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ "+-.0123456789".unicodeScalars.contains($0) }) else {
            return nil
        }
        return Double(text).flatMap { $0.isFinite ? $0 : nil }
    }

    /// A CAP polygon: at least four `lat,lon` points, the first and the last the same.
    static func polygon(_ text: String) -> Result<[Coordinate], GeometryError> {
        let points = text.split(whereSeparator: { $0.isWhitespace }).map(point)
        guard points.count >= 4, points.allSatisfy({ $0 != nil }), points.first! == points.last! else {
            return .failure(
                GeometryError(
                    message:
                        "must be at least four 'lat,lon' points (WGS84) separated by spaces, the last the same as the "
                        + "first, such as '55.70,12.54 55.71,12.54 55.71,12.55 55.70,12.54'"))
        }
        return .success(points.map { $0! })
    }

    /// A CAP circle: a `lat,lon` centre and a radius in kilometres.
    static func circle(_ text: String) -> Result<(Coordinate, Double), GeometryError> {
        let parts = text.split(whereSeparator: { $0.isWhitespace })
        guard parts.count == 2, let centre = point(parts[0]), let radius = number(parts[1]), radius >= 0 else {
            return .failure(
                GeometryError(
                    message:
                        "must be a 'lat,lon' centre (WGS84) and a radius in kilometres, such as '55.7010,12.5420 0.5'"
                ))
        }
        return .success((centre, radius))
    }

    /// The centroid of a closed ring, on the plane of latitude and longitude (good enough for a city).
    static func centroid(_ ring: [Coordinate]) -> Coordinate {
        let points = Array(ring.dropLast())
        var area = 0.0
        var x = 0.0
        var y = 0.0
        for (i, p) in points.enumerated() {
            let q = points[(i + 1) % points.count]
            let cross = p.lon * q.lat - q.lon * p.lat
            area += cross
            x += (p.lon + q.lon) * cross
            y += (p.lat + q.lat) * cross
        }
        if abs(area) < 1e-12 {
            let count = Double(points.count)
            return Coordinate(
                lat: points.map(\.lat).reduce(0, +) / count, lon: points.map(\.lon).reduce(0, +) / count)
        }
        return Coordinate(lat: y / (3 * area), lon: x / (3 * area))
    }

    static func rounded(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }

    /// The report an info block maps to, in our JSON format.
    mutating func report(_ info: XMLElementTree, path: String, identifier: String, sent: Instant) -> JSONValue? {
        let category = readCategory(info, path: path)
        var severity: IncidentSeverity?
        if let text = info.value("severity") {
            severity = CAP.severities.first { $0.cap == text }?.ours
            if text == "Unknown" {
                severity = unknownSeverity
                notes.append(
                    "CAP severity Unknown was taken as \(unknownSeverity.rawValue) (cap.unknown_severity); "
                        + "set the severity when it is known")
            }
        }
        let occurred = info.value("onset").flatMap(CAP.instant) ?? info.value("effective").flatMap(CAP.instant) ?? sent
        let location = readLocation(info, path: path)
        let flags = readFlags(info, path: path)
        // The headline stands in for a missing description; the instruction follows either.
        let description = info.value("description").flatMap { $0.isEmpty ? nil : $0 } ?? info.value("headline")
        let text = [description, info.value("instruction")].compactMap { $0 }.filter { !$0.isEmpty }
            .joined(separator: "\n\n")
        if text.codePointCount > Self.maxDescription {
            problem(
                "\(path)/description",
                "description (or headline) and instruction together must be at most \(Self.maxDescription) characters "
                    + "(they are \(text.codePointCount))")
        }
        for resource in info.children("resource") { notes.append(Self.describe(resource: resource)) }
        guard let category, let severity, let location else { return nil }
        var pairs: [(String, JSONValue)] = [
            ("id", .string(identifier)), ("reporter", .object([("organisation", .string(organisation))])),
            ("occurred_at", .string(Copenhagen.format(occurred))), ("category", .string(category.rawValue)),
            ("severity", .string(severity.rawValue)), ("location", location),
        ]
        if !flags.isEmpty { pairs.append(("flags", .object(flags))) }
        if !text.isEmpty { pairs.append(("description", .string(text))) }
        return .object(pairs)
    }

    /// Our category: from eventCode beredskab:category, else the event's text, else the CAP category.
    mutating func readCategory(_ info: XMLElementTree, path: String) -> Category? {
        var chosen: Category?
        var failed = false
        for (index, code) in info.children("eventCode").enumerated() {
            let name = code.value("valueName") ?? ""
            let codePath = "\(path)/eventCode[\(index + 1)]"
            guard name.hasPrefix(CAP.prefix) else { continue }
            guard name == CAP.prefix + "category" else {
                var message = "unknown Beredskab event code '\(name)'"
                if let guess = closest(to: name, in: [CAP.prefix + "category"]) {
                    message += "; did you mean '\(guess)'?"
                }
                problem("\(codePath)/valueName", message)
                continue
            }
            let value = code.value("value") ?? ""
            guard let category = Category(rawValue: value) else {
                var message = "unknown category '\(value)'; must be one of: "
                message += Category.allCases.map(\.rawValue).joined(separator: ", ")
                if let guess = closest(to: value, in: Category.allCases.map(\.rawValue)) {
                    message += "; did you mean '\(guess)'?"
                }
                problem("\(codePath)/value", message)
                failed = true
                continue
            }
            if let chosen, chosen != category {
                problem("\(codePath)/value", "a second category '\(value)'; the first was '\(chosen.rawValue)'")
                failed = true
            }
            chosen = chosen ?? category
        }
        if failed { return nil }
        if let chosen { return chosen }
        if let event = info.value("event"), let category = CAP.category(event: event) { return category }
        let capCategories = info.children("category").map { $0.text.trimmingWhitespace() }
        return capCategories.contains("Fire") ? .fire : CAP.category(capCategory: capCategories.first ?? "Other")
    }

    /// The location: geocode beredskab:area, else a polygon's centroid or a circle's centre; areaDesc as address.
    mutating func readLocation(_ info: XMLElementTree, path: String) -> JSONValue? {
        let areas = info.children("area")
        guard !areas.isEmpty else {
            problem(
                "\(path)/area",
                "is required: Beredskab needs a geocode beredskab:area, a polygon or circle, or at least an areaDesc")
            return nil
        }
        var areaID: (id: String, block: Int)?
        var failed = false
        for (a, area) in areas.enumerated() {
            for (g, geocode) in area.children("geocode").enumerated() {
                let name = geocode.value("valueName") ?? ""
                let codePath = "\(path)/area[\(a + 1)]/geocode[\(g + 1)]"
                guard name.hasPrefix(CAP.prefix) else { continue }
                guard name == CAP.prefix + "area" else {
                    var message = "unknown Beredskab geocode '\(name)'"
                    if let guess = closest(to: name, in: [CAP.prefix + "area"]) {
                        message += "; did you mean '\(guess)'?"
                    }
                    problem("\(codePath)/valueName", message)
                    continue
                }
                let value = geocode.value("value") ?? ""
                if rules.areas[value] == nil {
                    var message = "unknown area '\(value)'"
                    if let guess = closest(to: value, in: rules.areas.keys.sorted()) {
                        message += "; did you mean '\(guess)'?"
                    }
                    problem("\(codePath)/value", message)
                    failed = true
                } else if let first = areaID, first.id != value {
                    problem(
                        "\(codePath)/value",
                        "a second area '\(value)'; an incident lies in one area, here '\(first.id)'")
                    failed = true
                } else if areaID == nil {
                    areaID = (value, a)
                }
            }
        }
        if failed { return nil }
        var block = areaID?.block
        var point: Coordinate?
        if areaID == nil, let (index, centre) = coordinate(areas) {
            block = index
            point = centre
        }
        let descIndex = block ?? 0
        let address = areas[descIndex].value("areaDesc") ?? ""
        if address.codePointCount > Self.maxAddress {
            problem(
                "\(path)/area[\(descIndex + 1)]/areaDesc",
                "must be at most \(Self.maxAddress) characters: it becomes the report's address (it has \(address.codePointCount))"
            )
            return nil
        }
        var pairs: [(String, JSONValue)] = []
        if let areaID { pairs.append(("area", .string(areaID.id))) }
        if !address.isEmpty { pairs.append(("address", .string(address))) }
        if let point {
            pairs += [("lat", .number(Self.rounded(point.lat))), ("lon", .number(Self.rounded(point.lon)))]
        }
        if pairs.isEmpty {
            problem(
                "\(path)/area[1]/areaDesc",
                "is empty and there is no geocode beredskab:area, polygon or circle: Beredskab cannot tell where")
            return nil
        }
        return .object(pairs)
    }

    /// The first polygon's centroid or circle's centre, with the index of its area block.
    func coordinate(_ areas: [XMLElementTree]) -> (Int, Coordinate)? {
        for (index, area) in areas.enumerated() {
            if let polygon = area.child("polygon"), case .success(let ring) = Self.polygon(polygon.text) {
                return (index, Self.centroid(ring))
            }
            if let circle = area.child("circle"), case .success(let (centre, _)) = Self.circle(circle.text) {
                return (index, centre)
            }
        }
        return nil
    }

    /// Flags from parameters beredskab:injured, beredskab:weapons and beredskab:minors.
    mutating func readFlags(_ info: XMLElementTree, path: String) -> [(String, JSONValue)] {
        var flags: [(String, JSONValue)] = []
        for (index, parameter) in info.children("parameter").enumerated() {
            let name = parameter.value("valueName") ?? ""
            let parameterPath = "\(path)/parameter[\(index + 1)]"
            guard name.hasPrefix(CAP.prefix) else { continue }
            guard Self.flagNames.contains(name) else {
                var message = "unknown Beredskab parameter '\(name)'; must be one of: "
                message += Self.flagNames.joined(separator: ", ")
                if let guess = closest(to: name, in: Self.flagNames) { message += "; did you mean '\(guess)'?" }
                problem("\(parameterPath)/valueName", message)
                continue
            }
            let flag = String(name.dropFirst(CAP.prefix.count))
            let value = parameter.value("value") ?? ""
            guard value == "true" || value == "false" else {
                problem("\(parameterPath)/value", "must be true or false")
                continue
            }
            if flags.contains(where: { $0.0 == flag }) {
                problem("\(parameterPath)/valueName", "'\(name)' is given twice")
                continue
            }
            flags.append((flag, .bool(value == "true")))
        }
        return flags
    }
}
