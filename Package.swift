// swift-tools-version:6.0
import PackageDescription

// The targets are the stages of the pipeline, and their dependencies are the allowed arrows:
// text -> YAML nodes -> checked runbook -> engine -> step-log records -> renderers. The engine
// knows OCP only through the client protocol of `OCPModel`; the simulator, the HTTP client and
// the server know nothing of runbooks; only `RunbookYAML` touches C. `Runbook` wires them
// together for the command line. docs/architecture.md draws the graph (a test keeps it equal to
// this file).

let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let propertyBased = Target.Dependency.product(name: "PropertyBased", package: "swift-property-based")
let mustache = Target.Dependency.product(name: "Mustache", package: "swift-mustache")

let package = Package(
    name: "runbook",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "runbook", targets: ["runbook-cli"]),
        // The stages from bytes to a checked runbook, for the fuzzer in fuzz/ (a package of its own).
        .library(name: "RunbookChecking", targets: ["RunbookSupport", "RunbookYAML", "OCPModel", "RunbookLanguage"]),
        .library(
            name: "Runbook",
            targets: [
                "Runbook", "RunbookSupport", "RunbookYAML", "OCPModel", "RunbookLanguage", "RunbookStepLog",
                "RunbookEngine", "OCPSimulation", "OCPHTTP", "OCPHTTPServer", "RunbookReport",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // Locations, diagnostics, durations, file input, digests, suggestions, the run clock.
        .target(name: "RunbookSupport", dependencies: [crypto]),
        // The only importer of libyaml: bytes to a located, Sendable node tree.
        .target(name: "RunbookYAML", dependencies: ["CYaml", "RunbookSupport"]),
        // OCP's API: models, words, envelopes, errors, endpoints, the client protocol, AK/SK.
        .target(name: "OCPModel", dependencies: ["RunbookSupport", crypto]),
        // Nodes to a checked runbook: phrases, options, values, names, scopes, the schema.
        .target(name: "RunbookLanguage", dependencies: ["RunbookSupport", "RunbookYAML", "OCPModel", "Probes"]),
        // Step-log records, their sinks, the journal and the terminal renderer.
        .target(name: "RunbookStepLog", dependencies: ["RunbookSupport", "OCPModel"]),
        // Journals to reports: the drill report model, HTML (Mustache templates compiled in), JUnit,
        // Markdown, JSON, and the comparison of several drills.
        .target(name: "RunbookReport", dependencies: ["RunbookSupport", "OCPModel", "RunbookStepLog", mustache]),
        // The interpreter and the planner: a checked runbook, a client and a clock to records.
        .target(
            name: "RunbookEngine",
            dependencies: ["RunbookSupport", "OCPModel", "RunbookLanguage", "RunbookStepLog", "Probes"]),
        // Probes of a service as data (what to look at, what passes) and the client protocol.
        .target(name: "Probes", dependencies: ["RunbookSupport"]),
        // Probes for real: HTTP(S), TCP, programs.
        .target(
            name: "ProbeRunners",
            dependencies: [
                "Probes", "RunbookSupport", "OCPHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        // The embedded OCP: clusters and the task engine as a function of simulated time.
        .target(name: "OCPSimulation", dependencies: ["RunbookSupport", "OCPModel", "Probes"]),
        // The OCP client over HTTP(S).
        .target(
            name: "OCPHTTP",
            dependencies: [
                "RunbookSupport", "OCPModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        // Any OCP client served as OCP's HTTP API (`runbook serve`).
        .target(
            name: "OCPHTTPServer",
            dependencies: [
                "RunbookSupport", "OCPModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // The wiring: targets and credentials, the simulator for `simulate:`, running a runbook.
        .target(
            name: "Runbook",
            dependencies: [
                "RunbookSupport", "RunbookYAML", "OCPModel", "RunbookLanguage", "RunbookStepLog", "RunbookEngine",
                "OCPSimulation", "OCPHTTP", "OCPHTTPServer", "Probes", "ProbeRunners",
            ]),
        .executableTarget(
            name: "runbook-cli",
            dependencies: [
                "Runbook", "RunbookSupport", "RunbookYAML", "OCPModel", "RunbookLanguage", "RunbookStepLog",
                "RunbookEngine", "OCPSimulation", "OCPHTTP", "OCPHTTPServer", "RunbookReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "runbook-bench",
            dependencies: ["Runbook", "RunbookSupport", "RunbookYAML", "OCPModel", "RunbookLanguage", "RunbookStepLog", "RunbookEngine", "OCPSimulation", "Probes",
            ],
            path: "benchmarks/runbook-bench"
        ),
        // Helpers shared by the test targets: package files, the built binary, harnesses, a live server.
        .target(
            name: "RunbookTestSupport",
            dependencies: [
                "Runbook", "RunbookSupport", "RunbookYAML", "OCPModel", "RunbookLanguage", "RunbookStepLog",
                "RunbookEngine", "OCPSimulation", "OCPHTTP", "OCPHTTPServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "RunbookSupportTests", dependencies: ["RunbookSupport", "RunbookTestSupport", propertyBased]),
        .testTarget(
            name: "RunbookYAMLTests", dependencies: ["RunbookYAML", "RunbookSupport", "RunbookLanguage", "RunbookTestSupport"],
            exclude: ["Suite"]),
        .testTarget(name: "OCPModelTests", dependencies: ["OCPModel", "RunbookSupport", "RunbookTestSupport"]),
        .testTarget(
            name: "RunbookLanguageTests",
            dependencies: [
                "RunbookLanguage", "RunbookYAML", "OCPModel", "RunbookSupport", "RunbookTestSupport", propertyBased,
            ]),
        .testTarget(
            name: "RunbookStepLogTests", dependencies: ["RunbookStepLog", "OCPModel", "RunbookSupport", "RunbookTestSupport"]),
        .testTarget(
            name: "RunbookReportTests",
            dependencies: [
                "RunbookReport", "RunbookStepLog", "RunbookEngine", "RunbookLanguage", "OCPModel", "OCPSimulation",
                "Runbook", "RunbookSupport", "RunbookTestSupport",
            ],
            exclude: ["Fixtures", "Golden"]),
        .testTarget(
            name: "RunbookEngineTests",
            dependencies: [
                "RunbookEngine", "RunbookLanguage", "RunbookStepLog", "OCPModel", "OCPSimulation", "Runbook",
                "RunbookSupport", "RunbookTestSupport", "Probes",
            ]),
        .testTarget(
            name: "OCPSimulationTests",
            dependencies: ["OCPSimulation", "OCPModel", "RunbookSupport", "RunbookTestSupport", "Probes"]),
        .testTarget(name: "ProbesTests", dependencies: ["Probes", "RunbookSupport"]),
        .testTarget(
            name: "ProbeRunnersTests",
            dependencies: [
                "ProbeRunners", "Probes", "RunbookSupport", "RunbookTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(
            name: "OCPHTTPTests",
            dependencies: [
                "OCPHTTP", "OCPHTTPServer", "OCPSimulation", "OCPModel", "Runbook", "RunbookEngine", "RunbookLanguage",
                "RunbookStepLog", "RunbookSupport", "RunbookTestSupport", "Probes", "ProbeRunners",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .testTarget(
            name: "OCPHTTPServerTests",
            dependencies: [
                "OCPHTTPServer", "OCPHTTP", "OCPSimulation", "OCPModel", "Runbook", "RunbookEngine", "RunbookLanguage",
                "RunbookStepLog", "RunbookSupport", "RunbookTestSupport", "Probes",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        // The command line, end to end: the `runbook` executable is built before these run.
        .testTarget(
            name: "RunbookTests",
            dependencies: [
                "runbook-cli", "Runbook", "RunbookStepLog", "OCPModel", "RunbookSupport", "RunbookTestSupport",
                "RunbookReport", "RunbookEngine", "RunbookLanguage", "RunbookYAML", "OCPHTTP", "OCPHTTPServer",
                "OCPSimulation",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
