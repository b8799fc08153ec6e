import BeredskabRules
import Testing

@testable import BeredskabWeb

/// Everything people type comes back escaped, in text and in attributes, on every page that shows it.
@Suite struct EscapingTests {
    func expectSafe(_ html: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for fragment in hostileFragments {
            #expect(!html.contains(fragment), "\(name) contains \(fragment)", sourceLocation: sourceLocation)
        }
        #expect(HTMLInspector(html).nestingProblems() == [], "\(name)", sourceLocation: sourceLocation)
        #expect(
            HTMLInspector(html).elements("script").count == 1, "\(name): a script element crept in",
            sourceLocation: sourceLocation)
    }

    @Test func theEscapingFunction() {
        #expect(HTML.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(HTML.escape("Blågården – ok") == "Blågården – ok")
        #expect(HTML.pathSegment("inc 42/../x?y#z\"") == "inc%2042%2F..%2Fx%3Fy%23z%22")
        #expect(HTML.pathSegment("tok_AZ-09.~") == "tok_AZ-09.~")
        #expect(HTML.pathSegment("æ") == "%C3%A6")
    }

    @Test(arguments: Language.allCases) func everyPageThatShowsUserTextEscapesIt(lang: Language) {
        let signedIn = context("/x", lang)
        expectSafe(
            SignInPage(step: .form(address: hostile, problem: .custom(da: hostile, en: hostile))).render(signedIn),
            "sign-in")
        expectSafe(SignInPage(step: .confirm(token: hostile)).render(signedIn), "sign-in confirm")
        expectSafe(
            ReportFormPage(
                areas: [AreaOption(id: hostile, name: hostile)],
                values: .init(
                    category: hostile, severity: hostile, area: hostile, address: hostile, lat: hostile, lon: hostile,
                    occurredAt: hostile, description: hostile, persons: hostile),
                errors: [.description: .custom(da: hostile, en: hostile), .persons: .unknownIncidents([hostile])]
            ).render(signedIn), "report form")
        var status = IncidentStatusPage(
            incident: hostile, situation: hostileSituation(), receivedAt: now, acknowledged: false,
            notified: [NotifiedRole(role: hostile, roleName: hostile, count: 2, acknowledged: false)],
            updates: [TimelineEntry(at: now, kind: .update, text: hostile)], updateKind: hostile, updateText: hostile)
        status.updateErrors = [.text: .custom(da: hostile, en: hostile)]
        expectSafe(status.render(signedIn), "status page")
        expectSafe(
            ResponderPage(
                token: hostile, incident: hostile, recipientName: hostile, roleNames: [hostile],
                situation: hostileSituation(), message: hostile, personalDetails: hostile,
                tasks: [ResponderTask(id: hostile, text: hostile, roleName: hostile, dueAt: now)],
                timeline: [TimelineEntry(at: now, kind: .sent, text: hostile)], now: now
            ).render(signedIn), "responder page")
        expectSafe(
            WatchRequestPage(
                token: hostile, incident: hostile, institutionName: hostile, message: hostile,
                situation: hostileSituation(), answer: hostile, reopenAt: hostile,
                errors: [.reopenAt: .custom(da: hostile, en: hostile)]
            ).render(signedIn), "watch page")
        expectSafe(
            ResponderMessagePage(kind: .watchRecorded(institution: hostile, answer: .closed), token: hostile).render(
                signedIn), "watch recorded")
        expectSafe(
            BoardPage(
                rows: [
                    BoardRow(
                        id: hostile, areaName: hostile, category: .theft, severity: .minor, ageMinutes: 1,
                        acknowledged: false, escalation: .none, link: "/incidents/\(hostile)")
                ], updatedAt: now
            ).render(signedIn), "board")
        expectSafe(
            ClosureFormPage(
                institutions: [InstitutionOption(id: hostile, name: hostile, vital: true)],
                values: .init(
                    institution: hostile, from: hostile, to: hostile, reason: hostile, reasonText: hostile,
                    decidedBy: hostile, incidents: hostile, mitigations: [hostile]),
                errors: [.incidents: .unknownIncidents([hostile])]
            ).render(signedIn), "closure form")
        expectSafe(ErrorPage(status: 422, message: hostile).render(signedIn), "error page")
    }

    @Test func idsAndTokensInLinksArePercentEncoded() {
        let html = ResponderPage(
            token: "a/b?c", incident: "i", recipientName: "n", roleNames: [], situation: situation(), message: "m",
            tasks: [ResponderTask(id: "t/1", text: "x")], now: now
        ).render(context("/ack/x"))
        #expect(html.contains("action=\"/ack/a%2Fb%3Fc\""))
        #expect(html.contains("action=\"/ack/a%2Fb%3Fc/tasks/t%2F1\""))
        let status = IncidentStatusPage(
            incident: "x/../y", situation: situation(), receivedAt: now, acknowledged: false, notified: []
        ).render(context("/incidents/x"))
        #expect(status.contains("data-status-url=\"/api/v1/incidents/x%2F..%2Fy/status\""))
        #expect(status.contains("action=\"/incidents/x%2F..%2Fy/updates\""))
    }
}
