import BeredskabEngine
import BeredskabRules
import BeredskabStore

extension Routes {
    /// The reported position in a stored report (`location.lat` and `location.lon`, WGS 84
    /// degrees), nil when the report gave none.
    static func coordinate(inReport report: JSONValue) -> Coordinate? {
        guard case .number(let lat)? = report["location"]?["lat"], case .number(let lon)? = report["location"]?["lon"]
        else { return nil }
        return Coordinate(lat: lat, lon: lon)
    }

    /// Where the incident happened, as the API gives it (situation tier): `area` (the area it was
    /// placed in) and `area_name`, `address`, `lat` and `lon` as reported, and for a position an
    /// OpenStreetMap link `map_url` and a `geo_uri` (RFC 5870); each null when not known.
    func locationJSON(_ incident: IncidentRecord, report: JSONValue) -> JSONValue {
        let point = Self.coordinate(inReport: report)
        return .object([
            ("area", incident.area.map(JSONValue.string) ?? .null),
            ("area_name", incident.area.flatMap { engine.rules.areas[$0]?.name }.map(JSONValue.string) ?? .null),
            ("address", report["location"]?["address"] ?? .null),
            ("lat", point.map { .number($0.lat) } ?? .null), ("lon", point.map { .number($0.lon) } ?? .null),
            ("map_url", point.map { .string($0.mapURL) } ?? .null),
            ("geo_uri", point.map { .string($0.geoURI) } ?? .null),
        ])
    }
}
