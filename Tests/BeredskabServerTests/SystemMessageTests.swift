import BeredskabCheck
import BeredskabDispatch
import BeredskabEngine
import BeredskabRules
import BeredskabServer
import BeredskabStore
import BeredskabSyntax
import BeredskabTime
import Foundation
import Testing

/// The system messages' catalogue: each recipient's language, a deployment's overrides, bad files.
@Suite struct SystemMessageTests {
    static let engine = Fixture.engine(
        rules: """
            area by "Byen" { polygon [0 0, 0 10, 10 10, 10 0] }
            role vagt "Vagt" { duty "Tager imod alarmer" }
            role chef "Chef" { duty "Leder" }
            organisation kommune "Kommunen" { kind authority }
            organisation fsb "fsb" { kind housing-association }
            person anna "Anna" { organisation kommune email "anna@example.org" roles vagt language en }
            person dan "Dan" { organisation kommune email "dan@example.org" roles chef }
            person emma "Emma" { organisation kommune email "emma@example.org" roles chef language en }
            guideline g "Uro" {
              when always
              notify vagt
                escalate to chef if unacknowledged for 15m
              message da "{title} i {area}"
              message en "{title} in {area}"
            }

            """)

    let at = Instant(rfc3339: "2026-03-13T21:48:00+01:00")!

    /// Accepts one report and runs the dispatcher at the report's time and 15 minutes later.
    func dispatch(_ kind: StoreKind, messages: MessageCatalogue = .standard) async throws -> [Outgoing] {
        let fixture = try Fixture()
        let store = try fixture.open(kind)
        let raw = """
            {"id": "r1", "reporter": {"organisation": "fsb"}, "occurred_at": "2026-03-13T21:48:00+01:00",
             "category": "unrest", "severity": "moderate", "location": {"area": "by"}}
            """
        guard
            case .success(let report) = IncidentReport.decode(
                Array(raw.utf8), rules: Self.engine.rules, roster: Self.engine.roster)
        else { throw CancellationError() }
        _ = try store.accept(report, raw: raw, organisation: "fsb", at: at) { history in
            Self.engine.evaluate(report, history: history, at: at)
        }
        let recorder = Recorder()
        let dispatcher = Dispatcher(
            store: store, engine: Self.engine, transport: recorder, publicURL: "http://beredskab.test",
            messages: messages)
        try await dispatcher.runOnce(now: at)
        try await dispatcher.runOnce(now: at.adding(15 * 60))
        return recorder.sent
    }

