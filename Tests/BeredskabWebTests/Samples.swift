import BeredskabRules
import BeredskabTime
import Foundation

@testable import BeredskabWeb

/// Copenhagen wall-clock time as an instant.
func local(_ text: String) -> Instant { Copenhagen.instant(LocalDateTime(parsing: text, requireTime: true)!) }

/// Text a hostile user might type: markup, both quotes and an ampersand.
let hostile = "<script>alert(\"x\")</script>' onmouseover='alert(1)' &amp;"

/// The parts of `hostile` that must never appear unescaped.
let hostileFragments = ["<script>alert", "' onmouseover='", "\"x\""]

let now = local("2026-11-21 22:40")

let reporter = SignedInUser(
    name: "Mette Hansen", organisation: "FSB", mayReport: true, mayUseBoard: false, mayReview: false)
let reviewer = SignedInUser(
    name: "Ole Berg", organisation: "Økonomiforvaltningen", mayReport: true, mayUseBoard: true, mayReview: true)

func context(_ path: String, _ lang: Language = .da, user: SignedInUser? = reporter) -> PageContext {
    PageContext(lang: lang, path: path, user: user, csrf: user == nil ? nil : "csrf-token-123")
}

func situation(_ text: String = "Skud affyret i gården") -> Situation {
    Situation(
        category: .shooting, severity: .extreme, areaName: "Blågården", address: "Blågårds Plads 3",
        occurredAt: local("2026-11-21 22:30"), description: text, injured: true, weapons: true)
}

func hostileSituation() -> Situation {
    Situation(
        category: .unrest, severity: .severe, areaName: hostile, address: hostile, occurredAt: now,
        description: hostile)
}

let areas = [AreaOption(id: "blaagaarden", name: "Blågården"), AreaOption(id: "prater", name: "Prater")]

let institutions = [
    InstitutionOption(id: "skole-blaagaard", name: "Blågård Skole", vital: true),
    InstitutionOption(id: "klub-prater", name: "Klub Prater", vital: false),
]

func statusPage(_ text: String = "Skud affyret i gården", role: String = "SSP-vagt") -> IncidentStatusPage {
    IncidentStatusPage(
        incident: "inc-42", situation: situation(text), receivedAt: local("2026-11-21 22:31"), acknowledged: false,
        notified: [
            NotifiedRole(role: "ssp-vagt", roleName: role, count: 2, acknowledged: true),
            NotifiedRole(role: "politi", roleName: "Lokalpolitiet", count: 1, acknowledged: false),
        ],
        updates: [TimelineEntry(at: local("2026-11-21 22:35"), kind: .update, text: text)])
}

func responderPage(
    details: String? = nil, acknowledgedAt: Instant? = nil, text: String = "Skud i gården"
)
    -> ResponderPage
{
    ResponderPage(
        token: "tok-abc", incident: "inc-42", recipientName: "Ali Nour", roleNames: ["SSP-vagt"],
        situation: situation(text), message: "Skud i Blågården. \(text)", personalDetails: details,
        tasks: [
            ResponderTask(
                id: "t1", text: "Kontakt skolelederen", roleName: "SSP-vagt", dueAt: local("2026-11-21 22:35")),
            ResponderTask(id: "t2", text: "Hjemmebesøg", dueAt: local("2026-11-28 22:30")),
            ResponderTask(
                id: "t3", text: "Tjek gadebelysning", dueAt: local("2026-11-21 22:00"),
                doneAt: local("2026-11-21 21:50")),
        ], acknowledgedAt: acknowledgedAt,
        timeline: [
            TimelineEntry(at: local("2026-11-21 22:32"), kind: .sent, text: "SMS til SSP-vagt"),
            TimelineEntry(at: local("2026-11-21 22:31"), kind: .received, text: "Anmeldelse fra FSB"),
        ], now: now)
}

