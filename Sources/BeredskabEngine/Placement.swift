import BeredskabRules

/// Places coordinates in the smallest area whose polygon contains them.
public struct AreaMap: Sendable {
    /// Area ids in a fixed order; indices are used throughout the compiled rules.
    public let ids: [String]
    /// Index by id.
    public let index: [String: Int]
    /// For each area, itself and then its ancestors up to the root.
    public let lineage: [[Int]]
    let polygons: [[Coordinate]]
    let polygonAreas: [Double]

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
        polygons = ids.map { rules.areas[$0]!.polygon }
        polygonAreas = polygons.map(Self.shoelace)
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
