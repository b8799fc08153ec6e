import BeredskabEngine
import BeredskabStore
import BeredskabTime
import Foundation
import HTTPTypes
import Hummingbird

extension Routes {
    func addWebRoutes(_ router: Router<BasicRequestContext>) {
        router.get("ack/:token") { _, context in try ackPage(context.parameters.get("token") ?? "", acknowledge: false)
        }
        router.post("ack/:token") { request, context in
            var request = request
            let form = try await Self.formBody(&request)
            return try ackPage(
                context.parameters.get("token") ?? "", acknowledge: true, status: form.first("status"),
                reopenAt: form.first("reopen_at").flatMap(Self.parseTime))
        }
    }

    /// A page for a browser's failed request; nil to answer with JSON.
    func errorPage(_ request: Request, _ error: APIError) -> Response? {
        nil
    }

    func ackPage(_ token: String, acknowledge: Bool, status: String? = nil, reopenAt: Instant? = nil) throws -> Response
    {
        if acknowledge, let status, let answer = WatchStatus(rawValue: status) {
            let engine = engine
            switch try store.answerWatch(
                ackToken: token, status: answer, expectedReopening: reopenAt,
                vital: { engine.roster.institutions[$0]?.vital ?? false }, at: clock())
            {
            case .recorded(let institution, _):
                let name = engine.roster.institutions[institution]?.name ?? institution
                let said = ["open": "holder åbent", "reduced": "har nedsat service", "closed": "er lukket"][status]!
                return AckPage.message(
                    .ok, "Tak – registreret", "\(name) \(said). Du kan ændre svaret, så længe hændelsen overvåges.")
            case .over:
                return AckPage.message(
                    .gone, "Overvågningen er slut", "Hændelsen overvåges ikke længere. Kontakt vagthavende.")
            case .notAWatch:
                break
            }
        }
        if acknowledge {
            switch try store.acknowledge(ackToken: token, at: clock()) {
            case .acknowledged(let n):
                return AckPage.html(
                    .ok, title: "Tak – du har kvitteret", notification: n,
                    note: "Din kvittering er registreret, og eskaleringen er stoppet.")
            case .alreadyAcknowledged(let n):
                let when = n.acknowledgedAt.map { Copenhagen.local($0).danishText } ?? ""
                return AckPage.html(
                    .ok, title: "Allerede kvitteret", notification: n,
                    note: "Du kvitterede \(when). Det er registreret.")
            case .expired:
                return AckPage.message(
                    .gone, "Linket er udløbet", "Linket til at kvittere er for gammelt. Kontakt vagthavende.")
            case .unknown:
                return AckPage.message(
                    .notFound, "Linket kendes ikke", "Linket er ikke gyldigt. Tjek at hele linket er kopieret med.")
            }
        }
        guard let n = try store.notification(ackToken: token) else {
            return AckPage.message(
                .notFound, "Linket kendes ikke", "Linket er ikke gyldigt. Tjek at hele linket er kopieret med.")
        }
        if n.acknowledgedAt == nil && clock() > n.ackExpiresAt {
            return AckPage.message(
                .gone, "Linket er udløbet", "Linket til at kvittere er for gammelt. Kontakt vagthavende.")
        }
        if n.kind == "watch" {
            return AckPage.watch(n)
        }
        return AckPage.html(
            .ok, title: "Besked fra Beredskab", notification: n, note: nil, form: n.acknowledgedAt == nil)
    }
}

/// The small server-rendered pages behind acknowledgement links.
enum AckPage {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func page(_ status: HTTPResponse.Status, _ title: String, _ body: String) -> Response {
        let html = """
            <!doctype html>
            <html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#111}
            button{font-size:1.2rem;padding:.8rem 1.6rem;background:#0b5;color:#fff;border:0;border-radius:.4rem}
            .message{white-space:pre-wrap;background:#f3f3f3;padding:1rem;border-radius:.4rem}</style></head>
            <body><h1>\(escape(title))</h1>
            \(body)
            </body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func message(_ status: HTTPResponse.Status, _ title: String, _ text: String) -> Response {
        page(status, title, "<p>\(escape(text))</p>")
    }

    /// The page asking an institution's leader: open, reduced service, or closed.
    static func watch(_ n: StoredNotification) -> Response {
        var body = "<div class=\"message\">\(escape(n.message.replacingOccurrences(of: "{link}", with: "")))</div>\n"
        body += "<form method=\"post\"><fieldset><legend>Hvordan er situationen?</legend>\n"
        for (value, label) in [
            ("open", "Åben som normalt"), ("reduced", "Åben med nedsat service"), ("closed", "Lukket"),
        ] {
            body +=
                "<p><label><input type=\"radio\" name=\"status\" value=\"\(value)\" required> \(label)</label></p>\n"
        }
        body += "</fieldset><button type=\"submit\">Send svar</button></form>\n"
        return page(.ok, "Holder institutionen åbent?", body)
    }

    static func html(
        _ status: HTTPResponse.Status, title: String, notification n: StoredNotification, note: String?,
        form: Bool = false
    ) -> Response {
        var body =
            "<p>Hændelse <strong>\(escape(n.incident))</strong> – til \(escape(n.name)) som \(escape(n.roles.joined(separator: ", ")))</p>\n"
        body += "<div class=\"message\">\(escape(n.message.replacingOccurrences(of: "{link}", with: "")))</div>\n"
        if n.details != nil {
            body += "<p>Personoplysningerne (retsplejelovens § 115) står kun i den besked, du fik tilsendt.</p>\n"
        }
        if let note { body += "<p>\(escape(note))</p>\n" }
        if form { body += "<form method=\"post\"><button type=\"submit\">Kvittér for modtagelsen</button></form>\n" }
        return page(status, title, body)
    }
}
