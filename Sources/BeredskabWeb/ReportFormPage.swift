import BeredskabRules

/// The report form at `/report` (POST `/report`), empty with the time prefilled, or re-rendered
/// with what was entered and each problem next to its field when the server refuses it.
public struct ReportFormPage: Sendable, Equatable {
    /// The fields a problem can be reported for, in form order; the raw value is the name the form posts it under.
    /// (The checkboxes `injured`, `weapons` and `minors` post `yes` when ticked and nothing otherwise.)
    public enum Field: String, CaseIterable, Sendable {
        case category, severity, description, area, address
        /// The hidden `lat` and `lon` together; a problem is shown by the location button.
        case location
        case occurredAt = "occurred_at"
        case persons
    }

    /// What the form holds: raw text as posted, so a refused value comes back as it was typed.
    public struct Values: Sendable, Equatable {
        /// A `Category` raw value, or empty.
        public var category: String
        /// An `IncidentSeverity` raw value, or empty.
        public var severity: String
        /// An area id, or empty for "not known".
        public var area: String
        /// The address as typed.
        public var address: String
        /// Latitude from the location button, or empty.
        public var lat: String
        /// Longitude from the location button, or empty.
        public var lon: String
        /// A `datetime-local` value such as `2026-11-21T22:30` (see `WebTime.dateTimeLocal`).
        public var occurredAt: String
        /// What happened.
        public var description: String
        /// People are injured.
        public var injured: Bool
        /// Weapons are involved.
        public var weapons: Bool
        /// Minors are involved.
        public var minors: Bool
        /// Persons involved, one a line: personal data.
        public var persons: String
        /// The report's id, made when the form is first shown and sent back with it, so a form sent
        /// twice (a double tap, a resend after a dropped connection) is one report.
        public var reportID: String
        /// An exercise (a drill), ticked by an admin or a coordinator: every message is marked
        /// ØVELSE / EXERCISE and it never meets a real incident (docs/report.md, `exercise`).
        public var exercise = false

        /// Creates the values; an empty form needs only `occurredAt`.
        public init(
            category: String = "", severity: String = "", area: String = "", address: String = "", lat: String = "",
            lon: String = "", occurredAt: String, description: String = "", injured: Bool = false,
            weapons: Bool = false, minors: Bool = false, persons: String = "", reportID: String = ""
        ) {
            self.category = category
            self.severity = severity
            self.area = area
            self.address = address
            self.lat = lat
            self.lon = lon
            self.occurredAt = occurredAt
            self.description = description
            self.injured = injured
            self.weapons = weapons
            self.minors = minors
            self.persons = persons
            self.reportID = reportID
        }
    }

    /// The areas to choose from, in the order shown.
    public var areas: [AreaOption]
    /// What the form holds.
    public var values: Values
    /// What is wrong, by field; empty for a fresh form.
    public var errors: [Field: FieldProblem]
    /// Whether the form offers the exercise checkbox: for admins and coordinators (reviewers) only.
    public var mayMarkExercise = false

    /// Creates the page.
    public init(
        areas: [AreaOption], values: Values, errors: [Field: FieldProblem] = [:], mayMarkExercise: Bool = false
    ) {
        self.areas = areas
        self.values = values
        self.errors = errors
        self.mayMarkExercise = mayMarkExercise
    }

    /// 422 when re-rendered with problems, else 200.
    public var status: Int { errors.isEmpty ? 200 : 422 }

    /// The id of the element a problem with a field links to.
    static func anchor(_ field: Field) -> String {
        switch field {
        case .location: "use-location"
        case .occurredAt: "occurred_at"
        default: field.rawValue
        }
    }

    static func label(_ field: Field) -> WebText {
        switch field {
        case .category: .fieldCategory
        case .severity: .fieldSeverity
        case .area: .fieldArea
        case .address: .fieldAddress
        case .location: .fieldLocation
        case .occurredAt: .fieldOccurredAt
        case .description: .fieldDescription
        case .persons: .fieldPersons
        }
    }

