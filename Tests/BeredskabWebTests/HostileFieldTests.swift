import BeredskabRules
import Testing

@testable import BeredskabWeb

/// Every string a view model carries, each with its own hostile marker (`<`, `>`, both quotes and
/// `&`), on every page: each marker must show up (so the field is on the page) and only ever
/// escaped or percent-encoded. The old pages were safe only where each call remembered
/// `HTML.escape`; this finds the one that forgets, whichever field it is.
@Suite struct HostileFieldTests {
    /// Hands out markers and checks a page for them.
    final class Markers {
        var issued: [String] = []

        /// A new marker: `<mN>'"&zN;`.
        func next() -> String {
            let n = issued.count + 1
            issued.append("m\(n)")
            return "<m\(n)>'\"&z\(n);"
        }

        /// What must never appear for marker `mN`: its tag, its entity-like tail, or the two quotes raw.
        func problems(_ html: String) -> [String] {
            var out: [String] = []
            for (index, id) in issued.enumerated() {
                let n = index + 1
                if !html.contains(id) { out.append("\(id) is not on the page") }
                if html.contains("<\(id)>") { out.append("\(id): raw <") }
                if html.contains("&z\(n);") { out.append("\(id): raw &") }
                if html.contains("\(id)>'") || html.contains("\(id)&gt;'") { out.append("\(id): raw '") }
                if html.contains("\"&amp;z\(n);") || html.contains("\"&z\(n);") { out.append("\(id): raw \"") }
            }
            return out
        }
    }

    func context(_ m: Markers, _ lang: Language) -> PageContext {
        PageContext(
            lang: lang, path: "/x" + m.next(),
            user: SignedInUser(
                name: m.next(), organisation: m.next(), mayReport: true, mayUseBoard: true, mayReview: true),
            csrf: m.next(),
            criticalSilences: [
                CriticalSilence(guidelines: [m.next(), m.next()], areaName: m.next(), endsAt: now, reason: m.next())
            ])
    }

    func situation(_ m: Markers) -> Situation {
        var situation = Situation(
            category: .unrest, severity: .severe, areaName: m.next(), address: m.next(),
            coordinate: Coordinate(lat: 55.68, lon: 12.55), occurredAt: now, description: m.next())
        situation.exercise = true
        return situation
    }

    func problem(_ m: Markers) -> FieldProblem { .custom(da: m.next(), en: m.next()) }

