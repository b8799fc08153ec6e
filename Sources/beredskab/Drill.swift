import ArgumentParser
import BeredskabEngine
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `beredskab drill`: exercises sent through a running server, the same path as real incidents.
struct Drill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run exercises through a running server: every message marked ØVELSE / EXERCISE.",
        subcommands: [Start.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Send a report as an exercise (\"exercise\": true) to a running server, optionally alerting only some roles or organisations."
        )

        @Argument(help: "The report, a JSON file (docs/report.md).") var report: String
        @Option(
            name: .customLong("only-roles"), parsing: .upToNextOption,
            help: "Alert only persons in these roles; the answer lists who was left out.") var onlyRoles: [String] = []
        @Option(
            name: .customLong("only-orgs"), parsing: .upToNextOption,
            help: "Alert only persons of these organisations.") var onlyOrgs: [String] = []
        @Option(help: "The server's address.") var server = "http://127.0.0.1:8080"
        @Option(help: "An API token (reporter or admin); default: $BEREDSKAB_TOKEN.") var token: String?

        func run() async throws {
            guard let secret = token ?? ProcessInfo.processInfo.environment["BEREDSKAB_TOKEN"] else {
                throw ValidationError("give --token or set BEREDSKAB_TOKEN")
            }
            guard let bytes = FileManager.default.contents(atPath: report) else {
                printError("error: cannot read \(report)\n")
                throw ExitCode(66)
            }
            guard case .object(var pairs) = try JSONValue.parse(Array(bytes)) else {
                throw ValidationError("\(report) is not a JSON object")
            }
            pairs.removeAll { ["exercise", "only_roles", "only_orgs"].contains($0.0) }
            pairs.append(("exercise", .bool(true)))
            if !onlyRoles.isEmpty { pairs.append(("only_roles", .array(onlyRoles.map(JSONValue.string)))) }
            if !onlyOrgs.isEmpty { pairs.append(("only_orgs", .array(onlyOrgs.map(JSONValue.string)))) }
            guard
                let url = URL(
                    string: server.hasSuffix("/") ? server + "api/v1/incidents" : server + "/api/v1/incidents")
            else { throw ValidationError("--server must be a URL such as http://127.0.0.1:8080") }
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
            request.httpBody = Data(JSONValue.object(pairs).text.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let answer = (try? JSONValue.parse(Array(data))) ?? .null
            guard status == 201 || status == 200 else {
                printError("error: the server answered \(status): \(String(decoding: data, as: UTF8.self))\n")
                throw ExitCode(1)
            }
            func text(_ value: JSONValue?) -> String? { if case .string(let s)? = value { s } else { nil } }
            let incident = text(answer["incident"]) ?? "?"
            var out: String
            if status == 200 {
                // The server had this report already (the same id): nothing was sent again.
                out =
                    "ØVELSE / EXERCISE already sent: incident \(incident) (the server had this report; nothing new went out)\n"
            } else if let merged = text(answer["merged_into"]) {
                out =
                    "ØVELSE / EXERCISE joined exercise \(merged): report \(incident) duplicates it, so its alerts go with that incident (see `beredskab report after-action \(merged)`)\n"
            } else {
                out = "ØVELSE / EXERCISE started: incident \(incident)\n"
            }
            if case .array(let notified)? = answer["notified"] {
                out += "alerted: \(notified.count)\n"
            }
            if case .array(let leftOut)? = answer["left_out"], !leftOut.isEmpty {
                out += "left out:\n"
                for person in leftOut {
                    if case .string(let name)? = person["name"], case .array(let roles)? = person["roles"] {
                        let list = roles.compactMap { if case .string(let s) = $0 { s } else { nil } }
                        out += "  \(name) (\(list.joined(separator: ", ")))\n"
                    }
                }
            }
            print(out, terminator: "")
        }
    }
}
