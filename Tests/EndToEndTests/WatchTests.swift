import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite(.serialized) struct WatchTests {
    @Test func aLeaderAnswersClosedThenOpenAndTheClosureIsRecordedAgainstTheIncident() async throws {
        let server = try Server()
        let token = try server.token("fsb")
        #expect(
            try await server.request(
                "POST", "/api/v1/incidents", token: token, body: try example("skud-blaagaarden.json")
            ).status == 201)

        // The shooting watches schools, after-school centres, clubs and daycare in district 8: each
        // leader is asked, through the same outbox and links as any message.
        var requests: [[String: Any]] = []
        for _ in 0..<50 where requests.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            requests = server.outbox.filter { $0["kind"] as? String == "watch" }
        }
        let school = try #require(requests.first { ($0["roles"] as? [String]) == ["leder:skole-blaagaard"] })
        #expect(
            (school["text"] as? String)?.contains("om Blågårdsskolen holder åbent, har nedsat service eller er lukket")
                == true)
        let path = String((school["ack_link"] as! String).dropFirst(server.base.count))

        let page = try await server.request("GET", path)
        #expect(page.body.contains("Holder institutionen åbent?"))
        #expect(
            page.body.contains("value=\"closed\"") && page.body.contains("value=\"reduced\"")
                && page.body.contains("value=\"open\""))

        let closed = try await server.request(
            "POST", path, body: Data("status=closed".utf8), type: "application/x-www-form-urlencoded")
        #expect(closed.body.contains("Blågårdsskolen er lukket"))
        var list = try Run(["closures", "list", "--data", server.data.path] + demoRules)
        #expect(list.stdout.contains("Blågårdsskolen (vital)  closed"))
        #expect(list.stdout.contains("still closed"))
        #expect(list.stdout.contains("Meldt lukket under hændelse fsb:2026-000412"))

        // The leader may change the answer while the watch lasts: open again ends the closure.
        let open = try await server.request(
            "POST", path, body: Data("status=open".utf8), type: "application/x-www-form-urlencoded")
        #expect(open.body.contains("Blågårdsskolen holder åbent"))
        list = try Run(["closures", "list", "--data", server.data.path] + demoRules)
        #expect(!list.stdout.contains("still closed"))
    }
}