func boardRows(_ area: String? = "Blågården") -> [BoardRow] {
    [
        BoardRow(
            id: "a", areaName: area, category: .unrest, severity: .moderate, ageMinutes: 12, acknowledged: true,
            escalation: .none, link: "/incidents/a"),
        BoardRow(
            id: "b", areaName: "Prater", category: .shooting, severity: .extreme, ageMinutes: 5, acknowledged: false,
            escalation: .pending, link: "/incidents/b"),
        BoardRow(
            id: "c", areaName: nil, category: .vandalism, severity: .minor, ageMinutes: 185, acknowledged: false,
            escalation: .fired, link: "/incidents/c"),
        BoardRow(
            id: "d", areaName: "Ågården", category: .weapons, severity: .extreme, ageMinutes: 40, acknowledged: false,
            escalation: .none, link: "/incidents/d"),
    ]
}

/// Every page in every variant, in a language: (name, HTML).
func allPages(_ lang: Language) -> [(String, String)] {
    let c = { (path: String) in context(path, lang) }
    let anonymous = { (path: String) in context(path, lang, user: nil) }
    var pages: [(String, String)] = [
        ("signin form", SignInPage(step: .form()).render(anonymous("/login"))),
        (
            "signin form error",
            SignInPage(step: .form(address: "nope", problem: .invalidAddress)).render(anonymous("/login"))
        ),
        ("signin sent", SignInPage(step: .sent(validMinutes: 15)).render(anonymous("/login"))),
        ("signin confirm", SignInPage(step: .confirm(token: "t0k")).render(anonymous("/login/t0k"))),
        ("signin expired", SignInPage(step: .linkExpired).render(anonymous("/login/t0k"))),
        (
            "report",
            ReportFormPage(areas: areas, values: .init(occurredAt: WebTime.dateTimeLocal(now))).render(c("/report"))
        ),
        (
            "report errors",
            ReportFormPage(
                areas: areas, values: .init(lat: "55.68", lon: "12.55", occurredAt: "bad"),
                errors: Dictionary(uniqueKeysWithValues: ReportFormPage.Field.allCases.map { ($0, .required) })
            ).render(c("/report"))
        ),
        ("status", statusPage().render(c("/incidents/inc-42"))),
        (
            "status errors",
            IncidentStatusPage(
                incident: "inc-42", situation: situation(), receivedAt: now, acknowledged: true, notified: [],
                updateErrors: [.kind: .unknownChoice, .text: .required]
            ).render(c("/incidents/inc-42"))
        ),
        ("responder", responderPage().render(anonymous("/ack/tok-abc"))),
        (
            "responder personal acknowledged",
            responderPage(details: "Navn: Kim, 16 år", acknowledgedAt: now).render(anonymous("/ack/tok-abc"))
        ),
        (
            "watch",
            WatchRequestPage(
                token: "tok-w", incident: "inc-42", institutionName: "Klub Prater", message: "Holder I åbent?",
                situation: situation()
            ).render(anonymous("/ack/tok-w"))
        ),
        (
            "watch errors",
            WatchRequestPage(
                token: "tok-w", incident: "inc-42", institutionName: "Klub Prater", message: "Holder I åbent?",
                answer: "closed", reopenAt: "x", answeredAt: now,
                errors: [.status: .required, .reopenAt: .invalidDateTime]
            ).render(anonymous("/ack/tok-w"))
        ),
        ("board", BoardPage(rows: boardRows(), updatedAt: now).render(context("/board", lang, user: reviewer))),
        ("board empty", BoardPage(rows: [], updatedAt: now).render(context("/board", lang, user: reviewer))),
        ("oncall", onCallPage().render(context("/oncall", lang, user: reviewer))),
        ("oncall one role", onCallPage(selected: "ssp-vagt").render(context("/oncall", lang, user: reviewer))),
        (
            "closure",
            ClosureFormPage(institutions: institutions).render(context("/closures/new", lang, user: reviewer))
        ),
        (
            "closure errors",
            ClosureFormPage(
                institutions: institutions,
                values: .init(institution: "klub-prater", partial: true, mitigations: ["extra-staff"]),
                errors: Dictionary(uniqueKeysWithValues: ClosureFormPage.Field.allCases.map { ($0, .required) })
            ).render(context("/closures/new", lang, user: reviewer))
        ),
    ]
    // Silences (issue 13): the page, the page refused, the board's tag and the banner.
    let critical = [
        CriticalSilence(
            guidelines: ["Skud affyret i Indre Nørrebro"], areaName: "Blågården", endsAt: now.adding(3600),
            reason: "Filmoptagelse med løst krudt")
    ]
    var silencedBoard = BoardPage(rows: silencedRows(), updatedAt: now)
    silencedBoard.silencesLink = true
    var silencedStatus = statusPage()
    silencedStatus.silenced = silencedLines
    pages += [
        ("silences", silencesPage().render(context("/silences", lang, user: reviewer))),
        (
            "silences empty",
            SilencesPage(silences: [], guidelines: guidelines, areas: areas).render(
                context("/silences", lang, user: reviewer))
        ),
        (
            "silences errors",
            SilencesPage(
                silences: [], guidelines: guidelines, areas: areas,
                values: .init(guideline: "skud-distrikt-8", endsAt: "x", duration: "4"),
                errors: Dictionary(uniqueKeysWithValues: SilencesPage.Field.allCases.map { ($0, .required) })
            ).render(context("/silences", lang, user: reviewer))
        ),
        ("board silenced", silencedBoard.render(context("/board", lang, user: reviewer))),
        ("status silenced", silencedStatus.render(c("/incidents/inc-42"))),
        (
            "banner",
            BoardPage(rows: boardRows(), updatedAt: now).render(
                PageContext(
                    lang: lang, path: "/board", user: reviewer, csrf: "csrf-token-123", criticalSilences: critical))
        ),
    ]
    for status in [400, 401, 403, 404, 405, 410, 413, 422, 429, 500, 503] {
        pages.append(("error \(status)", ErrorPage(status: status, message: "Detaljer").render(c("/x"))))
    }
    let kinds: [(String, ResponderMessagePage.Kind)] = [
        ("acknowledged", .acknowledged), ("already", .alreadyAcknowledged(at: now)),
        ("already no time", .alreadyAcknowledged(at: nil)),
        ("watch recorded", .watchRecorded(institution: "Klub Prater", answer: .reduced)), ("watch over", .watchOver),
        ("task done", .taskDone), ("expired", .expired), ("unknown", .unknown),
    ]
    for (name, kind) in kinds {
        pages.append(
            ("message \(name)", ResponderMessagePage(kind: kind, token: "tok-abc").render(anonymous("/ack/x"))))
    }
    return pages
}

