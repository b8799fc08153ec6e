import BeredskabRules
import BeredskabTime
import Foundation

extension CAPIncident {
    /// The restriction text of every alert we send (scope Restricted).
    public static let restriction =
        "Kun til de myndigheder og organisationer, Beredskab underretter; må ikke videregives. "
        + "Only for the authorities and organisations Beredskab notifies; do not pass on."

    /// The CAP 1.2 alert for an incident: an Alert while it is open, a Cancel of that Alert once it is
    /// closed; scope Restricted, one info block in Danish (da-DK) and one in English (en-US).
    public static func render(_ incident: CAPIncident) -> String {
        let alertID = "beredskab-" + CAP.token(incident.id)
        let sender = CAP.token(incident.sender)
        var xml = XMLWriter()
        xml.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        xml.open("alert xmlns=\"\(CAP.namespace)\"")
        let status = incident.capStatus.prefix(1).uppercased() + incident.capStatus.dropFirst()
        switch incident.status {
        case .open:
            xml.element("identifier", alertID)
            xml.element("sender", sender)
            xml.element("sent", CAP.dateTime(incident.sent))
            xml.element("status", status)
            xml.element("msgType", "Alert")
        case .closed(let at):
            xml.element("identifier", alertID + "-cancel")
            xml.element("sender", sender)
            xml.element("sent", CAP.dateTime(max(at, incident.sent)))
            xml.element("status", status)
            xml.element("msgType", "Cancel")
        }
        xml.element("scope", "Restricted")
        xml.element("restriction", restriction)
        if case .closed = incident.status {
            xml.element("references", "\(sender),\(alertID),\(CAP.dateTime(incident.sent))")
        }
        for language in [Language.da, .en] { info(incident, language, into: &xml) }
        xml.close("alert")
        return xml.text
    }

    static func info(_ incident: CAPIncident, _ language: Language, into xml: inout XMLWriter) {
        let danish = language == .da
        let closed = incident.status != .open
        let event = danish ? CAP.danishLabel(incident.category) : CAP.englishLabels[incident.category]!
        xml.open("info")
        xml.element("language", danish ? "da-DK" : "en-US")
        xml.element("category", CAP.capCategory(incident.category))
        xml.element("event", event)
        if closed { xml.element("responseType", "AllClear") }
        let urgency = closed ? "Past" : incident.severity >= .severe ? "Immediate" : "Expected"
        xml.element("urgency", urgency)
        xml.element("severity", CAP.severities.first { $0.ours == incident.severity }!.cap)
        xml.element("certainty", "Observed")
        xml.pair("eventCode", CAP.prefix + "category", incident.category.rawValue)
        xml.element("onset", CAP.dateTime(incident.occurredAt))
        xml.element("senderName", incident.senderName)
        var headline = event
        if let place = incident.area?.name ?? incident.address.map({ shortened($0, 100) }) {
            headline += " – " + place
        }
        if closed { headline = (danish ? "Afblæst: " : "All clear: ") + headline }
        // An exercise says so in its first words, as every message about it does.
        if incident.capStatus == "exercise" { headline = (danish ? "ØVELSE – " : "EXERCISE – ") + headline }
        xml.element("headline", headline)
        if let description = description(incident, language) { xml.element("description", description) }
        for flag in IncidentFlag.allCases {
            xml.pair("parameter", CAP.prefix + flag.rawValue, incident.flags.contains(flag) ? "true" : "false")
        }
        xml.open("area")
        // CAP 1.2's order inside area: areaDesc, polygon*, circle*, geocode*, altitude, ceiling.
        let place = [incident.area?.name, incident.address].compactMap { $0 }
        let unknown = incident.coordinate.map(\.text) ?? (danish ? "Ukendt sted" : "Unknown place")
        xml.element("areaDesc", place.isEmpty ? unknown : place.joined(separator: ", "))
        if let area = incident.area, let polygon = polygon(area.polygon) { xml.element("polygon", polygon) }
        if let point = incident.coordinate { xml.element("circle", circle(point)) }
        if let area = incident.area { xml.pair("geocode", CAP.prefix + "area", area.id) }
        xml.close("area")
        xml.close("info")
    }

    /// The description with the updates after it, if there is anything to say.
    static func description(_ incident: CAPIncident, _ language: Language) -> String? {
        var parts: [String] = []
        if let description = incident.description, !description.isEmpty { parts.append(description) }
        if !incident.updates.isEmpty {
            let lines = incident.updates.map { "\(Copenhagen.local($0.at).danishText): \($0.text)" }
            parts.append(([language == .da ? "Opdateringer:" : "Updates:"] + lines).joined(separator: "\n"))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    /// A CAP polygon (`lat,lon` pairs, closed) for the rules' polygon, if it has at least three corners.
    static func polygon(_ points: [Coordinate]) -> String? {
        var ring = points
        if let first = ring.first, ring.last != first { ring.append(first) }
        guard ring.count >= 4 else { return nil }
        return ring.map { "\(number($0.lat)),\(number($0.lon))" }.joined(separator: " ")
    }

    /// A CAP circle on the reported point: `lat,lon radius` in WGS 84, the radius in kilometres, 0
    /// for a point (`55.68671,12.55788 0`).
    static func circle(_ point: Coordinate) -> String {
        "\(number(point.lat)),\(number(point.lon)) 0"
    }

    /// A decimal number with at most six decimals and no exponent.
    static func number(_ value: Double) -> String {
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func shortened(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
