import BeredskabRules

/// An error page: the status in words and what to do, with the server's own message if any.
public struct ErrorPage: Sendable, Equatable {
    /// The HTTP status, e.g. 404.
    public var status: Int
    /// Extra words from the server, shown as given; nil for none.
    public var message: String?

    /// Creates the page.
    public init(status: Int, message: String? = nil) {
        self.status = status
        self.message = message
    }

    /// The page as HTML (`Templates/error.mustache`).
    public func render(_ context: PageContext) -> String {
        let (title, text): (WebText, WebText) =
            switch status {
            case 400: (.error400Title, .error400Text)
            case 401: (.error401Title, .error401Text)
            case 403: (.error403Title, .error403Text)
            case 404: (.error404Title, .error404Text)
            case 405: (.error405Title, .error405Text)
            case 410: (.error410Title, .error410Text)
            case 413: (.error413Title, .error413Text)
            case 422: (.error422Title, .error422Text)
            case 429: (.error429Title, .error429Text)
            case 503: (.error503Title, .error503Text)
            default: (.error500Title, .error500Text)
            }
        let lang = context.lang
        let keys: [String: Any] = [
            "statusText": WebText.errorStatus.text(lang, ["status": "\(status)"]), "text": text.text(lang),
            "message": message.flatMap { $0.isEmpty ? nil : $0 } ?? false, "signIn": status == 401,
        ]
        return Templates.render("error", Layout.view(context, title: title.text(lang), keys))
    }
}
