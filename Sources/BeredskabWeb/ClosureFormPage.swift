import BeredskabReview
import BeredskabRules

/// The closure form at `/closures/new` (reviewers; POST `/closures`): an institution closed, fully
/// or partly, or a near miss, with reason, who decided, linked incidents and what was done.
public struct ClosureFormPage: Sendable, Equatable {
    /// The fields a problem can be reported for; the raw value is the posted name.
    public enum Field: String, CaseIterable, Sendable {
        case institution, from, to, partial, reason
        case reasonText = "reason_text"
        case decidedBy = "decided_by"
        case incidents
        case nearMiss = "near_miss"
        case mitigations
    }

    /// Why an institution closed: the review's own vocabulary, so the form offers exactly what it records.
    public typealias Reason = ClosureReason

    /// What was done to keep it open or reopen it. Each ticked one is posted as a separate `mitigations` field.
    public typealias Mitigation = BeredskabReview.Mitigation

    /// What the form holds, as posted.
    public struct Values: Sendable, Equatable {
        /// The institution's id, or empty.
        public var institution: String
        /// Closed from, a `datetime-local` value.
        public var from: String
        /// Reopened, a `datetime-local` value, or empty while still closed.
        public var to: String
        /// Only partly closed.
        public var partial: Bool
        /// A `Reason` raw value, or empty.
        public var reason: String
        /// The reason in words.
        public var reasonText: String
        /// Who decided.
        public var decidedBy: String
        /// Linked incident ids as typed, separated by commas or spaces.
        public var incidents: String
        /// Closure considered, institution stayed open.
        public var nearMiss: Bool
        /// The ticked `Mitigation` raw values.
        public var mitigations: [String]

        /// Creates the values; an empty form needs none.
        public init(
            institution: String = "", from: String = "", to: String = "", partial: Bool = false, reason: String = "",
            reasonText: String = "", decidedBy: String = "", incidents: String = "", nearMiss: Bool = false,
            mitigations: [String] = []
        ) {
            self.institution = institution
            self.from = from
            self.to = to
            self.partial = partial
            self.reason = reason
            self.reasonText = reasonText
            self.decidedBy = decidedBy
            self.incidents = incidents
            self.nearMiss = nearMiss
            self.mitigations = mitigations
        }
    }

    /// The institutions to choose from, in the order shown.
    public var institutions: [InstitutionOption]
    /// What the form holds.
    public var values: Values
    /// What is wrong, by field.
    public var errors: [Field: FieldProblem]

    /// Creates the page.
    public init(institutions: [InstitutionOption], values: Values = Values(), errors: [Field: FieldProblem] = [:]) {
        self.institutions = institutions
        self.values = values
        self.errors = errors
    }

    /// 422 when re-rendered with problems, else 200.
    public var status: Int { errors.isEmpty ? 200 : 422 }

    static func label(_ field: Field) -> WebText {
        switch field {
        case .institution: .closureInstitution
        case .from: .closureFrom
        case .to: .closureTo
        case .partial: .closurePartial
        case .reason: .closureReason
        case .reasonText: .closureReasonText
        case .decidedBy: .closureDecidedBy
        case .incidents: .closureIncidents
        case .nearMiss: .closureNearMiss
        case .mitigations: .closureMitigations
        }
    }

    static func anchor(_ field: Field) -> String {
        switch field {
        case .mitigations: "mitigation-\(Mitigation.allCases[0].rawValue)"
        default: field.rawValue
        }
    }

    /// The page as HTML (`Templates/closure-form.mustache`).
    public func render(_ context: PageContext) -> String {
        Templates.render("closure-form", view(context))
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
        keys["institution"] = Form.select(
            id: "institution", name: "institution", label: t(.closureInstitution),
            options: institutions.map { option in
                (option.id, option.name + (option.vital ? " (\(t(.vitalMark)))" : ""))
            }, selected: values.institution, empty: t(.choose), error: error(.institution), required: true)
        keys["when"] = [
            Form.input(
                id: "from", name: "from", type: "datetime-local", label: t(.closureFrom), value: values.from,
                error: error(.from), required: true),
            Form.input(
                id: "to", name: "to", type: "datetime-local", label: t(.closureTo), value: values.to,
                hint: t(.closureToHint), error: error(.to)),
        ]
        keys["checks"] = [
            Form.checkbox(
                id: "partial", name: "partial", label: t(.closurePartial), checked: values.partial,
                hint: t(.closurePartialHint), error: error(.partial)),
            Form.checkbox(
                id: "near_miss", name: "near_miss", label: t(.closureNearMiss), checked: values.nearMiss,
                hint: t(.closureNearMissHint), error: error(.nearMiss)),
        ]
        keys["reason"] = Form.select(
            id: "reason", name: "reason", label: t(.closureReason),
            options: Reason.allCases.map { ($0.rawValue, t(WebText.reason($0))) }, selected: values.reason,
            empty: t(.choose), error: error(.reason), required: true)
        keys["reasonText"] = Form.textarea(
            id: "reason_text", name: "reason_text", label: t(.closureReasonText), value: values.reasonText,
            error: error(.reasonText), required: true, rows: 3)
        keys["who"] = [
            Form.input(
                id: "decided_by", name: "decided_by", label: t(.closureDecidedBy), value: values.decidedBy,
                hint: t(.closureDecidedByHint), error: error(.decidedBy), required: true),
            Form.input(
                id: "incidents", name: "incidents", label: t(.closureIncidents), value: values.incidents,
                hint: t(.closureIncidentsHint), error: error(.incidents)),
        ]
        keys["mitigations"] = Form.group(
            id: "mitigations", type: "checkbox", name: "mitigations", legend: t(.closureMitigations),
            choices: Mitigation.allCases.map {
                (
                    "mitigation-\($0.rawValue)", $0.rawValue, t(WebText.mitigation($0)),
                    values.mitigations.contains($0.rawValue)
                )
            }, hint: t(.closureMitigationsHint), error: error(.mitigations))
        return Layout.view(context, title: (problems.isEmpty ? "" : t(.errorPrefix) + " ") + t(.closureTitle), keys)
    }
}
