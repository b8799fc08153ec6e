import BeredskabRules

/// The building blocks of forms: every control has a real `<label for>`, hint and error are tied to
/// it with `aria-describedby`, and a field in error carries `aria-invalid`. Parameters named
/// `label`, `legend`, `hint` and `error` are HTML already escaped; `value`s are raw text.
enum Form {
    /// An option of a select: raw value and escaped label.
    typealias Option = (value: String, label: String)

    /// The hidden CSRF field, if the context has a token.
    static func csrf(_ context: PageContext) -> String {
        guard let token = context.csrf else { return "" }
        return "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(token))\">\n"
    }

    /// ` aria-describedby="…" aria-invalid="true"` as the hint and error call for.
    static func described(
        _ id: String, hint: String?, error: String?, extra: [String] = [], markInvalid: Bool = true
    ) -> String {
        var ids = extra
        if hint != nil { ids.append("\(id)-hint") }
        if error != nil { ids.append("\(id)-error") }
        var out = ids.isEmpty ? "" : " aria-describedby=\"\(ids.joined(separator: " "))\""
        if error != nil && markInvalid { out += " aria-invalid=\"true\"" }
        return out
    }

    /// The hint and error paragraphs under a label.
    static func notes(_ id: String, hint: String?, error: String?, lang: Language) -> String {
        var out = ""
        if let hint { out += "<p class=\"hint\" id=\"\(id)-hint\">\(hint)</p>\n" }
        if let error {
            out +=
                "<p class=\"field-error\" id=\"\(id)-error\"><span class=\"visually-hidden\">\(WebText.errorPrefix.html(lang)) </span>\(error)</p>\n"
        }
        return out
    }

    static func open(_ error: String?) -> String {
        "<div class=\"field\(error != nil ? " field-invalid" : "")\">\n"
    }

    /// A one-line input (`text`, `email`, `datetime-local`, …).
    static func input(
        id: String, name: String, type: String = "text", label: String, value: String, hint: String? = nil,
        error: String? = nil, required: Bool = false, autocomplete: String? = nil, lang: Language
    ) -> String {
        var out = open(error)
        out += "<label for=\"\(id)\">\(label)</label>\n" + notes(id, hint: hint, error: error, lang: lang)
        out += "<input type=\"\(type)\" id=\"\(id)\" name=\"\(name)\" value=\"\(HTML.escape(value))\""
        if let autocomplete { out += " autocomplete=\"\(autocomplete)\"" }
        if required { out += " required" }
        out += described(id, hint: hint, error: error) + ">\n</div>\n"
        return out
    }

    /// A multi-line input.
    static func textarea(
        id: String, name: String, label: String, value: String, hint: String? = nil, error: String? = nil,
        required: Bool = false, rows: Int = 5, describedBy: [String] = [], lang: Language
    ) -> String {
        var out = open(error)
        out += "<label for=\"\(id)\">\(label)</label>\n" + notes(id, hint: hint, error: error, lang: lang)
        out += "<textarea id=\"\(id)\" name=\"\(name)\" rows=\"\(rows)\"\(required ? " required" : "")"
        out +=
            described(id, hint: hint, error: error, extra: describedBy)
            + ">\n\(HTML.escape(value))</textarea>\n</div>\n"
        return out
    }

    /// A select; `empty` is the label of a first option with the empty value, if any.
    static func select(
        id: String, name: String, label: String, options: [Option], selected: String, empty: String?,
        hint: String? = nil, error: String? = nil, required: Bool = false, lang: Language
    ) -> String {
        var out = open(error)
        out += "<label for=\"\(id)\">\(label)</label>\n" + notes(id, hint: hint, error: error, lang: lang)
        out += "<select id=\"\(id)\" name=\"\(name)\"\(required ? " required" : "")"
        out += described(id, hint: hint, error: error) + ">\n"
        if let empty { out += "<option value=\"\"\(selected.isEmpty ? " selected" : "")>\(empty)</option>\n" }
        for option in options {
            let mark = option.value == selected ? " selected" : ""
            out += "<option value=\"\(HTML.escape(option.value))\"\(mark)>\(option.label)</option>\n"
        }
        return out + "</select>\n</div>\n"
    }

    /// One checkbox with its label after it, then its hint and error.
    static func checkbox(
        id: String, name: String, value: String = "yes", label: String, checked: Bool, hint: String? = nil,
        error: String? = nil, lang: Language
    ) -> String {
        var out = "<div class=\"choice\(error != nil ? " field-invalid" : "")\">\n"
        out += "<input type=\"checkbox\" id=\"\(id)\" name=\"\(name)\" value=\"\(HTML.escape(value))\""
        out += (checked ? " checked" : "") + described(id, hint: hint, error: error) + ">\n"
        out += "<label for=\"\(id)\">\(label)</label>\n"
        return out + notes(id, hint: hint, error: error, lang: lang) + "</div>\n"
    }

    /// A group of checkboxes or radios in a fieldset; the error, if any, sits under the legend.
    /// Each choice is (id, value, escaped label, checked).
    static func group(
        id: String, type: String, name: String, legend: String,
        choices: [(id: String, value: String, label: String, checked: Bool)],
        hint: String? = nil, error: String? = nil, required: Bool = false, lang: Language
    ) -> String {
        var out = "<fieldset id=\"\(id)\" class=\"field\(error != nil ? " field-invalid" : "")\""
        out += described(id, hint: hint, error: error, markInvalid: false)
        out += ">\n<legend>\(legend)</legend>\n" + notes(id, hint: hint, error: error, lang: lang)
        for choice in choices {
            out += "<div class=\"choice\">\n"
            out += "<input type=\"\(type)\" id=\"\(choice.id)\" name=\"\(name)\" value=\"\(HTML.escape(choice.value))\""
            out += (choice.checked ? " checked" : "") + (required && type == "radio" ? " required" : "")
            out += (error != nil ? " aria-invalid=\"true\"" : "") + ">\n"
            out += "<label for=\"\(choice.id)\">\(choice.label)</label>\n</div>\n"
        }
        return out + "</fieldset>\n"
    }

    /// The error summary at the top of a form: each problem links to its field. Empty if none.
    /// Each entry is (anchor id, escaped field label, escaped message).
    static func errorSummary(_ problems: [(anchor: String, label: String, message: String)], lang: Language) -> String {
        guard !problems.isEmpty else { return "" }
        var out =
            "<div class=\"error-summary\" id=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus aria-labelledby=\"error-summary-title\">\n"
        out += "<h2 id=\"error-summary-title\">\(WebText.errorSummaryTitle.html(lang))</h2>\n<ul>\n"
        for problem in problems {
            out += "<li><a href=\"#\(problem.anchor)\">\(problem.label): \(problem.message)</a></li>\n"
        }
        return out + "</ul>\n</div>\n"
    }

    /// A submit button.
    static func submit(id: String, label: String, extraClass: String = "") -> String {
        "<button type=\"submit\" id=\"\(id)\"\(extraClass.isEmpty ? "" : " class=\"\(extraClass)\"")>\(label)</button>\n"
    }
}
