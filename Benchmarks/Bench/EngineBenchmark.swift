import BeredskabCheck
import BeredskabEngine
import BeredskabRules
import BeredskabSyntax
import BeredskabTime
import Foundation

/// Times evaluation plus recipient resolution per report, indexed and naive, for several rule-set sizes.
func runEngineBenchmark(sizes: [Int], persons: Int, reports count: Int) -> Bool {
    print("engine: evaluate a report into a plan (conditions, suppression, duty, recipients, messages)")
    print("  \(count) generated reports per size, each evaluated once after a warm-up pass; 20 incidents of history")
    print(
        "  guidelines   compile ms    model MiB   fired/report   indexed median   indexed p99   naive median   naive p99   naive/indexed   median when firing"
    )
    var ok = true
    for size in sizes {
        var generator = Generator(guidelines: size, persons: persons)
        var sources = SourceSet()
        for (path, text) in generator.files() { sources.add(SourceFile(path: path, text: text)) }
        let before = allocatedMiB()
        let checked = Checker.check(sources)
        if checked.errorCount > 0 {
            print("  the generated rule set has errors")
            ok = false
            continue
        }
        let clock = ContinuousClock()
        var engine: Engine?
        let compile = seconds(clock.measure { engine = Engine(rules: checked.rules, roster: checked.roster) })
        let memory = allocatedMiB() - before
        let compiled = engine!

        var random = SplitMix64(state: UInt64(size))
        let areas = compiled.areas.ids
        let start = Instant(rfc3339: "2026-11-16T00:00:00+01:00")!.seconds
        let reports: [IncidentReport] = (0..<count).map { n in
            IncidentReport(
                id: "r\(n)", reporter: .init(organisation: n % 3 == 0 ? "politi" : "bolig-\(n % 10)"),
                occurredAt: Instant(seconds: start + Int(random.next() % (7 * 86_400))),
                category: Category.allCases[Int(random.next() % 16)],
                severity: IncidentSeverity.allCases[Int(random.next() % 4)],
                location: .init(area: areas[Int(random.next() % UInt64(areas.count))]),
                flags: Set(IncidentFlag.allCases.filter { _ in random.next() % 3 == 0 }))
        }
        let history: [HistoryIncident] = (0..<20).map { n in
            HistoryIncident(
                id: "h\(n)", category: .unrest, area: areas[n % areas.count],
                occurredAt: Instant(seconds: start + n * 3600), fired: [])
        }
        func timings(_ strategy: Engine.Strategy) -> (times: [Double], fired: Int, firing: [Double]) {
            for report in reports.prefix(200) { _ = compiled.evaluate(report, history: history, strategy: strategy) }
            var fired = 0
            var firing: [Double] = []
            let times = reports.map { report in
                var count = 0
                let time = seconds(
                    clock.measure {
                        count = compiled.evaluate(report, history: history, strategy: strategy).fired.count
                    })
                fired += count
                if count > 0 { firing.append(time) }
                return time
            }.sorted()
            return (times, fired, firing.sorted())
        }
        let indexed = timings(.indexed)
        let naive = timings(.naive)
        func micro(_ times: [Double], _ q: Double) -> Double {
            times[min(times.count - 1, Int(Double(times.count) * q))] * 1e6
        }
        let ratio = micro(naive.times, 0.5) / micro(indexed.times, 0.5)
        print(
            String(
                format:
                    "  %10d   %10.1f   %10.1f   %12.1f   %11.1f µs   %8.1f µs   %9.1f µs   %6.1f µs   %12.1f×   %9.1f µs",
                size, compile * 1000, memory, Double(indexed.fired) / Double(count), micro(indexed.times, 0.5),
                micro(indexed.times, 0.99), micro(naive.times, 0.5), micro(naive.times, 0.99), ratio,
                indexed.firing.isEmpty ? 0 : micro(indexed.firing, 0.5)))
        if indexed.fired != naive.fired {
            print("  the indexed and naive engines disagree: \(indexed.fired) vs \(naive.fired) firings")
            ok = false
        }
    }
    print("  model MiB: heap in use for the checked rule set, roster and compiled engine (glibc mallinfo2)")
    print(
        "  goals at 10,000 guidelines: indexed median under 20 µs, at least 10× the naive scan, compiled set under 100 MB"
    )
    return ok
}
