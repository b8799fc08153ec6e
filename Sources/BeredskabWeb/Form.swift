import BeredskabRules

/// The views of form controls for the templates `input`, `textarea`, `select`, `checkbox`, `group`
/// and `error-summary`: every control has a real `<label for>`, hint and error are tied to it with
/// `aria-describedby`, and a field in error carries `aria-invalid`. All strings are plain text; the
/// templates escape them. Every view names every key its template reads (absent ones as `false`),
/// so a lookup never climbs to a value of the same name further out.
enum Form {
    /// An option of a select: value and label, both plain text.
    typealias Option = (value: String, label: String)

    /// The ids for `aria-describedby`, or `false` for none.
    static func described(_ id: String, hint: String?, error: String?, extra: [String] = []) -> Any {
        var ids = extra
        if hint != nil { ids.append("\(id)-hint") }
        if error != nil { ids.append("\(id)-error") }
        return ids.isEmpty ? false : ids.joined(separator: " ")
    }

    /// The keys every field view has.
    static func base(id: String, label: String, hint: String?, error: String?) -> [String: Any] {
        [
            "id": id, "label": label, "hint": present(hint), "error": present(error), "name": false, "type": false,
            "value": false, "required": false, "autocomplete": false, "describedby": false, "invalid": false,
            "rows": false, "options": false, "empty": false, "checked": false, "choices": false,
        ]
    }

    /// A one-line input (`text`, `email`, `datetime-local`, …).
    static func input(
        id: String, name: String, type: String = "text", label: String, value: String, hint: String? = nil,
        error: String? = nil, required: Bool = false, autocomplete: String? = nil
    ) -> [String: Any] {
        var view = base(id: id, label: label, hint: hint, error: error)
        view["name"] = name
        view["type"] = type
        view["value"] = value
        view["required"] = required
        view["autocomplete"] = present(autocomplete)
        view["describedby"] = described(id, hint: hint, error: error)
        view["invalid"] = error != nil
        return view
    }

    /// A multi-line input.
    static func textarea(
        id: String, name: String, label: String, value: String, hint: String? = nil, error: String? = nil,
        required: Bool = false, rows: Int = 5, describedBy: [String] = []
    ) -> [String: Any] {
        var view = input(id: id, name: name, label: label, value: value, hint: hint, error: error, required: required)
        view["rows"] = rows
        view["describedby"] = described(id, hint: hint, error: error, extra: describedBy)
        return view
    }

    /// A select; `empty` is the label of a first option with the empty value, if any.
    static func select(
        id: String, name: String, label: String, options: [Option], selected: String, empty: String?,
        hint: String? = nil, error: String? = nil, required: Bool = false
    ) -> [String: Any] {
        var view = input(
            id: id, name: name, label: label, value: selected, hint: hint, error: error, required: required)
        view["empty"] =
            empty.map { ["label": $0, "selected": selected.isEmpty] as [String: Any] } ?? false
        view["options"] = options.map { ["value": $0.value, "label": $0.label, "selected": $0.value == selected] }
        return view
    }

    /// One checkbox with its label after it, then its hint and error.
    static func checkbox(
        id: String, name: String, value: String = "yes", label: String, checked: Bool, hint: String? = nil,
        error: String? = nil
    ) -> [String: Any] {
        var view = input(id: id, name: name, label: label, value: value, hint: hint, error: error)
        view["checked"] = checked
        return view
    }

    /// A group of checkboxes or radios in a fieldset; the error, if any, sits under the legend.
    /// Each choice is (id, value, label, checked).
    static func group(
        id: String, type: String, name: String, legend: String,
        choices: [(id: String, value: String, label: String, checked: Bool)],
        hint: String? = nil, error: String? = nil, required: Bool = false
    ) -> [String: Any] {
        var view = input(id: id, name: name, type: type, label: legend, value: "", hint: hint, error: error)
        view["invalid"] = false
        view["choices"] = choices.map {
            [
                "id": $0.id, "value": $0.value, "label": $0.label, "checked": $0.checked,
                "required": required && type == "radio", "invalid": error != nil,
            ] as [String: Any]
        }
        return view
    }

    /// The error summary at the top of a form: each problem links to its field. Each entry is
    /// (anchor id, field label, message), plain text.
    static func errorSummary(_ problems: [(anchor: String, label: String, message: String)]) -> [String: Any] {
        [
            "hasProblems": !problems.isEmpty,
            "problems": problems.map { ["anchor": $0.anchor, "label": $0.label, "message": $0.message] },
        ]
    }
}