    @Test(arguments: StoreKind.all)
    func eachOnCallPersonGetsTheEscalationInTheirLanguage(_ kind: StoreKind) async throws {
        let sent = try await dispatch(kind)
        let dan = try #require(sent.first { $0.notification.person == "dan" })
        let emma = try #require(sent.first { $0.notification.person == "emma" })
        #expect(
            dan.text.hasPrefix(
                "ESKALERING: ingen har kvitteret for \"Uro\" (hændelse r1). Kvittér her: http://beredskab.test/ack/"))
        #expect(
            emma.text.hasPrefix(
                "ESCALATION: nobody has acknowledged \"Uro\" (incident r1). Acknowledge here: http://beredskab.test/ack/"
            ))
        // A message with no {link} gets the acknowledgement line in the recipient's language.
        let anna = try #require(sent.first { $0.notification.person == "anna" })
        #expect(anna.text.hasPrefix("Uro in Byen"))
        #expect(anna.text.contains("\nAcknowledge: http://beredskab.test/ack/"))
        #expect(!anna.text.contains("Kvittér"))
    }

    @Test(arguments: StoreKind.all)
    func anOverrideFileChangesAText(_ kind: StoreKind) async throws {
        let messages = try MessageCatalogue.standard.overriding(
            with: """
                # our own words
                en.escalation = STILL OPEN: "{title}" ({incident}) – please acknowledge: {link}

                da.acknowledge = Bekræft: {link}
                """, file: "messages.txt")
        let sent = try await dispatch(kind, messages: messages)
        let emma = try #require(sent.first { $0.notification.person == "emma" })
        #expect(emma.text.hasPrefix("STILL OPEN: \"Uro\" (r1) – please acknowledge: http://beredskab.test/ack/"))
        let dan = try #require(sent.first { $0.notification.person == "dan" })
        #expect(dan.text.hasPrefix("ESKALERING: ingen har kvitteret"))
        #expect(messages.text(.acknowledge, in: .da, ["link": "L"]) == "Bekræft: L")
        #expect(messages.text(.acknowledge, in: .en, ["link": "L"]) == "Acknowledge: L")
    }

    @Test func aBadOverrideIsRefusedNamingFileAndLine() {
        let text = """
            # comment
            en.escalaton = x {link}
            en.task.overdue = "{task}" was due {dedline} {link}
            fr.escalation = x
            no equals sign here
            da.watch.request = ok {incident} {deadline} {institution} {link}
            """
        #expect(throws: MessageCatalogueError.self) {
            try MessageCatalogue.standard.overriding(with: text, file: "msg.txt")
        }
        do {
            _ = try MessageCatalogue.standard.overriding(with: text, file: "msg.txt")
        } catch {
            #expect(error.problems.count == 4)
            #expect(error.problems[0].hasPrefix("msg.txt:2: unknown key \"escalaton\""))
            #expect(error.problems[1].hasPrefix("msg.txt:3: unknown placeholder {dedline} in en.task.overdue"))
            #expect(error.problems[2].hasPrefix("msg.txt:4: unknown language"))
            #expect(error.problems[3].hasPrefix("msg.txt:5: expected LANGUAGE.KEY = TEXT"))
        }
    }

    /// A file saved on Windows (CR LF) or with a byte order mark reads line by line as any other:
    /// Swift counts CR LF as one character, so splitting on LF alone read it as one long line.
    @Test func windowsLineEndsAndAByteOrderMarkAreReadLineByLine() throws {
        let good = "\u{FEFF}da.acknowledge = Bekræft: {link}\r\nen.acknowledge = Confirm: {link}\r\n"
        let messages = try MessageCatalogue.standard.overriding(with: good, file: "win.txt")
        #expect(messages.text(.acknowledge, in: .da, ["link": "L"]) == "Bekræft: L")
        #expect(messages.text(.acknowledge, in: .en, ["link": "L"]) == "Confirm: L")
        let bad = "da.acknowledge = Bekræft: {link}\r\nda.escalation = ESK {title} {link}\r\nda.bogus = x\r\n"
        do {
            _ = try MessageCatalogue.standard.overriding(with: bad, file: "win.txt")
            Issue.record("an unknown key was taken")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.hasPrefix("win.txt:3: unknown key \"bogus\"") == true, "\(error.problems)")
        }
    }

    @Test func theServerConfigurationReadsTheOverrideFileAndRefusesABadOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beredskab-msg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let good = folder.appendingPathComponent("good.txt").path
        let bad = folder.appendingPathComponent("bad.txt").path
        try "en.acknowledge = Confirm: {link}\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "\nen.acknowledge = Confirm: {lnk}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        func read(_ path: String) -> Result<ServerConfiguration, InvalidReport> {
            ServerConfiguration.read(.object([("messages", .string(path))]), environment: [:])
        }
        let settings = try read(good).get()
        #expect(settings.messages.text(.acknowledge, in: .en, ["link": "L"]) == "Confirm: L")
        guard case .failure(let invalid) = read(bad) else {
            Issue.record("a bad override file was taken")
            return
        }
        #expect(invalid.problems.map(\.path) == ["$.messages"])
        #expect(
            invalid.problems.first?.message.hasPrefix("\(bad):2: unknown placeholder {lnk} in en.acknowledge") == true)
    }

    @Test func everyKeyHasBothLanguagesAndOnlyItsPlaceholders() {
        for key in MessageCatalogue.Key.allCases {
            for language in [Language.da, .en] {
                let text = MessageCatalogue.standard.text(key, in: language)
                #expect(!text.isEmpty, "\(key) \(language)")
                // Filling in every placeholder leaves no braces but {link}.
                let filled = MessageCatalogue.standard.text(
                    key, in: language, Dictionary(uniqueKeysWithValues: key.placeholders.map { ($0, "X") }))
                #expect(!filled.replacingOccurrences(of: "{link}", with: "").contains("{"), "\(key) \(language)")
            }
        }
    }
}
