import BeredskabRules
import Testing

@testable import BeredskabWeb

@Suite struct ReportFormTests {
    let fresh = ReportFormPage(areas: areas, values: .init(occurredAt: "2026-11-21T22:40"))

    @Test func theEmptyFormHasEveryFieldTheServerReads() {
        let page = HTMLInspector(fresh.render(context("/report")))
        #expect(page.elements("form").last?.attributes["action"] == "/report")
        let names = Set(page.elements("input", "select", "textarea").compactMap { $0.attributes["name"] })
        #expect(
            names == [
                "csrf", "category", "severity", "area", "address", "lat", "lon", "occurred_at", "description",
                "injured", "weapons", "minors", "persons",
            ])
        #expect(page.element(id: "category")?.name == "select")
        #expect(page.element(id: "severity")?.name == "select")
        #expect(page.element(id: "area")?.name == "select")
        #expect(page.element(id: "occurred_at")?.attributes["type"] == "datetime-local")
        #expect(page.element(id: "occurred_at")?.attributes["value"] == "2026-11-21T22:40")
        #expect(page.element(id: "description")?.name == "textarea")
        #expect(page.element(id: "persons")?.name == "textarea")
        #expect(page.element(id: "lat")?.attributes["type"] == "hidden")
        #expect(page.element(id: "report-submit")?.name == "button")
        #expect(page.element(id: "use-location")?.attributes["type"] == "button")
        #expect(page.element(id: "use-location")?.attributes["hidden"] != nil, "shown by the script only")
        #expect(page.element(id: "error-summary") == nil)
        #expect(fresh.status == 200)
    }

    @Test(arguments: Language.allCases) func selectsOfferEveryCategorySeverityAndArea(lang: Language) {
        let page = HTMLInspector(fresh.render(context("/report", lang)))
        let options = page.elements("option").compactMap { $0.attributes["value"] }
        for category in Category.allCases { #expect(options.contains(category.rawValue)) }
        for severity in IncidentSeverity.allCases { #expect(options.contains(severity.rawValue)) }
        #expect(options.contains("blaagaarden"))
        #expect(page.html.contains(">\(lang == .da ? "Ved ikke" : "Not known")</option>"))
        #expect(page.html.contains(lang == .da ? ">Skyderi</option>" : ">Shooting</option>"))
        #expect(page.html.contains(lang == .da ? "Brug min placering" : "Use my location"))
    }

    @Test func personsAreMarkedAsSensitive() {
        let page = HTMLInspector(fresh.render(context("/report")))
        #expect(page.html.contains("retsplejelovens § 115"))
        let described = page.element(id: "persons")?.attributes["aria-describedby"] ?? ""
        #expect(described.contains("persons-notice"))
        #expect(page.html.contains("<fieldset class=\"group sensitive\">"))
    }

    @Test func aRefusedReportComesBackWithItsValuesAndEachProblemByItsField() {
        let values = ReportFormPage.Values(
            category: "unrest", severity: "severe", area: "prater", address: "Nørrebrogade 1", lat: "55.6866",
            lon: "12.5593", occurredAt: "2026-11-22T09:00", description: "", injured: true, weapons: false,
            minors: true, persons: "Kim, 16\nAli, 17")
        let form = ReportFormPage(
            areas: areas, values: values, errors: [.description: .required, .occurredAt: .inFuture])
        #expect(form.status == 422)
        let html = form.render(context("/report"))
        let page = HTMLInspector(html)
        #expect(html.contains("<title>Fejl: Anmeld en hændelse – Beredskab</title>"))

        // The values are kept.
        #expect(page.elements("option").first { $0.attributes["value"] == "unrest" }?.attributes["selected"] != nil)
        #expect(page.elements("option").first { $0.attributes["value"] == "severe" }?.attributes["selected"] != nil)
        #expect(page.elements("option").first { $0.attributes["value"] == "prater" }?.attributes["selected"] != nil)
        #expect(page.elements("option").filter { $0.attributes["selected"] != nil }.count == 3)
        #expect(page.element(id: "address")?.attributes["value"] == "Nørrebrogade 1")
        #expect(page.element(id: "lat")?.attributes["value"] == "55.6866")
        #expect(page.element(id: "lon")?.attributes["value"] == "12.5593")
        #expect(page.element(id: "occurred_at")?.attributes["value"] == "2026-11-22T09:00")
        #expect(page.element(id: "injured")?.attributes["checked"] != nil)
        #expect(page.element(id: "weapons")?.attributes["checked"] == nil)
        #expect(page.element(id: "minors")?.attributes["checked"] != nil)
        #expect(
            html.contains(
                "<textarea id=\"persons\" name=\"persons\" rows=\"4\" aria-describedby=\"persons-notice persons-hint\">\nKim, 16\nAli, 17</textarea>"
            ))
        #expect(page.text(id: "location-status") == "Din placering er med.")

        // Each problem sits by its field, which points at it.
        let description = page.element(id: "description")
        #expect(description?.attributes["aria-invalid"] == "true")
        #expect(description?.attributes["aria-describedby"] == "description-hint description-error")
        #expect(
            html.contains(
                "<p class=\"field-error\" id=\"description-error\"><span class=\"visually-hidden\">Fejl: </span>Skal udfyldes.</p>"
            ))
        #expect(page.element(id: "occurred_at")?.attributes["aria-invalid"] == "true")
        #expect(
            html.contains(
                "id=\"occurred_at-error\"><span class=\"visually-hidden\">Fejl: </span>Tidspunktet må ikke ligge i fremtiden.</p>"
            ))
        #expect(page.element(id: "address")?.attributes["aria-invalid"] == nil)
        #expect(page.element(id: "category")?.attributes["aria-invalid"] == nil)

        // The summary at the top links to the fields, in form order.
        let summary = page.element(id: "error-summary")
        #expect(summary?.attributes["role"] == "alert")
        let links = page.elements("a").compactMap { $0.attributes["href"] }.filter {
            $0.hasPrefix("#") && $0 != "#main"
        }
        #expect(links == ["#description", "#occurred_at"])
        #expect(html.contains("<a href=\"#description\">Beskrivelse: Skal udfyldes.</a>"))
        #expect(html.range(of: "error-summary")!.lowerBound < html.range(of: "<h1>")!.lowerBound)
    }

    @Test func problemsInEnglish() {
        let html = ReportFormPage(areas: areas, values: .init(occurredAt: "x"), errors: [.occurredAt: .invalidDateTime])
            .render(context("/report", .en))
        #expect(html.contains("<a href=\"#occurred_at\">Time: Enter a valid date and time.</a>"))
        #expect(html.contains("<h2 id=\"error-summary-title\">There is a problem</h2>"))
    }

    @Test func everyFieldsProblemLinksToSomethingOnThePage() {
        let errors = Dictionary(uniqueKeysWithValues: ReportFormPage.Field.allCases.map { ($0, FieldProblem.required) })
        let page = HTMLInspector(
            ReportFormPage(areas: areas, values: .init(occurredAt: ""), errors: errors).render(context("/report")))
        let anchors = page.elements("a").compactMap { $0.attributes["href"] }.filter {
            $0.hasPrefix("#") && $0 != "#main"
        }
        #expect(anchors.count == ReportFormPage.Field.allCases.count)
        for anchor in anchors { #expect(page.element(id: String(anchor.dropFirst())) != nil, "\(anchor)") }
    }
}
