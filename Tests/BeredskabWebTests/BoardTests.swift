import BeredskabRules
import Testing

@testable import BeredskabWeb

@Suite struct BoardTests {
    @Test func unacknowledgedFirstThenMostSevereThenOldest() {
        #expect(BoardPage.ordered(boardRows()).map(\.id) == ["d", "b", "c", "a"])
        func row(_ id: String, _ acknowledged: Bool, _ severity: IncidentSeverity, _ age: Int) -> BoardRow {
            BoardRow(
                id: id, areaName: nil, category: .other, severity: severity, ageMinutes: age,
                acknowledged: acknowledged,
                escalation: .none, link: "/")
        }
        let rows = [
            row("ack-extreme-old", true, .extreme, 500), row("minor-new", false, .minor, 1),
            row("severe-new", false, .severe, 2), row("severe-old", false, .severe, 90),
            row("ack-minor", true, .minor, 900), row("extreme", false, .extreme, 3), row("tie-b", false, .moderate, 7),
            row("tie-a", false, .moderate, 7),
        ]
        #expect(
            BoardPage.ordered(rows).map(\.id) == [
                "extreme", "severe-old", "severe-new", "tie-a", "tie-b", "minor-new", "ack-extreme-old", "ack-minor",
            ])
        #expect(BoardPage.ordered(rows.reversed()).map(\.id) == BoardPage.ordered(rows).map(\.id))
    }

    @Test func theTableIsRenderedInBoardOrder() {
        let html = BoardPage(rows: boardRows(), updatedAt: now).render(context("/board", user: reviewer))
        let positions = ["/incidents/d", "/incidents/b", "/incidents/c", "/incidents/a"].map {
            html.range(of: "href=\"\($0)\"")!.lowerBound
        }
        #expect(positions == positions.sorted())
        #expect(html.contains("<caption>4 åbne hændelser, 3 afventer kvittering</caption>"))
    }

    /// A receiver down: the board says who is still waiting for a message, on which channel, since
    /// when, and the transport's own words for why.
    @Test func deliveriesWaitingThroughAnOutageAreListedWithWhy() {
        let waiting = WaitingDelivery(
            name: "Bo <Lund>", incident: "fsb:2026-000412", link: "/incidents/fsb:2026-000412", channel: "email",
            failedAttempts: 7, waitingMinutes: 12, nextAttemptAt: now.adding(60),
            lastError: "email: Failed to connect to 127.0.0.1 port 2525")
        let html = BoardPage(rows: boardRows(), updatedAt: now, waiting: [waiting]).render(
            context("/board", user: reviewer))
        let page = HTMLInspector(html)
        #expect(page.nestingProblems().isEmpty && page.duplicateIDs().isEmpty, "\(page.nestingProblems())")
        #expect(html.contains("<h2>Venter på levering</h2>"))
        #expect(html.contains("<th scope=\"row\" data-label=\"Modtager\">Bo &lt;Lund&gt;</th>"))
        #expect(html.contains("<td data-label=\"Forsøg\">7</td>"))
        #expect(html.contains("<td data-label=\"Venter\">12 min</td>"))
        #expect(html.contains("Failed to connect to 127.0.0.1 port 2525"))
        #expect(
            !BoardPage(rows: boardRows(), updatedAt: now).render(context("/board", user: reviewer)).contains(
                "Venter på levering"))
    }

    @Test func agesAsPeopleReadThem() {
        // Under a minute old: not "0 min", which reads like a fault.
        #expect(WebTime.age(minutes: 0, .da) == "lige nu")
        #expect(WebTime.age(minutes: 0, .en) == "just now")
        #expect(WebTime.age(minutes: 12, .da) == "12 min")
        #expect(WebTime.age(minutes: 60, .da) == "1 t")
        #expect(WebTime.age(minutes: 185, .da) == "3 t 5 min")
        #expect(WebTime.age(minutes: 185, .en) == "3 h 5 min")
        #expect(WebTime.age(minutes: -4, .da) == "lige nu")
        // Past a day, days and hours: an incident open for 50 hours is "2 d 2 t", not "50 t 5 min".
        #expect(WebTime.age(minutes: 50 * 60 + 5, .da) == "2 d 2 t")
        #expect(WebTime.age(minutes: 3 * 1440, .en) == "3 d")
        let html = BoardPage(rows: boardRows(), updatedAt: now).render(context("/board", user: reviewer))
        #expect(html.contains("<td data-label=\"Alder\">3 t 5 min</td>"))
        #expect(html.contains("<td data-label=\"Alder\">12 min</td>"))
    }

    @Test func severityAcknowledgementAndEscalationAreWordsNotJustColours() {
        let html = BoardPage(rows: boardRows(), updatedAt: now).render(context("/board", user: reviewer))
        #expect(html.contains("<span class=\"severity sev-extreme\">Meget alvorlig</span>"))
        #expect(html.contains("<span class=\"ack\" data-state=\"no\">Nej – afventer</span>"))
        #expect(html.contains("<span class=\"ack\" data-state=\"yes\">Ja</span>"))
        #expect(html.contains("<span class=\"escalation esc-pending\">Venter</span>"))
        #expect(html.contains("<span class=\"escalation esc-fired\">Eskaleret</span>"))
        #expect(html.contains("<td data-label=\"Område\">Ukendt område</td>"))
        let english = BoardPage(rows: boardRows(), updatedAt: now).render(context("/board", .en, user: reviewer))
        #expect(english.contains(">Extreme</span>"))
        #expect(english.contains(">No – waiting</span>"))
        #expect(english.contains("<th scope=\"col\">Escalation</th>"))
    }

    @Test func itRefreshesItselfAndSaysSoWithoutScript() {
        let page = HTMLInspector(BoardPage(rows: boardRows(), updatedAt: now).render(context("/board", user: reviewer)))
        #expect(page.element(id: "main")?.attributes["data-refresh"] == "20")
        #expect(page.html.contains("<noscript><p class=\"hint\">Uden JavaScript opdaterer tavlen sig ikke selv."))
        #expect(page.html.contains("Opdateret <time datetime=\"2026-11-21T22:40:00+01:00\">21-11-2026 22:40</time>"))
        let empty = BoardPage(rows: [], updatedAt: now, refreshSeconds: 30).render(context("/board", user: reviewer))
        #expect(empty.contains("Ingen åbne hændelser."))
        #expect(empty.contains("data-refresh=\"30\""))
    }
}
