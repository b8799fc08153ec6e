import BeredskabRules
import BeredskabTime
import Testing

@testable import BeredskabEngine

/// Areas that list their streets, with Nørrebrogade split between three of them by house number,
/// and three shooting guidelines: inside the district, outside it, and anywhere.
private let streetWorld =
    world
        + """
        area norrebro8 "Indre Nørrebro" {
          within by
          streets "Nørrebrogade" 1-69 odd, "Jagtvej" 2-70 even, "Rantzausgade", "Baggesensgade"
        }
        area blaagaarden "Blågården" {
          within norrebro8
          streets "Blågårdsgade", "Blågårds Plads", "Baggesensgade" 1-29 odd, "Sankt Hans Gade"
        }
        area guldberg "Guldbergskvarteret" { within by streets "Nørrebrogade" 2-68 even }
        area ydre "Ydre Nørrebro" { within by streets "Nørrebrogade" 70-260, "Jagtvej" 1-69 odd }
        guideline inde "Skud i distriktet" { when category shooting and area norrebro8 notify vagt message da "x" }
        guideline ude "Skud uden for distriktet" { when category shooting and not area norrebro8 notify vagt message da "x" }
        guideline alle "Skud" { when category shooting notify chef message da "x" }

        """

private let e = engine(streetWorld)

/// A shooting reported with only an address (or with the given area or coordinates too).
private func shooting(
    at address: String, area: String? = nil, coordinate: Coordinate? = nil, flags: Set<IncidentFlag> = []
) -> IncidentReport {
    IncidentReport(
        id: "r1", reporter: .init(organisation: "fsb"), occurredAt: local("2026-11-18 22:30"), category: .shooting,
        severity: .severe, location: .init(area: area, address: address, coordinate: coordinate), flags: flags)
}

@Suite struct StreetPlacementTests {
    @Test func blaagaardsgade23LiesInBlaagaardenAndSoInTheDistrict() {
        let plan = e.evaluate(shooting(at: "Blågårdsgade 23"))
        #expect(plan.area == "blaagaarden")
        #expect(plan.fired == ["inde", "alle"])
        #expect(!plan.fired.contains("ude"))
        #expect(plan.problems.isEmpty)
        #expect(e.evaluate(shooting(at: "Blågårdsgade 23"), strategy: .naive).fired == plan.fired)
    }

    @Test(arguments: [
        "Blågårdsgade 23, 2200 København N", "blaagaardsgade 23", "BLÅGÅRDSGADE   23", "Blågårdsgade 23 st. th.",
        "Blågårdsgade 23B", "Blågårdsgade 23 B, 1. sal", "Blågårdsgade nr. 23", "Gården bag Blågårdsgade 23",
        "Blågårds Plads", "blaagaards plads ud for nr. 4", "Supermarkedet i Blågårdsgade", "Skt. Hans Gade 3",
        "Sankt Hansgade 3", "Baggesensgade 29", "Opgang B, Blågårdsgade 15",
    ])
    func addressesAreReadTolerantly(_ address: String) {
        #expect(e.evaluate(shooting(at: address)).area == "blaagaarden", "\(address)")
    }

    @Test(arguments: [
        ("Nørrebrogade 1", "norrebro8"), ("Nørrebrogade 13", "norrebro8"), ("Nørrebrogade 69", "norrebro8"),
        ("Nørrebrogade 14", "guldberg"), ("Nørrebrogade 68", "guldberg"), ("Nørrebrogade 70", "ydre"),
        ("Nørrebrogade 71", "ydre"), ("Jagtvej 40", "norrebro8"), ("Jagtvej 41", "ydre"),
        ("Baggesensgade 31", "norrebro8"), ("Baggesensgade 30", "norrebro8"), ("Baggesensgade 27B", "blaagaarden"),
    ])
    func aBoundaryStreetIsSplitByItsHouseNumbers(_ address: String, _ area: String) {
        // The district lists all of Baggesensgade; the deepest claim wins, so its odd numbers up
        // to 29 are Blågården's.
        #expect(e.evaluate(shooting(at: address)).area == area, "\(address)")
    }

