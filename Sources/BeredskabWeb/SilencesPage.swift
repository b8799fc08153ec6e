import BeredskabRules
import BeredskabTime

/// The silences page at `/silences` (reviewers and admins; issue 13): the active and pending
/// silences with an "expire now" button each (POST `/silences/{id}/expire`), and a form to create
/// one (POST `/silences`). The server checks a posted silence as the API does (`decodeSilence`,
/// then `Engine.check`) and shows each problem next to its field.
public struct SilencesPage: Sendable, Equatable {
    /// The fields a problem can be reported for; the raw value is the posted name.
    public enum Field: String, CaseIterable, Sendable {
        case guideline, category, area
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case duration, reason
        case confirmCritical = "confirm_critical"
    }

    /// The durations the form offers instead of an end, in hours (7 days is the longest a silence may last).
    public static let durations = [2, 4, 8, 12, 24, 48, 72, 168]

    /// What the form holds, as posted.
    public struct Values: Sendable, Equatable {
        /// A guideline id, or empty.
        public var guideline: String
        /// A category's raw value, or empty.
        public var category: String
        /// An area id, or empty for every area.
        public var area: String
        /// `datetime-local` values; an empty start is now.
        public var startsAt: String
        public var endsAt: String
        /// Hours, one of ``SilencesPage/durations``, or empty when an end is given.
        public var duration: String
        /// Why (required).
        public var reason: String
        /// The "confirm critical" checkbox.
        public var confirmCritical: Bool

        /// Creates the values; an empty form needs none.
        public init(
            guideline: String = "", category: String = "", area: String = "", startsAt: String = "",
            endsAt: String = "", duration: String = "", reason: String = "", confirmCritical: Bool = false
        ) {
            self.guideline = guideline
            self.category = category
            self.area = area
            self.startsAt = startsAt
            self.endsAt = endsAt
            self.duration = duration
            self.reason = reason
            self.confirmCritical = confirmCritical
        }
    }

    /// The active and pending silences, in the order shown.
    public var silences: [SilenceRow]
    /// The guidelines to choose from, in the order shown.
    public var guidelines: [GuidelineOption]
    /// The areas to choose from, in the order shown.
    public var areas: [AreaOption]
    /// What the form holds.
    public var values: Values
    /// What is wrong, by field.
    public var errors: [Field: FieldProblem]

    /// Creates the page.
    public init(
        silences: [SilenceRow], guidelines: [GuidelineOption], areas: [AreaOption], values: Values = Values(),
        errors: [Field: FieldProblem] = [:]
    ) {
        self.silences = silences
        self.guidelines = guidelines
        self.areas = areas
        self.values = values
        self.errors = errors
    }

    /// The problem of a form with both an end and a duration.
    public static let endOrDuration = FieldProblem.custom(
        da: WebText.silenceProblemEndOrDuration.text(.da), en: WebText.silenceProblemEndOrDuration.text(.en))

    /// The problem of a silence covering `critical` guidelines (their titles) without the confirmation.
    public static func unconfirmedCritical(_ titles: [String]) -> FieldProblem {
        let values = ["guidelines": titles.joined(separator: ", ")]
        return .custom(
            da: WebText.silenceProblemCritical.text(.da, values), en: WebText.silenceProblemCritical.text(.en, values))
    }

    /// 422 when re-rendered with problems, else 200.
    public var status: Int { errors.isEmpty ? 200 : 422 }

    static func label(_ field: Field) -> WebText {
        switch field {
        case .guideline: .silenceGuideline
        case .category: .fieldCategory
        case .area: .fieldArea
        case .startsAt: .silenceStarts
        case .endsAt: .silenceEnds
        case .duration: .silenceDuration
        case .reason: .silenceReason
        case .confirmCritical: .silenceConfirmCritical
        }
    }

    /// A duration's label: `4 timer`, `48 timer`, `3 døgn`.
    static func durationLabel(_ hours: Int, _ lang: Language) -> String {
        hours <= 48 || hours % 24 != 0
            ? WebText.silenceHours.text(lang, ["n": "\(hours)"])
            : WebText.silenceDays.text(lang, ["n": "\(hours / 24)"])
    }

    /// The page as HTML (`Templates/silences.mustache`).
    public func render(_ context: PageContext) -> String {
        Templates.render("silences", view(context))
    }

