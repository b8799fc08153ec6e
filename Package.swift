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
        // For Fuzz/Package.swift: the entry points its libFuzzer targets share with the replay test.
        .library(name: "BeredskabFuzz", targets: ["BeredskabFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Already pulled in by Hummingbird; named for the server's own HTTP/1 pipeline (connection limits).
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Mustache templates for the web pages: `{{x}}` escapes by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The shared store for several instances (issue 17): PostgreSQL's wire protocol on SwiftNIO.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already pulled in by postgres-nio; named for `sslmode=require`.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Parse: source files, diagnostics, lexer, parser, syntax tree.
        .target(name: "BeredskabSyntax", dependencies: ["BeredskabTime"]),
        // Weekly windows and local time in the deployment's zone (Europe/Copenhagen by default), read once
        // from the system's tz database through Foundation's TimeZone; without a clock.
        .target(name: "BeredskabTime"),
        // Check: the rule set (areas, roles, windows, guidelines) built from syntax.
        .target(name: "BeredskabRules", dependencies: ["BeredskabSyntax", "BeredskabTime"]),
        // Check: the roster (organisations, persons, rotas, overrides, institutions).
        .target(name: "BeredskabRoster", dependencies: ["BeredskabSyntax", "BeredskabTime", "BeredskabRules"]),
        // Evaluate and plan: a report, the history and the time in, a dispatch plan out. Pure.
        .target(
            name: "BeredskabEngine",
            dependencies: ["BeredskabSyntax", "BeredskabTime", "BeredskabRules", "BeredskabRoster"]),
        // Durable outbox: incidents, plans, notifications, attempts, acknowledgements, audit (SQLite embedded,
        // or PostgreSQL shared by several instances).
        .target(
            name: "BeredskabStore",
            dependencies: [
                "BeredskabEngine", "BeredskabReview", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libcurl from the system (Debian's libcurl4-openssl-dev), with typed wrappers for its variadic calls.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Dispatch: the worker that takes due notifications from the outbox, its retry policy and
        // per-destination limits, and escalation firing (unacknowledged alerts, unanswered watches,
        // overdue tasks, people who cannot be reached).
        .target(
            name: "BeredskabDispatch",
            dependencies: [
                "BeredskabEngine", "BeredskabStore", "BeredskabDelivery", "BeredskabTime",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Deliver: one curl multi handle on its own thread, and the email, SMS and webhook transports (signed with
        // swift-crypto's HMAC).
        .target(
            name: "BeredskabDelivery",
            dependencies: ["CCurl", .product(name: "Crypto", package: "swift-crypto")]),
        // The edge: intake, acknowledgement, the API and the pages' routes over HTTP, access control,
        // configuration and group commit.
        .target(
            name: "BeredskabServer",
            dependencies: [
                "BeredskabEngine", "BeredskabStore", "BeredskabDispatch", "BeredskabDelivery", "BeredskabCheck",
                "BeredskabCAP",
                "BeredskabWeb", "BeredskabReview", "BeredskabHandbook",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/openapi.json")]
        ),
        // CAP 1.2 (OASIS Common Alerting Protocol): alerts in as reports, incidents out as alerts. Pure.
        .target(
            name: "BeredskabCAP",
            dependencies: [
                "BeredskabEngine", "BeredskabRules", "BeredskabSyntax", "BeredskabTime",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The web pages: server-rendered HTML in Danish and English from plain view models, through Mustache
        // templates (Templates/*.mustache, loaded once from the bundle). Pure apart from reading its own templates.
        .target(
            name: "BeredskabWeb",
            dependencies: [
                "BeredskabRules", "BeredskabTime", "BeredskabReview", "BeredskabHandbook",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Templates")]
        ),
        // The handbook (issue 13): an organisation's written guidelines, from the rules and roster. Pure.
        .target(
            name: "BeredskabHandbook",
            dependencies: [
                "BeredskabEngine", "BeredskabRules", "BeredskabRoster", "BeredskabSyntax", "BeredskabTime",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Review: OKF's figures on institution closures and the reports side of the safety index (its page is in
        // BeredskabWeb). Pure.
        .target(name: "BeredskabReview", dependencies: ["BeredskabTime", "BeredskabRules", "BeredskabRoster"]),
        // Check as a whole: load files, build, cross-check, rota gaps, render.
        .target(name: "BeredskabCheck", dependencies: ["BeredskabSyntax", "BeredskabRules", "BeredskabRoster"]),
        .executableTarget(
            name: "beredskab",
            dependencies: [
                "BeredskabCheck",
                "BeredskabDispatch",
                "BeredskabEngine",
                "BeredskabHandbook",
                "BeredskabReview",
                "BeredskabServer",
                "BeredskabStore",
                "BeredskabSyntax",
                "BeredskabWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The fuzzers' entry points: any bytes through the rules, roster, report and CAP parsers (scripts/fuzz).
        .target(
            name: "BeredskabFuzz",
            dependencies: ["BeredskabCheck", "BeredskabEngine", "BeredskabCAP", "BeredskabRoster"],
            path: "Fuzz/Entries"),
        // Heap figures for the benchmark (glibc's mallinfo2).
        .target(name: "CHeap", path: "Benchmarks/CHeap"),
        .executableTarget(
            name: "beredskab-bench",
            dependencies: [
                "BeredskabCheck", "BeredskabEngine", "BeredskabServer", "BeredskabStore", "BeredskabDispatch",
                "BeredskabDelivery", "BeredskabWeb", "CHeap",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
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
        .testTarget(
            name: "BeredskabServerTests",
            dependencies: [
                "BeredskabServer", "BeredskabStore", "BeredskabDispatch", "BeredskabEngine", "BeredskabCheck",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(name: "BeredskabDeliveryTests", dependencies: ["BeredskabDelivery"], exclude: ["servers"]),
        .testTarget(name: "BeredskabReviewTests", dependencies: ["BeredskabReview", "BeredskabCheck"]),
        .testTarget(
            name: "BeredskabHandbookTests",
            dependencies: ["BeredskabHandbook", "BeredskabEngine", "BeredskabCheck", "BeredskabWeb"]),
        .testTarget(
            name: "BeredskabCAPTests", dependencies: ["BeredskabCAP", "BeredskabCheck"], exclude: ["Fixtures"]),
        .testTarget(name: "BeredskabWebTests", dependencies: ["BeredskabWeb", "BeredskabReview"]),
        .testTarget(name: "EndToEndTests", dependencies: ["beredskab"]),
        // Replays Fuzz/corpus and Fuzz/regressions through the fuzzers' entry points, without the fuzzer.
        .testTarget(name: "BeredskabFuzzTests", dependencies: ["BeredskabFuzz"]),
    ]
)
