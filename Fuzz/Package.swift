// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets, one per parser that faces untrusted input. Built only by scripts/fuzz, with
// -sanitize=fuzzer,address; the main package never builds them (its replay test runs the same entries).
let targets = ["rules", "roster", "report", "cap"]

let package = Package(
    name: "BeredskabFuzzers",
    dependencies: [.package(name: "Beredskab", path: "..")],
    targets: targets.map { name in
        .executableTarget(
            name: "fuzz-\(name)", dependencies: [.product(name: "BeredskabFuzz", package: "Beredskab")],
            path: "Targets/fuzz-\(name)", swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
