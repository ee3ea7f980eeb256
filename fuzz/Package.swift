// swift-tools-version:6.0
import PackageDescription

// A libFuzzer target over the loader and the checker, in a package of its own so that the main
// build and CI never build it. `./run` builds it with `-sanitize=fuzzer,address` and runs it;
// docs/fuzzing.md says how.
let package = Package(
    name: "runbook-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "runbook", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "RunbookFuzz",
            dependencies: [.product(name: "RunbookChecking", package: "runbook")]
        )
    ],
    swiftLanguageModes: [.v6]
)
