// swift-tools-version:6.1
import PackageDescription

// The modules follow the pipeline a report travels. Only the CLI pulls in outside packages;
// the language, time and roster modules are pure Swift with no I/O and no clock.
let package = Package(
    name: "Beredskab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "beredskab", targets: ["beredskab"]),
        .library(name: "BeredskabCheck", targets: ["BeredskabCheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // Parse: source files, diagnostics, lexer, parser, syntax tree.
        .target(name: "BeredskabSyntax"),
        // Weekly windows and Europe/Copenhagen local time, without a clock.
        .target(name: "BeredskabTime"),
        // Check: the rule set (areas, roles, windows, guidelines) built from syntax.
        .target(name: "BeredskabRules", dependencies: ["BeredskabSyntax", "BeredskabTime"]),
        // Check: the roster (organisations, persons, rotas, overrides, institutions).
        .target(name: "BeredskabRoster", dependencies: ["BeredskabSyntax", "BeredskabTime", "BeredskabRules"]),
        // Evaluate and plan: a report, the history and the time in, a dispatch plan out. Pure.
        .target(
            name: "BeredskabEngine",
            dependencies: ["BeredskabSyntax", "BeredskabTime", "BeredskabRules", "BeredskabRoster"]),
        // Check as a whole: load files, build, cross-check, rota gaps, render.
        .target(name: "BeredskabCheck", dependencies: ["BeredskabSyntax", "BeredskabRules", "BeredskabRoster"]),
        .executableTarget(
            name: "beredskab",
            dependencies: [
                "BeredskabCheck",
                "BeredskabEngine",
                "BeredskabSyntax",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Heap figures for the benchmark (glibc's mallinfo2).
        .target(name: "CHeap", path: "Benchmarks/CHeap"),
        .executableTarget(
            name: "beredskab-bench",
            dependencies: ["BeredskabCheck", "BeredskabEngine", "CHeap"],
            path: "Benchmarks/Bench"
        ),
        .testTarget(name: "BeredskabSyntaxTests", dependencies: ["BeredskabSyntax"]),
        .testTarget(name: "BeredskabTimeTests", dependencies: ["BeredskabTime"]),
        .testTarget(name: "BeredskabEngineTests", dependencies: ["BeredskabEngine", "BeredskabCheck"]),
        .testTarget(
            name: "BeredskabCheckTests",
            dependencies: ["BeredskabCheck", "BeredskabRules", "BeredskabRoster", "BeredskabSyntax"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["beredskab"]),
    ]
)
