/// A page the server can send: its HTML for a request's context, and the HTTP status to send it with.
public protocol WebPage {
    /// The HTTP status: 200 unless the page says otherwise (422 for a form with problems, 410 for an expired link).
    var status: Int { get }
    /// The whole document.
    func render(_ context: PageContext) -> String
}

extension WebPage {
    public var status: Int { 200 }
}

extension SignInPage: WebPage {}
extension ReportFormPage: WebPage {}
extension IncidentStatusPage: WebPage {}
extension ResponderPage: WebPage {}
extension ResponderMessagePage: WebPage {}
extension WatchRequestPage: WebPage {}
extension BoardPage: WebPage {}
extension ClosureFormPage: WebPage {}
extension ErrorPage: WebPage {}
