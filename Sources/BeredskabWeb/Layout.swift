import BeredskabRules

/// The frame around every page: document head, header with who is signed in, navigation by role,
/// sign-out form and language switch, the `<main>` element and a footer. No inline script or style.
enum Layout {
    /// A whole page. `title` is escaped HTML; `main` is the escaped content; `mainAttributes` are
    /// extra attributes of `<main>` (data attributes for the script), each with a leading space.
    static func page(
        _ context: PageContext, title: String, main: String, mainAttributes: String = "", wide: Bool = false
    ) -> String {
        let lang = context.lang
        let t = Texts(lang)
        return """
            <!doctype html>
            <html lang="\(lang.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="same-origin">
            <meta name="robots" content="noindex, nofollow">
            <title>\(title) – Beredskab</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/assets/beredskab.css">
            <script src="/assets/beredskab.js" defer></script>
            </head>
            <body>
            <a class="skip-link" href="#main">\(t[.skipToContent])</a>
            \(header(context, wide: wide))<main id="main" tabindex="-1" class="container\(wide ? " wide" : "")"\(mainAttributes)>
            \(main)</main>
            <footer class="site-footer"><div class="container\(wide ? " wide" : "")"><p>\(t[.footer])</p></div></footer>
            </body>
            </html>

            """
    }

    /// The header: name of the service, who is signed in, the links their roles open, sign out and
    /// the switch to the other language.
    static func header(_ context: PageContext, wide: Bool) -> String {
        let t = Texts(context.lang)
        let path = HTML.localPathOnly(context.path)
        var out = "<header class=\"site-header\">\n<div class=\"container\(wide ? " wide" : "") header-row\">\n"
        out += "<p class=\"brand\"><a href=\"/\">Beredskab</a></p>\n"
        if let user = context.user {
            out += "<p class=\"signed-in\">"
            out += t(.signedInAs, ["name": user.name, "organisation": user.organisation])
            out += "</p>\n"
            var links: [(String, WebText)] = []
            if user.mayReport { links.append(("/report", .navReport)) }
            if user.mayUseBoard { links.append(("/board", .navBoard)) }
            if user.mayReview { links.append(("/review", .navReview)) }
            out += "<nav aria-label=\"\(t[.navLabel])\">\n<ul class=\"nav\">\n"
            for (href, key) in links {
                let current = path == href || path.hasPrefix(href + "/") ? " aria-current=\"page\"" : ""
                out += "<li><a href=\"\(href)\"\(current)>\(t[key])</a></li>\n"
            }
            out += "<li><form method=\"post\" action=\"/logout\" class=\"logout\">\n"
            out += Form.csrf(context)
            out += "<button type=\"submit\" class=\"link-button\">\(t[.navSignOut])</button>\n</form></li>\n"
            out += "</ul>\n</nav>\n"
        }
        let other: Language = context.lang == .da ? .en : .da
        out +=
            "<p class=\"lang-switch\"><a href=\"\(HTML.escape(path))?lang=\(other.rawValue)\" hreflang=\"\(other.rawValue)\""
        out += " lang=\"\(other.rawValue)\">\(WebText.languageName.html(other))</a></p>\n"
        return out + "</div>\n</header>\n"
    }
}
