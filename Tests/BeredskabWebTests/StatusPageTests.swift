import BeredskabRules
import Testing

@testable import BeredskabWeb

@Suite struct StatusPageTests {
    @Test func mainCarriesThePollURLAndTheWordsTheScriptNeeds() {
        let page = HTMLInspector(statusPage().render(context("/incidents/inc-42")))
        let main = page.element(id: "main")
        #expect(main?.attributes["data-status-url"] == "/api/v1/incidents/inc-42/status")
        #expect(main?.attributes["data-poll-seconds"] == "3")
        let ack = page.element(id: "ack-status")
        #expect(ack?.attributes["data-yes"] == "Kvitteret")
        #expect(ack?.attributes["data-no"] == "Afventer kvittering")
        #expect(ack?.attributes["data-state"] == "no")
        #expect(page.text(id: "ack-status") == "Afventer kvittering")
        let list = page.element(id: "notified")
        #expect(list?.name == "ul")
        #expect(list?.attributes["data-yes"] == "kvitteret")
        #expect(list?.attributes["data-no"] == "ikke kvitteret endnu")
        #expect(list?.attributes["data-person"] == "1 person")
        #expect(list?.attributes["data-persons"] == "{n} personer")
        #expect(list?.attributes["data-empty"] == "Ingen er underrettet endnu.")
        let state = page.element(id: "incident-state")
        #expect(state?.attributes["data-open"] == "Åben")
        #expect(state?.attributes["data-closed"] == "Afsluttet")
    }

    @Test func englishWordsForTheScript() {
        let page = HTMLInspector(statusPage().render(context("/incidents/inc-42", .en)))
        #expect(page.element(id: "ack-status")?.attributes["data-yes"] == "Acknowledged")
        #expect(page.element(id: "ack-status")?.attributes["data-no"] == "Awaiting acknowledgement")
        #expect(page.element(id: "notified")?.attributes["data-persons"] == "{n} people")
    }

    @Test func notifiedByRoleWithCountAndAcknowledgement() {
        let html = statusPage().render(context("/incidents/inc-42"))
        #expect(
            html.contains(
                "<li data-state=\"yes\"><span class=\"role\">SSP-vagt</span> <span class=\"count\">(2 personer)</span>: <span class=\"ack\">kvitteret</span></li>"
            ))
        #expect(
            html.contains(
                "<li data-state=\"no\"><span class=\"role\">Lokalpolitiet</span> <span class=\"count\">(1 person)</span>: <span class=\"ack\">ikke kvitteret endnu</span></li>"
            ))
        let acknowledged = IncidentStatusPage(
            incident: "i", situation: situation(), receivedAt: now, acknowledged: true, notified: []
        ).render(context("/incidents/i"))
        #expect(HTMLInspector(acknowledged).text(id: "ack-status") == "Kvitteret")
        #expect(acknowledged.contains("<li class=\"empty\">Ingen er underrettet endnu.</li>"))
    }

    @Test func summaryOfTheSituationAndReceivedTime() {
        let html = statusPage().render(context("/incidents/inc-42"))
        #expect(html.contains("<h1>Hændelse inc-42</h1>"))
        #expect(html.contains("Modtaget <time datetime=\"2026-11-21T22:31:00+01:00\">21-11-2026 22:31</time>"))
        for text in [
            "Skyderi", "Meget alvorlig", "Blågården", "Blågårds Plads 3", "21-11-2026 22:30", "Skud affyret i gården",
            "Der er tilskadekomne, Der er våben involveret",
        ] {
            #expect(html.contains(text), "\(text)")
        }
    }

    @Test func updateFormPostsKindAndTextWithCSRF() {
        let page = HTMLInspector(statusPage().render(context("/incidents/inc-42")))
        let form = page.forms().first { $0.action == "/incidents/inc-42/updates" }
        let names = form?.fields.compactMap { $0.attributes["name"] } ?? []
        #expect(names.sorted() == ["csrf", "kind", "kind", "text"])
        #expect(
            form?.fields.filter { $0.attributes["name"] == "kind" }.compactMap { $0.attributes["value"] } == [
                "information", "all_clear",
            ])
        #expect(page.element(id: "update-kind-information")?.attributes["checked"] != nil)

        let closed = IncidentStatusPage(
            incident: "i", situation: situation(), receivedAt: now, open: false, acknowledged: true, notified: []
        ).render(context("/incidents/i"))
        #expect(!closed.contains("/updates"))
        #expect(HTMLInspector(closed).text(id: "incident-state") == "Afsluttet")
    }

    @Test func aRefusedUpdateKeepsItsTextAndShowsTheProblem() {
        let page = IncidentStatusPage(
            incident: "i", situation: situation(), receivedAt: now, acknowledged: false, notified: [],
            updateKind: "all_clear", updateText: "Roligt nu", updateErrors: [.text: .tooLong(maximum: 5)])
        #expect(page.status == 422)
        let html = HTMLInspector(page.render(context("/incidents/i")))
        #expect(html.element(id: "update-kind-all-clear")?.attributes["checked"] != nil)
        #expect(html.element(id: "update-text")?.attributes["aria-invalid"] == "true")
        #expect(html.html.contains(">\nRoligt nu</textarea>"))
        #expect(html.html.contains("<a href=\"#update-text\">Tekst: Højst 5 tegn.</a>"))
    }
}
