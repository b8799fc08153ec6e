import BeredskabRules

/// The sign-in pages: the form at `/login`, the "check your e-mail or SMS" answer to it, the landing
/// page of a sign-in link (a button, so link scanners that fetch it do not use it up), and the page
/// for a used or expired link.
public struct SignInPage: Sendable, Equatable {
    /// Which of the sign-in pages.
    public enum Step: Sendable, Equatable {
        /// `GET /login`, or `POST /login` again with what was entered and what was wrong with it.
        case form(address: String = "", problem: FieldProblem? = nil)
        /// After `POST /login`: the same words whether or not the address is known.
        case sent(validMinutes: Int)
        /// `GET /login/{token}`: a button that posts to `/login/{token}`.
        case confirm(token: String)
        /// `GET` or `POST /login/{token}` with a link that is used, expired or unknown.
        case linkExpired
    }

    /// Which page.
    public var step: Step

    /// Creates the page.
    public init(step: Step) {
        self.step = step
    }

    /// The HTTP status to send with the page: 410 for a dead link, 422 for a form in error, else 200.
    public var status: Int {
        switch step {
        case .linkExpired: 410
        case .form(_, let problem): problem == nil ? 200 : 422
        case .sent, .confirm: 200
        }
    }

    /// The page as HTML.
    public func render(_ context: PageContext) -> String {
        let lang = context.lang
        let t = Texts(lang)
        var main: String
        let title: String
        switch step {
        case .form(let address, let problem):
            title = t[.signInTitle]
            let error = problem.map { HTML.escape($0.message(lang)) }
            main = Form.errorSummary(
                error.map { [("signin-address", t[.signInAddress], $0)] } ?? [], lang: lang)
            main += "<h1>\(title)</h1>\n<p>\(t[.signInIntro])</p>\n"
            main += "<form method=\"post\" action=\"/login\" novalidate>\n" + Form.csrf(context)
            main += Form.input(
                id: "signin-address", name: "address", label: t[.signInAddress], value: address,
                hint: t[.signInAddressHint], error: error, required: true, autocomplete: "username", lang: lang)
            main += Form.submit(id: "signin-submit", label: t[.signInSubmit])
            main += "</form>\n"
        case .sent(let minutes):
            title = t[.signInSentTitle]
            main = "<h1>\(title)</h1>\n<p>\(t(.signInSentText, ["minutes": "\(minutes)"]))</p>\n"
            main += "<p><a href=\"/login\">\(t[.signInTryAgain])</a></p>\n"
        case .confirm(let token):
            title = t[.signInConfirmTitle]
            main = "<h1>\(title)</h1>\n<p>\(t[.signInConfirmText])</p>\n"
            main += "<form method=\"post\" action=\"/login/\(HTML.escape(HTML.pathSegment(token)))\">\n"
            main += Form.csrf(context) + Form.submit(id: "signin-confirm", label: t[.signInConfirmButton])
            main += "</form>\n"
        case .linkExpired:
            title = t[.signInExpiredTitle]
            main = "<h1>\(title)</h1>\n<p>\(t[.signInExpiredText])</p>\n"
            main += "<p><a href=\"/login\">\(t[.signInNewLink])</a></p>\n"
        }
        return Layout.page(context, title: title, main: main)
    }
}
