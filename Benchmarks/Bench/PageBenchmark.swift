import BeredskabRules
import BeredskabTime
import BeredskabWeb
import Foundation

/// Times rendering the board page (`/board`) with `incidents` open incidents and 20 waiting
/// deliveries, in Danish, signed in: the largest page the server renders on a timer.
func runPageBenchmark(incidents: Int, runs: Int) -> Bool {
    let categories = Category.allCases
    let severities = IncidentSeverity.allCases
    let escalations = BoardRow.Escalation.allCases
    let rows = (0..<incidents).map { i in
        BoardRow(
            id: "fsb:2026-\(String(format: "%06d", i))", areaName: i % 7 == 0 ? nil : "Område \(i % 40) & <Nord>",
            category: categories[i % categories.count], severity: severities[i % severities.count],
            ageMinutes: (i * 37) % 600, acknowledged: i % 3 == 0, escalation: escalations[i % escalations.count],
            link: "/incidents/fsb%3A2026-\(i)")
    }
    let now = Instant(seconds: 1_795_000_000)
    let waiting = (0..<20).map { i in
        WaitingDelivery(
            name: "Modtager \(i)", incident: "fsb:2026-\(i)", link: "/incidents/fsb%3A2026-\(i)", channel: "sms",
            failedAttempts: i % 5 + 1, waitingMinutes: i * 3, nextAttemptAt: now, lastError: "HTTP 503 \"busy\"")
    }
    let page = BoardPage(rows: rows, updatedAt: now, waiting: waiting)
    let context = PageContext(
        lang: .da, path: "/board",
        user: SignedInUser(name: "Ole Berg", organisation: "ØKF", mayReport: true, mayUseBoard: true, mayReview: true),
        csrf: "csrf-token")
    var bytes = page.render(context).utf8.count  // warm-up, and the templates loaded
    let clock = ContinuousClock()
    let times = (0..<runs).map { _ in seconds(clock.measure { bytes = page.render(context).utf8.count }) }.sorted()
    let ms = times.map { String(format: "%.1f", $0 * 1000) }
    print("pages: the board with \(incidents) open incidents and 20 waiting deliveries (\(runs) runs after a warm-up)")
    print("  \(bytes / 1024) KiB of HTML; min \(ms.first!) ms  median \(ms[times.count / 2]) ms  max \(ms.last!) ms")
    return bytes > 0
}