let guidelines = [
    GuidelineOption(id: "skud-distrikt-8", title: "Skud affyret i Indre Nørrebro", critical: true),
    GuidelineOption(id: "haervaerk-belysning", title: "Hærværk på gadebelysning", critical: false),
]

/// Two silences: one active covering a critical guideline, one pending on a category everywhere.
func silencesPage() -> SilencesPage {
    SilencesPage(
        silences: [
            SilenceRow(
                id: 7, guidelineTitle: "Skud affyret i Indre Nørrebro", category: nil, areaName: "Blågården",
                startsAt: local("2026-11-21 22:00"), endsAt: local("2026-11-21 23:30"), pending: false,
                reason: "Filmoptagelse med løst krudt", createdBy: "person:ole-berg",
                critical: ["Skud affyret i Indre Nørrebro"]),
            SilenceRow(
                id: 8, guidelineTitle: nil, category: .vandalism, areaName: nil, startsAt: local("2026-12-31 18:00"),
                endsAt: local("2027-01-01 04:00"), pending: true, reason: "Nytårsaften: kendt fyrværkeri",
                createdBy: "cli:ole"),
        ], guidelines: guidelines, areas: areas, values: .init(startsAt: "2026-11-21T22:40"))
}

/// The board's rows with the vandalism silenced.
func silencedRows() -> [BoardRow] {
    boardRows().map { row in
        var row = row
        if row.id == "c" { row.silenced = "Nytårsaften: kendt fyrværkeri" }
        return row
    }
}

let silencedLines = [
    SilencedLine(
        guidelineTitle: "Hærværk på gadebelysning", silence: 8, reason: "Nytårsaften: kendt fyrværkeri"),
    SilencedLine(
        guidelineTitle: "Skud affyret i Indre Nørrebro", silence: 7, reason: "Filmoptagelse", firedSince: true),
]
