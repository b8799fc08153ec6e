import BeredskabCheck
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import Testing

@testable import BeredskabEngine

/// A small deterministic generator (SplitMix64) so failures can be replayed from the seed.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random worlds in which the rules and roster deliberately break §115 (the checker reports errors,
/// which are ignored here), so the engine's own guard is what is tested.
struct RandomWorld {
    var random: Seeded
    let categories = Category.allCases.map(\.rawValue)
    /// The categories most history is of, so that conditions on them meet it often.
    let few = Category.allCases.prefix(4).map(\.rawValue)
    let kinds = OrganisationKind.allCases.map(\.rawValue)

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    mutating func engine() -> Engine {
        var text = "area by { polygon [0 0, 0 10, 10 10, 10 0] }\n"
        for a in 0..<4 {
            text += "area a\(a) { within by polygon [\(a * 2) 0, \(a * 2) 5, \(a * 2 + 2) 5, \(a * 2 + 2) 0] }\n"
        }
        for r in 0..<6 { text += "role r\(r) { duty \"d\"\(chance(50) ? " authority only" : "") }\n" }
        for o in 0..<4 { text += "organisation o\(o) { kind \(pick(kinds)) }\n" }
        for p in 0..<12 {
            let roles = (0..<6).filter { _ in chance(35) }.map { "r\($0)" }
            text += "person p\(p) { organisation o\(p % 4) email \"p\(p)@example.org\""
            text += roles.isEmpty ? "" : " roles \(roles.joined(separator: ", "))"
            text += chance(40) ? " key person }\n" : " }\n"
        }
        for r in 0..<6 where chance(50) {
            text +=
                "rota rota\(r) { role r\(r) members p\(r), p\(r + 6) handover daily 08:00 covers [daily 06:00-23:00] }\n"
        }
        for g in 0..<10 {
            let when = pick([
                "category \(pick(categories))", "area a\(g % 4)", "severity at least severe", "flag minors",
                "category [\(pick(categories)), \(pick(categories))] and area by", "always",
                "at least 2 incidents in same area within 1h", "not area a0 or flag weapons",
                "at least 3 incidents of [\(pick(few)), \(pick(few))] within 2h",
                "category \(pick(few)) and at least 2 incidents of \(pick(few)) in same area within 30m",
            ])
            text += "guideline g\(g) {\n  when \(when)\n"
            text += "  notify r\(g % 6)\(chance(70) ? " with personal details" : "")\n"
            if chance(50) { text += "  notify reporter\n" }
            if chance(30) { text += "  escalate to r\((g + 1) % 6) if unacknowledged for 10m with personal details\n" }
            if chance(20) { text += "  suppresses g\((g + 3) % 10)\n" }
            if chance(20) { text += "  merge duplicates within \(pick(["10m", "2h"]))\n" }
            if chance(30) { text += "  active for \(pick(["30m", "3h"]))\n" }
            text += "  message da \"x\"\n}\n"
        }
        var sources = SourceSet()
        sources.add(SourceFile(path: "random.rules", text: text))
        let result = Checker.check(sources)
        return Engine(rules: result.rules, roster: result.roster)
    }

    mutating func report(_ engine: Engine, id: Int) -> IncidentReport {
        let start = Instant(rfc3339: "2026-03-20T00:00:00+01:00")!.seconds
        var location = IncidentReport.Location()
        if chance(50) {
            location.area = pick(["by", "a0", "a1", "a2", "a3"])
        } else {
            location.coordinate = Coordinate(
                lat: Double(random.next() % 110) / 10, lon: Double(random.next() % 60) / 10)
        }
        return IncidentReport(
            id: "r\(id)", reporter: .init(organisation: "o\(random.next() % 4)"),
            occurredAt: Instant(seconds: start + Int(random.next() % (30 * 86_400))),
            category: pick(Array(Category.allCases.prefix(chance(50) ? 4 : Category.allCases.count))),
            severity: pick(IncidentSeverity.allCases), location: location,
            flags: Set(IncidentFlag.allCases.filter { _ in chance(30) }),
            persons: [.init(name: "Anonym", age: 15, involvement: "suspect", reference: nil)])
    }

    /// Up to 11 earlier (and a few later) incidents: some unplaced or in an area the rules do not
    /// know, some at the same second, some closed, with fired guidelines, so that the indexed
    /// history's answers (correlation counts, nearest duplicate, active suppressors) are held to
    /// the scan's.
    mutating func history(_ engine: Engine, before report: IncidentReport) -> [HistoryIncident] {
        var base = report.occurredAt.adding(-Int(random.next() % 3600))
        return (0..<Int(random.next() % 12)).map { n in
            if !chance(25) { base = report.occurredAt.adding(Int(random.next() % 8000) - 7200) }
            let fired = (0..<10).filter { _ in chance(20) }.map { "g\($0)" }
            return HistoryIncident(
                id: "h\(n)", category: pick(Array(Category.allCases.prefix(4))),
                area: pick(["by", "a0", "a1", "a2", "a3", "a1", "a2", nil, "elsewhere"]), occurredAt: base,
                fired: fired, closed: chance(20))
        }
    }
}

@Suite struct PropertyTests {
    @Test func noNonAuthorityEverReceivesPersonalDetailsAndIndexedAgreesWithNaive() {
        var personalSeen = 0
        var notificationsSeen = 0
        var (merged, suppressed) = (0, 0)
        for seed in UInt64(0)..<40 {
            var world = RandomWorld(random: Seeded(state: seed))
            let engine = world.engine()
            for n in 0..<80 {
                let report = world.report(engine, id: n)
                let history = world.history(engine, before: report)
                let plan = engine.evaluate(report, history: history)
                notificationsSeen += plan.notifications.count
                if plan.mergedInto != nil { merged += 1 }
                if !plan.suppressed.isEmpty { suppressed += 1 }
                // The texts themselves: no message names a person of the report, and only personal-tier
                // notifications carry the details.
                for notification in plan.notifications {
                    #expect(
                        !notification.message.contains("Anonym"), "seed \(seed) report \(n): \(notification.person)")
                    if notification.tier == .situation {
                        #expect(notification.details == nil, "seed \(seed) report \(n): \(notification.person)")
                    }
                }
                for notification in plan.notifications where notification.tier == .personal {
                    personalSeen += 1
                    let organisation = engine.roster.organisations[notification.organisation]
                    #expect(organisation?.isAuthority == true, "seed \(seed) report \(n): \(notification.person)")
                }
                #expect(plan == engine.evaluate(report, history: history, strategy: .naive), "seed \(seed) report \(n)")
            }
        }
        // The worlds do produce personal-tier notifications, so the property is not vacuous.
        #expect(personalSeen > 100)
        #expect(notificationsSeen > personalSeen)
        // History decides often enough that the indexed and scanned answers are truly compared.
        #expect(merged > 50 && suppressed > 50, "merged \(merged), suppressed \(suppressed)")
    }
}
