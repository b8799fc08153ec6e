import Foundation
import Testing

@Suite(.serialized) struct ClosuresCommandTests {
    func run(_ arguments: [String], data: URL) throws -> Run {
        try Run(arguments + ["--data", data.path] + demoRules)
    }

    @Test func recordReopenCorrectListAndReview() throws {
        let data = try temporaryFolder([:])
        // Over the night the clocks go forward: 20:00 to 08:00 is 11 real hours.
        let school = try run(
            [
                "closures", "record", "--institution", "skole-blaagaard", "--from", "2026-03-28 20:00", "--reason",
                "Personalet følte sig utrygge", "--category", "staff-safety", "--decided-by", "Skolelederen",
                "--incident",
                "fsb:2026-000412", "--mitigation", "police-presence",
            ], data: data)
        #expect(school.status == 0, "\(school.stderr)")
        #expect(school.stdout == "recorded closure 1 of Blågårdsskolen (vital)\n")
        let reopened = try run(
            ["closures", "reopen", "--institution", "skole-blaagaard", "--at", "2026-03-29 08:00"], data: data)
        #expect(reopened.stdout == "closure 1 of skole-blaagaard ended 29-03-2026 08:00\n")
        // A club, first recorded wrongly as 14:00, corrected to 16:00: 2 hours, not 4.
        _ = try run(
            [
                "closures", "record", "--institution", "klub-blaagaarden", "--from", "2026-03-10 14:00", "--to",
                "2026-03-10 18:00", "--reason", "Uro ved klubben", "--decided-by", "Klublederen",
            ], data: data)
        let corrected = try run(["closures", "correct", "--id", "2", "--from", "2026-03-10 16:00"], data: data)
        #expect(corrected.status == 0)
        _ = try run(
            [
                "closures", "record", "--institution", "fritidshjem-blaagaarden", "--from", "2026-03-11 15:00",
                "--reason",
                "Overvejede at lukke", "--decided-by", "Lederen", "--near-miss", "--mitigation", "extra-staff",
            ], data: data)

        let list = try run(["closures", "list"], data: data)
        #expect(
            list.stdout.contains("1  Blågårdsskolen (vital)  closed  28-03-2026 20:00 – 29-03-2026 08:00  staff-safety")
        )
        #expect(list.stdout.contains("2  Klub Blågården  closed  10-03-2026 16:00 – 10-03-2026 18:00"))
        #expect(
            list.stdout.contains(
                "3  Fritidshjemmet Blågården (vital)  near miss  11-03-2026 15:00  other: Overvejede at lukke"))

        let json = try run(["review", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json"], data: data)
        #expect(json.status == 0, "\(json.stderr)")
        let review = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(review["closures"] as? Int == 2)
        #expect(review["near_misses"] as? Int == 1)
        #expect(review["closed_hours"] as? Int == 13)
        #expect(review["vital_closures"] as? Int == 1)
        #expect(review["median_hours_to_reopen"] as? Double == 6.5)

        let clubs = try run(
            ["review", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json", "--kind", "youth-club"],
            data: data)
        let clubReview = try JSONSerialization.jsonObject(with: Data(clubs.stdout.utf8)) as! [String: Any]
        #expect(clubReview["closures"] as? Int == 1 && clubReview["closed_hours"] as? Int == 2)

        let text = try run(["review", "--from", "2026-03-01", "--to", "2026-03-31"], data: data)
        #expect(text.stdout.contains("VITAL INSTITUTIONS CLOSED: 1   (goal: 0)"))

        // The CSV, read with Python's csv module as Excel would: BOM, then semicolons and decimal commas.
        let csv = try run(
            ["review", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "csv", "--danish-excel"], data: data)
        let file = data.appendingPathComponent("review.csv")
        try Data(csv.stdout.utf8).write(to: file)
        let python = try Run.python(
            """
            import csv, sys
            raw = open(sys.argv[1], 'rb').read()
            assert raw.startswith(b'\\xef\\xbb\\xbf'), 'no byte order mark'
            rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline=''), delimiter=';'))
            figures = {(r[0], r[1]): r[2] for r in rows[1:]}
            print(rows[0], figures[('closed_hours', '')], figures[('median_hours_to_reopen', '')],
                  figures[('closed_hours_by_institution', 'skole-blaagaard')])
            """, file.path)
        #expect(python.stdout == "['figure', 'key', 'value'] 13 6,50 11\n", "\(python.stderr)")

        // The correction is in the audit log with both versions.
        let audit = try Run.python(
            "import sqlite3, sys; print([r[0] for r in sqlite3.connect(sys.argv[1]).execute(\"SELECT detail FROM audit WHERE action = 'closure-corrected'\")])",
            data.appendingPathComponent("beredskab.sqlite").path)
        #expect(
            audit.stdout.contains("2026-03-10T14:00:00+01:00") && audit.stdout.contains("2026-03-10T16:00:00+01:00"))
    }

    @Test func theReviewPageRendersInAHeadlessBrowser() throws {
        let data = try temporaryFolder([:])
        _ = try run(
            [
                "closures", "record", "--institution", "skole-blaagaard", "--from", "2026-03-28 20:00", "--to",
                "2026-03-29 08:00", "--reason", "Personalet følte sig utrygge", "--decided-by", "Skolelederen",
            ], data: data)
        _ = try run(
            [
                "closures", "record", "--institution", "klub-prater", "--from", "2026-03-10 16:00", "--to",
                "2026-03-10 20:30",
                "--reason", "Uro", "--decided-by", "Klublederen",
            ], data: data)
        let html = try run(["review", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "html"], data: data)
        #expect(html.status == 0)
        #expect(html.stdout.contains("<svg role=\"img\" aria-label=\"Lukninger pr. måned\""))
        let page = data.appendingPathComponent("review.html")
        try Data(html.stdout.utf8).write(to: page)

        // Debian's Chromium, headless: the DOM as rendered, and a screenshot kept as a test artefact.
        let chromium = URL(fileURLWithPath: "/usr/bin/chromium")
        let flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=900,1300"]
        let dom = try Run(flags + ["--dump-dom", page.absoluteString], executable: chromium)
        #expect(dom.stdout.contains("samfundsvigtige institutioner lukket (målet er 0)"))
        #expect(dom.stdout.contains("<dd>15,5 t</dd>"))
        let artefacts = Run.root.appendingPathComponent(".build/artefacts")
        try FileManager.default.createDirectory(at: artefacts, withIntermediateDirectories: true)
        let screenshot = artefacts.appendingPathComponent("review.png")
        try? FileManager.default.removeItem(at: screenshot)
        let shot = try Run(flags + ["--screenshot=\(screenshot.path)", page.absoluteString], executable: chromium)
        #expect(shot.status == 0)
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000)
        // Printing: the page prints to PDF in the same browser.
        let pdf = artefacts.appendingPathComponent("review.pdf")
        _ = try Run(
            flags + ["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer", page.absoluteString], executable: chromium)
        #expect(try Data(contentsOf: pdf).starts(with: Array("%PDF".utf8)))
    }

    @Test func mistakesAreRefusedClearly() throws {
        let data = try temporaryFolder([:])
        let unknown = try run(
            [
                "closures", "record", "--institution", "skolen", "--from", "2026-03-01 08:00", "--reason", "x",
                "--decided-by", "y",
            ],
            data: data)
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown institution 'skolen'"))
        let badTime = try run(
            [
                "closures", "record", "--institution", "skole-blaagaard", "--from", "i morgen", "--reason", "x",
                "--decided-by", "y",
            ],
            data: data)
        #expect(badTime.status == 64 && badTime.stderr.contains("--from must be a time"))
        let notClosed = try run(
            ["closures", "reopen", "--institution", "skole-blaagaard", "--at", "2026-03-01 08:00"], data: data)
        #expect(notClosed.status == 1 && notClosed.stderr.contains("has no open closure"))
    }
}

extension Run {
    /// Runs a Python snippet with arguments.
    static func python(_ code: String, _ arguments: String...) throws -> Run {
        try Run(["-c", code] + arguments, executable: URL(fileURLWithPath: "/usr/bin/env"), prefix: ["python3"])
    }
}
