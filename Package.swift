// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "runbook",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "runbook", targets: ["runbook-cli"]),
        .library(name: "Runbook", targets: ["Runbook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(
            name: "Runbook",
            dependencies: ["CYaml"]
        ),
        .executableTarget(
            name: "runbook-cli",
            dependencies: [
                "Runbook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "RunbookTests",
            dependencies: ["Runbook"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
