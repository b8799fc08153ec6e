// swift-tools-version:6.1
import PackageDescription

// Builds the fuzz entry points of the main package with -sanitize=fuzzer,address, apart from the normal
// build (in Fuzz/.build). scripts/fuzz links each libFuzzer target (Targets/fuzz-*/Fuzz.swift) against
// them with swiftc: a SwiftPM executable would bring its own `main`, and libFuzzer must bring its own.
let package = Package(
    name: "BeredskabFuzzers",
    dependencies: [.package(name: "Beredskab", path: "..")],
    targets: [
        .target(
            name: "FuzzDependencies", dependencies: [.product(name: "BeredskabFuzz", package: "Beredskab")],
            path: "Dependencies")
    ]
)