    /// What the template reads: plain text, escaped by the template.
    func view(_ context: PageContext) -> [String: Any] {
        let lang = context.lang
        func t(_ key: WebText) -> String { key.text(lang) }
        func error(_ field: Field) -> String? { errors[field].map { $0.message(lang) } }
        let problems = Field.allCases.compactMap { field in
            error(field).map { (field.rawValue, t(Self.label(field)), $0) }
        }
        var keys = Form.errorSummary(problems)
        keys["hasSilences"] = !silences.isEmpty
        keys["silences"] = silences.map { row in
            [
                "id": String(row.id), "expirePath": "/silences/\(row.id)/expire",
                "what": row.guidelineTitle
                    ?? row.category.map { WebText.silenceCategoryOf.text(lang, ["category": t(WebText.category($0))]) }
                    ?? "",
                "critical": row.critical.isEmpty
                    ? false : WebText.silenceCovers.text(lang, ["guidelines": row.critical.joined(separator: ", ")]),
                "area": row.areaName ?? t(.silenceAreaAll), "startsAt": WebTime.view(row.startsAt, lang),
                "endsAt": WebTime.view(row.endsAt, lang), "stateCode": row.pending ? "pending" : "active",
                "state": t(row.pending ? .silenceStatePending : .silenceStateActive), "reason": row.reason,
                "createdBy": row.createdBy,
                "expireLabel": t(.silenceExpire),
            ] as [String: Any]
        }
        keys["guideline"] = Form.select(
            id: "guideline", name: "guideline", label: t(.silenceGuideline),
            options: guidelines.map { option in
                (option.id, option.title + (option.critical ? " (\(t(.silenceCriticalMark)))" : ""))
            }, selected: values.guideline, empty: t(.choose), error: error(.guideline))
        keys["category"] = Form.select(
            id: "category", name: "category", label: t(.fieldCategory),
            options: Category.allCases.map { ($0.rawValue, t(WebText.category($0))) }, selected: values.category,
            empty: t(.choose), error: error(.category))
        keys["area"] = Form.select(
            id: "area", name: "area", label: t(.fieldArea), options: areas.map { ($0.id, $0.name) },
            selected: values.area, empty: t(.silenceAreaAll), error: error(.area))
        keys["when"] = [
            Form.input(
                id: "starts_at", name: "starts_at", type: "datetime-local", label: t(.silenceStarts),
                value: values.startsAt, hint: t(.silenceStartsHint), error: error(.startsAt)),
            Form.input(
                id: "ends_at", name: "ends_at", type: "datetime-local", label: t(.silenceEnds), value: values.endsAt,
                hint: t(.silenceEndsHint), error: error(.endsAt)),
        ]
        keys["duration"] = Form.select(
            id: "duration", name: "duration", label: t(.silenceDuration),
            options: Self.durations.map { ("\($0)", Self.durationLabel($0, lang)) }, selected: values.duration,
            empty: t(.choose), error: error(.duration))
        keys["reason"] = Form.textarea(
            id: "reason", name: "reason", label: t(.silenceReason), value: values.reason,
            hint: t(.silenceReasonHint), error: error(.reason), required: true, rows: 3)
        keys["confirm"] = Form.checkbox(
            id: "confirm_critical", name: "confirm_critical", label: t(.silenceConfirmCritical),
            checked: values.confirmCritical, hint: t(.silenceConfirmHint), error: error(.confirmCritical))
        return Layout.view(
            context, title: (problems.isEmpty ? "" : t(.errorPrefix) + " ") + t(.silencesTitle), wide: true, keys)
    }
}

/// One active or pending silence on `/silences`.
public struct SilenceRow: Sendable, Equatable {
    /// The store's id.
    public var id: Int64
    /// The silenced guideline's title, when it matches a guideline.
    public var guidelineTitle: String?
    /// The silenced category, when it matches a category.
    public var category: Category?
    /// The area's name; nil for every area.
    public var areaName: String?
    /// From and to (the effective end).
    public var startsAt: Instant
    public var endsAt: Instant
    /// Not started yet.
    public var pending: Bool
    /// Why.
    public var reason: String
    /// Who created it, as the audit log names them.
    public var createdBy: String
    /// The titles of the `critical` guidelines it covers.
    public var critical: [String]

    /// Creates a row.
    public init(
        id: Int64, guidelineTitle: String?, category: Category?, areaName: String?, startsAt: Instant,
        endsAt: Instant, pending: Bool, reason: String, createdBy: String, critical: [String] = []
    ) {
        self.id = id
        self.guidelineTitle = guidelineTitle
        self.category = category
        self.areaName = areaName
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.pending = pending
        self.reason = reason
        self.createdBy = createdBy
        self.critical = critical
    }
}

/// A guideline to choose in the silence form: its id, title, and whether it is `critical`.
public struct GuidelineOption: Sendable, Equatable {
    /// The guideline's id.
    public var id: String
    /// Its title.
    public var title: String
    /// Whether it is `critical`: silencing it needs the confirmation.
    public var critical: Bool

    /// Creates an option.
    public init(id: String, title: String, critical: Bool) {
        self.id = id
        self.title = title
        self.critical = critical
    }
}

/// A silence covering `critical` guidelines, active now: the banner on every signed-in page.
public struct CriticalSilence: Sendable, Equatable {
    /// The titles of the critical guidelines it covers.
    public var guidelines: [String]
    /// The area's name; nil for every area.
    public var areaName: String?
    /// When it ends (its effective end).
    public var endsAt: Instant
    /// Why.
    public var reason: String

    /// Creates one.
    public init(guidelines: [String], areaName: String?, endsAt: Instant, reason: String) {
        self.guidelines = guidelines
        self.areaName = areaName
        self.endsAt = endsAt
        self.reason = reason
    }

    /// The banner's line in a language: `<guidelines> i <area> til <time> — <reason>`, plain text.
    func text(_ lang: Language) -> String {
        WebText.silenceBannerText.text(
            lang,
            [
                "guidelines": guidelines.joined(separator: ", "),
                "area": areaName ?? WebText.silenceEverywhere.text(lang), "time": WebTime.text(endsAt, lang),
                "reason": reason,
            ])
    }
}
extension SilencesPage: WebPage {}
