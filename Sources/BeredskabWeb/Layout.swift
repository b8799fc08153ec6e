import BeredskabRules

/// The frame around every page (`Templates/layout.mustache`): document head, header with who is
/// signed in, navigation by role, sign-out form and language switch, the `<main>` element and a
/// footer. No inline script or style. Pages extend it with `{{<layout}}{{$main}}…{{/main}}{{/layout}}`.
enum Layout {
    /// The view every page starts from: the layout's keys (`t`, `lang`, `title`, `wide`, `csrf`,
    /// `user`, the language switch, `refresh`, `statusURL`, `silenceBanner`) with the page's own `keys` added.
    /// `title` is plain text.
    static func view(
        _ context: PageContext, title: String, wide: Bool = false, refresh: Int? = nil, statusURL: String? = nil,
        _ keys: [String: Any]
    ) -> [String: Any] {
        let lang = context.lang
        let path = HTML.localPathOnly(context.path)
        let other: Language = lang == .da ? .en : .da
        var view: [String: Any] = [
            "t": TemplateTexts(lang: lang), "lang": lang.rawValue, "title": title, "wide": wide,
            "csrf": present(context.csrf), "refresh": refresh ?? false, "statusURL": present(statusURL),
            "switchPath": path, "other": other.rawValue, "otherName": WebText.languageName.text(other),
            "user": false,
        ]
        if let user = context.user {
            var links: [(String, WebText)] = []
            if user.mayReport { links.append(("/report", .navReport)) }
            if user.mayUseBoard { links.append(("/board", .navBoard)) }
            if user.mayReview { links.append(("/review", .navReview)) }
            if user.mayReview { links.append(("/oncall", .navOnCall)) }
            if user.mayReview { links.append(("/silences", .navSilences)) }
            // Everyone signed in has a handbook: their own organisation's.
            links.append(("/handbook", .navHandbook))
            view["user"] = [
                "signedInAs": WebText.signedInAs.text(lang, ["name": user.name, "organisation": user.organisation]),
                "links": links.map { href, key in
                    [
                        "href": href, "label": key.text(lang),
                        "current": path == href || path.hasPrefix(href + "/"),
                    ] as [String: Any]
                },
            ]
        }
        // The banner of critical silences (issue 13), for signed-in users only.
        let banners = context.user == nil ? [] : context.criticalSilences
        view["silenceBanner"] =
            banners.isEmpty
            ? false
            : [
                "items": banners.map { ["text": $0.text(lang)] }, "link": context.user?.mayReview == true,
            ] as [String: Any]
        view.merge(keys) { _, page in page }
        return view
    }
}
