import BeredskabRules

/// What every page needs to know about the request: language, path, who is signed in, CSRF token.
public struct PageContext: Sendable, Equatable {
    /// The language to write the page in.
    public var lang: Language
    /// The request path without query, e.g. `/report`; the language switch links back to it.
    public var path: String
    /// Who is signed in, or nil.
    public var user: SignedInUser?
    /// The session's CSRF token, sent as the hidden field `csrf` in every form; nil leaves it out.
    public var csrf: String?
    /// Silences covering `critical` guidelines active now: a banner on every page while they last,
    /// shown to signed-in users only (an anonymous page such as `/login` never says what is silenced).
    public var criticalSilences: [CriticalSilence]

    /// Creates a context.
    public init(
        lang: Language = .da, path: String, user: SignedInUser? = nil, csrf: String? = nil,
        criticalSilences: [CriticalSilence] = []
    ) {
        self.lang = lang
        self.path = path
        self.user = user
        self.csrf = csrf
        self.criticalSilences = criticalSilences
    }
}

/// The signed-in person as the header shows them, and which pages their roles open.
public struct SignedInUser: Sendable, Equatable {
    /// The person's name.
    public var name: String
    /// Their organisation's name.
    public var organisation: String
    /// Shows the link to `/report` (reporters).
    public var mayReport: Bool
    /// Shows the link to `/board`.
    public var mayUseBoard: Bool
    /// Shows the link to `/review` (reviewers).
    public var mayReview: Bool

    /// Creates a signed-in user.
    public init(name: String, organisation: String, mayReport: Bool, mayUseBoard: Bool, mayReview: Bool) {
        self.name = name
        self.organisation = organisation
        self.mayReport = mayReport
        self.mayUseBoard = mayUseBoard
        self.mayReview = mayReview
    }
}
