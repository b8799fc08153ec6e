import BeredskabHandbook
import BeredskabRules
import Mustache

/// The handbook (issue 13) rendered through its templates: as a page in the shared layout
/// (`Templates/handbook.mustache`), as a standalone printable A4 document
/// (`Templates/handbook-document.mustache`, for `beredskab handbook` and its PDF) and as Markdown
/// (`Templates/handbook-md.mustache`). All three share one view built here from the model.
extension Handbook {
    /// The handbook as a page of the signed-in site, in the layout.
    public func page(_ context: PageContext) -> String {
        Templates.render("handbook", Layout.view(context, title: title, self.view))
    }

    /// The handbook as one self-contained HTML document with its own A4 print style sheet.
    public func document() -> String {
        var document = self.view
        document["style"] = Self.style
        return Templates.render("handbook-document", document)
    }

    /// The handbook as Markdown; text from the rules is escaped for Markdown (``MarkdownText``).
    public func markdown() -> String {
        Templates.render("handbook-md", view)
    }

    var title: String {
        let words = HandbookWords(language: language, rules: RuleSet())
        return "\(words.labels["title"]!): \(organisation.name)"
    }

    /// The view every rendering shares: `h` (fixed texts), the organisation, date, hash, the first steps,
    /// the table of contents, the guidelines, key persons and own roles.
    var view: [String: Any] {
        let words = HandbookWords(language: language, rules: RuleSet())
        let labels = words.labels
        /// A text for a section, or `false` for none.
        func orFalse(_ text: String) -> Any { text.isEmpty ? false : text }
        func role(_ info: RoleInfo) -> [String: Any] { ["name": info.name, "duty": info.duty, "ours": info.ours] }
        let entries: [[String: Any]] = guidelines.enumerated().map { index, entry in
            let notified: [[String: Any]] = entry.notified.map { n in
                [
                    "who": n.role?.name ?? labels["ownKeyPersons"]!, "duty": present(n.role?.duty),
                    "when": words.delay(n.delay), "personal": n.personal, "ours": n.role?.ours ?? true,
                ]
            }
            let tasks: [[String: Any]] = entry.tasks.map { task in
                [
                    "text": task.text, "role": role(task.role), "within": words.duration(task.within),
                    "escalateTo": orFalse(task.escalateTo.map(\.name).joined(separator: ", ")),
                ]
            }
            let escalations: [[String: Any]] = entry.escalations.map { e in
                [
                    "after": words.duration(e.after), "roles": e.roles.map(\.name).joined(separator: ", "),
                    "repeats": e.repeats > 0 ? e.repeats as Any : false,
                ]
            }
            let watches: [[String: Any]] = entry.watches.map { w in
                [
                    "kinds": w.kinds.map(words.institutionKind).joined(separator: ", "),
                    "area": w.areaName ?? labels["incidentArea"]!, "named": w.areaName != nil,
                    "duration": words.duration(w.duration), "confirm": words.duration(w.confirmWithin),
                    "institutions": orFalse(w.institutions.joined(separator: ", ")),
                ]
            }
            return [
                "anchor": "g-\(entry.id)", "number": index + 1, "title": entry.title,
                "priority": words.priority(entry.priority), "priorityClass": entry.priority.rawValue,
                "when": entry.when, "notified": notified, "tasks": tasks, "hasTasks": !tasks.isEmpty,
                "escalations": escalations,
                "hasEscalations": !escalations.isEmpty || tasks.contains { $0["escalateTo"] is String },
                "ownDuties": entry.ownDuties, "hasOwnDuties": !entry.ownDuties.isEmpty,
                "watches": watches, "hasWatches": !watches.isEmpty,
                "suppresses": orFalse(entry.suppresses.joined(separator: ", ")),
                "merge": present(entry.mergeWithin.map(words.duration)),
            ]
        }
        let persons: [[String: Any]] = keyPersons.map { p in
            [
                "name": p.name, "keyPerson": p.keyPerson, "emails": p.emails, "phones": p.phones,
                "roles": orFalse(p.roles.joined(separator: ", ")),
            ]
        }
        return [
            "h": labels, "lang": language.rawValue, "title": title, "organisation": organisation.name,
            "date": date, "hash": rulesHash, "formURL": intake.formURL, "phone": present(intake.phone),
            "guidelines": entries, "hasGuidelines": !entries.isEmpty,
            "keyPersons": persons, "hasKeyPersons": !persons.isEmpty,
            "ownRoles": ownRoles.map(role), "hasOwnRoles": !ownRoles.isEmpty,
        ]
    }

    /// The document's own style sheet: A4 pages with margins, page numbers, each guideline kept on one
    /// page where it fits, black on white. Inline so the file stands alone (and prints from a browser
    /// or headless Chromium's `--print-to-pdf`).
    public static let style = """

        @page{size:A4;margin:18mm 16mm 20mm}
        body{font-family:"DejaVu Sans",system-ui,sans-serif;font-size:10.5pt;line-height:1.4;color:#111;max-width:50rem;margin:1.5rem auto;padding:0 1rem}
        h1{font-size:1.7rem;margin:0}h2{font-size:1.25rem;margin:1.6rem 0 .4rem;border-bottom:2px solid #111}
        h3{font-size:1.05rem;margin:1rem 0 .3rem}h4{font-size:.95rem;margin:.6rem 0 .2rem}
        .meta{color:#333;margin:.2rem 0 1rem}.first{border:3px solid #a40000;padding:.4rem 1rem;border-radius:.4rem}
        .call112{font-weight:bold;font-size:1.2rem}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #999;padding:.2rem .4rem;text-align:left;vertical-align:top}
        .duty{color:#333;font-size:.9em}.ours{font-weight:bold}.personal{font-style:italic}
        .guideline{break-inside:avoid-page;border-top:1px solid #999;padding-top:.3rem}
        .toc ol{columns:2}.toc a{color:#111}
        @media print{body{margin:0;max-width:none;padding:0}a{color:#111;text-decoration:none}.guideline{break-inside:avoid}h2{break-after:avoid}}

        """
}

/// Markdown's escaping for `{{x}}` in templates marked `{{% CONTENT_TYPE: MARKDOWN}}`: every ASCII
/// punctuation character Markdown gives a meaning to is preceded by a backslash (CommonMark allows a
/// backslash before any ASCII punctuation), so text from the rules never turns into markup or HTML.
struct MarkdownText: MustacheContentType {
    static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "{", "}", "!", "~"]

    func escapeText(_ text: String) -> String {
        var out = ""
        for character in text {
            if Self.special.contains(character) { out.append("\\") }
            out.append(character == "\n" ? " " : character)
        }
        return out
    }
}

/// The signed-in page `/handbook`: an organisation's handbook in the layout.
public struct HandbookPage: WebPage {
    /// The handbook shown.
    public var handbook: Handbook

    /// Creates the page.
    public init(handbook: Handbook) { self.handbook = handbook }

    /// The page for the request's context.
    public func render(_ context: PageContext) -> String { handbook.page(context) }
}
