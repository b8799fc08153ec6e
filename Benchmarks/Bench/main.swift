import CHeap
import Foundation

// Benchmarks that print figures; they never pass or fail on time.
//   beredskab-bench [check|engine|delivery|all] [--guidelines N] [--persons N] [--runs N] [--reports N]
// `check`: parse and check a generated rule set (default 10,000 guidelines, 5,000 persons).
// `engine`: evaluate reports with the indexed engine and, in the same run, the naive scan,
//           for 100, 1,000 and 10,000 guidelines (or --guidelines N) with 5,000 persons.
// `delivery`: the server and a webhook receiver on loopback: report → webhook latency, intake
//           throughput with durable commits, and a fan-out of 1,000 webhooks.
// `isolation`: 10 reports/s for --seconds (default 20) to a healthy webhook receiver, with and
//           without a second receiver that hangs: report → healthy receiver p50/p99.
// `hostile`: check and render the generated files that crashed or stalled the checker (issue 15).
// `pages`: render the board page with --incidents open incidents (default 500).

var mode = "all"
var options: [String: Int] = [
    "persons": 5_000, "runs": 7, "reports": 2_000, "seconds": 20, "rate": 10, "incidents": 500,
]
var arguments = CommandLine.arguments.dropFirst()
if let first = arguments.first, !first.hasPrefix("--") {
    mode = first
    arguments = arguments.dropFirst()
}
while let flag = arguments.popFirst() {
    let key = String(flag.dropFirst(2))
    guard flag.hasPrefix("--"),
        ["guidelines", "persons", "runs", "reports", "seconds", "rate", "incidents"].contains(key),
        let value = arguments.popFirst().flatMap(Int.init), value > 0,
        ["check", "engine", "delivery", "isolation", "hostile", "pages", "all"].contains(mode)
    else {
        FileHandle.standardError.write(
            Data(
                "usage: beredskab-bench [check|engine|delivery|isolation|hostile|pages|all] [--guidelines N] [--persons N] [--runs N] [--reports N] [--seconds N] [--rate N] [--incidents N]\n"
                    .utf8))
        exit(64)
    }
    options[key] = value
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Heap bytes in use, in MiB (glibc mallinfo).
func allocatedMiB() -> Double {
    Double(cheap_heap_in_use()) / 1_048_576
}

var ok = true
if mode == "check" || mode == "all" {
    ok =
        runCheckBenchmark(
            guidelines: options["guidelines"] ?? 10_000, persons: options["persons"]!, runs: options["runs"]!)
        && ok
}
if mode == "engine" || mode == "all" {
    let sizes = options["guidelines"].map { [$0] } ?? [100, 1_000, 10_000]
    ok = runEngineBenchmark(sizes: sizes, persons: options["persons"]!, reports: options["reports"]!) && ok
}
if mode == "delivery" || mode == "all" {
    ok = await runDeliveryBenchmark(reports: min(options["reports"]!, 1000)) && ok
}
if mode == "isolation" || mode == "all" {
    ok = await runIsolationBenchmark(seconds: options["seconds"]!, rate: options["rate"]!) && ok
}
if mode == "hostile" {
    ok = runHostileBenchmark() && ok
}
if mode == "pages" || mode == "all" {
    ok = runPageBenchmark(incidents: options["incidents"]!, runs: options["runs"]!) && ok
}
exit(ok ? 0 : 1)
