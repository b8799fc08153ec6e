import BeredskabCheck
import BeredskabEngine
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import Foundation
import Testing

/// The message each recipient gets: placeholders filled, nothing left of an empty one, and the
/// position with map links whenever the report has coordinates.
@Suite struct MessageTests {
    /// The world with one guideline notifying `vagt` and the reporter's key persons with this Danish
    /// (and, if given, English) message.
    static func rules(_ da: String, en: String? = nil) -> Engine {
        var text = world + "guideline g \"G\" {\n  when always\n  notify vagt\n  notify reporter\n"
        text += "  message da \"\(da)\"\n"
        if let en { text += "  message en \"\(en)\"\n" }
        return engine(text + "}\n")
    }

    /// The message `bo` (Danish, on duty as vagt) gets.
    static func danish(_ plan: Plan) -> String? { plan.notifications.first { $0.person == "bo" }?.message }
    /// The message `erik` (English, a key person of fsb) gets.
    static func english(_ plan: Plan) -> String? { plan.notifications.first { $0.person == "erik" }?.message }

    /// A report in Blågården with no address, no description and no coordinates.
    @Test(arguments: [
        // A separator before it goes with it.
        ("{area}, {address}, {date} kl. {time}", "Blågården, 18-11-2026 kl. 22:30"),
        ("{area} – {address} – {time}", "Blågården – 22:30"),
        ("{area} - {address}; {time}", "Blågården; 22:30"),
        ("{area}; {address}; {time}", "Blågården; 22:30"),
        ("{area}, {address}.", "Blågården."),
        // Standing first, the separator after it goes.
        ("{address}, {area}", "Blågården"),
        ("Sted: {address} – {area}", "Sted: Blågården"),
        ("({address}, {time})", "(22:30)"),
        // A bracket pair left empty goes with the space before it (or after, at the start).
        ("Uro i {area} ({address}) {date}", "Uro i Blågården 18-11-2026"),
        ("Uro i {area} [{address}].", "Uro i Blågården."),
        ("({address}) {area}", "Blågården"),
        // Otherwise one space.
        ("kl. {time}. {description} Slut.", "kl. 22:30. Slut."),
        ("{description} Slut", "Slut"),
        ("Slut {description}", "Slut"),
        ("Slut{description}.", "Slut."),
        // A line of its own goes with its line break.
        ("{title}\\n{description}\\n{link}", "G\n{link}"),
        // Two empty ones in a row.
        ("{area}, {address}, {description}, {time}", "Blågården, 22:30"),
        ("Uro ({address}, {description}) i {area}", "Uro i Blågården"),
        // Nothing empty: nothing taken away.
        ("{area}, {time} ({category})", "Blågården, 22:30 (uro)"),
    ])
    func emptyPlaceholdersLeaveNoStrayPunctuation(_ template: String, _ expected: String) {
        let e = Self.rules(template)
        #expect(Self.danish(e.evaluate(report(engine: e))) == expected, "\(template)")
    }

