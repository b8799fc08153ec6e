import BeredskabRules
import Testing

@testable import BeredskabWeb

/// The reported position on the pages that show a situation, with a map link and a `geo:` link.
@Suite struct PositionTests {
    static func placed() -> Situation {
        var placed = situation()
        placed.address = nil
        placed.coordinate = Coordinate(lat: 55.68671, lon: 12.55788)
        return placed
    }

    static func page(_ situation: Situation) -> ResponderPage {
        ResponderPage(
            token: "tok-abc", incident: "inc-42", recipientName: "Kasper", roleNames: ["Kriminalpræventiv"],
            situation: situation, message: "Narkohandel meldt i Blågården.", now: now)
    }

    @Test func theResponderPageShowsThePositionWithBothLinksEscaped() {
        let html = Self.page(Self.placed()).render(context("/ack/tok-abc", user: nil))
        let links = HTMLInspector(html).elements("a")
        let map = links.first { $0.attributes["class"] == "map-link" }
        let geo = links.first { $0.attributes["class"] == "geo-link" }
        // The `&` between the query's parameters escaped, as every attribute value is.
        #expect(
            map?.attributes["href"]
                == "https://www.openstreetmap.org/?mlat=55.68671&amp;mlon=12.55788#map=18/55.68671/12.55788")
        #expect(map?.following == "Vis på kort (OpenStreetMap)")
        #expect(geo?.attributes["href"] == "geo:55.68671,12.55788")
        #expect(html.contains("<dt>Koordinater</dt><dd><span class=\"coordinates\">55.68671, 12.55788</span>"))
        let english = Self.page(Self.placed()).render(context("/ack/tok-abc", .en, user: nil))
        #expect(english.contains("<dt>Coordinates</dt>"))
        #expect(english.contains(">Show on a map (OpenStreetMap)</a>"))
        #expect(english.contains(">Open in the phone&#39;s map app</a>"))
    }

    @Test func noPositionRowWithoutCoordinates() {
        let html = Self.page(situation()).render(context("/ack/tok-abc", user: nil))
        #expect(!html.contains("Koordinater"))
        #expect(!html.contains("openstreetmap"))
        #expect(!html.contains("geo:"))
    }

    @Test func theStatusPageShowsItToo() {
        var page = statusPage()
        page.situation = Self.placed()
        let html = page.render(context("/incidents/inc-42"))
        #expect(html.contains("href=\"geo:55.68671,12.55788\""))
    }
}
