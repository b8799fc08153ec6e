import BeredskabRules
import Testing

@testable import BeredskabWeb

/// Silences on the pages (issue 13): `/silences` with its create and expire forms, the board's tag,
/// the status page's list and the banner every signed-in page carries while a critical guideline
/// is silenced.
@Suite struct SilencesPageTests {
    @Test func theFormHasEveryFieldTheServerReadsAndEachSilenceAnExpireForm() {
        let page = HTMLInspector(silencesPage().render(context("/silences", user: reviewer)))
        let create = page.forms().first { $0.action == "/silences" }
        #expect(create != nil)
        let names = Set(page.elements("input", "select", "textarea").compactMap { $0.attributes["name"] })
        #expect(
            names == [
                "csrf", "guideline", "category", "area", "starts_at", "ends_at", "duration", "reason",
                "confirm_critical",
            ])
        #expect(page.element(id: "starts_at")?.attributes["type"] == "datetime-local")
        #expect(page.element(id: "starts_at")?.attributes["value"] == "2026-11-21T22:40")
        #expect(page.element(id: "ends_at")?.attributes["type"] == "datetime-local")
        #expect(page.element(id: "confirm_critical")?.attributes["type"] == "checkbox")
        // A critical guideline says so in the select; every area is the area's empty choice.
        #expect(page.html.contains(">Skud affyret i Indre Nørrebro (kritisk)</option>"))
        #expect(page.html.contains(">Hærværk på gadebelysning</option>"))
        #expect(page.html.contains("<option value=\"\" selected>Alle områder</option>"))
        #expect(page.html.contains("<option value=\"4\">4 timer</option>"))
        #expect(page.html.contains("<option value=\"168\">7 døgn</option>"))
        // Each silence: what, area, from–to in local time, state, reason, who, and its own expire form.
        for (id, text) in [
            ("7", "Filmoptagelse med løst krudt"), ("8", "Nytårsaften: kendt fyrværkeri"),
        ] {
            #expect(page.element(id: "silence-\(id)") != nil)
            #expect(page.html.contains(text))
            let expire = page.forms().first { $0.action == "/silences/\(id)/expire" }
            #expect(expire?.fields.contains { $0.attributes["name"] == "csrf" } == true, "silence \(id)")
        }
        #expect(page.html.contains("<time datetime=\"2026-11-21T22:00:00+01:00\">21-11-2026 22:00</time>"))
        #expect(page.html.contains("Kategori: Hærværk"))
        #expect(page.html.contains("Dækker kritiske: Skud affyret i Indre Nørrebro"))
        #expect(page.html.contains("data-state=\"pending\">Kommende</span>"))
        #expect(page.html.contains("person:ole-berg"))
    }

    @Test func aRefusedSilenceComesBackWithItsValuesAndTheProblemNextToTheCheckbox() {
        let view = SilencesPage(
            silences: [], guidelines: guidelines, areas: areas,
            values: .init(guideline: "skud-distrikt-8", area: "blaagaarden", duration: "4", reason: "Film"),
            errors: [.confirmCritical: SilencesPage.unconfirmedCritical(["Skud affyret i Indre Nørrebro"])])
        #expect(view.status == 422)
        let html = view.render(context("/silences", user: reviewer))
        let page = HTMLInspector(html)
        #expect(html.contains("<title>Fejl: Tavsheder – Beredskab</title>"))
        #expect(html.contains("href=\"#confirm_critical\""))
        let checkbox = page.element(id: "confirm_critical")
        #expect(checkbox?.attributes["aria-invalid"] == "true")
        #expect(checkbox?.attributes["aria-describedby"]?.contains("confirm_critical-error") == true)
        #expect(page.element(id: "confirm_critical-error") != nil)
        #expect(
            html.contains("Tavsheden dækker kritiske retningslinjer (Skud affyret i Indre Nørrebro): der sendes intet"))
        #expect(html.contains("<option value=\"skud-distrikt-8\" selected>"))
        #expect(html.contains("<option value=\"blaagaarden\" selected>"))
        #expect(html.contains("<option value=\"4\" selected>4 timer</option>"))
        #expect(html.contains(">\nFilm</textarea>"))
        let english = view.render(context("/silences", .en, user: reviewer))
        #expect(english.contains("The silence covers critical guidelines (Skud affyret i Indre Nørrebro)"))
    }

    @Test func aSilencedIncidentIsTaggedOnTheBoardWithWhy() {
        var board = BoardPage(rows: silencedRows(), updatedAt: now)
        let html = board.render(context("/board", user: reviewer))
        #expect(
            html.contains(
                "<strong class=\"silenced-tag\" title=\"Nytårsaften: kendt fyrværkeri\">TAVS</strong> <a href=\"/incidents/c\">c</a>"
            ))
        #expect(html.contains("<span class=\"silenced-reason\">Nytårsaften: kendt fyrværkeri</span>"))
        // Only the silenced row.
        #expect(html.components(separatedBy: "class=\"silenced-tag\"").count == 2)
        #expect(board.render(context("/board", .en, user: reviewer)).contains(">SILENCED</strong>"))
        // The board's own link to /silences only for those who may use it (the header links it too).
        func links(_ html: String) -> Int { html.components(separatedBy: "href=\"/silences\"").count - 1 }
        #expect(links(html) == 1)
        board.silencesLink = true
        #expect(links(board.render(context("/board", user: reviewer))) == 2)
    }

    @Test func theStatusPageListsWhichGuidelinesWereSilencedAndByWhichSilence() {
        var view = statusPage()
        #expect(!view.render(context("/incidents/inc-42")).contains("silenced-heading"))
        view.silenced = silencedLines
        let html = view.render(context("/incidents/inc-42"))
        #expect(html.contains("Tavse retningslinjer</h2>"))
        #expect(html.contains("<li>Hærværk på gadebelysning – tavshed 8: Nytårsaften: kendt fyrværkeri</li>"))
        #expect(html.contains("<li>Skud affyret i Indre Nørrebro – tavshed 7: Filmoptagelse (har udløst siden)</li>"))
        let english = view.render(context("/incidents/inc-42", .en))
        #expect(english.contains("silence 8: Nytårsaften") && english.contains("(has fired since)"))
    }

    @Test func theBannerIsOnEverySignedInPageWhileACriticalGuidelineIsSilenced() {
        let critical = CriticalSilence(
            guidelines: ["Skud affyret i Indre Nørrebro"], areaName: "Blågården", endsAt: local("2026-11-21 23:30"),
            reason: "Filmoptagelse med løst krudt")
        func render(_ user: SignedInUser?, _ lang: Language = .da, silences: [CriticalSilence] = [critical]) -> String {
            let context = PageContext(lang: lang, path: "/report", user: user, criticalSilences: silences)
            return ReportFormPage(areas: areas, values: .init(occurredAt: "2026-11-21T22:40")).render(context)
        }
        let html = render(reporter)
        #expect(html.contains("id=\"silence-banner\" role=\"status\""))
        #expect(
            html.contains(
                "<li><strong>Kritisk retningslinje tavs:</strong> Skud affyret i Indre Nørrebro i Blågården til 21-11-2026 23:30 — Filmoptagelse med løst krudt</li>"
            ))
        // Before the page's own content, and a link to the list only for those who may use it.
        #expect(html.range(of: "silence-banner")!.lowerBound < html.range(of: "<main")!.lowerBound)
        #expect(!html.contains("href=\"/silences\""))
        #expect(render(reviewer).contains("<a href=\"/silences\">Se tavsheder</a>"))
        let everywhere = CriticalSilence(guidelines: ["A", "B"], areaName: nil, endsAt: now, reason: "R")
        #expect(
            render(reporter, .en, silences: [everywhere]).contains("A, B in every area until 21 Nov 2026 22:40 — R"))
        // Nobody signed in (the sign-in page, a responder's link): nothing about silences.
        #expect(!render(nil).contains("silence-banner"))
        #expect(!render(reporter, silences: []).contains("silence-banner"))
    }
}
