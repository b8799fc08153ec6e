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

    /// The page as HTML (`Templates/sign-in.mustache`).
    public func render(_ context: PageContext) -> String {
        Templates.render("sign-in", view(context))
    }

    /// What the template reads: plain text, escaped by the template.
    func view(_ context: PageContext) -> [String: Any] {
        let lang = context.lang
        let title: WebText
        var keys: [String: Any] = ["form": false, "sent": false, "confirm": false, "expired": false]
        switch step {
        case .form(let address, let problem):
            title = .signInTitle
            let error = problem.map { $0.message(lang) }
            keys.merge(
                Form.errorSummary(error.map { [("signin-address", WebText.signInAddress.text(lang), $0)] } ?? [])
            ) {
                $1
            }
            keys["form"] = true
            keys["address"] = Form.input(
                id: "signin-address", name: "address", label: WebText.signInAddress.text(lang), value: address,
                hint: WebText.signInAddressHint.text(lang), error: error, required: true, autocomplete: "username")
        case .sent(let minutes):
            title = .signInSentTitle
            keys["sent"] = WebText.signInSentText.text(lang, ["minutes": "\(minutes)"])
        case .confirm(let token):
            title = .signInConfirmTitle
            keys["confirm"] = "/login/" + HTML.pathSegment(token)
        case .linkExpired:
            title = .signInExpiredTitle
            keys["expired"] = true
        }
        return Layout.view(context, title: title.text(lang), keys)
    }
}
