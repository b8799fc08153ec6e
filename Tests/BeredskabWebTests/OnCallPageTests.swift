import BeredskabRules
import BeredskabTime
import Testing

@testable import BeredskabWeb

/// Two roles over two days around Christmas: the police duty officer's daily rota, and SSP's
/// evenings with an override (Emil for Bo) and a night nobody covers.
func onCallPage(selected: String? = nil, names: (String, String) = ("Emil Hansen", "Bo Lund")) -> OnCallPage {
    let from = local("2026-12-23 21:48")
    let police = OnCallPage.Role(
        id: "politi-vagt", name: "Vagthavende, Københavns Politi",
        shifts: [
            .init(start: from, end: local("2026-12-24 07:00"), persons: [.init(name: "Jens Kragh")]),
            .init(
                start: local("2026-12-24 07:00"), end: local("2026-12-25 07:00"),
                persons: [.init(name: "Lone Vestergaard")]),
        ])
    let ssp = OnCallPage.Role(
        id: "ssp-vagt", name: "SSP-vagt",
        shifts: [
            .init(start: from, end: local("2026-12-24 02:00"), persons: [.init(name: names.0, covering: names.1)]),
            .init(start: local("2026-12-24 02:00"), end: local("2026-12-24 08:00"), persons: []),
            .init(
                start: local("2026-12-24 08:00"), end: local("2026-12-25 07:00"),
                persons: [.init(name: "Anna Berg"), .init(name: names.0, covering: names.1)]),
        ])
    let roles = [police, ssp].filter { selected == nil || $0.id == selected }
    return OnCallPage(
        roles: roles, choices: [.init(id: "politi-vagt", name: police.name), .init(id: "ssp-vagt", name: "SSP-vagt")],
        selected: selected, from: from, to: local("2027-01-06 21:48"))
}

@Suite struct OnCallPageTests {
    @Test func whoIsOnDutyNowThenEachShiftWithOverridesMarkedAndGapsInRed() {
        let html = onCallPage().render(context("/oncall", user: reviewer))
        let page = HTMLInspector(html)
        #expect(page.nestingProblems().isEmpty && page.duplicateIDs().isEmpty, "\(page.nestingProblems())")
        #expect(html.contains("<h1>Hvem har vagt</h1>"))
        // Now: the police officer until the next handover, in Copenhagen time.
        #expect(
            html.contains(
                "<p class=\"now\">Nu: <strong>Jens Kragh</strong>, indtil <time datetime=\"2026-12-24T07:00:00+01:00\">tor 24.12 07:00</time></p>"
            ))
        // The override is named both ways and marked.
        #expect(html.contains("<strong>Emil Hansen for Bo Lund</strong>"))
        #expect(
            html.contains(
                "<span class=\"person\">Anna Berg</span>, <span class=\"override\">Emil Hansen for Bo Lund</span>"))
        // The gap: a row of its own, class gap (red), saying nobody is on duty; and summarised at the top.
        #expect(
            html.contains(
                "<tr class=\"gap\"><td><time datetime=\"2026-12-24T02:00:00+01:00\">tor 24.12 02:00</time></td>"))
        #expect(html.contains("<td><strong>Ingen på vagt</strong></td></tr>"))
        #expect(page.element(id: "gap-summary")?.following.contains("SSP-vagt") == true)
        #expect(html.contains("<a href=\"#role-ssp-vagt\">SSP-vagt</a>"))
        // The shift under way starts "now".
        #expect(html.contains("<time datetime=\"2026-12-23T21:48:00+01:00\">nu</time>"))
        // The filter links, the current one marked.
        #expect(html.contains("<a href=\"/oncall\" aria-current=\"page\">Alle roller</a>"))
        #expect(html.contains("<a href=\"/oncall?role=ssp-vagt\">SSP-vagt</a>"))
    }

    @Test func englishAndOneRole() {
        let html = onCallPage(selected: "ssp-vagt").render(context("/oncall", .en, user: reviewer))
        #expect(html.contains("<h1>Who is on call</h1>"))
        #expect(html.contains("<strong>Emil Hansen covering for Bo Lund</strong>"))
        #expect(html.contains(">Thu 24 Dec 02:00</time>"))
        #expect(!html.contains("id=\"role-politi-vagt\""))
        #expect(html.contains("<a href=\"/oncall?role=ssp-vagt\" aria-current=\"page\">SSP-vagt</a>"))
        #expect(html.contains("Nobody on duty"))
    }

    @Test func namesAreEscaped() {
        let html = onCallPage(names: (hostile, hostile)).render(context("/oncall", user: reviewer))
        for fragment in hostileFragments { #expect(!html.contains(fragment), "\(fragment)") }
    }

    @Test func noGapsIsSaidOutright() {
        var page = onCallPage(selected: "politi-vagt")
        page.roles = page.roles.filter { $0.id == "politi-vagt" }
        let html = page.render(context("/oncall", user: reviewer))
        #expect(html.contains("Ingen huller"))
        #expect(!html.contains("class=\"gap"))
    }
}
