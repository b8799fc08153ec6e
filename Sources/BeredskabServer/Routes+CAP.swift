import BeredskabStore
import Hummingbird

extension Routes {
    func capIntake(_ bytes: [UInt8], principal: Principal) async throws -> Response {
        throw APIError(.unsupportedMediaType, "CAP is not wired yet")
    }

    func capResponse(_ incident: IncidentRecord) -> Response {
        Response(status: .notImplemented)
    }
}