    @Test func aFilledAddressAndDescriptionStay() {
        let e = Self.rules("Uro i {area} ({address}) kl. {time}. {description} Slut.")
        var r = report(engine: e)
        r.location.address = "Blågårdsgade 15"
        r.description = "Unge kaster med sten."
        #expect(
            Self.danish(e.evaluate(r)) == "Uro i Blågården (Blågårdsgade 15) kl. 22:30. Unge kaster med sten. Slut.")
    }

    /// The shape of the demo's templates, for a report placed by its coordinates only.
    @Test func coordinatesReachTheRecipientWithMapLinksInTheirLanguage() {
        let e = Self.rules(
            "Narko i {area}, {address} ({date} kl. {time}). {description} {link}",
            en: "Drugs in {area}, {address} ({date} at {time}). {description} {link}")
        let plan = e.evaluate(report("drugs", area: nil, lat: 3.25, lon: 2.5, engine: e))
        #expect(plan.area == "blaa")
        let osm = "https://www.openstreetmap.org/?mlat=3.25000&mlon=2.50000#map=18/3.25000/2.50000"
        #expect(
            Self.danish(plan)
                == "Narko i Blågården (18-11-2026 kl. 22:30). {link}\nPosition: 3.25000, 2.50000 – kort: \(osm) – geo:3.25000,2.50000"
        )
        #expect(
            Self.english(plan)
                == "Drugs in Blågården (2026-11-18 at 22:30). {link}\nPosition: 3.25000, 2.50000 – map: \(osm) – geo:3.25000,2.50000"
        )
    }

    @Test func aTemplateThatPlacesThePositionItselfGetsNoExtraLine() {
        let e = Self.rules("{area}: {coordinates} {map} {geo}")
        let plan = e.evaluate(report(area: nil, lat: 3, lon: 3, engine: e))
        #expect(
            Self.danish(plan)
                == "Blågården: 3.00000, 3.00000 https://www.openstreetmap.org/?mlat=3.00000&mlon=3.00000#map=18/3.00000/3.00000 geo:3.00000,3.00000"
        )
        // Without coordinates, those placeholders are empty and go with their spaces.
        #expect(Self.danish(e.evaluate(report(engine: e))) == "Blågården:")
    }

    @Test func aReportWithoutCoordinatesGetsNoPositionLine() {
        let e = Self.rules("Uro i {area}.")
        #expect(Self.danish(e.evaluate(report(engine: e))) == "Uro i Blågården.")
    }

    /// An unplaced report: its address stands in for the area only when the message does not show it anyway.
    @Test func anUnplacedReportReadsWell() {
        let both = Self.rules("Uro i {area}, {address} kl. {time}.")
        // The test report's only location is the address "Et sted".
        #expect(
            Self.danish(both.evaluate(report(area: nil, engine: both))) == "Uro i ukendt område, Et sted kl. 22:30.")
        let areaOnly = Self.rules("Uro i {area} kl. {time}.")
        #expect(Self.danish(areaOnly.evaluate(report(area: nil, engine: areaOnly))) == "Uro i Et sted kl. 22:30.")
        // Coordinates outside every area: unknown area, and the position with its links.
        let plan = both.evaluate(report(area: nil, lat: 20, lon: 20, engine: both))
        #expect(plan.area == nil)
        #expect(
            Self.danish(plan)
                == "Uro i ukendt område kl. 22:30.\nPosition: 20.00000, 20.00000 – kort: https://www.openstreetmap.org/?mlat=20.00000&mlon=20.00000#map=18/20.00000/20.00000 – geo:20.00000,20.00000"
        )
    }

    @Test func checkKnowsThePositionPlaceholders() {
        var sources = SourceSet()
        sources.add(
            SourceFile(
                path: "t.rules",
                text: world
                    + "guideline g \"G\" {\n  when always\n  notify vagt\n  message da \"{coordinates} {map} {geo} {maps}\"\n}\n"
            ))
        let errors = Checker.check(sources).diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.message) == ["unknown placeholder '{maps}'"])
        #expect(errors.first?.notes.first?.message == "did you mean '{map}'?")
    }

    @Test func degreesAreWrittenWithFiveDecimalsAndNoExponent() {
        #expect(Coordinate.degrees(55.6867) == "55.68670")
        #expect(Coordinate.degrees(12.554) == "12.55400")
        #expect(Coordinate.degrees(-0.000001) == "0.00000")
        #expect(Coordinate.degrees(-33.8688) == "-33.86880")
        #expect(Coordinate.degrees(179.999996) == "180.00000")
        #expect(Coordinate.degrees(0.00001) == "0.00001")
        let point = Coordinate(lat: 55.6867, lon: 12.554)
        #expect(point.geoURI == "geo:55.68670,12.55400")
        #expect(point.mapURL == "https://www.openstreetmap.org/?mlat=55.68670&mlon=12.55400#map=18/55.68670/12.55400")
    }

    /// The demo's report from the night walkers' app, with only the phone's position.
    @Test func theDemoReportPlacedByCoordinatesCarriesItsPositionToEveryone() throws {
        let bytes = [UInt8](
            try Data(
                contentsOf: ReportDecodingTests.root.appendingPathComponent(
                    "examples/reports/placeret-efter-koordinater.json")))
        let demo = ReportDecodingTests.demo
        let report = try IncidentReport.decode(bytes, rules: demo.rules, roster: demo.roster).get()
        let plan = Engine(rules: demo.rules, roster: demo.roster).evaluate(report)
        #expect(plan.area == "blaagaarden")
        #expect(!plan.notifications.isEmpty)
        for notification in plan.notifications {
            #expect(notification.message.contains("geo:55.68671,12.55788"), "\(notification.person)")
            #expect(
                notification.message.contains(
                    "https://www.openstreetmap.org/?mlat=55.68671&mlon=12.55788#map=18/55.68671/12.55788"),
                "\(notification.person)")
            #expect(!notification.message.contains(", ,"), "\(notification.message)")
            #expect(!notification.message.contains("()"), "\(notification.message)")
        }
    }
}
