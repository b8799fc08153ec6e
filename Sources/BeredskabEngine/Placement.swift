import BeredskabRules

/// Places coordinates in the smallest area whose polygon contains them, and addresses in the
/// deepest area that lists their street and house number.
public struct AreaMap: Sendable {
    /// Area ids in a fixed order; indices are used throughout the compiled rules.
    public let ids: [String]
    /// Index by id.
    public let index: [String: Int]
    /// For each area, itself and then its ancestors up to the root.
    public let lineage: [[Int]]
    /// For each area, the ids of the areas related to it (``related(_:_:)``): itself, its
    /// ancestors and its descendants. What the incident history is asked about.
    public let relatedIDs: [[String]]
    let polygons: [[Coordinate]]
    let polygonAreas: [Double]
    /// Street claims by street key, each with its area's index.
    let streets: [String: [(area: Int, claim: StreetClaim)]]
    /// The most words in one street's name, to bound the search through an address.
    let longestStreet: Int

    /// Builds the map from the rule set's areas.
    public init(_ rules: RuleSet) {
        let ids = rules.areas.keys.sorted()
        var index: [String: Int] = [:]
        for (i, id) in ids.enumerated() { index[id] = i }
        self.ids = ids
        self.index = index
        lineage = ids.map { id in
            var chain: [Int] = []
            var current: String? = id
            while let area = current, let i = index[area], !chain.contains(i) {
                chain.append(i)
                current = rules.areas[area]?.parent?.value
            }
            return chain
        }
        var related = [[String]](repeating: [], count: ids.count)
        for (area, chain) in lineage.enumerated() {
            for outer in chain {
                related[area].append(ids[outer])
                if outer != area { related[outer].append(ids[area]) }
            }
        }
        relatedIDs = related
        polygons = ids.map { rules.areas[$0]!.polygon }
        polygonAreas = polygons.map(Self.shoelace)
        var streets: [String: [(area: Int, claim: StreetClaim)]] = [:]
        var longest = 0
        for (i, id) in ids.enumerated() {
            for claim in rules.areas[id]!.streets {
                streets[claim.key, default: []].append((i, claim))
                longest = max(longest, claim.street.split(whereSeparator: { !StreetName.isKept($0) }).count)
            }
        }
        self.streets = streets
        longestStreet = longest
    }

    /// Whether any area lists streets, so that addresses can be placed at all.
    public var hasStreets: Bool { !streets.isEmpty }

    /// The deepest area that claims this house number of the street (by its `StreetName.key`);
    /// with no number, the deepest that claims the whole street.
    public func place(street key: String, number: Int?) -> Int? {
        var best: Int?
        for (area, claim) in streets[key] ?? [] {
            let claimed = number.map(claim.contains) ?? claim.isWholeStreet
            guard claimed else { continue }
            if best.map({ lineage[area].count > lineage[$0].count }) ?? true { best = area }
        }
        return best
    }

    /// Places a free-text address by the streets areas list, or nil when none matches.
    ///
    /// The address is read tolerantly: each comma-separated part in turn ("Blågårdsgade 23, 2200
    /// København N"); in a part, a house number (its leading digits: "23B" is 23) and the words just
    /// before it that name a listed street, so words before the street ("Gården bag Ågade 112") and
    /// after the number ("23 st. th.") are ignored; failing that, a listed street named anywhere in
    /// the part with no number, which places only where an area claims the whole street.
    public func place(address: String) -> Int? {
        guard hasStreets else { return nil }
        let parts = address.split(separator: ",")
        for part in parts {
            let words = part.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            for (index, word) in words.enumerated() where index > 0 && word.first?.isNumber == true {
                let number = Int(word.prefix(while: \.isNumber).prefix(9)) ?? 0
                // "nr." between the street and the number.
                var end = index
                if end > 1, StreetName.key(words[end - 1]) == "nr" { end -= 1 }
                if let area = placeStreet(in: words, endingAt: end, number: number) { return area }
            }
        }
        for part in parts {
            let words = part.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            for end in stride(from: words.count, to: 0, by: -1) {
                if let area = placeStreet(in: words, endingAt: end, number: nil) { return area }
            }
        }
        return nil
    }

    /// The longest run of words ending just before `end` that names a street placing the number.
    func placeStreet(in words: [String], endingAt end: Int, number: Int?) -> Int? {
        for start in max(0, end - longestStreet - 1)..<end {
            let key = StreetName.key(words[start..<end].joined(separator: " "))
            if streets[key] != nil { return place(street: key, number: number) }
        }
        return nil
    }

    /// Whether area `inner` is `outer` or lies within it.
    public func isWithin(_ inner: Int, _ outer: Int) -> Bool { lineage[inner].contains(outer) }

    /// Whether one of two areas lies within the other: the sense of "the same area" for duplicates,
    /// correlation and suppression.
    public func related(_ a: Int, _ b: Int) -> Bool { isWithin(a, b) || isWithin(b, a) }

    /// The deepest, then smallest, area whose polygon contains the point (points on an edge count).
    public func place(_ point: Coordinate) -> Int? {
        var best: Int?
        for (i, polygon) in polygons.enumerated() where polygon.count >= 3 && Self.contains(polygon, point) {
            guard let current = best else {
                best = i
                continue
            }
            if lineage[i].count > lineage[current].count
                || (lineage[i].count == lineage[current].count && polygonAreas[i] < polygonAreas[current])
            {
                best = i
            }
        }
        return best
    }

    /// Ray casting, with points on an edge counted as inside.
    static func contains(_ polygon: [Coordinate], _ p: Coordinate) -> Bool {
        var inside = false
        var j = polygon.count - 1
        for i in 0..<polygon.count {
            let a = polygon[i]
            let b = polygon[j]
            if onSegment(p, a, b) { return true }
            if (a.lat > p.lat) != (b.lat > p.lat) {
                let crossLon = (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon
                if p.lon < crossLon { inside.toggle() }
            }
            j = i
        }
        return inside
    }

    static func onSegment(_ p: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Bool {
        let cross = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon)
        guard abs(cross) <= 1e-12 else { return false }
        return p.lat >= min(a.lat, b.lat) - 1e-12 && p.lat <= max(a.lat, b.lat) + 1e-12
            && p.lon >= min(a.lon, b.lon) - 1e-12 && p.lon <= max(a.lon, b.lon) + 1e-12
    }

    static func shoelace(_ polygon: [Coordinate]) -> Double {
        guard polygon.count >= 3 else { return .infinity }
        var sum = 0.0
        for i in 0..<polygon.count {
            let a = polygon[i]
            let b = polygon[(i + 1) % polygon.count]
            sum += a.lon * b.lat - b.lon * a.lat
        }
        return abs(sum) / 2
    }
}