    /// The page as HTML.
    public func render(_ context: PageContext) -> String {
        let lang = context.lang
        let t = Texts(lang)
        func error(_ field: Field) -> String? { errors[field].map { HTML.escape($0.message(lang)) } }
        let problems = Field.allCases.compactMap { field in
            error(field).map { (Self.anchor(field), t[Self.label(field)], $0) }
        }
        let title = t[.reportTitle]
        var main = Form.errorSummary(problems, lang: lang)
        main += "<h1>\(title)</h1>\n<p>\(t[.reportIntro])</p>\n"
        main += "<form method=\"post\" action=\"/report\" novalidate>\n" + Form.csrf(context)
        if !values.reportID.isEmpty {
            main += "<input type=\"hidden\" name=\"report_id\" value=\"\(HTML.escape(values.reportID))\">\n"
        }

        if mayMarkExercise {
            main += Form.checkbox(
                id: "exercise", name: "exercise",
                label: lang == .da
                    ? "ØVELSE – dette er en øvelse, ikke en rigtig hændelse"
                    : "EXERCISE – this is an exercise, not a real incident",
                checked: values.exercise,
                hint: lang == .da
                    ? "Alle beskeder mærkes ØVELSE, og øvelsen blandes aldrig med rigtige hændelser."
                    : "Every message is marked EXERCISE, and it never mixes with real incidents.",
                lang: lang)
        }
        main += "<fieldset class=\"group\">\n<legend>\(t[.reportWhat])</legend>\n"
        main += Form.select(
            id: "category", name: "category", label: t[.fieldCategory],
            options: Category.allCases.map { ($0.rawValue, t[WebText.category($0)]) }, selected: values.category,
            empty: t[.choose], error: error(.category), required: true, lang: lang)
        main += Form.select(
            id: "severity", name: "severity", label: t[.fieldSeverity],
            options: IncidentSeverity.allCases.map { ($0.rawValue, t[WebText.severityChoice($0)]) },
            selected: values.severity, empty: t[.choose], error: error(.severity), required: true, lang: lang)
        main += Form.textarea(
            id: "description", name: "description", label: t[.fieldDescription], value: values.description,
            hint: t[.descriptionHint], error: error(.description), required: true, lang: lang)
        main += "<fieldset class=\"field\">\n<legend>\(t[.fieldFlags])</legend>\n"
        main += Form.checkbox(
            id: "injured", name: "injured", label: t[.flagInjured], checked: values.injured, lang: lang)
        main += Form.checkbox(
            id: "weapons", name: "weapons", label: t[.flagWeapons], checked: values.weapons, lang: lang)
        main += Form.checkbox(id: "minors", name: "minors", label: t[.flagMinors], checked: values.minors, lang: lang)
        main += "</fieldset>\n</fieldset>\n\n"

        main += "<fieldset class=\"group\">\n<legend>\(t[.reportWhere])</legend>\n"
        main += Form.select(
            id: "area", name: "area", label: t[.fieldArea], options: areas.map { ($0.id, HTML.escape($0.name)) },
            selected: values.area, empty: t[.areaNotKnown], error: error(.area), lang: lang)
        main += Form.input(
            id: "address", name: "address", label: t[.fieldAddress], value: values.address, hint: t[.addressHint],
            error: error(.address), autocomplete: "street-address", lang: lang)
        main += "<input type=\"hidden\" id=\"lat\" name=\"lat\" value=\"\(HTML.escape(values.lat))\">\n"
        main += "<input type=\"hidden\" id=\"lon\" name=\"lon\" value=\"\(HTML.escape(values.lon))\">\n"
        let located = !values.lat.isEmpty && !values.lon.isEmpty
        let locationError = error(.location)
        main += "<div class=\"field location\(locationError != nil ? " field-invalid" : "")\">\n"
        if let locationError {
            main +=
                "<p class=\"field-error\" id=\"use-location-error\"><span class=\"visually-hidden\">\(t[.errorPrefix]) </span>\(locationError)</p>\n"
        }
        main += "<button type=\"button\" id=\"use-location\" class=\"secondary\" hidden"
        main += " data-finding=\"\(t[.locationFinding])\" data-found=\"\(t[.locationFound])\""
        main += " data-failed=\"\(t[.locationFailed])\" aria-describedby=\"location-status"
        main += (locationError != nil ? " use-location-error" : "") + "\">\(t[.locationButton])</button>\n"
        main += "<p id=\"location-status\" class=\"hint\" role=\"status\">\(located ? t[.locationAttached] : "")</p>\n"
        main += "</div>\n</fieldset>\n"

        main += "<fieldset class=\"group\">\n<legend>\(t[.reportWhen])</legend>\n"
        main += Form.input(
            id: "occurred_at", name: "occurred_at", type: "datetime-local", label: t[.fieldOccurredAt],
            value: values.occurredAt, hint: t[.occurredAtHint], error: error(.occurredAt), required: true,
            lang: lang)
        main += "</fieldset>\n"

        main += "<fieldset class=\"group sensitive\">\n<legend>\(t[.reportPersons])</legend>\n"
        main +=
            "<p class=\"notice\" id=\"persons-notice\"><strong>\(t[.sensitiveLabel])</strong> \(t[.personsNotice])</p>\n"
        main += Form.textarea(
            id: "persons", name: "persons", label: t[.fieldPersons], value: values.persons, hint: t[.personsHint],
            error: error(.persons), rows: 4, describedBy: ["persons-notice"], lang: lang)
        main += "</fieldset>\n"

        main += Form.submit(id: "report-submit", label: t[.reportSubmit])
        main += "</form>\n"
        return Layout.page(context, title: (problems.isEmpty ? "" : t[.errorPrefix] + " ") + title, main: main)
    }
}
