import BeredskabRules
import Testing

@testable import BeredskabWeb

@Suite struct ResponderPageTests {
    @Test func personalDetailsOnlyWhenTheViewModelHasThem() {
        let without = responderPage().render(context("/ack/tok-abc", user: nil))
        #expect(!without.contains("personal-details"))
        #expect(!without.contains("Personoplysninger"))
        #expect(!without.contains("§ 115"))

        let with = responderPage(details: "Kim Jensen, 16 år, SSP-kategori B").render(
            context("/ack/tok-abc", user: nil))
        let page = HTMLInspector(with)
        #expect(page.element(id: "personal-details")?.attributes["class"] == "sensitive")
        #expect(with.contains("Kim Jensen, 16 år, SSP-kategori B"))
        #expect(with.contains("retsplejelovens § 115"))
        #expect(with.contains("<h2 id=\"personal-heading\">Personoplysninger</h2>"))
        let english = responderPage(details: "Kim").render(context("/ack/tok-abc", .en, user: nil))
        #expect(english.contains("section 115 of the Danish Administration of Justice Act"))
    }

    @Test func theStatusPageHasNoPlaceForPersonalDetails() {
        // `Situation` carries no persons; the report form's persons never reach the status page.
        let html = statusPage().render(context("/incidents/inc-42"))
        #expect(!html.contains("Personoplysninger"))
        #expect(!html.contains("personal-details"))
    }

    @Test func theAcknowledgeButtonUntilAcknowledged() {
        let open = HTMLInspector(responderPage().render(context("/ack/tok-abc", user: nil)))
        let button = open.element(id: "ack-button")
        #expect(button?.name == "button")
        #expect(button?.attributes["type"] == "submit")
        #expect(
            open.forms().contains {
                $0.action == "/ack/tok-abc" && $0.fields.contains { $0.attributes["id"] == "ack-button" }
            })
        #expect(open.html.contains(">Kvittér for modtagelsen</button>"))

