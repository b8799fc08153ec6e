import BeredskabCheck
import BeredskabEngine
import BeredskabSyntax
import BeredskabTime
import Foundation
import Testing

/// Builds an engine from rule and contact text, failing the test on any diagnostic.
func engine(
    _ text: String, zone: LocalZone = LocalTime.zone, sourceLocation: SourceLocation = #_sourceLocation
) -> Engine {
    var sources = SourceSet()
    sources.add(SourceFile(path: "t.rules", text: text))
    let result = Checker.check(sources)
    let errors = result.diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "\(errors.map { $0.rendered(in: sources) })", sourceLocation: sourceLocation)
    return Engine(rules: result.rules, roster: result.roster, zone: zone)
}

/// Copenhagen local time `YYYY-MM-DD HH:MM` as an instant.
func local(_ text: String) -> Instant {
    Copenhagen.instant(LocalDateTime(parsing: text, requireTime: true)!)
}

/// A report with sensible defaults.
func report(
    _ category: String = "unrest", area: String? = "blaa", at time: String = "2026-11-18 22:30",
    severity: String = "moderate", reporter: String = "fsb", flags: [String] = [], id: String = "r1",
    lat: Double? = nil, lon: Double? = nil, persons: Bool = false, engine: Engine
) -> IncidentReport {
    var location: [(String, JSONValue)] = []
    if let area { location.append(("area", .string(area))) }
    if let lat, let lon { location += [("lat", .number(lat)), ("lon", .number(lon))] }
    if location.isEmpty { location.append(("address", .string("Et sted"))) }
    var pairs: [(String, JSONValue)] = [
        ("id", .string(id)), ("reporter", .object([("organisation", .string(reporter))])),
        ("occurred_at", .string(Copenhagen.format(local(time)))), ("category", .string(category)),
        ("severity", .string(severity)), ("location", .object(location)),
        ("flags", .object(flags.map { ($0, .bool(true)) })),
    ]
    if persons {
        pairs.append(("persons", .array([.object([("name", .string("Anonym Person")), ("age", .number(16))])])))
    }
    switch IncidentReport.decode(.object(pairs), rules: engine.rules, roster: engine.roster) {
    case .success(let report): return report
    case .failure(let invalid): fatalError("bad test report: \(invalid.problems)")
    }
}

/// A small world: a city with a district and two estates, authority and housing-association staff.
let world = """
    area by "Byen" { polygon [0 0, 0 10, 10 10, 10 0] }
    area distrikt "Distriktet" { within by polygon [1 1, 1 9, 9 9, 9 1] }
    area blaa "Blågården" { within distrikt polygon [2 2, 2 4, 4 4, 4 2] }
    area prater "Prater" { within distrikt polygon [5 5, 5 7, 7 7, 7 5] }
    area fjern "Fjernt" { within by }
    role vagt "Vagt" { duty "Tager imod alarmer" authority only }
    role chef "Chef" { duty "Leder" authority only }
    role gade "Gadeteam" { duty "På gaden" }
    role tmf "TMF" { duty "Reparerer" authority only }
    window aften "Aften" { mon-fri 17:00-24:00 weekends }
    organisation kommune "Kommunen" { kind authority }
    organisation fsb "fsb" { kind housing-association }
    person anna "Anna" { organisation kommune email "anna@example.org" }
    person bo "Bo" { organisation kommune sms "+45 01 00 00 02" }
    person carl "Carl" { organisation kommune email "carl@example.org" roles chef, tmf }
    person dina "Dina" { organisation fsb email "dina@example.org" roles gade key person }
    person erik "Erik" { organisation fsb email "erik@example.org" key person language en }
    rota vagtplan { role vagt members anna, bo handover weekly mon 08:00 starting "2026-01-05" }
    institution skole "Skolen" { kind school administration kommune area blaa vital leader carl }
    institution klub "Klubben" { kind youth-club administration kommune area prater leader carl }
    institution fjernskole "Fjern skole" { kind school administration kommune area fjern leader carl }

    """
