import BeredskabEngine
import BeredskabReview
import BeredskabStore
import BeredskabWeb
import HTTPTypes
import Hummingbird

extension Routes {
    /// The after-action report of an incident (docs/after-action.md): `GET
    /// /api/v1/incidents/{id}/after-action` as JSON (`?format=csv`: one row per message) and the page
    /// `/incidents/{id}/after-action` with its SVG timeline. For those alerted about the incident,
    /// reviewers and admins, as the timeline is.
    func addAfterActionRoutes(_ router: Router<BasicRequestContext>) {
        router.get("api/v1/incidents/:id/after-action") { request, context in
            let report = try afterAction(request, context)
            if request.uri.queryParameters.get("format") == "csv" {
                var headers = HTTPFields()
                headers[.contentType] = "text/csv; charset=utf-8"
                return Response(
                    status: .ok, headers: headers,
                    body: .init(byteBuffer: ByteBuffer(string: AfterActionOutput.csv(report))))
            }
            return Self.json(.ok, AfterActionOutput.json(report))
        }
        router.get("incidents/:id/after-action") { request, context in
            let report = try afterAction(request, context)
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: report.html())))
        }
    }

    /// The figures of the incident in the path, if the principal may see who was sent what.
    func afterAction(_ request: Request, _ context: BasicRequestContext) throws -> AfterAction {
        let (principal, incident, notifications, _) = try visible(request, context)
        guard principal.seesAll || principal.wasAlerted(notifications, engine: engine) else {
            throw APIError(
                .forbidden, "the after-action report is for those alerted about the incident, reviewers and admins")
        }
        guard let record = try store.afterActionRecord(incident: incident.id) else {
            throw APIError.notFound("incident '\(incident.id)'")
        }
        return AfterAction.compute(record)
    }
}