        let done = HTMLInspector(
            responderPage(acknowledgedAt: local("2026-11-21 22:36")).render(context("/ack/tok-abc", user: nil)))
        #expect(done.element(id: "ack-button") == nil)
        #expect(done.text(id: "ack-done") == "Du kvitterede 21-11-2026 22:36.")
        #expect(!done.forms().contains { $0.action == "/ack/tok-abc" })
    }

    @Test func tasksWithDeadlinesOverdueMarkedAndDoneForms() {
        let html = responderPage().render(context("/ack/tok-abc", user: nil))
        let page = HTMLInspector(html)
        #expect(page.element(id: "task-t1")?.attributes["class"] == "task task-overdue")
        #expect(page.element(id: "task-t2")?.attributes["class"] == "task task-open")
        #expect(page.element(id: "task-t3")?.attributes["class"] == "task task-done")
        #expect(
            html.contains(
                "Frist: <time datetime=\"2026-11-21T22:35:00+01:00\">21-11-2026 22:35</time> <strong class=\"overdue\">Overskredet</strong>"
            ))
        #expect(html.components(separatedBy: "Overskredet").count == 2, "only the task past its deadline")
        let forms = page.forms().map(\.action)
        #expect(forms.contains("/ack/tok-abc/tasks/t1"))
        #expect(forms.contains("/ack/tok-abc/tasks/t2"))
        #expect(!forms.contains("/ack/tok-abc/tasks/t3"), "a done task has no button")
        let t1 = page.forms().first { $0.action == "/ack/tok-abc/tasks/t1" }
        #expect(t1?.fields.contains { $0.attributes["name"] == "status" && $0.attributes["value"] == "done" } == true)
        #expect(html.contains("aria-describedby=\"task-t1-text\">Udført</button>"))
        #expect(html.contains("<strong>Udført</strong> <time datetime=\"2026-11-21T21:50:00+01:00\">"))
    }

    @Test func overdueIsAQuestionOfNow() {
        let task = ResponderTask(id: "x", text: "x", dueAt: now)
        #expect(!task.isOverdue(at: now))
        #expect(task.isOverdue(at: now.adding(60)))
        #expect(!ResponderTask(id: "x", text: "x", dueAt: now, doneAt: now).isOverdue(at: now.adding(60)))
        #expect(!ResponderTask(id: "x", text: "x").isOverdue(at: now))
    }

    @Test func timelineIsATableOldestFirst() {
        let page = HTMLInspector(responderPage().render(context("/ack/tok-abc", .en, user: nil)))
        #expect(page.element(id: "timeline")?.name == "table")
        let html = page.html
        let received = html.range(of: "Anmeldelse fra FSB")!.lowerBound
        let sent = html.range(of: "SMS til SSP-vagt")!.lowerBound
        #expect(received < sent)
        #expect(html.contains("<td>Received</td>"))
        #expect(html.contains("<th scope=\"col\">Time</th>"))
    }

    @Test func theMessageAndSituationAreShown() {
        let html = responderPage().render(context("/ack/tok-abc", user: nil))
        #expect(html.contains("Til Ali Nour som SSP-vagt"))
        #expect(html.contains("<div class=\"message prewrap\">Skud i Blågården. Skud i gården</div>"))
        #expect(html.contains("<dd>Skyderi</dd>"))
    }

    @Test func watchRequestOffersOpenReducedClosedAndAReopeningTime() {
        let html = WatchRequestPage(
            token: "tok-w", incident: "inc-42", institutionName: "Klub Prater", message: "Holder I åbent?"
        ).render(context("/ack/tok-w", user: nil))
        let page = HTMLInspector(html)
        let radios = page.elements("input").filter { $0.attributes["type"] == "radio" }
        #expect(radios.map { $0.attributes["name"] } == ["status", "status", "status"])
        #expect(radios.compactMap { $0.attributes["value"] } == ["open", "reduced", "closed"])
        #expect(page.element(id: "reopen_at")?.attributes["type"] == "datetime-local")
        #expect(page.element(id: "reopen_at")?.attributes["name"] == "reopen_at")
        #expect(page.element(id: "watch-submit")?.name == "button")
        #expect(page.forms().first?.action == "/ack/tok-w")
        #expect(html.contains("<legend>Hvordan er situationen på Klub Prater?</legend>"))
        #expect(html.contains(">Åben med nedsat service</label>"))
        #expect(html.contains(">Send svar</button>"))
    }

    @Test func aWatchAnswerGivenIsShownAndChecked() {
        let html = WatchRequestPage(
            token: "tok-w", incident: "inc-42", institutionName: "Klub Prater", message: "m", answer: "closed",
            reopenAt: "2026-11-22T08:00", answeredAt: local("2026-11-21 22:45")
        ).render(context("/ack/tok-w", .en, user: nil))
        let page = HTMLInspector(html)
        #expect(page.element(id: "status-closed")?.attributes["checked"] != nil)
        #expect(page.element(id: "status-open")?.attributes["checked"] == nil)
        #expect(page.element(id: "reopen_at")?.attributes["value"] == "2026-11-22T08:00")
        #expect(html.contains("Your last answer (21 Nov 2026 22:45): Closed."))
    }

    @Test func messagePagesSayTheRightThingWithTheRightStatus() {
        func render(_ kind: ResponderMessagePage.Kind, _ lang: Language = .da) -> (Int, String) {
            let page = ResponderMessagePage(kind: kind, token: "tok")
            return (page.status, page.render(context("/ack/tok", lang, user: nil)))
        }
        let thanks = render(.acknowledged)
        #expect(thanks.0 == 200)
        #expect(thanks.1.contains("<h1>Tak – du har kvitteret</h1>"))
        #expect(thanks.1.contains("Din kvittering er registreret, og eskaleringen er stoppet."))
        #expect(thanks.1.contains("<a href=\"/ack/tok\">Tilbage til hændelsen</a>"))
        let already = render(.alreadyAcknowledged(at: local("2026-11-21 22:36")))
        #expect(already.1.contains("<h1>Allerede kvitteret</h1>"))
        #expect(already.1.contains("Du kvitterede 21-11-2026 22:36. Det er registreret."))
        let expired = render(.expired)
        #expect(expired.0 == 410)
        #expect(expired.1.contains("<h1>Linket er udløbet</h1>"))
        #expect(expired.1.contains("Linket til at kvittere er for gammelt. Kontakt vagthavende."))
        #expect(!expired.1.contains("Tilbage til hændelsen"))
        let unknown = render(.unknown)
        #expect(unknown.0 == 404)
        #expect(unknown.1.contains("Linket er ikke gyldigt. Tjek at hele linket er kopieret med."))
        let recorded = render(.watchRecorded(institution: "Klub Prater", answer: .reduced))
        #expect(
            recorded.1.contains("Klub Prater har nedsat service. Du kan ændre svaret, så længe hændelsen overvåges."))
        let over = render(.watchOver, .en)
        #expect(over.0 == 410)
        #expect(over.1.contains("<h1>The watch is over</h1>"))
    }
}
