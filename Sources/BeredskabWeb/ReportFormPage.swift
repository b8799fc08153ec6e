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

    /// The page as HTML (`Templates/report-form.mustache`).
    public func render(_ context: PageContext) -> String {
        Templates.render("report-form", view(context))
    }

    /// What the template reads: plain text, escaped by the template.
    func view(_ context: PageContext) -> [String: Any] {
        let lang = context.lang
        func t(_ key: WebText) -> String { key.text(lang) }
        func error(_ field: Field) -> String? { errors[field].map { $0.message(lang) } }
        let problems = Field.allCases.compactMap { field in
            error(field).map { (Self.anchor(field), t(Self.label(field)), $0) }
        }
        var keys = Form.errorSummary(problems)
        keys["reportID"] = values.reportID.isEmpty ? false : values.reportID
        keys["exercise"] =
            mayMarkExercise
            ? Form.checkbox(
                id: "exercise", name: "exercise",
                label: lang == .da
                    ? "ØVELSE – dette er en øvelse, ikke en rigtig hændelse"
                    : "EXERCISE – this is an exercise, not a real incident",
                checked: values.exercise,
                hint: lang == .da
                    ? "Alle beskeder mærkes ØVELSE, og øvelsen blandes aldrig med rigtige hændelser."
                    : "Every message is marked EXERCISE, and it never mixes with real incidents.") : false
        keys["category"] = Form.select(
            id: "category", name: "category", label: t(.fieldCategory),
            options: Category.allCases.map { ($0.rawValue, t(WebText.category($0))) }, selected: values.category,
            empty: t(.choose), error: error(.category), required: true)
        keys["severity"] = Form.select(
            id: "severity", name: "severity", label: t(.fieldSeverity),
            options: IncidentSeverity.allCases.map { ($0.rawValue, t(WebText.severityChoice($0))) },
            selected: values.severity, empty: t(.choose), error: error(.severity), required: true)
        keys["description"] = Form.textarea(
            id: "description", name: "description", label: t(.fieldDescription), value: values.description,
            hint: t(.descriptionHint), error: error(.description), required: true)
        keys["flags"] = [
            Form.checkbox(id: "injured", name: "injured", label: t(.flagInjured), checked: values.injured),
            Form.checkbox(id: "weapons", name: "weapons", label: t(.flagWeapons), checked: values.weapons),
            Form.checkbox(id: "minors", name: "minors", label: t(.flagMinors), checked: values.minors),
        ]
        keys["area"] = Form.select(
            id: "area", name: "area", label: t(.fieldArea), options: areas.map { ($0.id, $0.name) },
            selected: values.area, empty: t(.areaNotKnown), error: error(.area))
        keys["address"] = Form.input(
            id: "address", name: "address", label: t(.fieldAddress), value: values.address, hint: t(.addressHint),
            error: error(.address), autocomplete: "street-address")
        keys["lat"] = values.lat
        keys["lon"] = values.lon
        keys["located"] = !values.lat.isEmpty && !values.lon.isEmpty
        keys["locationError"] = present(error(.location))
        keys["occurredAt"] = Form.input(
            id: "occurred_at", name: "occurred_at", type: "datetime-local", label: t(.fieldOccurredAt),
            value: values.occurredAt, hint: t(.occurredAtHint), error: error(.occurredAt), required: true)
        keys["persons"] = Form.textarea(
            id: "persons", name: "persons", label: t(.fieldPersons), value: values.persons, hint: t(.personsHint),
            error: error(.persons), rows: 4, describedBy: ["persons-notice"])
        return Layout.view(context, title: (problems.isEmpty ? "" : t(.errorPrefix) + " ") + t(.reportTitle), keys)
    }
}