    @Test func anUnplaceableAddressFiresOnlyWhatDoesNotDependOnTheArea() {
        let plan = e.evaluate(shooting(at: "Ukendt Vej 3, 2200 København N"))
        #expect(plan.area == nil)
        // Not "outside the district": nobody knows whether it is.
        #expect(plan.fired == ["alle"])
        #expect(e.evaluate(shooting(at: "Ukendt Vej 3, 2200 København N"), strategy: .naive).fired == ["alle"])
        #expect(plan.problems.map(\.kind) == ["unplaced", "unplaced", "unplaced"])
        #expect(plan.problems[0].message.contains("'Ukendt Vej 3, 2200 København N'"))
        #expect(
            plan.problems.map(\.message).contains(
                "guideline 'ude' was not fired because its condition depends on the incident's area (norrebro8), which is unknown"
            ))
        #expect(plan.problems.map(\.message).contains { $0.hasPrefix("guideline 'inde' was not fired") })
    }

    @Test(arguments: ["Nørrebrogade", "Nørrebrogade 300", "Nørrebrogade 0", "", "23 Et Sted"])
    func aKnownStreetWithoutAClaimedNumberIsNotPlaced(_ address: String) {
        let plan = e.evaluate(shooting(at: address))
        #expect(plan.area == nil, "\(address)")
        #expect(plan.fired == ["alle"], "\(address)")
    }

    @Test func anAreaOrCoordinatesComeBeforeTheAddress() {
        #expect(e.evaluate(shooting(at: "Blågårdsgade 23", area: "prater")).area == "prater")
        // The point lies in no area; the address is not consulted.
        let plan = e.evaluate(shooting(at: "Blågårdsgade 23", coordinate: Coordinate(lat: 20, lon: 20)))
        #expect(plan.area == nil)
        #expect(plan.problems.first?.message.contains("coordinates (20.0, 20.0) lie in no area") == true)
    }

    @Test(arguments: [
        ("not area norrebro8 or flag weapons", true), ("not area norrebro8 and flag weapons", false),
        ("area norrebro8 or flag weapons", true), ("category unrest and not area norrebro8", false),
        ("not (area norrebro8 or category unrest)", false), ("not (area norrebro8 and category unrest)", true),
        ("at least 1 incidents in same area within 1h", true), ("at least 2 incidents in same area within 1h", false),
        ("not at least 2 incidents in same area within 1h", false),
    ])
    func areaTestsOnAnUnplacedIncidentAreUnknown(_ when: String, _ fires: Bool) {
        let e = engine(
            streetWorld + "guideline g \"g\" {\n  when \(when)\n  notify vagt\n  message da \"x\"\n}\n")
        let report = shooting(at: "Et sted", flags: [.weapons])
        let plan = e.evaluate(report)
        #expect(plan.fired.contains("g") == fires, "\(when)")
        #expect(e.evaluate(report, strategy: .naive).fired == plan.fired, "\(when)")
    }

    @Test func theExplanationMarksUnknownTests() {
        let text = e.explain(shooting(at: "Et sted"))
        #expect(text.contains("ude \"Skud uden for distriktet\": not fired: depends on the incident's area"))
        #expect(text.contains("? area norrebro8  — is unknown"))
    }
}

@Suite struct StreetNameTests {
    @Test(arguments: [
        ("Blågårdsgade", "blaagaardsgade"), ("BLAAGAARDSGADE", "blaagaardsgade"), ("Sankt Hans Gade", "sankthansgade"),
        ("Skt. Hans Gade", "sankthansgade"), ("Rosenørns Allé", "rosenoernsalle"), ("  Ågade ", "aagade"),
        ("Dronning Louises Bro", "dronninglouisesbro"), ("Sjælør Boulevard", "sjaeloerboulevard"),
    ])
    func keysFoldCaseSpacesAndDanishLetters(_ name: String, _ key: String) {
        #expect(StreetName.key(name) == key)
    }

    @Test func claimsKnowTheirNumbers() {
        let span = e.rules.areas["norrebro8"]!.streets[0].span
        let odd = StreetClaim(street: "Nørrebrogade", from: 1, to: 69, side: .odd, span: span)
        #expect(odd.contains(1) && odd.contains(69) && !odd.contains(2) && !odd.contains(71))
        #expect(!odd.overlaps(StreetClaim(street: "Nørrebrogade", from: 2, to: 68, side: .even, span: span)))
        #expect(odd.overlaps(StreetClaim(street: "nørrebrogade", from: 60, to: 80, span: span)))
        #expect(!odd.overlaps(StreetClaim(street: "Nørrebrogade", from: 70, to: 80, span: span)))
        #expect(odd.firstUncovered(by: [StreetClaim(street: "Nørrebrogade", to: 59, span: span)]) == 61)
        #expect(odd.firstUncovered(by: [StreetClaim(street: "Nørrebrogade", side: .odd, span: span)]) == nil)
        #expect(StreetClaim(street: "X", from: 4, to: 4, side: .odd, span: span).isEmpty)
    }
}
