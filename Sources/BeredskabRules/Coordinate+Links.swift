extension Coordinate {
    /// Degrees as a decimal number with exactly `decimals` decimals (five: about a metre), no
    /// exponent and no minus sign on a value that rounds to zero, e.g. `55.68670` or `-0.12500`.
    public static func degrees(_ value: Double, decimals: Int = 5) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard value.isFinite, scaled < 9e15 else { return "0" }
        let units = Int(scaled)
        let whole = units / Int(scale)
        var fraction = String(units % Int(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        let sign = value < 0 && units != 0 ? "-" : ""
        return decimals == 0 ? sign + String(whole) : sign + String(whole) + "." + fraction
    }

    /// The position for people, latitude first, five decimals: `55.68670, 12.55400`.
    public var text: String { Self.degrees(lat) + ", " + Self.degrees(lon) }

    /// The position as a `geo` URI (RFC 5870, WGS 84, five decimals), which a phone opens in its
    /// map app: `geo:55.68670,12.55400`.
    public var geoURI: String { "geo:" + Self.degrees(lat) + "," + Self.degrees(lon) }

    /// A link that opens OpenStreetMap with a marker on the position at street level:
    /// `https://www.openstreetmap.org/?mlat=55.68670&mlon=12.55400#map=18/55.68670/12.55400`.
    public var mapURL: String {
        let lat = Self.degrees(lat)
        let lon = Self.degrees(lon)
        return "https://www.openstreetmap.org/?mlat=\(lat)&mlon=\(lon)#map=18/\(lat)/\(lon)"
    }
}
