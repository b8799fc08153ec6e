import BeredskabHandbook
import BeredskabTime
import BeredskabWeb
import Hummingbird

extension Routes {
    /// The page `/handbook` (issue 13): the signed-in person's own organisation's crisis handbook, or with
    /// `?org=ID` another organisation's, for reviewers (coordinators) and admins only; anyone else asking
    /// for another organisation gets a 403. The rules hash is the running rules' (``LiveEngine/rulesHash``).
    func addHandbookRoutes(_ router: Router<BasicRequestContext>) {
        router.get("handbook") { request, _ in
            let principal = try require(request)
            let engine = engine
            let asked = request.uri.queryParameters.get("org").map { String($0) }
            let organisation = asked ?? principal.organisation
            guard organisation == principal.organisation || principal.seesAll else {
                throw APIError(
                    .forbidden, "a handbook is for its own organisation; only coordinators and admins see others'")
            }
            let today = Copenhagen.local(clock())
            guard
                let handbook = Handbook(
                    organisation: organisation, rules: engine.rules, roster: engine.roster,
                    language: Self.language(request),
                    date: LocalDateTime(year: today.year, month: today.month, day: today.day),
                    rulesHash: live.rulesHash,
                    intake: Handbook.Intake(formURL: options.publicURL.value + "/report"))
            else { throw APIError.notFound("organisation '\(organisation)'") }
            return page(request, principal, HandbookPage(handbook: handbook))
        }
    }
}