    /// Each page, built by a function that draws its strings from the markers.
    func pages() -> [(String, (Markers, Language) -> String)] {
        [
            (
                "sign-in form",
                { m, l in
                    SignInPage(step: .form(address: m.next(), problem: problem(m))).render(context(m, l))
                }
            ),
            ("sign-in confirm", { m, l in SignInPage(step: .confirm(token: m.next())).render(context(m, l)) }),
            (
                "report form",
                { m, l in
                    var page = ReportFormPage(
                        areas: [AreaOption(id: m.next(), name: m.next())],
                        values: .init(
                            category: m.next(), severity: m.next(), area: m.next(), address: m.next(), lat: m.next(),
                            lon: m.next(), occurredAt: m.next(), description: m.next(), persons: m.next(),
                            reportID: m.next()),
                        errors: Dictionary(
                            uniqueKeysWithValues: ReportFormPage.Field.allCases.map { ($0, problem(m)) }),
                        mayMarkExercise: true)
                    page.values.exercise = true
                    return page.render(context(m, l))
                }
            ),
            (
                "status",
                { m, l in
                    var page = IncidentStatusPage(
                        incident: m.next(), situation: situation(m), receivedAt: now, acknowledged: false,
                        notified: [NotifiedRole(role: "r", roleName: m.next(), count: 2, acknowledged: false)],
                        updates: [TimelineEntry(at: now, kind: .update, text: m.next())], updateKind: "x",
                        updateText: m.next(),
                        updateErrors: [.kind: problem(m), .text: problem(m)])
                    page.afterActionLink = true
                    page.silenced = [
                        SilencedLine(guidelineTitle: m.next(), silence: 3, reason: m.next(), firedSince: true)
                    ]
                    return page.render(context(m, l))
                }
            ),
            (
                "responder",
                { m, l in
                    ResponderPage(
                        token: m.next(), incident: m.next(), recipientName: m.next(), roleNames: [m.next(), m.next()],
                        situation: situation(m), message: m.next(), personalDetails: m.next(),
                        tasks: [
                            ResponderTask(id: m.next(), text: m.next(), roleName: m.next(), dueAt: now),
                            ResponderTask(id: m.next(), text: m.next(), doneAt: now),
                        ],
                        timeline: [TimelineEntry(at: now, kind: .sent, text: m.next())], now: now
                    ).render(context(m, l))
                }
            ),
            (
                "watch",
                { m, l in
                    WatchRequestPage(
                        token: m.next(), incident: m.next(), institutionName: m.next(), message: m.next(),
                        situation: situation(m), answer: "open", reopenAt: m.next(), answeredAt: now,
                        errors: [.status: problem(m), .reopenAt: problem(m)]
                    ).render(context(m, l))
                }
            ),
            (
                "watch recorded",
                { m, l in
                    ResponderMessagePage(kind: .watchRecorded(institution: m.next(), answer: .closed), token: m.next())
                        .render(context(m, l))
                }
            ),
            (
                "board",
                { m, l in
                    var row = BoardRow(
                        id: m.next(), areaName: m.next(), category: .theft, severity: .minor, ageMinutes: 1,
                        acknowledged: false, escalation: .none, link: "/incidents/" + m.next())
                    row.exercise = true
                    row.silenced = m.next()
                    var page = BoardPage(
                        rows: [row], updatedAt: now,
                        waiting: [
                            WaitingDelivery(
                                name: m.next(), incident: m.next(), link: "/incidents/" + m.next(), channel: m.next(),
                                failedAttempts: 2, waitingMinutes: 3, nextAttemptAt: now, lastError: m.next())
                        ]
                    )
                    page.silencesLink = true
                    return page.render(context(m, l))
                }
            ),
            (
                "closure form",
                { m, l in
                    ClosureFormPage(
                        institutions: [InstitutionOption(id: m.next(), name: m.next(), vital: true)],
                        values: .init(
                            institution: m.next(), from: m.next(), to: m.next(), reason: m.next(),
                            reasonText: m.next(), decidedBy: m.next(), incidents: m.next()),
                        errors: Dictionary(
                            uniqueKeysWithValues: ClosureFormPage.Field.allCases.map { ($0, problem(m)) })
                    ).render(context(m, l))
                }
            ),
            (
                "silences",
                { m, l in
                    SilencesPage(
                        silences: [
                            SilenceRow(
                                id: 4, guidelineTitle: m.next(), category: nil, areaName: m.next(), startsAt: now,
                                endsAt: now, pending: false, reason: m.next(), createdBy: m.next(),
                                critical: [m.next()]),
                            SilenceRow(
                                id: 5, guidelineTitle: nil, category: .fire, areaName: nil, startsAt: now, endsAt: now,
                                pending: true, reason: m.next(), createdBy: m.next()),
                        ],
                        guidelines: [GuidelineOption(id: m.next(), title: m.next(), critical: true)],
                        areas: [AreaOption(id: m.next(), name: m.next())],
                        values: .init(
                            guideline: m.next(), category: m.next(), area: m.next(), startsAt: m.next(),
                            endsAt: m.next(), duration: m.next(), reason: m.next(), confirmCritical: true),
                        errors: Dictionary(uniqueKeysWithValues: SilencesPage.Field.allCases.map { ($0, problem(m)) })
                    ).render(context(m, l))
                }
            ),
            ("error", { m, l in ErrorPage(status: 400, message: m.next()).render(context(m, l)) }),
        ]
    }

    @Test(arguments: Language.allCases) func everyFieldOfEveryPageIsEscaped(lang: Language) {
        for (name, render) in pages() {
            let markers = Markers()
            let html = render(markers, lang)
            // A field in the other language's text is not on the page: drop the markers only the
            // other language's problem messages carry (`.custom(da:en:)` issues two).
            let shown = markers.problems(html).filter { !$0.hasSuffix("is not on the page") }
            #expect(shown == [], "\(name)")
            #expect(HTMLInspector(html).nestingProblems() == [], "\(name)")
        }
    }

    /// Markers that never reach the page are a test that checks nothing: each page shows most of its fields.
    @Test func theMarkersReachThePages() {
        for (name, render) in pages() {
            let markers = Markers()
            let html = render(markers, .da)
            let missing = markers.problems(html).filter { $0.hasSuffix("is not on the page") }
            // English problem texts, and the values of selects whose choice is unknown, are not shown.
            #expect(missing.count * 2 <= markers.issued.count, "\(name): \(missing)")
        }
    }
}
