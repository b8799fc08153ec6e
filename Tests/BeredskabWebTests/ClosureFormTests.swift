import BeredskabRules
import Testing

@testable import BeredskabWeb

@Suite struct ClosureFormTests {
    @Test func theFormHasEveryFieldTheClosuresAPIWants() {
        let page = HTMLInspector(
            ClosureFormPage(institutions: institutions).render(context("/closures/new", user: reviewer)))
        #expect(page.forms().first { $0.action == "/closures" } != nil)
        let names = page.elements("input", "select", "textarea").compactMap { $0.attributes["name"] }
        #expect(
            Set(names) == [
                "csrf", "institution", "from", "to", "partial", "reason", "reason_text", "decided_by", "incidents",
                "near_miss", "mitigations",
            ])
        let mitigations = page.elements("input").filter { $0.attributes["name"] == "mitigations" }
        #expect(mitigations.allSatisfy { $0.attributes["type"] == "checkbox" })
        #expect(
            mitigations.compactMap { $0.attributes["value"] } == [
                "extra-staff", "police-presence", "activity-moved", "hours-changed",
            ])
        let reasons = page.elements("option").compactMap { $0.attributes["value"] }
        for reason in ["staff-safety", "police-advice", "damage", "other"] { #expect(reasons.contains(reason)) }
        #expect(page.html.contains(">Blågård Skole (samfundsvigtig)</option>"))
        #expect(page.html.contains(">Klub Prater</option>"))
        #expect(page.html.contains(">Personalets sikkerhed</option>"))
        #expect(page.element(id: "from")?.attributes["type"] == "datetime-local")
        #expect(page.element(id: "to")?.attributes["type"] == "datetime-local")
        #expect(page.element(id: "closure-submit")?.name == "button")
        #expect(page.html.contains("<legend>Hvad blev gjort for at holde åbent eller genåbne?</legend>"))
    }

    @Test func aRefusedClosureComesBackWithItsValuesAndProblems() {
        let form = ClosureFormPage(
            institutions: institutions,
            values: .init(
                institution: "skole-blaagaard", from: "2026-11-21T20:00", to: "2026-11-21T19:00", partial: true,
                reason: "police-advice", reasonText: "Politiet rådede til det", decidedBy: "Skoleleder",
                incidents: "inc-42, inc-x", nearMiss: false, mitigations: ["police-presence", "hours-changed"]),
            errors: [.to: .endBeforeStart, .incidents: .unknownIncidents(["inc-x"])])
        #expect(form.status == 422)
        let page = HTMLInspector(form.render(context("/closures/new", .en, user: reviewer)))
        #expect(
            page.elements("option").first { $0.attributes["value"] == "skole-blaagaard" }?.attributes["selected"] != nil
        )
        #expect(
            page.elements("option").first { $0.attributes["value"] == "police-advice" }?.attributes["selected"] != nil)
        #expect(page.element(id: "from")?.attributes["value"] == "2026-11-21T20:00")
        #expect(page.element(id: "partial")?.attributes["checked"] != nil)
        #expect(page.element(id: "near_miss")?.attributes["checked"] == nil)
        #expect(page.element(id: "mitigation-police-presence")?.attributes["checked"] != nil)
        #expect(page.element(id: "mitigation-extra-staff")?.attributes["checked"] == nil)
        #expect(page.element(id: "decided_by")?.attributes["value"] == "Skoleleder")
        #expect(page.element(id: "incidents")?.attributes["value"] == "inc-42, inc-x")
        #expect(page.element(id: "to")?.attributes["aria-invalid"] == "true")
        #expect(page.element(id: "to")?.attributes["aria-describedby"] == "to-hint to-error")
        #expect(page.element(id: "incidents")?.attributes["aria-invalid"] == "true")
        #expect(page.html.contains("<a href=\"#to\">Reopened: Must be after the start.</a>"))
        #expect(page.html.contains("<a href=\"#incidents\">Linked incidents: Unknown incidents: inc-x.</a>"))
        #expect(page.html.contains(">Police advice</option>"))
    }

    @Test func problemsWithCheckboxesAndGroupsLinkToThem() {
        let page = HTMLInspector(
            ClosureFormPage(institutions: institutions, errors: [.mitigations: .unknownChoice, .nearMiss: .required])
                .render(context("/closures/new", user: reviewer)))
        #expect(page.html.contains("<a href=\"#mitigation-extra-staff\">"))
        #expect(page.html.contains("<a href=\"#near_miss\">"))
        #expect(page.element(id: "mitigations")?.attributes["aria-describedby"] == "mitigations-hint mitigations-error")
        #expect(page.element(id: "near_miss")?.attributes["aria-invalid"] == "true")
    }
}
